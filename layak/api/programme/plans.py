"""The RAD KLA: plans, progress, the child-responsive budget and progress reports.

Reads go through the apps' ``for_user`` querysets, writes through their action functions.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from layak import authz
from layak.api import programme_schemas as p
from layak.api.params import Id
from layak.api.programme.common import (
    ERRORS,
    PageQuery,
    in_region,
    invalid,
    page,
)
from layak.core.http import user_of as _user
from layak.organisations.models import Organisation
from layak.plans import actions as plans
from layak.plans import progress
from layak.plans.models import Plan, PlanYear, ProgressEntry, ProgressReport

A = authz.Action
router = Router()

# ---- RAD KLA ------------------------------------------------------------------------------


class PlanQuery(PageQuery):
    region: str = Field("", max_length=32, pattern=p.CODE)


def _plan_out(plan: Plan, item_count: int) -> dict[str, Any]:
    return {
        "id": plan.pk,
        "region": plan.region.code,
        "title": plan.title,
        "instrument_id": plan.version_id,
        "start_year": plan.start_year,
        "end_year": plan.end_year,
        "regulation_number": plan.regulation_number,
        "regulation_date": plan.regulation_date,
        "reports_per_year": plan.reports_per_year,
        "item_count": item_count,
    }


@router.get("/plans", response={200: p.PlanPage, **ERRORS}, tags=["plans"], url_name="plans")
def plan_list(request: HttpRequest, filters: Query[PlanQuery]) -> Any:
    """The action plans (RAD KLA) in your reach."""
    qs = (
        Plan.objects.for_user(_user(request), A.VIEW)
        .filter(is_active=True)
        .select_related("region")
        .annotate(item_count=Count("items", filter=Q(items__is_active=True)))
    )
    if filters.region:
        qs = qs.filter(in_region("region", filters.region))
    items, nxt = page(qs, filters.after, filters.limit)
    return {"items": [_plan_out(x, x.item_count) for x in items], "next": nxt}


def _get_plan(request: HttpRequest, pk: int) -> Plan:
    plan: Plan = authz.get_object_for_user(
        Plan.objects.filter(is_active=True).select_related("region"), _user(request), A.VIEW, pk=pk
    )
    return plan


def _years_out(row: PlanYear) -> dict[str, Any]:
    return {
        "year": row.year,
        "target": row.target,
        "apbd": row.apbd,
        "apbn": row.apbn,
        "village": row.village,
        "csr": row.csr,
        "other": row.other,
        "total": row.budget,
    }


@router.get(
    "/plans/{pk}", response={200: p.PlanDetailOut, **ERRORS}, tags=["plans"], url_name="plan"
)
def plan_detail(request: HttpRequest, pk: Id) -> Any:
    """One plan with its active items (programmes, activities, sub-activities): indicator,
    responsible office, performance indicator, unit, baseline, and per year the target and
    the budget by funding source. Budgets are entered on the lowest level of each branch."""
    plan = _get_plan(request, pk)
    items = list(
        plan.items.filter(is_active=True)
        .select_related("parent", "indicator__group", "responsible")
        .prefetch_related(
            Prefetch("partners", queryset=Organisation.objects.order_by("name")),
            Prefetch("years", queryset=PlanYear.objects.order_by("year")),
        )
        .order_by("indicator__group__order", "indicator__order", "order", "pk")
    )
    out = _plan_out(plan, len(items))
    out["items"] = [
        {
            "id": i.pk,
            "ref": i.ref,
            "parent": i.parent.ref if i.parent else None,
            "level": i.level,
            "indicator": i.indicator.code,
            "cluster": i.indicator.group.code,
            "budget_code": i.budget_code,
            "name": i.name,
            "responsible_id": i.responsible_id,
            "responsible": i.responsible.name,
            "partners": [o.name for o in i.partners.all()],
            "performance_indicator": i.performance_indicator,
            "unit": i.unit,
            "baseline": i.baseline,
            "years": [_years_out(y) for y in i.years.all()],
        }
        for i in items
    ]
    return out


class YearQuery(Schema):
    year: int | None = Field(None, ge=2000, le=2100)


def _plan_year(plan: Plan, year: int | None) -> int:
    """The year asked for, which must be one of the plan's; by default this year when the plan
    covers it, else its first year."""
    if year is None:
        today = timezone.localdate().year
        return today if today in plan.years else plan.start_year
    if year not in plan.years:
        raise invalid(
            "year",
            _("The plan covers %(start)s to %(end)s.")
            % {"start": plan.start_year, "end": plan.end_year},
        )
    return year


@router.get(
    "/plans/{pk}/progress",
    response={200: p.PlanProgressOut, **ERRORS},
    tags=["plans"],
    url_name="plan_progress",
)
def plan_progress(request: HttpRequest, pk: Id, filters: Query[YearQuery]) -> Any:
    """The plan's items as a tree (depth-first, ``depth`` 0 for programmes) with the year's
    target and budget and what the accepted progress reports realised."""
    plan = _get_plan(request, pk)
    year = _plan_year(plan, filters.year)
    rows = []
    for depth, node in progress.flatten(progress.plan_progress(plan, year)):
        item = node.item
        rows.append(
            {
                "id": item.pk,
                "ref": item.ref,
                "parent": None,
                "parent_id": item.parent_id,
                "depth": depth,
                "level": item.level,
                "indicator": item.indicator.code,
                "name": item.name,
                "responsible": item.responsible.name,
                "unit": item.unit,
                "target": node.target,
                "budget": node.budget,
                "output": node.output,
                "spent": node.spent,
                "last_period": node.last_period,
                "expected": node.expected,
                "percent": node.percent,
                "behind": node.behind,
            }
        )
    refs = {row["id"]: row["ref"] for row in rows}
    for row in rows:
        row["parent"] = refs.get(row.pop("parent_id"))
    return {"plan_id": plan.pk, "year": year, "items": rows}


def _budget_row(row: dict[str, Any], code: str | None, name: str) -> dict[str, Any]:
    return {
        "code": code,
        "name": name,
        **{key: row[key] for key in ("apbd", "apbn", "village", "csr", "other", "total")},
    }


@router.get(
    "/plans/{pk}/budget",
    response={200: p.ChildBudgetOut, **ERRORS},
    tags=["plans"],
    url_name="plan_budget",
)
def plan_budget(request: HttpRequest, pk: Id, filters: Query[YearQuery]) -> Any:
    """The district's child-responsive budget of the year: the budgets of the lowest items of
    its active plans by funding source, cluster and office."""
    plan = _get_plan(request, pk)
    year = _plan_year(plan, filters.year)
    result = progress.child_budget(plan.region, year)
    return {
        "region": plan.region.code,
        "year": year,
        "total_apbd": result.total_apbd,
        "total": result.total,
        "apbd_share": result.apbd_share,
        "sources": result.sources,
        "by_cluster": [_budget_row(r, str(r["code"]), str(r["name"])) for r in result.by_cluster],
        "by_office": [_budget_row(r, None, str(r["office"])) for r in result.by_office],
    }


class ReportQuery(PageQuery):
    plan: Id | None = None
    status: p.ReviewStatus | None = None


def _report(r: ProgressReport) -> dict[str, Any]:
    return {
        "id": r.pk,
        "plan_id": r.plan_id,
        "organisation_id": r.organisation_id,
        "organisation": r.organisation.name,
        "year": r.year,
        "period": r.period,
        "period_label": r.period_label,
        "status": r.status,
        "return_reason": r.return_reason,
        "submitted_at": r.submitted_at,
        "reviewed_at": r.reviewed_at,
        "updated_at": r.updated_at,
    }


@router.get(
    "/progress-reports",
    response={200: p.ReportPage, **ERRORS},
    tags=["plans"],
    url_name="progress_reports",
)
def progress_reports(request: HttpRequest, filters: Query[ReportQuery]) -> Any:
    """Progress reports in your reach: the secretariat and those above read every office's,
    an office its own."""
    qs = ProgressReport.objects.for_user(_user(request), A.VIEW).select_related(
        "plan", "organisation"
    )
    if filters.plan:
        qs = qs.filter(plan_id=filters.plan)
    if filters.status:
        qs = qs.filter(status=filters.status)
    items, nxt = page(qs, filters.after, filters.limit)
    return {"items": [_report(r) for r in items], "next": nxt}


def _get_report(request: HttpRequest, pk: int, action: authz.Action = A.VIEW) -> ProgressReport:
    report: ProgressReport = authz.get_object_for_user(
        ProgressReport.objects.select_related("plan__region", "organisation"),
        _user(request),
        action,
        pk=pk,
    )
    return report


def _report_detail(report: ProgressReport) -> dict[str, Any]:
    entries = list(report.entries.select_related("item").order_by("item__order", "item__pk"))
    targets = dict(
        PlanYear.objects.filter(
            item_id__in=[e.item_id for e in entries], year=report.year
        ).values_list("item_id", "target")
    )
    out = _report(report)
    out["entries"] = [
        {
            "id": e.pk,
            "item_id": e.item_id,
            "ref": e.item.ref,
            "name": e.item.name,
            "unit": e.item.unit,
            "target": targets.get(e.item_id),
            "output": e.output,
            "budget": e.budget,
            "done": e.done,
            "planned": e.planned,
            "obstacles": e.obstacles,
        }
        for e in entries
    ]
    return out


@router.get(
    "/progress-reports/{pk}",
    response={200: p.ReportDetailOut, **ERRORS},
    tags=["plans"],
    url_name="progress_report",
)
def progress_report(request: HttpRequest, pk: Id) -> Any:
    """One report with an entry for each of the office's activities and the year's target."""
    return _report_detail(_get_report(request, pk))


ENTRY_FIELDS = ("output", "budget", "done", "planned", "obstacles")


@router.put(
    "/progress-reports/{pk}",
    response={200: p.ReportDetailOut, **ERRORS},
    tags=["plans"],
    url_name="progress_report_save",
)
def progress_report_save(request: HttpRequest, pk: Id, payload: p.ReportIn) -> Any:
    """Save the office's figures and notes while the report is a draft or returned. Send the
    entries to change with their ``id``; the fields left out keep their value."""
    report = _get_report(request, pk, A.EDIT)
    current = {e.pk: e for e in ProgressEntry.objects.filter(report=report)}
    values: dict[int, dict[str, Any]] = {}
    for entry in payload.entries:
        known = current.get(entry.id)
        values[entry.id] = {
            name: getattr(entry, name)
            if name in entry.model_fields_set or known is None
            else getattr(known, name)
            for name in ENTRY_FIELDS
        }
    plans.report_save(actor=_user(request), report=report, entries=values)
    return _report_detail(_get_report(request, pk))


@router.post(
    "/progress-reports/{pk}/submit",
    response={200: p.ReportDetailOut, **ERRORS},
    tags=["plans"],
    url_name="progress_report_submit",
)
def progress_report_submit(request: HttpRequest, pk: Id) -> Any:
    """Submit the report to the secretariat (every activity needs its output realised)."""
    report = _get_report(request, pk, A.EDIT)
    plans.report_submit(actor=_user(request), report=report)
    return _report_detail(_get_report(request, pk))
