"""Background jobs of the RAD KLA: checking an uploaded workbook, and applying it."""

from __future__ import annotations

import os
import time
from io import BytesIO
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from layak.jobs.models import Job
from layak.jobs.runner import JobFailed, Progress, handler
from layak.plans import actions, workbook
from layak.plans.models import PlanImport


def _import(job: Job) -> PlanImport:
    imp = PlanImport.objects.select_related("plan__region").filter(pk=job.params["import"]).first()
    if imp is None:
        raise JobFailed(_("The uploaded workbook is gone."))
    return imp


@handler("plan_import_check")
def check(job: Job, progress: Progress) -> dict[str, Any]:
    imp = _import(job)
    progress(0, step=_("Reading the workbook…"))
    with imp.file.open("rb") as fh:
        data = fh.read()
    workbook.check_rows(imp, BytesIO(data), progress=lambda done, total: progress(done, total))
    return {"url": reverse("plans:import_detail", args=[imp.pk]), "status": imp.status}


@handler("plan_import_apply")
def apply(job: Job, progress: Progress) -> dict[str, Any]:
    imp = _import(job)
    progress(0, 1, _("Writing the plan…"))
    # A pause per item, for fault tests that stop the worker in the middle of an import.
    pause = float(os.environ.get("LAYAK_JOB_STEP_DELAY", "0") or 0)
    try:
        summary = workbook.apply_import(
            actor=job.created_by,
            imp=imp,
            each=(lambda: time.sleep(pause)) if pause else None,
        )
    except actions.PlanError as exc:
        raise JobFailed(str(exc)) from exc
    progress(1, 1)
    return {**summary, "url": reverse("plans:detail", args=[imp.plan_id])}
