from __future__ import annotations

import uuid
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from layak import authz
from layak.accounts.models import User
from layak.core.http import parse_id
from layak.evidence.storage import StorageFull, store
from layak.frameworks import actions
from layak.frameworks.forms import ImportForm
from layak.frameworks.matrix import matrix_workbook
from layak.frameworks.models import (
    EvidenceRequirement,
    Framework,
    Indicator,
    InstrumentVersion,
    Question,
)
from layak.frameworks.spec import spec_of
from layak.frameworks.workbook import export_workbook
from layak.jobs import runner

ZERO = Decimal(0)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _can_manage(user: User) -> bool:
    return authz.reaches(user, authz.Action.MANAGE, None)


@login_required
def framework_list(request: HttpRequest) -> HttpResponse:
    """Instruments are reference data: every signed-in person may read them."""
    frameworks = Framework.objects.prefetch_related(
        Prefetch(
            "versions",
            queryset=InstrumentVersion.objects.annotate(question_count=Count("questions")).order_by(
                "-number"
            ),
        )
    )
    return render(
        request,
        "frameworks/list.html",
        {"frameworks": frameworks, "can_manage": _can_manage(_user(request))},
    )


@login_required
def version_detail(request: HttpRequest, pk: int) -> HttpResponse:
    version = get_object_or_404(InstrumentVersion.objects.select_related("framework"), pk=pk)
    indicators = (
        Indicator.objects.filter(version=version)
        .select_related("group")
        .prefetch_related(
            Prefetch(
                "questions",
                queryset=Question.objects.prefetch_related(
                    "options", "score_bands", "evidence_requirements"
                ).select_related("previous"),
            )
        )
        .order_by("group__order", "order")
    )
    # A group's maximum is the sum of its indicators' (their own maximum, else their questions').
    maxima: dict[int, Decimal] = {}
    for ind in indicators:
        own = ind.max_points
        points = own if own is not None else sum((q.max_points for q in ind.questions.all()), ZERO)
        maxima[ind.group_id] = maxima.get(ind.group_id, ZERO) + points
    for ind in indicators:
        ind.group.maximum = maxima[ind.group_id]  # type: ignore[attr-defined]
    return render(
        request,
        "frameworks/version.html",
        {
            "version": version,
            "indicators": indicators,
            "bands": version.bands.all(),
            "can_manage": _can_manage(_user(request)),
        },
    )


@login_required
def version_export(request: HttpRequest, pk: int) -> HttpResponse:
    version = get_object_or_404(InstrumentVersion.objects.select_related("framework"), pk=pk)
    response = HttpResponse(export_workbook(spec_of(version)), content_type=XLSX)
    name = slugify(f"{version.framework.code}-v{version.number}")
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


@login_required
def question_matrix(request: HttpRequest, pk: int, question: int) -> HttpResponse:
    """The matrix template of a question that asks for one (reference data, like the rest of
    the instrument: every signed-in person may download it)."""
    q = get_object_or_404(
        Question.objects.select_related("version__framework", "indicator").filter(
            evidence_requirements__kind=EvidenceRequirement.Kind.MATRIX
        ),
        pk=question,
        version_id=pk,
    )
    response = HttpResponse(matrix_workbook(q), content_type=XLSX)
    name = slugify(f"matriks-{q.code}")
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


@login_required
def instrument_import(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    authz.require(user, authz.Action.MANAGE, _can_manage(user))
    form = ImportForm(request.POST or None, request.FILES or None)
    context: dict[str, object] = {"form": form}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            path = store(default_storage, f"job-uploads/{uuid.uuid4().hex}.xlsx", upload)
        except StorageFull as exc:
            form.add_error("file", str(exc))
            return render(request, "frameworks/import.html", context)
        dry_run = form.cleaned_data["dry_run"]
        job = runner.start(
            actor=user,
            kind="instrument_import",
            label=(
                _("Check the instrument workbook %(name)s")
                if dry_run
                else _("Import the instrument workbook %(name)s")
            )
            % {"name": upload.name},
            params={"path": path, "dry_run": dry_run},
        )
        return redirect(job)
    return render(request, "frameworks/import.html", context)


@login_required
@require_POST
def version_publish(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    version = get_object_or_404(InstrumentVersion, pk=pk)
    authz.require(user, authz.Action.MANAGE, _can_manage(user))
    try:
        actions.version_publish(actor=user, version=version)
    except actions.InstrumentError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The version has been published and is now frozen."))
    return redirect("frameworks:version", pk=pk)


@login_required
@require_POST
def version_copy(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    version = get_object_or_404(InstrumentVersion, pk=pk)
    authz.require(user, authz.Action.MANAGE, _can_manage(user))
    copy = actions.version_copy(actor=user, version=version)
    messages.success(request, _("A new draft version has been made."))
    return redirect("frameworks:version", pk=copy.pk)


@login_required
def version_mapping(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    version = get_object_or_404(InstrumentVersion.objects.select_related("previous"), pk=pk)
    authz.require(user, authz.Action.MANAGE, _can_manage(user))
    questions = list(
        version.questions.select_related("indicator").order_by("indicator__order", "order")
    )
    previous = (
        list(Question.objects.filter(version_id=version.previous_id).order_by("code"))
        if version.previous_id
        else []
    )
    if request.method == "POST":
        mapping: dict[int, int | None] = {}
        for q in questions:
            raw = request.POST.get(f"q{q.pk}", "")
            mapping[q.pk] = parse_id(raw)
        try:
            n = actions.questions_map(actor=user, version=version, mapping=mapping)
        except actions.InstrumentError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("%(n)s questions mapped.") % {"n": n})
            return redirect("frameworks:version", pk=pk)
    return render(
        request,
        "frameworks/mapping.html",
        {"version": version, "questions": questions, "previous": previous},
    )
