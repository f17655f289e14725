"""Background jobs of the evaluation: the evidence ZIP of a whole self-assessment, and sending
the deadline reminders on demand."""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from typing import Any

from django.utils.text import slugify
from django.utils.translation import gettext as _

from layak import authz
from layak.evaluation.models import Answer, Assessment
from layak.evaluation.reminders import send_reminders
from layak.evidence.models import EvidenceLink
from layak.jobs.models import Job
from layak.jobs.runner import JobFailed, Progress, handler

A = authz.Action


def visible_links(user: Any, assessment: Assessment) -> list[EvidenceLink]:
    answers = Answer.objects.for_user(user, A.VIEW).filter(assessment=assessment)
    return list(
        EvidenceLink.objects.filter(answer__in=answers, is_active=True)
        .select_related("file", "answer__question__indicator__group")
        .order_by("answer__question__indicator__group__order", "answer__question__indicator__order")
    )


def write_zip(links: list[EvidenceLink], target: Any, progress: Progress | None = None) -> int:
    """The linked files in folders by group and indicator; returns how many were written."""
    seen: set[str] = set()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for n, link in enumerate(links, start=1):
            indicator = link.answer.question.indicator
            group = indicator.group
            folder = f"{group.code} {slugify(group.name)[:40]}/{indicator.code}"
            path = f"{folder}/{link.answer.question.code} - {link.file.download_name}"
            if path not in seen:
                seen.add(path)
                with link.file.file.open("rb") as fh, archive.open(path, "w") as out:
                    shutil.copyfileobj(fh, out)
            if progress is not None and (n % 10 == 0 or n == len(links)):
                progress(n, len(links))
    return len(seen)


@handler("evidence_zip")
def evidence_zip(job: Job, progress: Progress) -> dict[str, Any]:
    """Every document the person who asked may see, as it stands when the job runs."""
    user = job.created_by
    assessment = (
        Assessment.objects.for_user(user, A.VIEW)
        .select_related("region", "cycle")
        .filter(pk=job.params["assessment"])
        .first()
    )
    if assessment is None:
        raise JobFailed(_("The assessment is no longer within your reach."))
    links = visible_links(user, assessment)
    progress(0, len(links), _("Collecting the documents…"))
    with tempfile.TemporaryFile() as spool:
        count = write_zip(links, spool, progress)
        spool.seek(0)
        name = slugify(f"{assessment.region.name}-{assessment.cycle.name}") + ".zip"
        progress.file(name, spool.read())
    return {"files": count}


@handler("reminders")
def reminders(job: Job, progress: Progress) -> dict[str, Any]:
    if not authz.reaches(job.created_by, A.MANAGE, None):
        raise JobFailed(_("Only the ministry administrator can do this."))
    progress(0, 1, _("Sending today's reminders…"))
    sent = send_reminders()
    progress(1, 1)
    return {"sent": sent}
