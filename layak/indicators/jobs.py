"""Background jobs of indicator data: checking an uploaded file (dry run) and applying it."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from layak.indicators import importfile
from layak.indicators.models import DataImport
from layak.jobs.models import Job
from layak.jobs.runner import JobFailed, Progress, handler


def _import(job: Job) -> DataImport:
    imp = (
        DataImport.objects.select_related("region", "uploaded_by")
        .filter(pk=job.params["import"])
        .first()
    )
    if imp is None:
        raise JobFailed(_("The uploaded file is gone."))
    return imp


@handler("data_import_check")
def check(job: Job, progress: Progress) -> dict[str, Any]:
    imp = _import(job)
    progress(0, 1, _("Checking the values…"))
    result = importfile.run(imp, actor=job.created_by, apply=False)
    progress(1, 1)
    return {**result.summary(), "url": reverse("indicators:import", args=[imp.pk])}


@handler("data_import_apply")
def apply(job: Job, progress: Progress) -> dict[str, Any]:
    imp = _import(job)
    if imp.status != DataImport.Status.APPLYING:
        raise JobFailed(_("This file has already been applied or has not been checked."))
    progress(0, 1, _("Saving the values…"))
    result = importfile.run(imp, actor=job.created_by, apply=True)
    progress(1, 1)
    if not result.applied:
        raise JobFailed(
            _("Nothing was saved: %(count)d rows have errors.") % {"count": len(result.errors)}
        )
    return {**result.summary(), "url": reverse("indicators:import", args=[imp.pk])}
