from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from layak import authz
from layak.evaluation import actions, scores
from layak.evaluation.forms import CycleForm, DistrictsForm, GateForm, WindowsForm
from layak.evaluation.models import Answer, Assessment, Cycle
from layak.evaluation.views.common import A, user_of
from layak.jobs import runner
from layak.regions.models import Region


def _national(request: HttpRequest) -> bool:
    return authz.reaches(user_of(request), A.MANAGE, None)


@login_required
def cycle_list(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    cycles = Cycle.objects.select_related("instrument__framework").prefetch_related("stages")
    assessments = (
        Assessment.objects.for_user(user, A.VIEW)
        .select_related("cycle", "region")
        .annotate(
            total=Count("answers"),
            done=Count("answers", filter=Q(answers__status=Answer.Status.ACCEPTED)),
        )
        .order_by("-cycle__created_at", "region__code")[:50]
    )
    return render(
        request,
        "evaluation/cycle_list.html",
        {
            "cycles": cycles,
            "assessments": assessments,
            "can_manage": _national(request),
            "now": timezone.now(),
        },
    )


@login_required
def cycle_create(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    authz.require(user, A.MANAGE, _national(request))
    raw = request.POST.get("level") or request.GET.get("level") or "2"
    level = int(raw) if raw in {"2", "3", "4"} else 2
    form = CycleForm(request.POST or None, level=level)
    if request.method == "POST" and form.is_valid():
        try:
            cycle = actions.cycle_create(
                actor=user,
                name=form.cleaned_data["name"],
                instrument=form.cleaned_data["instrument"],
                windows=form.windows(),
            )
        except actions.EvaluationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The cycle has been created."))
            return redirect("evaluation:cycle", pk=cycle.pk)
    return render(
        request, "evaluation/cycle_form.html", {"form": form, "cycle": None, "level": level}
    )


@login_required
def cycle_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    cycle = get_object_or_404(Cycle.objects.select_related("instrument__framework"), pk=pk)
    assessments = list(
        Assessment.objects.for_user(user, A.VIEW)
        .filter(cycle=cycle)
        .select_related("region__parent")
        .annotate(
            total=Count("answers"),
            accepted=Count("answers", filter=Q(answers__status=Answer.Status.ACCEPTED)),
        )
        .order_by("region__code")
    )
    results = scores.results(cycle, [a.pk for a in assessments]) if assessments else {}
    rows = [(a, results.get(a.pk, scores.Result(a.pk))) for a in assessments]
    national = _national(request)
    return render(
        request,
        "evaluation/cycle_detail.html",
        {
            "cycle": cycle,
            "stages": cycle.stages.order_by("opens_at"),
            "rows": rows,
            "gates": cycle.gates.select_related("question", "max_band"),
            "can_manage": national,
            "districts_form": DistrictsForm() if national else None,
            "gate_form": GateForm(instrument_id=cycle.instrument_id) if national else None,
            "now": timezone.now(),
        },
    )


@login_required
def cycle_windows(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    authz.require(user, A.MANAGE, _national(request))
    cycle = get_object_or_404(Cycle.objects.select_related("instrument__framework"), pk=pk)
    stages = {s.kind: s for s in cycle.stages.all()}
    initial = {}
    for kind, stage in stages.items():
        initial[f"{kind}_opens"] = timezone.localtime(stage.opens_at).date()
        initial[f"{kind}_closes"] = (
            timezone.localtime(stage.closes_at) - datetime.timedelta(days=1)
        ).date()
    form = WindowsForm(
        request.POST or None, initial=initial, level=cycle.instrument.framework.region_level
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.cycle_set_windows(actor=user, cycle=cycle, windows=form.windows())
        except actions.EvaluationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The stage windows have been saved."))
            return redirect("evaluation:cycle", pk=cycle.pk)
    return render(request, "evaluation/cycle_form.html", {"form": form, "cycle": cycle})


@login_required
@require_POST
def cycle_add_districts(request: HttpRequest, pk: int) -> HttpResponse:
    """Add the regions that take part. A code above the instrument's level stands for all its
    regions at that level (a province for its regencies, a regency for its villages). The
    ministry adds anywhere; a district administrator adds its own kecamatan and villages."""
    user = user_of(request)
    cycle = get_object_or_404(Cycle.objects.select_related("instrument__framework"), pk=pk)
    level = cycle.instrument.framework.region_level
    allowed = _national(request) or (level > 2 and authz.has_action(user, A.MANAGE))
    authz.require(user, A.MANAGE, allowed)
    form = DistrictsForm(request.POST)
    if form.is_valid():
        codes = [
            c.strip() for c in form.cleaned_data["codes"].replace(";", ",").split(",") if c.strip()
        ]
        given = list(Region.objects.filter(code__in=codes))
        unknown = set(codes) - {r.code for r in given}
        regions: list[Region] = []
        for region in given:
            if region.level == level:
                regions.append(region)
            elif region.level < level:
                regions += list(Region.objects.below(region).filter(level=level, is_active=True))
            else:
                unknown.add(region.code)
        if not _national(request):
            outside = [r for r in regions if not authz.reaches(user, A.MANAGE, r)]
            unknown |= {r.code for r in outside}
        if unknown:
            messages.error(
                request,
                _("These codes cannot be added: %(codes)s") % {"codes": ", ".join(sorted(unknown))},
            )
        else:
            try:
                created = actions.cycle_add_districts(actor=user, cycle=cycle, regions=regions)
            except actions.EvaluationError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("%(n)s regions added.") % {"n": len(created)})
    return redirect("evaluation:cycle", pk=cycle.pk)


@login_required
@require_POST
def gate_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    authz.require(user, A.MANAGE, _national(request))
    cycle = get_object_or_404(Cycle, pk=pk)
    form = GateForm(request.POST, instrument_id=cycle.instrument_id)
    if form.is_valid():
        try:
            actions.gate_add(actor=user, cycle=cycle, **form.cleaned_data)
        except actions.EvaluationError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The gate has been added."))
    else:
        messages.error(request, _("Choose a question and a predicate, and give the reason."))
    return redirect("evaluation:cycle", pk=cycle.pk)


@login_required
def region_status(request: HttpRequest, code: str) -> HttpResponse:
    """A province: its regencies and cities with their latest predicate, and whether it is a
    Provinsi Layak Anak (every one holds a predicate). A regency or city: its kecamatan and
    villages with their status, and the KELANA/DEKELA shares its evaluation counts."""
    from layak.evaluation import computed

    user = user_of(request)
    region = get_object_or_404(
        Region.objects.filter(authz.scope_q(user, A.VIEW, region="")),
        code=code,
        level__in=[Region.Level.PROVINCE, Region.Level.REGENCY],
    )
    context: dict[str, object] = {"region": region}
    if region.level == Region.Level.PROVINCE:
        found = computed.statuses(region, 2)
        names = dict(Region.objects.filter(pk__in=list(found)).values_list("pk", "name"))
        context["rows"] = sorted(
            ((names[pk], status) for pk, status in found.items()), key=lambda r: r[0]
        )
        context["provila"] = bool(found) and all(status is not None for status in found.values())
    else:
        for level, key in ((3, "kecamatan"), (4, "villages")):
            found = computed.statuses(region, level)
            names = dict(Region.objects.filter(pk__in=list(found)).values_list("pk", "name"))
            context[key] = sorted(
                ((names[pk], status) for pk, status in found.items()), key=lambda r: r[0]
            )
            context[f"{key}_share"] = computed.share(region, level)
    return render(request, "evaluation/region_status.html", context)


@login_required
@require_POST
def reminders_send(request: HttpRequest) -> HttpResponse:
    """Send today's deadline reminders now, in the background (the ministry)."""
    user = user_of(request)
    authz.require(user, A.MANAGE, _national(request))
    job = runner.start(actor=user, kind="reminders", label=_("Send today's deadline reminders"))
    return redirect(job)
