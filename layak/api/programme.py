"""The programme's resources in the REST API: the task force (decrees, meetings, follow-ups),
the RAD KLA (plans, progress, the child-responsive budget, the offices' progress reports),
partners (profiles, commitments, contributions, involvement totals), AFSE events and children's
participation (Forum Anak and their proposals).

Every read goes through the apps' ``for_user`` querysets (404 outside the reach, 403 for a write
the role does not carry) and every write through the apps' action functions, so the same rules
and the same audit entries apply as on the web pages. Registered on the API in
``layak.api.api``, which also turns the apps' refusals into 422 ``refused``.
"""

from __future__ import annotations

import datetime
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import ValidationError

from layak import authz
from layak.accounts.models import User
from layak.afse.models import Event
from layak.api import programme_schemas as p
from layak.api import schemas as s
from layak.core.http import user_of as _user
from layak.frameworks.models import Indicator
from layak.organisations.models import Membership, Organisation
from layak.organisations.roles import PARTNER_KINDS, OrganisationKind
from layak.participation.models import ForumDecree, Proposal
from layak.participation.models import Status as ProposalStatus
from layak.participation.querysets import forum_scope
from layak.partners import actions as partners
from layak.partners import clusters
from layak.partners.models import Commitment, Contribution
from layak.partners.totals import Row, involvement
from layak.plans import actions as plans
from layak.plans import progress
from layak.plans.models import Plan, PlanYear, ProgressEntry, ProgressReport
from layak.regions.models import Region
from layak.taskforce.models import Decree, FollowUp, Meeting, Sex
from layak.taskforce.querysets import serving_q

A = authz.Action
MAX_LIMIT = 500

router = Router()

ERRORS = s.ERRORS


def _page(qs: QuerySet[Any], after: int, limit: int) -> tuple[list[Any], int | None]:
    """Keyset pagination by id: up to ``limit`` rows after ``after``, and the id to pass as
    ``after`` for the next page (None on the last one)."""
    limit = max(1, min(limit, MAX_LIMIT))
    items = list(qs.filter(pk__gt=after).order_by("pk")[: limit + 1])
    more = len(items) > limit
    items = items[:limit]
    return items, (items[-1].pk if more and items else None)


def _in_region(lookup: str, code: str) -> Q:
    """Rows whose region (``lookup``) is the region ``code`` or lies below it."""
    code = code.strip()
    return Q(**{f"{lookup}__code": code}) | Q(**{f"{lookup}__code__startswith": f"{code}."})


def _invalid(field: str, message: str) -> ValidationError:
    """A 422 ``invalid`` answer with ``message`` on ``field``."""
    return ValidationError([{"loc": ["query", field], "msg": message}])


class PageQuery(Schema):
    after: int = 0
    limit: int = 100


# ---- task force ---------------------------------------------------------------------------


class DecreeQuery(PageQuery):
    region: str = Field("", max_length=32, pattern=p.CODE)


def _decree(d: Decree, serving: int) -> dict[str, Any]:
    return {
        "id": d.pk,
        "region": d.region.code,
        "number": d.number,
        "title": d.title,
        "signed_on": d.signed_on,
        "signatory": d.signatory,
        "period_start": d.period_start,
        "period_end": d.period_end,
        "superseded_by_id": d.superseded_by_id,
        "superseded_on": d.superseded_on,
        "in_force": d.in_force_on(timezone.localdate()),
        "members_serving": serving,
    }


@router.get(
    "/taskforce/decrees",
    response={200: p.DecreePage, **ERRORS},
    tags=["taskforce"],
    url_name="taskforce_decrees",
)
def taskforce_decrees(request: HttpRequest, filters: Query[DecreeQuery]) -> Any:
    """Task force decrees (SK) in your reach, superseded ones included; ``region`` narrows to a
    region and the regions below it."""
    today = timezone.localdate()
    qs = (
        Decree.objects.for_user(_user(request), A.VIEW)
        .select_related("region")
        .annotate(serving=Count("members", filter=serving_q(today, "members__")))
    )
    if filters.region:
        qs = qs.filter(_in_region("region", filters.region))
    items, nxt = _page(qs, filters.after, filters.limit)
    return {"items": [_decree(d, d.serving) for d in items], "next": nxt}


