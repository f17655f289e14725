"""Uploading evidence to the district library, and attaching it to answers."""

from __future__ import annotations

import hashlib
from typing import IO

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from layak import authz
from layak.accounts.models import User
from layak.audit.log import record
from layak.evaluation.actions import (
    EvaluationError,
    _check_may_edit,
    _check_open,
    _lock,
    _rescore,
    _revise,
    locked_message,
)
from layak.evaluation.models import Answer
from layak.evidence.models import EvidenceFile, EvidenceLink
from layak.evidence.sniff import UploadRefused, sniff
from layak.evidence.storage import save_with_file
from layak.frameworks.models import EvidenceRequirement
from layak.organisations.models import Organisation
from layak.regions.models import Region

__all__ = ["UploadRefused", "evidence_attach", "evidence_detach", "evidence_upload"]


def _uploader_organisation(actor: User, region: Region) -> Organisation | None:
    """The office, partner or forum the person uploads for (None for region-wide roles)."""
    for grant in authz.grants(actor):
        if (
            grant.organisation_scoped
            and grant.allows(authz.Action.EDIT)
            and any(region.path.startswith(p) for p in grant.paths)
        ):
            return Organisation.objects.get(pk=grant.organisation_id)
    return None


def _digest(data: IO[bytes]) -> str:
    digest = hashlib.sha256()
    data.seek(0)
    for chunk in iter(lambda: data.read(1 << 16), b""):
        digest.update(chunk)
    data.seek(0)
    return digest.hexdigest()


def evidence_upload(
    *, actor: User, region: Region, data: IO[bytes], name: str, size: int
) -> tuple[EvidenceFile, bool]:
    """Store a file in the district's library. A file with the same content already there
    is returned instead (``created`` False). A refused file raises ``UploadRefused`` and
    stores nothing."""
    if not (
        authz.reaches(actor, authz.Action.EDIT, region)
        or _uploader_organisation(actor, region) is not None
    ):
        raise UploadRefused(_("You cannot add evidence for this district."))
    sniffed = sniff(data, name, size, settings.EVIDENCE_MAX_BYTES)
    sha = _digest(data)
    with transaction.atomic():
        existing = EvidenceFile.objects.filter(region=region, sha256=sha).first()
        if existing is not None:
            return existing, False
        evidence = EvidenceFile(
            region=region,
            organisation=_uploader_organisation(actor, region),
            name=sniffed.name,
            extension=sniffed.extension,
            content_type=sniffed.content_type,
            size=size,
            sha256=sha,
            uploaded_by=actor,
        )
        save_with_file(
            evidence,
            data,
            sniffed.extension,
            lambda: record(
                actor=actor,
                action="evidence.uploaded",
                obj=evidence,
                region=region,
                after={
                    "name": evidence.name,
                    "type": evidence.content_type,
                    "size": size,
                    "sha256": sha,
                },
            ),
        )
    return evidence, True


@transaction.atomic
def evidence_attach(
    *, actor: User, answer: Answer, evidence: EvidenceFile, requirement: EvidenceRequirement | None
) -> EvidenceLink:
    answer = _lock(answer)
    _check_open(answer)
    _check_may_edit(actor, answer)
    if answer.status not in (Answer.Status.DRAFT, Answer.Status.RETURNED):
        raise EvaluationError(locked_message())
    if evidence.region_id != answer.assessment.region_id:
        raise EvaluationError(_("The file belongs to another district."))
    if requirement is not None and requirement.question_id != answer.question_id:
        raise EvaluationError(_("That document is not asked for by this question."))
    link = EvidenceLink.objects.filter(answer=answer, file=evidence, is_active=True).first()
    if link is not None:
        raise EvaluationError(_("This file is already attached to the answer."))
    link = EvidenceLink.objects.create(
        answer=answer, file=evidence, requirement=requirement, linked_by=actor
    )
    _revise(
        answer,
        actor=actor,
        action="evidence_attached",
        before=answer.value,
        fields=[],
        detail=evidence.name + (f" — {requirement.name}" if requirement else ""),
    )
    _rescore(answer, actor)
    record(
        actor=actor,
        action="evidence.attached",
        obj=answer,
        region=answer.assessment.region,
        after={
            "file": evidence.pk,
            "name": evidence.name,
            "requirement": requirement.name if requirement else None,
        },
    )
    return link


@transaction.atomic
def evidence_detach(*, actor: User, link: EvidenceLink) -> None:
    """Take a file off an answer; the link is kept, inactive, and the file stays in the library."""
    answer = _lock(link.answer)
    if not EvidenceLink.objects.filter(pk=link.pk, is_active=True).exists():
        raise EvaluationError(_("This file has already been removed from the answer."))
    _check_open(answer)
    _check_may_edit(actor, answer)
    if answer.status not in (Answer.Status.DRAFT, Answer.Status.RETURNED):
        raise EvaluationError(locked_message())
    EvidenceLink.objects.filter(pk=link.pk).update(is_active=False)
    _revise(
        answer,
        actor=actor,
        action="evidence_detached",
        before=answer.value,
        fields=[],
        detail=link.file.name,
    )
    _rescore(answer, actor)
    record(
        actor=actor,
        action="evidence.detached",
        obj=answer,
        region=answer.assessment.region,
        before={"file": link.file_id, "name": link.file.name},
        after=None,
    )


@transaction.atomic
def evidence_set_public(*, actor: User, evidence: EvidenceFile, public: bool) -> EvidenceFile:
    """Mark a file as one the public portal may offer (the district's decision: documents such
    as a decree or the RAD, never files about children)."""
    evidence = EvidenceFile.objects.select_for_update(of=("self",)).get(pk=evidence.pk)
    if not authz.reaches(actor, authz.Action.MANAGE, evidence.region):
        raise UploadRefused(_("Only the district administrator decides what is public."))
    if evidence.is_public == public:
        return evidence
    evidence.is_public = public
    evidence.save(update_fields=["is_public"])
    record(
        actor=actor,
        action="evidence.made_public" if public else "evidence.made_private",
        obj=evidence,
        region=evidence.region,
        before={"is_public": not public},
        after={"is_public": public},
    )
    return evidence
