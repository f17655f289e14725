"""Background job handlers of the reports (``layak.reports.kinds``).

Each handler checks again that the person who asked still reaches what the report covers,
notes the data version before reading (``versions.data_version``: a later change makes the
result outdated, never the other way round), builds the document and keeps it as the job's
result file."""

from __future__ import annotations

import functools
import tempfile
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from layak.core.pdf import render_pdf
from layak.jobs.models import Job
from layak.jobs.runner import JobFailed, Progress, handler
from layak.regions.models import Region
from layak.reports import documents, scope, workbooks
from layak.reports.versions import data_version

T = TypeVar("T")


def _reach(lookup: Callable[..., T], *args: Any) -> T:
    try:
        return lookup(*args)
    except (Http404, PermissionDenied):
        raise JobFailed(_("What this report covers is no longer within your reach.")) from None


def language_of(job: Job) -> str:
    """The language the report is written in: the one of the person when they asked for it
    (``actions.report_request``), else their chosen language."""
    return str(job.params.get("language") or job.created_by.language or settings.LANGUAGE_CODE)


def _pdf(progress: Progress, template: str, context: dict[str, Any], name: str) -> None:
    progress(1, 2, _("Writing the PDF…"))
    content = render_pdf(template, context, None)
    progress.file(name, content)
    progress(2, 2)


def _xlsx(progress: Progress, build: Callable[..., int], *args: Any, name: str) -> int:
    with tempfile.TemporaryFile() as spool:
        rows = build(*args, spool, lambda done, total: progress(done, total))
        spool.seek(0)
        progress.file(name, spool.read())
    return rows


def in_asked_language(
    run: Callable[[Job, Progress], dict[str, Any]],
) -> Callable[[Job, Progress], dict[str, Any]]:
    """Run the report's handler in the language of the person who asked."""

    @functools.wraps(run)
    def wrapped(job: Job, progress: Progress) -> dict[str, Any]:
        with translation.override(language_of(job)):
            return run(job, progress)

    return wrapped


@handler("report_self_assessment")
@in_asked_language
def self_assessment(job: Job, progress: Progress) -> dict[str, Any]:
    """The points report, or on a framework without points the criteria met per area."""
    assessment = _reach(scope.get_assessment, job.created_by, job.params["assessment"])
    version = data_version(assessment.region)
    if not assessment.cycle.instrument.framework.has_points:
        progress(0, 2, _("Reading the criteria…"))
        context = documents.criteria_report(assessment)
        name = slugify(f"laporan-kriteria-{assessment.region.name}-{assessment.cycle.name}")
        _pdf(progress, "reports/pdf/criteria.html", context, f"{name}.pdf")
        result = context["result"]
        return {"data_version": version, "met": result.met, "criteria": result.criteria}
    progress(0, 2, _("Reading the scores…"))
    context = documents.self_assessment(assessment)
    name = slugify(f"laporan-evaluasi-{assessment.region.name}-{assessment.cycle.name}")
    _pdf(progress, "reports/pdf/self_assessment.html", context, f"{name}.pdf")
    return {"data_version": version, "total": str(context["total"] or 0)}


@handler("report_verification")
@in_asked_language
def verification(job: Job, progress: Progress) -> dict[str, Any]:
    user = job.created_by
    province = _reach(scope.get_region, user, job.params["province"], Region.Level.PROVINCE)
    cycle = _reach(scope.get_cycle, user, job.params["cycle"])
    version = data_version(province)
    progress(0, 2, _("Reading the scores…"))
    context = documents.verification(province, cycle)
    name = slugify(f"laporan-verifikasi-{province.name}-{cycle.name}")
    _pdf(progress, "reports/pdf/verification.html", context, f"{name}.pdf")
    return {"data_version": version, "districts": len(context["rows"])}


@handler("report_rad_progress")
@in_asked_language
def rad_progress(job: Job, progress: Progress) -> dict[str, Any]:
    plan = _reach(scope.get_plan, job.created_by, job.params["plan"])
    year = int(job.params["year"])
    version = data_version(plan.region)
    progress(0, 2, _("Reading the plan…"))
    context = documents.rad_progress(plan, year)
    name = slugify(f"laporan-rad-kla-{plan.region.name}-{year}")
    _pdf(progress, "reports/pdf/rad_progress.html", context, f"{name}.pdf")
    return {"data_version": version, "behind": context["behind"]}


@handler("report_answers_xlsx")
@in_asked_language
def answers(job: Job, progress: Progress) -> dict[str, Any]:
    user = job.created_by
    cycle = _reach(scope.get_cycle, user, job.params["cycle"])
    code = job.params.get("area") or ""
    area: Region | None = None
    if code:
        level = Region.Level.REGENCY if "." in code else Region.Level.PROVINCE
        area = _reach(scope.get_region, user, code, level)
    elif not scope.national(user):
        raise JobFailed(_("What this report covers is no longer within your reach."))
    version = data_version(area)
    progress(0, 1, _("Writing the answers…"))
    where = area.name if area else _("all districts")
    rows = _xlsx(
        progress,
        workbooks.answers_workbook,
        cycle,
        area,
        name=f"{slugify(f'jawaban-{cycle.name}-{where}')}.xlsx",
    )
    return {"data_version": version, "rows": rows}


@handler("report_rad_xlsx")
@in_asked_language
def rad(job: Job, progress: Progress) -> dict[str, Any]:
    plan = _reach(scope.get_plan, job.created_by, job.params["plan"])
    version = data_version(plan.region)
    progress(0, 1, _("Writing the plan…"))
    rows = _xlsx(
        progress,
        workbooks.plan_workbook,
        plan,
        name=f"{slugify(f'rad-kla-{plan.region.name}-{plan.start_year}-{plan.end_year}')}.xlsx",
    )
    return {"data_version": version, "rows": rows}


@handler("report_partners_xlsx")
@in_asked_language
def partners(job: Job, progress: Progress) -> dict[str, Any]:
    district = _reach(
        scope.get_region, job.created_by, job.params["district"], Region.Level.REGENCY
    )
    year = int(job.params["year"])
    version = data_version(district)
    progress(0, 2, _("Writing the contributions…"))
    rows = _xlsx(
        progress,
        workbooks.partners_workbook,
        district,
        year,
        name=f"{slugify(f'kontribusi-mitra-{district.name}-{year}')}.xlsx",
    )
    return {"data_version": version, "rows": rows}


@handler("report_indicator_values_xlsx")
@in_asked_language
def indicator_values(job: Job, progress: Progress) -> dict[str, Any]:
    district = _reach(
        scope.get_region, job.created_by, job.params["district"], Region.Level.REGENCY
    )
    year = int(job.params["year"])
    version = data_version(district)
    progress(0, 1, _("Writing the data values…"))
    rows = _xlsx(
        progress,
        workbooks.indicator_values_workbook,
        district,
        year,
        name=f"{slugify(f'data-indikator-{district.name}-{year}')}.xlsx",
    )
    return {"data_version": version, "rows": rows}