@router.get(
    "/taskforce/decrees/{pk}",
    response={200: p.DecreeDetailOut, **ERRORS},
    tags=["taskforce"],
    url_name="taskforce_decree",
)
def taskforce_decree(request: HttpRequest, pk: int) -> Any:
    """One decree with the people serving under it, past and present."""
    decree: Decree = authz.get_object_for_user(
        Decree.objects.select_related("region"), _user(request), A.VIEW, pk=pk
    )
    today = timezone.localdate()
    members = list(
        decree.members.select_related("organisation").order_by(
            "sub_team", "role", "served_from", "name", "pk"
        )
    )
    out = _decree(decree, sum(1 for m in members if m.serving_on(today)))
    out["members"] = [
        {
            "id": m.pk,
            "name": m.name,
            "position": m.position,
            "organisation_id": m.organisation_id,
            "organisation": m.organisation.name if m.organisation else "",
            "role": m.role,
            "sub_team": m.sub_team,
            "served_from": m.served_from,
            "served_until": m.served_until,
            "end_reason": m.end_reason,
            "serving": m.serving_on(today),
        }
        for m in members
    ]
    return out


class MeetingQuery(PageQuery):
    region: str = Field("", max_length=32, pattern=p.CODE)
    year: int | None = Field(None, ge=2000, le=2100)


def _meeting(m: Meeting, listed: int, present: int, open_follow_ups: int) -> dict[str, Any]:
    return {
        "id": m.pk,
        "region": m.region.code,
        "decree_id": m.decree_id,
        "title": m.title,
        "date": m.date,
        "start_time": m.start_time,
        "place": m.place,
        "chair": m.chair_label,
        "is_active": m.is_active,
        "listed": listed,
        "present": present,
        "open_follow_ups": open_follow_ups,
    }


@router.get(
    "/taskforce/meetings",
    response={200: p.MeetingPage, **ERRORS},
    tags=["taskforce"],
    url_name="taskforce_meetings",
)
def taskforce_meetings(request: HttpRequest, filters: Query[MeetingQuery]) -> Any:
    """Coordination meetings in your reach (cancelled ones left out), with the number of
    people listed and present and the open follow-ups."""
    qs = (
        Meeting.objects.for_user(_user(request), A.VIEW)
        .filter(is_active=True)
        .select_related("region", "chair_member")
        .annotate(
            listed=Count("attendances", distinct=True),
            present=Count("attendances", filter=Q(attendances__present=True), distinct=True),
            open_follow_ups=Count(
                "follow_ups", filter=Q(follow_ups__status=FollowUp.Status.OPEN), distinct=True
            ),
        )
    )
    if filters.region:
        qs = qs.filter(_in_region("region", filters.region))
    if filters.year:
        qs = qs.filter(date__year=filters.year)
    items, nxt = _page(qs, filters.after, filters.limit)
    return {
        "items": [_meeting(m, m.listed, m.present, m.open_follow_ups) for m in items],
        "next": nxt,
    }


def _follow_up(f: FollowUp, region: Region, today: datetime.date) -> dict[str, Any]:
    return {
        "id": f.pk,
        "meeting_id": f.meeting_id,
        "region": region.code,
        "description": f.description,
        "owner_id": f.owner_id,
        "owner": f.owner.name,
        "due_date": f.due_date,
        "status": f.status,
        "completion_note": f.completion_note,
        "closed_at": f.closed_at,
        "overdue": f.is_overdue(today),
    }


