"""Background job of the instruments: importing a workbook (checked first, then built whole)."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils.translation import gettext as _

from layak.frameworks import actions
from layak.jobs.models import Job
from layak.jobs.runner import JobFailed, Progress, handler


@handler("instrument_import")
def instrument_import(job: Job, progress: Progress) -> dict[str, Any]:
    path = job.params["path"]
    if not default_storage.exists(path):
        raise JobFailed(_("The uploaded workbook is gone."))
    progress(0, 2, _("Reading the workbook…"))
    with default_storage.open(path, "rb") as fh:
        data = BytesIO(fh.read())
    try:
        problems, version, counts = actions.instrument_import(
            actor=job.created_by, data=data, dry_run=bool(job.params.get("dry_run"))
        )
    except actions.InstrumentError as exc:
        raise JobFailed(str(exc)) from exc
    progress(2, 2)
    return {
        "problems": [str(p) for p in problems],
        "counts": counts,
        "version": version.pk if version else None,
        "url": reverse("frameworks:version", args=[version.pk]) if version else "",
    }
