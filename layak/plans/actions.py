"""Every change to action plans, their items, district budgets and progress reports, each with
its audit entry. Progress reports follow the shared review workflow (``layak.workflow``)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from layak import authz, workflow
from layak.accounts.models import User
from layak.audit.log import record
from layak.core import concurrency
from layak.frameworks.current import current_kla_version
from layak.frameworks.models import Indicator, InstrumentVersion
from layak.organisations.models import Organisation
from layak.organisations.roles import PARTNER_KINDS, OrganisationKind
from layak.plans import notices
from layak.plans.models import (
    DistrictBudget,
    Plan,
    PlanItem,
    PlanYear,
    ProgressEntry,
    ProgressReport,
)
from layak.regions.models import Region

A = authz.Action
L = PlanItem.Level
SOURCES = ("apbd", "apbn", "village", "csr", "other")
PARENT_LEVEL: dict[str, str | None] = {
    L.PROGRAMME: None,
    L.ACTIVITY: L.PROGRAMME,
    L.SUB_ACTIVITY: L.ACTIVITY,
}
MAX_AMOUNT = Decimal("1e15")
PLAN_YEARS = 5


class PlanError(Exception):
    """A change the rules refuse; the message is shown to the user."""


def current_version() -> InstrumentVersion:
    version = current_kla_version()
    if version is None:
        raise PlanError(_("No published KLA instrument is loaded."))
    return version


def _require_secretariat(actor: User, region: Region) -> None:
    if not authz.reaches(actor, A.EDIT, region):
        raise PlanError(_("Only the district's KLA secretariat can change the action plan."))


def check_amount(value: Decimal | None, label: str) -> None:
    if value is None:
        return
    if not value.is_finite() or value < 0 or value >= MAX_AMOUNT:
        raise PlanError(
            _("%(field)s must be a number from 0 up to 999 trillion.") % {"field": label}
        )


# ---- plans ------------------------------------------------------------------------------


@transaction.atomic
def plan_create(
    *,
    actor: User,
    region: Region,
    title: str,
    start_year: int,
    regulation_number: str = "",
    regulation_date: datetime.date | None = None,
    reports_per_year: int = 4,
) -> Plan:
    _require_secretariat(actor, region)
    if region.level != Region.Level.REGENCY:
        raise PlanError(_("An action plan belongs to a regency or city."))
    if not 2000 <= start_year <= 2100:
        raise PlanError(_("Give the plan's first year, e.g. 2025."))
    end_year = start_year + PLAN_YEARS - 1
    overlapping = Plan.objects.filter(
        region=region, is_active=True, start_year__lte=end_year, end_year__gte=start_year
    )
    if overlapping.exists():
        raise PlanError(_("The district already has an action plan for some of these years."))
    plan = Plan.objects.create(
        region=region,
        version=current_version(),
        title=title.strip()
        or _("RAD KLA %(start)s–%(end)s") % {"start": start_year, "end": end_year},
        start_year=start_year,
        end_year=end_year,
        regulation_number=regulation_number.strip(),
        regulation_date=regulation_date,
        reports_per_year=reports_per_year if reports_per_year in (1, 2, 4) else 4,
        created_by=actor,
    )
    record(actor=actor, action="plan.created", obj=plan, region=region, after=_plan_fields(plan))
    return plan


def _plan_fields(plan: Plan) -> dict[str, Any]:
    return {
        "title": plan.title,
        "years": f"{plan.start_year}-{plan.end_year}",
        "regulation_number": plan.regulation_number,
        "regulation_date": plan.regulation_date.isoformat() if plan.regulation_date else None,
        "reports_per_year": plan.reports_per_year,
    }


@transaction.atomic
def plan_update(
    *,
    actor: User,
    plan: Plan,
    title: str,
    regulation_number: str,
    regulation_date: datetime.date | None,
    reports_per_year: int,
) -> Plan:
    _require_secretariat(actor, plan.region)
    before = _plan_fields(plan)
    if reports_per_year != plan.reports_per_year and plan.reports.exists():
        raise PlanError(_("The reporting period cannot change once offices have reported."))
    plan.title = title.strip() or plan.title
    plan.regulation_number = regulation_number.strip()
    plan.regulation_date = regulation_date
    plan.reports_per_year = reports_per_year if reports_per_year in (1, 2, 4) else 4
    plan.save()
    record(
        actor=actor,
        action="plan.updated",
        obj=plan,
        region=plan.region,
        before=before,
        after=_plan_fields(plan),
    )
    return plan


# ---- items ------------------------------------------------------------------------------


def district_offices(region: Region) -> Iterable[Organisation]:
    return Organisation.objects.filter(
        region=region, kind=OrganisationKind.GOVERNMENT_OFFICE, is_active=True
    ).order_by("name")


def district_partners(region: Region) -> Iterable[Organisation]:
    return Organisation.objects.filter(
        region__path__startswith=region.path, kind__in=PARTNER_KINDS, is_active=True
    ).order_by("name")


def _item_fields(item: PlanItem) -> dict[str, Any]:
    return {
        "ref": item.ref,
        "level": item.level,
        "parent": item.parent.ref if item.parent else None,
        "indicator": item.indicator.code,
        "name": item.name,
        "budget_code": item.budget_code,
        "responsible": item.responsible.name,
        "performance_indicator": item.performance_indicator,
        "unit": item.unit,
        "baseline": str(item.baseline) if item.baseline is not None else None,
        "combine": item.combine,
    }


def _years_fields(years: dict[int, dict[str, Decimal | None]]) -> dict[str, Any]:
    return {
        str(y): {k: (str(v) if v is not None else None) for k, v in row.items()}
        for y, row in sorted(years.items())
    }


def validate_item(
    plan: Plan,
    *,
    level: str,
    parent: PlanItem | None,
    indicator: Indicator | None,
    responsible: Organisation | None,
    partners: list[Organisation],
    years: dict[int, dict[str, Decimal | None]],
) -> Indicator:
    """The rules of an item; returns the indicator it counts for."""
    if level not in PARENT_LEVEL:
        raise PlanError(_("Choose programme, activity or sub-activity."))
    expected = PARENT_LEVEL[level]
    if expected is None and parent is not None:
        raise PlanError(_("A programme is not part of another item."))
    if expected is not None:
        if parent is None or parent.level != expected or parent.plan_id != plan.pk:
            raise PlanError(
                _("An activity is part of a programme, a sub-activity part of an activity.")
            )
        indicator = parent.indicator
    if indicator is None or indicator.version_id != plan.version_id:
        raise PlanError(_("Choose an indicator of the plan's framework."))
    if (
        responsible is None
        or responsible.region_id != plan.region_id
        or (responsible.kind != OrganisationKind.GOVERNMENT_OFFICE)
    ):
        raise PlanError(_("The responsible office must be a government office of the district."))
    for partner in partners:
        if (
            partner.kind not in PARTNER_KINDS
            or not partner.region
            or not (partner.region.path.startswith(plan.region.path))
        ):
            raise PlanError(_("Partners must be partner organisations of the district."))
    for year, row in years.items():
        if year not in plan.years:
            raise PlanError(_("%(year)s is not a year of the plan.") % {"year": year})
        for key, value in row.items():
            check_amount(value, key)
    return indicator


@transaction.atomic
def item_save(
    *,
    actor: User,
    plan: Plan,
    item: PlanItem | None,
    level: str,
    parent: PlanItem | None,
    indicator: Indicator | None,
    ref: str,
    name: str,
    budget_code: str,
    responsible: Organisation | None,
    partners: list[Organisation],
    performance_indicator: str,
    unit: str,
    baseline: Decimal | None,
    years: dict[int, dict[str, Decimal | None]],
    combine: str = PlanItem.Combine.SUM,
) -> PlanItem:
    """Create or change an item with its targets and budgets per year; ``combine`` says how
    the periods' outputs make the year's figure (``PlanItem.Combine``)."""
    _require_secretariat(actor, plan.region)
    indicator = validate_item(
        plan,
        level=level,
        parent=parent,
        indicator=indicator,
        responsible=responsible,
        partners=partners,
        years=years,
    )
    assert responsible is not None
    ref = ref.strip()
    if not ref:
        raise PlanError(_("Give the item a reference, e.g. P1.A2."))
    clash = PlanItem.objects.filter(plan=plan, ref=ref)
    if item is not None:
        clash = clash.exclude(pk=item.pk)
        if level != item.level and item.children.filter(is_active=True).exists():
            raise PlanError(_("An item with parts keeps its level."))
    if clash.exists():
        raise PlanError(_("Another item of the plan has the reference %(ref)s.") % {"ref": ref})
    if not name.strip() or not performance_indicator.strip() or not unit.strip():
        raise PlanError(_("Give the name, the performance indicator and its unit."))
    check_amount(baseline, _("Baseline"))
    if combine not in PlanItem.Combine.values:
        raise PlanError(_("Say how the periods combine: sum, latest or average."))
    before = None
    if item is None:
        item = PlanItem(plan=plan)
        last = plan.items.order_by("-order").values_list("order", flat=True).first()
        item.order = (last or 0) + 10
    else:
        before = {**_item_fields(item), "years": _years_fields(_item_years(item))}
    item.level = level
    item.parent = parent
    item.indicator = indicator
    item.ref = ref
    item.name = name.strip()
    item.budget_code = budget_code.strip()
    item.responsible = responsible
    item.performance_indicator = performance_indicator.strip()
    item.unit = unit.strip()
    item.baseline = baseline
    item.combine = combine
    item.is_active = True
    item.save()
    item.partners.set(partners)
    _set_years(item, years)
    # Parts follow their programme's indicator.
    if level != L.SUB_ACTIVITY:
        PlanItem.objects.filter(parent=item).update(indicator=indicator)
        PlanItem.objects.filter(parent__parent=item).update(indicator=indicator)
    record(
        actor=actor,
        action="plan.item_saved",
        obj=item,
        region=plan.region,
        before=before,
        after={**_item_fields(item), "years": _years_fields(years)},
    )
    return item


def _item_years(item: PlanItem) -> dict[int, dict[str, Decimal | None]]:
    return {
        row.year: {"target": row.target, **{s: getattr(row, s) for s in SOURCES}}
        for row in item.years.all()
    }


def _set_years(item: PlanItem, years: dict[int, dict[str, Decimal | None]]) -> None:
    existing = {row.year: row for row in item.years.all()}
    for year in item.plan.years:
        row = existing.get(year) or PlanYear(item=item, year=year)
        values = years.get(year, {})
        row.target = values.get("target")
        for source in SOURCES:
            setattr(row, source, values.get(source) or Decimal(0))
        row.save()


@transaction.atomic
def item_remove(*, actor: User, item: PlanItem) -> None:
    """Take an item out of the plan; it is kept, inactive, with its reported progress."""
    _require_secretariat(actor, item.plan.region)
    if not item.is_active:
        raise PlanError(_("The item has already been taken out of the plan."))
    if item.children.filter(is_active=True).exists():
        raise PlanError(_("Remove the item's activities first."))
    item.is_active = False
    item.save(update_fields=["is_active"])
    record(
        actor=actor,
        action="plan.item_removed",
        obj=item,
        region=item.plan.region,
        # What it was stays readable; the change is that it left the plan.
        before=_item_fields(item) | {"in_plan": True},
        after=_item_fields(item) | {"in_plan": False},
    )


# ---- district budget --------------------------------------------------------------------


@transaction.atomic
def budget_total_set(*, actor: User, region: Region, year: int, total: Decimal) -> DistrictBudget:
    _require_secretariat(actor, region)
    check_amount(total, _("Total APBD"))
    if total <= 0:
        raise PlanError(_("The total budget must be more than zero."))
    row = DistrictBudget.objects.filter(region=region, year=year).first()
    before = {"total": str(row.total)} if row else None
    if row is None:
        row = DistrictBudget(region=region, year=year)
    row.total = total
    row.updated_by = actor
    row.save()
    record(
        actor=actor,
        action="plan.district_budget_set",
        obj=row,
        region=region,
        before=before,
        after={"year": year, "total": str(total)},
    )
    return row


# ---- progress reports -------------------------------------------------------------------


def reporting_offices(user: User, region: Region) -> list[Organisation]:
    """The offices of the district this person may report for."""
    offices = Organisation.objects.filter(
        region=region, kind=OrganisationKind.GOVERNMENT_OFFICE, is_active=True
    ).order_by("name")
    if authz.reaches(user, A.EDIT, region):
        return list(offices)
    own = {
        g.organisation_id for g in authz.grants(user) if g.organisation_scoped and g.allows(A.EDIT)
    }
    return [o for o in offices if o.pk in own]


def _leaf_items(plan: Plan, organisation: Organisation) -> Any:
    children = PlanItem.objects.filter(parent=OuterRef("pk"), is_active=True)
    return plan.items.filter(is_active=True, responsible=organisation).exclude(Exists(children))


@transaction.atomic
def report_create(
    *, actor: User, plan: Plan, organisation: Organisation, year: int, period: int
) -> ProgressReport:
    if organisation not in reporting_offices(actor, plan.region):
        raise PlanError(_("You cannot report for this office."))
    if year not in plan.years or not 1 <= period <= plan.reports_per_year:
        raise PlanError(_("Choose a period of the plan."))
    items = list(_leaf_items(plan, organisation))
    if not items:
        raise PlanError(_("The office has no activities in this plan."))
    if ProgressReport.objects.filter(
        plan=plan, organisation=organisation, year=year, period=period
    ).exists():
        raise PlanError(_("The office already has a report for this period."))
    report = ProgressReport.objects.create(
        plan=plan, organisation=organisation, year=year, period=period, created_by=actor
    )
    ProgressEntry.objects.bulk_create([ProgressEntry(report=report, item=i) for i in items])
    record(
        actor=actor,
        action="plan.report_created",
        obj=report,
        region=plan.region,
        after={"office": organisation.name, "year": year, "period": period},
    )
    return report


def _lock(report: ProgressReport) -> ProgressReport:
    return (
        ProgressReport.objects.select_for_update(of=("self",))
        .select_related("plan__region", "organisation")
        .get(pk=report.pk)
    )


def _may_write(actor: User, report: ProgressReport) -> None:
    if not ProgressReport.objects.for_user(actor, A.EDIT).filter(pk=report.pk).exists():
        raise PlanError(_("You cannot change this report."))


def _cents(value: Any) -> str | None:
    """An amount as stored (two decimals), so "100" and "100.00" compare equal."""
    return None if value is None else str(Decimal(value).quantize(Decimal("0.01")))


def _entry_fields(entry: ProgressEntry) -> dict[str, Any]:
    return {
        "output": _cents(entry.output),
        "budget": _cents(entry.budget),
        "done": entry.done,
        "planned": entry.planned,
        "obstacles": entry.obstacles,
    }


@transaction.atomic
def report_save(
    *,
    actor: User,
    report: ProgressReport,
    entries: dict[int, dict[str, Any]],
    revision: int | None = None,
) -> ProgressReport:
    """Save the office's figures and notes (entry id → fields) while the report is a draft or
    returned. ``revision`` is the report's revision the person opened: if someone saved the
    report since, nothing is saved and ``EditConflict`` carries the report as it is now."""
    report = _lock(report)
    _may_write(actor, report)
    concurrency.check(report, revision)
    if report.status not in workflow.EDITABLE:
        raise PlanError(
            _("A submitted or accepted report cannot be changed; ask the secretariat to return it.")
        )
    rows = {e.pk: e for e in report.entries.select_related("item")}
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for pk, values in entries.items():
        entry = rows.get(pk)
        if entry is None:
            raise PlanError(_("The report has changed; reload the page."))
        check_amount(values.get("output"), _("Output realised"))
        check_amount(values.get("budget"), _("Budget realised"))
        old = _entry_fields(entry)
        entry.output = values.get("output")
        entry.budget = values.get("budget")
        for key in ("done", "planned", "obstacles"):
            setattr(entry, key, str(values.get(key, "")).strip()[:4000])
        new = _entry_fields(entry)
        if new != old:
            entry.save()
            before[entry.item.ref] = old
            after[entry.item.ref] = new
    report.save(update_fields=["updated_at", concurrency.bump(report)] if after else ["updated_at"])
    if after:
        record(
            actor=actor,
            action="plan.report_saved",
            obj=report,
            region=report.plan.region,
            before=before,
            after=after,
        )
    return report


def _step(report: ProgressReport, step: workflow.Step, reason: str = "") -> str:
    try:
        return workflow.apply(report, step, reason)
    except workflow.WorkflowError as error:
        raise PlanError(str(error)) from error


@transaction.atomic
def report_submit(*, actor: User, report: ProgressReport) -> ProgressReport:
    report = _lock(report)
    _may_write(actor, report)
    missing = report.entries.filter(output__isnull=True).select_related("item")
    if missing.exists():
        raise PlanError(
            _("Give the output realised for every activity: %(items)s.")
            % {"items": "; ".join(e.item.ref for e in missing)}
        )
    before = _step(report, workflow.Step.SUBMIT)
    report.submitted_at = timezone.now()
    report.save()
    record(
        actor=actor,
        action="plan.report_submitted",
        obj=report,
        region=report.plan.region,
        before={"status": before},
        after={"status": report.status},
    )
    notices.report_submitted(actor=actor, report=report)
    return report


def _review(
    actor: User, report: ProgressReport, step: workflow.Step, reason: str
) -> ProgressReport:
    report = _lock(report)
    if not authz.reaches(actor, A.EDIT, report.plan.region):
        raise PlanError(_("Only the district's KLA secretariat reviews progress reports."))
    before = _step(report, step, reason)
    report.reviewed_at = timezone.now()
    report.reviewed_by = actor
    report.save()
    record(
        actor=actor,
        action=f"plan.report_{'accepted' if step == workflow.Step.ACCEPT else 'returned'}",
        obj=report,
        region=report.plan.region,
        before={"status": before},
        after={"status": report.status, "reason": report.return_reason},
    )
    notices.report_reviewed(actor=actor, report=report)
    return report


@transaction.atomic
def report_accept(*, actor: User, report: ProgressReport) -> ProgressReport:
    return _review(actor, report, workflow.Step.ACCEPT, "")


@transaction.atomic
def report_return(*, actor: User, report: ProgressReport, reason: str) -> ProgressReport:
    return _review(actor, report, workflow.Step.RETURN, reason)