@router.get(
    "/taskforce/meetings/{pk}",
    response={200: p.MeetingDetailOut, **ERRORS},
    tags=["taskforce"],
    url_name="taskforce_meeting",
)
def taskforce_meeting(request: HttpRequest, pk: int) -> Any:
    """One meeting: agenda, minutes, decisions, attendance totals (people present by sex) and
    the follow-up actions with their responsible offices."""
    meeting: Meeting = authz.get_object_for_user(
        Meeting.objects.select_related("region", "chair_member"), _user(request), A.VIEW, pk=pk
    )
    present = Q(present=True)
    counts = meeting.attendances.aggregate(
        n_listed=Count("pk"),
        n_invited=Count("pk", filter=Q(invited=True)),
        n_present=Count("pk", filter=present),
        n_male=Count("pk", filter=present & Q(sex=Sex.MALE)),
        n_female=Count("pk", filter=present & Q(sex=Sex.FEMALE)),
    )
    totals = {key.removeprefix("n_"): n for key, n in counts.items()}
    follow_ups = list(meeting.follow_ups.select_related("owner").order_by("due_date", "pk"))
    today = timezone.localdate()
    out = _meeting(
        meeting,
        totals["listed"],
        totals["present"],
        sum(1 for f in follow_ups if f.status == FollowUp.Status.OPEN),
    )
    out |= {
        "agenda": meeting.agenda,
        "minutes": meeting.minutes,
        "decisions": [str(d) for d in meeting.decisions or []],
        "attendance": totals,
        "follow_ups": [_follow_up(f, meeting.region, today) for f in follow_ups],
    }
    return out


class FollowUpQuery(PageQuery):
    status: Literal["open", "done", "dropped"] | None = None
    overdue: bool | None = None


