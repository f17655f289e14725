"""Attaching library files to records other than answers (see ``Attachment``).

An attachable model declares ``attachable = True``, has a queryset with ``for_user``, an
``attachment_region`` (the district whose library holds the files), ``get_absolute_url``, and
may answer ``attachments_locked`` (True once the record may no longer change).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import IO, Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.http import Http404
from django.utils.translation import gettext as _

from layak import authz
from layak.accounts.models import User
from layak.audit.log import record
from layak.evidence.actions import evidence_upload
from layak.evidence.models import Attachment, EvidenceFile
from layak.evidence.sniff import UploadRefused

A = authz.Action


class AttachmentRefused(UploadRefused):
    """The record cannot take (or give up) an attachment now."""


def owner_key(obj: models.Model) -> str:
    return f"{obj._meta.app_label}.{obj._meta.model_name}"


def owner_model(key: str) -> type[models.Model]:
    """The attachable model named ``app_label.model`` (404 for anything else)."""
    app_label, _dot, model_name = key.partition(".")
    try:
        model = ContentType.objects.get_by_natural_key(app_label, model_name).model_class()
    except ContentType.DoesNotExist:
        raise Http404 from None
    if model is None or not getattr(model, "attachable", False):
        raise Http404
    return model


def get_owner(user: User, key: str, pk: int, action: authz.Action) -> Any:
    model = owner_model(key)
    return authz.get_object_for_user(model.objects.all(), user, action, pk=pk)  # type: ignore[attr-defined]


def attachments_for(objects: Iterable[models.Model]) -> dict[int, list[Attachment]]:
    """Active attachments of ``objects`` (all of one model), by owner id; one query."""
    objects = list(objects)
    if not objects:
        return {}
    ct = ContentType.objects.get_for_model(objects[0])
    found: dict[int, list[Attachment]] = defaultdict(list)
    rows = Attachment.objects.filter(
        content_type=ct, object_id__in=[o.pk for o in objects], is_active=True
    ).select_related("file")
    for row in rows:
        found[row.object_id].append(row)
    return found


def _check_open(owner: Any) -> None:
    if getattr(owner, "attachments_locked", False):
        raise AttachmentRefused(_("This record is closed; its attachments can no longer change."))


@transaction.atomic
def attachment_add(
    *,
    actor: User,
    owner: Any,
    data: IO[bytes] | None = None,
    name: str = "",
    size: int = 0,
    file: EvidenceFile | None = None,
    caption: str = "",
) -> Attachment:
    """Upload ``data`` to the district library (or take ``file`` from it) and attach it to
    ``owner``. The caller has checked that ``actor`` may edit ``owner``."""
    _check_open(owner)
    region = owner.attachment_region
    if file is None:
        if data is None:
            raise AttachmentRefused(_("Choose a file to upload."))
        file, _created = evidence_upload(
            actor=actor, region=region, data=data, name=name, size=size
        )
    elif file.region_id != region.pk:
        raise AttachmentRefused(_("The file belongs to another district."))
    ct = ContentType.objects.get_for_model(owner)
    if Attachment.objects.filter(
        content_type=ct, object_id=owner.pk, file=file, is_active=True
    ).exists():
        raise AttachmentRefused(_("This file is already attached."))
    attachment = Attachment.objects.create(
        content_type=ct,
        object_id=owner.pk,
        file=file,
        caption=caption.strip()[:200],
        attached_by=actor,
    )
    record(
        actor=actor,
        action="attachment.added",
        obj=owner,
        region=region,
        after={"file": file.pk, "name": file.name, "caption": attachment.caption},
    )
    return attachment


@transaction.atomic
def attachment_remove(*, actor: User, attachment: Attachment) -> None:
    """Take a file off its record; the row is kept inactive and the file stays in the library."""
    owner: Any = attachment.owner
    _check_open(owner)
    if not attachment.is_active:
        raise AttachmentRefused(_("The file was already removed."))
    attachment.is_active = False
    attachment.save(update_fields=["is_active"])
    record(
        actor=actor,
        action="attachment.removed",
        obj=owner,
        region=owner.attachment_region,
        before={"file": attachment.file_id, "name": attachment.file.name},
        after=None,
    )
