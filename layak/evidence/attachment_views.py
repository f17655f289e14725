"""Add, remove and download attachments of any attachable record."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from layak import authz
from layak.core.http import parse_id
from layak.evaluation.views.common import user_of
from layak.evidence.attachments import (
    AttachmentRefused,
    attachment_add,
    attachment_remove,
    get_owner,
    owner_key,
)
from layak.evidence.downloads import evidence_response
from layak.evidence.models import Attachment
from layak.evidence.sniff import UploadRefused

A = authz.Action


def _back(request: HttpRequest, owner: object) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(owner.get_absolute_url())  # type: ignore[attr-defined]


@login_required
@require_POST
def add(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    pk = parse_id(request.POST.get("object"))
    if pk is None:
        raise Http404
    owner = get_owner(user, request.POST.get("owner", ""), pk, A.EDIT)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a file to upload."))
        return _back(request, owner)
    try:
        attachment_add(
            actor=user,
            owner=owner,
            data=upload,
            name=upload.name or "",
            size=upload.size or 0,
            caption=request.POST.get("caption", ""),
        )
    except (AttachmentRefused, UploadRefused) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Attached."))
    return _back(request, owner)


def _attachment(request: HttpRequest, pk: int, action: authz.Action) -> Attachment:
    user = user_of(request)
    attachment = get_object_or_404(Attachment.objects.select_related("file", "content_type"), pk=pk)
    if action == A.VIEW and not attachment.is_active:
        raise Http404
    ct = attachment.content_type
    get_owner(user, f"{ct.app_label}.{ct.model}", attachment.object_id, action)
    return attachment


@login_required
@require_POST
def remove(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = _attachment(request, pk, A.EDIT)
    owner = attachment.owner
    try:
        attachment_remove(actor=user_of(request), attachment=attachment)
    except AttachmentRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Removed; the file stays in the library."))
    return _back(request, owner)


@login_required
def download(request: HttpRequest, pk: int) -> FileResponse:
    """Whoever may see the record may download its attachments, as attachments."""
    attachment = _attachment(request, pk, A.VIEW)
    return evidence_response(attachment.file)


__all__ = ["add", "download", "owner_key", "remove"]
