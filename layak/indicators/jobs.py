"""Background jobs of indicator data: checking an uploaded file (dry run) and applying it."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from layak.core.numbers import format_number
from layak.indicators import actions, importfile
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


def _outcome(imp: DataImport, result: actions.Result) -> dict[str, Any]:
    """What the job's result says (``jobs/result/data_import_*.html``): the counts, and whether
    the file was refused, checked or applied, in which mode; for a file refused as a whole
    (unreadable, or without rows of values) the reason."""
    outcome = {
        **result.summary(),
        "status": imp.status,
        "mode": imp.mode,
        "url": reverse("indicators:import", args=[imp.pk]),
    }
    if not result.rows and result.errors:
        outcome["problem"] = result.errors[0].message
    return outcome


def nothing_saved(result: actions.Result) -> str:
    """Why applying saved nothing: the file's own problem, or how many rows have problems."""
    if not result.rows and result.errors:
        return _("%(problem)s Nothing was saved.") % {"problem": result.errors[0].message}
    count = len({problem.row for problem in result.errors})  # rows, not problems
    if not count:
        return _("Nothing was saved.")
    return ngettext(
        "Nothing was saved: the file is refused because %(count)s row has a problem.",
        "Nothing was saved: the file is refused because %(count)s rows have problems.",
        count,
    ) % {"count": format_number(count)}


@handler("data_import_check")
def check(job: Job, progress: Progress) -> dict[str, Any]:
    imp = _import(job)
    progress(0, 1, _("Checking the values…"))
    result = importfile.run(imp, actor=job.created_by, apply=False)
    progress(1, 1)
    return _outcome(imp, result)


@handler("data_import_apply")
def apply(job: Job, progress: Progress) -> dict[str, Any]:
    imp = _import(job)
    if imp.status != DataImport.Status.APPLYING:
        raise JobFailed(_("This file has already been applied or has not been checked."))
    progress(0, 1, _("Saving the values…"))
    result = importfile.run(imp, actor=job.created_by, apply=True)
    progress(1, 1)
    if not result.applied:
        raise JobFailed(nothing_saved(result))
    return _outcome(imp, result)