@router.get(
    "/taskforce/follow-ups",
    response={200: p.FollowUpPage, **ERRORS},
    tags=["taskforce"],
    url_name="taskforce_follow_ups",
)
def taskforce_follow_ups(request: HttpRequest, filters: Query[FollowUpQuery]) -> Any:
    """Follow-up actions of meetings in your reach (an office: also those it owns);
    ``overdue=true`` gives the open ones past their due date."""
    today = timezone.localdate()
    qs = (
        FollowUp.objects.for_user(_user(request), A.VIEW)
        .filter(meeting__is_active=True)
        .select_related("meeting__region", "owner")
    )
    if filters.status:
        qs = qs.filter(status=filters.status)
    late = Q(status=FollowUp.Status.OPEN, due_date__lt=today)
    if filters.overdue is True:
        qs = qs.filter(late)
    elif filters.overdue is False:
        qs = qs.exclude(late)
    items, nxt = _page(qs, filters.after, filters.limit)
    return {"items": [_follow_up(f, f.meeting.region, today) for f in items], "next": nxt}


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
        qs = qs.filter(_in_region("region", filters.region))
    items, nxt = _page(qs, filters.after, filters.limit)
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
def plan_detail(request: HttpRequest, pk: int) -> Any:
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
        raise _invalid(
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
def plan_progress(request: HttpRequest, pk: int, filters: Query[YearQuery]) -> Any:
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
def plan_budget(request: HttpRequest, pk: int, filters: Query[YearQuery]) -> Any:
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
    plan: int | None = None
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
    items, nxt = _page(qs, filters.after, filters.limit)
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
def progress_report(request: HttpRequest, pk: int) -> Any:
    """One report with an entry for each of the office's activities and the year's target."""
    return _report_detail(_get_report(request, pk))


ENTRY_FIELDS = ("output", "budget", "done", "planned", "obstacles")


@router.put(
    "/progress-reports/{pk}",
    response={200: p.ReportDetailOut, **ERRORS},
    tags=["plans"],
    url_name="progress_report_save",
)
def progress_report_save(request: HttpRequest, pk: int, payload: p.ReportIn) -> Any:
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
def progress_report_submit(request: HttpRequest, pk: int) -> Any:
    """Submit the report to the secretariat (every activity needs its output realised)."""
    report = _get_report(request, pk, A.EDIT)
    plans.report_submit(actor=_user(request), report=report)
    return _report_detail(_get_report(request, pk))


# ---- partners -----------------------------------------------------------------------------


@router.get(
    "/partners", response={200: p.PartnerPage, **ERRORS}, tags=["partners"], url_name="partners"
)
def partner_list(request: HttpRequest, filters: Query[PageQuery]) -> Any:
    """Partner organisations in your reach with their profiles (a partner: its own)."""
    qs = (
        Organisation.objects.for_user(_user(request), A.VIEW)
        .filter(kind__in=PARTNER_KINDS, is_active=True)
        .select_related("region", "partner_profile")
        .prefetch_related("partner_profile__clusters")
        .annotate(
            commitment_count=Count(
                "partner_commitments", filter=Q(partner_commitments__is_active=True)
            )
        )
    )
    items, nxt = _page(qs, filters.after, filters.limit)
    out = []
    for o in items:
        profile = getattr(o, "partner_profile", None)
        out.append(
            {
                "id": o.pk,
                "name": o.name,
                "acronym": o.acronym,
                "kind": o.kind,
                "region": o.region.code if o.region else None,
                "description": profile.description if profile else "",
                "website": profile.website if profile else "",
                "apsai_member": bool(profile and profile.apsai_member),
                "apsai_number": profile.apsai_number if profile else "",
                "apsai_year": profile.apsai_year if profile else None,
                "clusters": sorted(g.code for g in profile.clusters.all()) if profile else [],
                "commitments": o.commitment_count,
            }
        )
    return {"items": out, "next": nxt}


class CommitmentQuery(PageQuery):
    partner: int | None = None
    status: p.ReviewStatus | None = None


def _commitments(qs: QuerySet[Commitment]) -> QuerySet[Commitment]:
    return qs.select_related("organisation", "cluster").prefetch_related(
        Prefetch("indicators", queryset=Indicator.objects.order_by("code"))
    )


def _commitment(c: Commitment) -> dict[str, Any]:
    return {
        "id": c.pk,
        "partner_id": c.organisation_id,
        "partner": c.organisation.name,
        "title": c.title,
        "description": c.description,
        "cluster": c.cluster.code,
        "indicators": [i.code for i in c.indicators.all()],
        "starts_on": c.starts_on,
        "ends_on": c.ends_on,
        "funds": c.funds,
        "people": c.people,
        "facilities": c.facilities,
        "methods": c.methods,
        "status": c.status,
        "return_reason": c.return_reason,
        "is_active": c.is_active,
        "submitted_at": c.submitted_at,
        "reviewed_at": c.reviewed_at,
    }


@router.get(
    "/partners/commitments",
    response={200: p.CommitmentPage, **ERRORS},
    tags=["partners"],
    url_name="partner_commitments",
)
def partner_commitments(request: HttpRequest, filters: Query[CommitmentQuery]) -> Any:
    """Partners' commitments in your reach (a partner: its own), withdrawn ones included."""
    qs = _commitments(Commitment.objects.for_user(_user(request), A.VIEW))
    if filters.partner:
        qs = qs.filter(organisation_id=filters.partner)
    if filters.status:
        qs = qs.filter(status=filters.status)
    items, nxt = _page(qs, filters.after, filters.limit)
    return {"items": [_commitment(c) for c in items], "next": nxt}


def _own_partner(user: User, pk: int | None) -> Organisation:
    """The partner a record is entered for: the one named (404 outside the reach, 403 when it
    is only read), or the partner contributor's own when they belong to exactly one."""
    if pk is None:
        own = list(
            Membership.objects.active()
            .filter(user=user, organisation__kind__in=PARTNER_KINDS)
            .values_list("organisation_id", flat=True)
            .distinct()
        )
        if len(own) != 1:
            if not authz.has_action(user, A.EDIT):
                raise PermissionDenied
            raise ValidationError(
                [{"loc": ["body", "partner"], "msg": _("Give the partner's id.")}]
            )
        pk = own[0]
    partner: Organisation = authz.get_object_for_user(
        Organisation.objects.filter(kind__in=PARTNER_KINDS), user, A.EDIT, pk=pk
    )
    return partner


@router.post(
    "/partners/commitments",
    response={201: p.CommitmentOut, **ERRORS},
    tags=["partners"],
    url_name="partner_commitment_create",
)
def partner_commitment_create(request: HttpRequest, payload: p.CommitmentIn) -> Any:
    """Record a commitment of a partner as a draft (the partner's contributor, or the district
    administrator for a partner without an account)."""
    user = _user(request)
    partner = _own_partner(user, payload.partner)
    codes = list(dict.fromkeys(payload.indicators))
    found = {i.code: i for i in clusters.indicators().filter(code__in=codes)}
    if missing := [c for c in codes if c not in found]:
        raise ValidationError(
            [
                {
                    "loc": ["body", "indicators"],
                    "msg": _("Unknown indicators: %(codes)s.") % {"codes": ", ".join(missing)},
                }
            ]
        )
    fields = payload.dict(exclude={"partner", "cluster", "indicators"})
    commitment = partners.commitment_create(
        actor=user,
        organisation=partner,
        cluster=clusters.clusters().filter(code=payload.cluster).first(),
        indicators=[found[c] for c in codes],
        **fields,
    )
    saved = _commitments(Commitment.objects.all()).get(pk=commitment.pk)
    return Status(201, _commitment(saved))


@router.post(
    "/partners/commitments/{pk}/submit",
    response={200: p.CommitmentOut, **ERRORS},
    tags=["partners"],
    url_name="partner_commitment_submit",
)
def partner_commitment_submit(request: HttpRequest, pk: int) -> Any:
    """Submit a draft or returned commitment to the secretariat for validation."""
    user = _user(request)
    commitment: Commitment = authz.get_object_for_user(
        Commitment.objects.all(), user, A.EDIT, pk=pk
    )
    partners.commitment_submit(actor=user, commitment=commitment)
    return _commitment(_commitments(Commitment.objects.all()).get(pk=pk))


class ContributionQuery(PageQuery):
    commitment: int | None = None
    status: p.ReviewStatus | None = None


def _contribution(c: Contribution) -> dict[str, Any]:
    return {
        "id": c.pk,
        "commitment_id": c.commitment_id,
        "partner_id": c.commitment.organisation_id,
        "date": c.date,
        "description": c.description,
        "kind": c.kind,
        "amount": c.amount,
        "people": c.people,
        "children_reached": c.children_reached,
        "status": c.status,
        "return_reason": c.return_reason,
        "is_active": c.is_active,
        "submitted_at": c.submitted_at,
        "reviewed_at": c.reviewed_at,
    }


@router.get(
    "/partners/contributions",
    response={200: p.ContributionPage, **ERRORS},
    tags=["partners"],
    url_name="partner_contributions",
)
def partner_contributions(request: HttpRequest, filters: Query[ContributionQuery]) -> Any:
    """Contributions delivered by partners in your reach (a partner: its own)."""
    qs = Contribution.objects.for_user(_user(request), A.VIEW).select_related("commitment")
    if filters.commitment:
        qs = qs.filter(commitment_id=filters.commitment)
    if filters.status:
        qs = qs.filter(status=filters.status)
    items, nxt = _page(qs, filters.after, filters.limit)
    return {"items": [_contribution(c) for c in items], "next": nxt}


@router.post(
    "/partners/contributions",
    response={201: p.ContributionOut, **ERRORS},
    tags=["partners"],
    url_name="partner_contribution_create",
)
def partner_contribution_create(request: HttpRequest, payload: p.ContributionIn) -> Any:
    """Record a contribution delivered against a commitment, as a draft; attach the evidence
    on its page, then submit it."""
    user = _user(request)
    commitment: Commitment = authz.get_object_for_user(
        Commitment.objects.all(), user, A.EDIT, pk=payload.commitment
    )
    contribution = partners.contribution_create(
        actor=user, commitment=commitment, **payload.dict(exclude={"commitment"})
    )
    found = Contribution.objects.select_related("commitment").get(pk=contribution.pk)
    return Status(201, _contribution(found))


@router.post(
    "/partners/contributions/{pk}/submit",
    response={200: p.ContributionOut, **ERRORS},
    tags=["partners"],
    url_name="partner_contribution_submit",
)
def partner_contribution_submit(request: HttpRequest, pk: int) -> Any:
    """Submit a draft or returned contribution to the secretariat for validation."""
    user = _user(request)
    contribution: Contribution = authz.get_object_for_user(
        Contribution.objects.all(), user, A.EDIT, pk=pk
    )
    partners.contribution_submit(actor=user, contribution=contribution)
    return _contribution(Contribution.objects.select_related("commitment").get(pk=pk))


class TotalsQuery(Schema):
    region: str = Field("", max_length=32, pattern=p.CODE)
    year: int | None = Field(None, ge=2000, le=2100)


def _figures(row: Row) -> dict[str, Any]:
    f = row.figures
    return {
        "code": row.code,
        "label": row.label,
        "partners": f.partners,
        "contributions": f.contributions,
        "funds": f.funds,
        "people": f.people,
        "children": f.children,
    }


@router.get(
    "/partners/totals",
    response={200: p.TotalsOut, **ERRORS},
    tags=["partners"],
    url_name="partner_totals",
)
def partner_totals(request: HttpRequest, filters: Query[TotalsQuery]) -> Any:
    """Involvement of community organisations, business and media in a regency or city's
    programme (indicator KL-3) in a year, by partner kind and by cluster; only validated
    (accepted) records count. For region-wide roles; ``region`` defaults to your district."""
    user = _user(request)
    wide = [g for g in authz.grants(user) if g.allows(A.VIEW) and not g.organisation_scoped]
    if not wide:
        raise PermissionDenied
    code = filters.region.strip()
    if not code:
        districts = {path.rstrip(".") for g in wide for path in g.paths}
        if len(districts) != 1:
            raise _invalid("region", _("Give the code of a regency or city."))
        code = districts.pop()
    region = Region.objects.filter(code=code, level=Region.Level.REGENCY).first()
    if region is None or not authz.reaches(user, A.VIEW, region):
        raise Http404
    result = involvement(region, filters.year or timezone.localdate().year)
    total = Row("total", _("Total"), result.total)
    return {
        "region": region.code,
        "year": result.year,
        "by_kind": [_figures(r) for r in result.by_kind],
        "by_cluster": [_figures(r) for r in result.by_cluster],
        "total": _figures(total),
    }


# ---- AFSE ---------------------------------------------------------------------------------


class EventQuery(PageQuery):
    kind: Literal["A", "F", "S", "E"] | None = None
    date_from: datetime.date | None = Field(None, alias="from")
    date_to: datetime.date | None = Field(None, alias="to")
    region: str = Field("", max_length=32, pattern=p.CODE)
    cancelled: bool = False


def _event(e: Event) -> dict[str, Any]:
    return {
        "id": e.pk,
        "region": e.region.code,
        "kind": e.kind,
        "topic": e.topic,
        "organiser_id": e.organiser_id,
        "organiser": e.organiser.name,
        "starts_on": e.starts_on,
        "ends_on": e.ends_on,
        "place": e.place.code if e.place else None,
        "place_name": e.place.name if e.place else "",
        "venue": e.venue,
        "boys": e.boys,
        "girls": e.girls,
        "men": e.men,
        "women": e.women,
        "total": e.total,
        "target_groups": [t.group for t in e.targets.all()],
        "is_active": e.is_active,
    }


@router.get(
    "/afse/events", response={200: p.EventPage, **ERRORS}, tags=["afse"], url_name="afse_events"
)
def afse_events(request: HttpRequest, filters: Query[EventQuery]) -> Any:
    """AFSE events (advocacy, facilitation, socialisation, education) in your reach:
    ``kind`` A, F, S or E; ``from``/``to`` dates the event overlaps; ``region`` a region and
    the regions below it; cancelled events only with ``cancelled=true``."""
    qs = (
        Event.objects.for_user(_user(request), A.VIEW)
        .select_related("region", "organiser", "place")
        .prefetch_related("targets")
    )
    if not filters.cancelled:
        qs = qs.filter(is_active=True)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.date_from:
        qs = qs.filter(
            Q(ends_on__gte=filters.date_from)
            | Q(ends_on__isnull=True, starts_on__gte=filters.date_from)
        )
    if filters.date_to:
        qs = qs.filter(starts_on__lte=filters.date_to)
    if filters.region:
        qs = qs.filter(_in_region("place", filters.region) | _in_region("region", filters.region))
    items, nxt = _page(qs, filters.after, filters.limit)
    return {"items": [_event(e) for e in items], "next": nxt}


@router.get(
    "/afse/events/{pk}",
    response={200: p.EventDetailOut, **ERRORS},
    tags=["afse"],
    url_name="afse_event",
)
def afse_event(request: HttpRequest, pk: int) -> Any:
    """One event with its materials, partner organisations and the indicators it serves."""
    event: Event = authz.get_object_for_user(
        Event.objects.select_related("region", "organiser", "place").prefetch_related(
            "targets",
            Prefetch("partners", queryset=Organisation.objects.order_by("name")),
            "indicators",
        ),
        _user(request),
        A.VIEW,
        pk=pk,
    )
    out = _event(event)
    out |= {
        "description": event.description,
        "materials": event.materials,
        "partners": [o.name for o in event.partners.all()],
        "indicators": sorted(i.code for i in event.indicators.all()),
    }
    return out


# ---- participation ------------------------------------------------------------------------


@router.get(
    "/participation/forums",
    response={200: p.ForumPage, **ERRORS},
    tags=["participation"],
    url_name="participation_forums",
)
def participation_forums(request: HttpRequest, filters: Query[PageQuery]) -> Any:
    """The Forum Anak in your reach with their current decree and how many proposals they
    made (open: received or under consideration)."""
    current = ForumDecree.objects.filter(forum=OuterRef("pk"), superseded_at=None)
    qs = (
        Organisation.objects.filter(kind=OrganisationKind.FORUM_ANAK, is_active=True)
        .filter(forum_scope(_user(request), A.VIEW))
        .select_related("region")
        .annotate(
            decree_number=Subquery(current.values("number")[:1]),
            decree_date=Subquery(current.values("issued_on")[:1]),
            decree_end=Subquery(current.values("period_end")[:1]),
            proposal_count=Count("proposals", filter=Q(proposals__is_active=True), distinct=True),
            open_count=Count(
                "proposals",
                filter=Q(
                    proposals__is_active=True,
                    proposals__status__in=[ProposalStatus.RECEIVED, ProposalStatus.CONSIDERING],
                ),
                distinct=True,
            ),
        )
    )
    items, nxt = _page(qs, filters.after, filters.limit)
    return {
        "items": [
            {
                "id": f.pk,
                "name": f.name,
                "region": f.region.code if f.region else None,
                "decree_number": f.decree_number,
                "decree_date": f.decree_date,
                "decree_end": f.decree_end,
                "proposals": f.proposal_count,
                "open_proposals": f.open_count,
            }
            for f in items
        ],
        "next": nxt,
    }


class ProposalQuery(PageQuery):
    forum: int | None = None
    status: Literal["received", "considering", "planned", "done", "not_taken"] | None = None


@router.get(
    "/participation/proposals",
    response={200: p.ProposalPage, **ERRORS},
    tags=["participation"],
    url_name="participation_proposals",
)
def participation_proposals(request: HttpRequest, filters: Query[ProposalQuery]) -> Any:
    """Children's proposals in your reach with the government's follow-up. Children appear
    by age group; their first names or initials only for the people who keep the forum's
    records (its facilitators and the district administrator)."""
    user = _user(request)
    qs = (
        Proposal.objects.for_user(user, A.VIEW)
        .filter(is_active=True)
        .select_related("region")
        .prefetch_related("proposers")
    )
    if filters.forum:
        qs = qs.filter(forum_id=filters.forum)
    if filters.status:
        qs = qs.filter(status=filters.status)
    items, nxt = _page(qs, filters.after, filters.limit)
    named = set(
        Proposal.objects.for_user(user, A.EDIT)
        .filter(pk__in=[x.pk for x in items])
        .values_list("pk", flat=True)
    )
    return {
        "items": [
            {
                "id": x.pk,
                "forum_id": x.forum_id,
                "topic": x.topic,
                "description": x.description,
                "region": x.region.code,
                "proposed_on": x.proposed_on,
                "source": x.source,
                "status": x.status,
                "response": x.response,
                "plan_item_id": x.plan_item_id,
                "followed_up_at": x.followed_up_at,
                "proposers": [
                    {"name": c.name if x.pk in named else None, "age_group": c.age_group}
                    for c in x.proposers.all()
                ],
            }
            for x in items
        ],
        "next": nxt,
    }
