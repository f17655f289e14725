from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from layak import authz
from layak.accounts.models import User
from layak.core.http import HtmxHttpRequest, parse_id
from layak.evaluation.actions import EvaluationError
from layak.evaluation.views.answers import _back
from layak.evaluation.views.common import get_answer, user_of
from layak.evidence import actions
from layak.evidence.downloads import evidence_response
from layak.evidence.models import EvidenceFile, EvidenceLink
from layak.evidence.sniff import UploadRefused
from layak.frameworks.models import EvidenceRequirement
from layak.regions.models import Region

A = authz.Action


def _upload_districts(user: User) -> list[Region]:
    """The regencies/cities whose library this person may add files to."""
    grants = [g for g in authz.grants(user) if g.allows(A.EDIT)]
    regions = Region.objects.filter(level=Region.Level.REGENCY).order_by("name")
    if any(g.national for g in grants):
        return list(regions)
    codes = {".".join(path.split(".")[:2]) for g in grants for path in g.paths}
    return list(regions.filter(code__in=codes))


@login_required
def library(request: HttpRequest) -> HttpResponse:
    """The district's evidence library: every file, where it is used, upload."""
    user = user_of(request)
    files = (
        EvidenceFile.objects.for_user(user, A.VIEW)
        .select_related("region", "uploaded_by", "organisation")
        .annotate(uses=Count("links", filter=Q(links__is_active=True)))
        .order_by("-uploaded_at", "-pk")
    )
    q = request.GET.get("q", "").strip()[:100]
    if q:
        files = files.filter(name__icontains=q)
    districts = _upload_districts(user)
    page = Paginator(files, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "evidence/library.html",
        {
            "page": page,
            "q": q,
            "districts": districts,
            "can_publish": authz.has_action(user, A.MANAGE),
        },
    )


@login_required
@require_POST
def upload(request: HtmxHttpRequest) -> HttpResponse:
    """Upload to the library; with ``answer`` also attach to that answer. A refused file changes
    nothing and says why."""
    user = user_of(request)
    authz.require(user, A.EDIT)
    raw_answer = request.POST.get("answer", "")
    answer_id = parse_id(raw_answer)
    answer = get_answer(user, answer_id, A.EDIT) if answer_id is not None else None
    if answer is not None:
        region = answer.assessment.region
    else:
        region = get_object_or_404(
            Region, code=request.POST.get("region", ""), level=Region.Level.REGENCY
        )
        if region not in _upload_districts(user):
            raise Http404
    upload = request.FILES.get("file")
    if upload is None:
        error = _("Choose a file to upload.")
        if answer is not None:
            return _back(request, answer, error=error)
        messages.error(request, error)
        return redirect("evidence:library")
    try:
        evidence, created = actions.evidence_upload(
            actor=user, region=region, data=upload, name=upload.name or "", size=upload.size or 0
        )
        note = (
            _("Uploaded.")
            if created
            else _("This file is already in the library; the existing copy is used.")
        )
        if answer is not None:
            requirement = _requirement(request, answer.question_id)
            actions.evidence_attach(
                actor=user, answer=answer, evidence=evidence, requirement=requirement
            )
            return _back(request, answer, message=note)
    except (UploadRefused, EvaluationError) as exc:
        if answer is not None:
            return _back(request, answer, error=str(exc))
        messages.error(request, str(exc))
        return redirect("evidence:library")
    messages.success(request, note)
    return redirect("evidence:library")


def _requirement(request: HttpRequest, question_id: int) -> EvidenceRequirement | None:
    pk = parse_id(request.POST.get("requirement"))
    if pk is None:
        return None
    return EvidenceRequirement.objects.filter(pk=pk, question_id=question_id).first()


@login_required
@require_POST
def attach(request: HtmxHttpRequest) -> HttpResponse:
    """Attach a file already in the library (this cycle's or an earlier one's)."""
    user = user_of(request)
    answer = get_answer(user, parse_id(request.POST.get("answer")) or 0, A.EDIT)
    file_id = parse_id(request.POST.get("file"))
    evidence = (
        EvidenceFile.objects.for_user(user, A.VIEW).filter(pk=file_id).first()
        if file_id is not None
        else None
    )
    if evidence is None:
        return _back(request, answer, error=_("Choose a file from the library."))
    try:
        actions.evidence_attach(
            actor=user,
            answer=answer,
            evidence=evidence,
            requirement=_requirement(request, answer.question_id),
        )
    except EvaluationError as exc:
        return _back(request, answer, error=str(exc))
    return _back(request, answer, message=_("Attached."))


@login_required
@require_POST
def detach(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    link = get_object_or_404(EvidenceLink.objects.select_related("answer"), pk=pk)
    answer = get_answer(user, link.answer_id, A.EDIT)
    try:
        actions.evidence_detach(actor=user, link=link)
    except EvaluationError as exc:
        return _back(request, answer, error=str(exc))
    return _back(
        request, answer, message=_("Removed from the answer; the file stays in the library.")
    )


@login_required
def download(request: HttpRequest, pk: int) -> FileResponse:
    """Files are only ever served here, after the access check, as attachments."""
    user = user_of(request)
    evidence: EvidenceFile = authz.get_object_for_user(
        EvidenceFile.objects.all(), user, A.VIEW, pk=pk
    )
    return evidence_response(evidence)


@login_required
@require_POST
def set_public(request: HttpRequest, pk: int) -> HttpResponse:
    """The district administrator marks a library file public (offered on the public portal
    with the section it belongs to) or private again."""
    user = user_of(request)
    evidence: EvidenceFile = authz.get_object_for_user(
        EvidenceFile.objects.all(), user, A.MANAGE, pk=pk
    )
    public = request.POST.get("public") == "1"
    try:
        actions.evidence_set_public(actor=user, evidence=evidence, public=public)
    except UploadRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("The file may now be shown on the public portal.")
            if public
            else _("The file is no longer public."),
        )
    return redirect("evidence:library")
