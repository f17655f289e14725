"""The dashboards' figures, every one aggregated in the database.

Each builder costs a fixed number of queries whatever the number of districts, answers, scores,
plan items or reports: counts and sums are ``GROUP BY`` queries, the rest is picking and
arranging the few aggregated rows in Python.

Which scores a figure shows: an evaluation's "latest" scores are those of the furthest stage
that has scored it (Permen PPPA 12/2022's order: self-assessment, province verification,
ministry review, field verification, final determination); a determined evaluation shows the
total and predicate fixed by the determination.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import (
    Avg,
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Least
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from layak import authz
from layak.accounts.models import User
from layak.dashboards import effective
from layak.dashboards.charts import Column, Table
from layak.evaluation import gaps, scores
from layak.evaluation.models import Answer, Assessment, Assignment, Cycle, Stage
from layak.frameworks.models import Group, PredicateBand
from layak.regions.models import Region
from layak.workflow import Status

ZERO = Decimal(0)
CENT = Decimal("0.01")
MONEY = DecimalField(max_digits=20, decimal_places=2)
STAGES: list[str] = [str(k) for k in Stage.ORDER]
REVIEW_STATUSES = [Status.ACCEPTED, Status.SUBMITTED, Status.DRAFT, Status.RETURNED]


def cycles() -> QuerySet[Cycle]:
    """Evaluation cycles of regencies and cities, oldest first (by the opening of their first
    stage: a cycle entered later for an earlier year sorts where it belongs)."""
    return (
        Cycle.objects.filter(instrument__framework__region_level=Region.Level.REGENCY)
        .annotate(opens=Min("stages__opens_at"))
        .order_by("opens", "pk")
    )


def latest_stage(present: set[str]) -> str | None:
    """The furthest stage among ``present`` in the order of the evaluation."""
    found = [s for s in STAGES if s in present]
    return found[-1] if found else None


def _status_counts(prefix: str = "") -> dict[str, Count]:
    return {
        str(status): Count("pk", filter=Q(**{f"{prefix}status": status}))
        for status in REVIEW_STATUSES
    }


def _status_columns(first: str) -> list[Column]:
    labels = {str(s): str(s.label) for s in REVIEW_STATUSES}
    return [Column(first, numeric=False)] + [Column(labels[str(s)]) for s in REVIEW_STATUSES]


def _percent(part: object, whole: object) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(str(part or 0)) * 100 / Decimal(str(whole))).quantize(CENT)


def _money(value: object) -> Decimal:
    return Decimal(str(value or 0)).quantize(CENT)


# ---- district ----------------------------------------------------------------------------


@dataclass
class District:
    region: Region
    cycle: Cycle | None
    cycles: list[Cycle]
    assessment: Assessment | None
    stage: str | None
    path: gaps.Path | None
    year: int
    tables: list[Table] = field(default_factory=list)
    overdue_count: int = 0
    returned_count: int = 0
    # One small chart per key indicator: its value against the district's target.
    trends: list[Table] = field(default_factory=list)
    standing: Standing | None = None
    path_stage: str | None = None

    @property
    def path_stage_label(self) -> str:
        return str(dict(Stage.Kind.choices).get(self.path_stage, "")) if self.path_stage else ""

    @property
    def stage_label(self) -> str:
        return str(dict(Stage.Kind.choices).get(self.stage, "")) if self.stage else ""


def district_cycles(region: Region) -> list[Cycle]:
    """The cycles the district took part in, oldest first. One query."""
    return list(cycles().filter(pk__in=Assessment.objects.filter(region=region).values("cycle")))


def district(user: User, region: Region, cycle: Cycle | None, year: int) -> District:
    """The district dashboard of ``region`` in ``cycle`` (the latest it took part in when
    None) and the plan ``year``."""
    taken = district_cycles(region)
    if cycle is not None and not hasattr(cycle, "opens"):
        cycle = cycles().get(pk=cycle.pk)
    if cycle is None and taken:
        cycle = taken[-1]
    assessment = (
        Assessment.objects.select_related("cycle__instrument", "final_band")
        .filter(cycle=cycle, region=region)
        .first()
        if cycle is not None
        else None
    )
    out = District(region, cycle, taken, assessment, None, None, year)
    if assessment is not None:
        out.tables += _progress(assessment)
    earlier = [c for c in taken if cycle is None or _before_or_same(c, cycle)]
    by_group, standing = _scores_by_group(region, cycle, earlier)
    out.tables.append(by_group)
    out.stage = standing.stage
    out.standing = standing
    if assessment is not None and standing.stage is not None and standing.total is not None:
        standing.predicate = effective.predicates(
            assessment.cycle, {assessment.pk: (standing.stage, standing.total)}
        )[assessment.pk]
    if assessment is not None and standing.stage is not None:
        out.path_stage = standing.complete_stage or Stage.Kind.SELF_ASSESSMENT
        out.path = gaps.cheapest_path(assessment, out.path_stage)
        out.tables.append(_path_table(assessment, out.path))
    out.tables.append(rad_by_cluster(region, year))
    followups, out.overdue_count = _overdue(user, region)
    returned, out.returned_count = _returned(user, region, assessment)
    out.tables += [followups, returned]
    out.trends = indicator_trends(user, region, year)
    return out


def _before_or_same(c: Cycle, cycle: Cycle) -> bool:
    return (c.opens, c.pk) <= (cycle.opens, cycle.pk)  # type: ignore[attr-defined]


def _progress(assessment: Assessment) -> list[Table]:
    """Answers by review status per office (assignments) and per cluster. Three queries."""
    offices: Any = (
        Assignment.objects.filter(answer__assessment=assessment, is_active=True)
        .values("organisation__name", "organisation__acronym")
        .annotate(**_status_counts("answer__"))
        .order_by("organisation__name")
    )
    unassigned = (
        Answer.objects.filter(assessment=assessment)
        .exclude(Exists(Assignment.objects.filter(answer=OuterRef("pk"), is_active=True)))
        .aggregate(**_status_counts())
    )
    rows: list[list[object]] = [
        [r["organisation__acronym"] or r["organisation__name"]]
        + [r[str(s)] for s in REVIEW_STATUSES]
        for r in offices
    ]
    if any(unassigned.values()):
        rows.append(
            [_("Not assigned to an office")] + [unassigned[str(s)] for s in REVIEW_STATUSES]
        )
    by_office = Table(
        "offices",
        _("Self-assessment progress per office"),
        _status_columns(_("Office")),
        rows,
        chart="stacked",
        note=_(
            "Answers assigned to each office, by review status; an answer assigned to two "
            "offices counts for both."
        ),
    )
    clusters: Any = (
        Answer.objects.filter(assessment=assessment)
        .values("question__indicator__group__code", "question__indicator__group__name")
        .annotate(**_status_counts())
        .order_by("question__indicator__group__order")
    )
    by_cluster = Table(
        "clusters",
        _("Self-assessment progress per cluster"),
        _status_columns(_("Cluster")),
        [
            [f"{r['question__indicator__group__code']} {r['question__indicator__group__name']}"]
            + [r[str(s)] for s in REVIEW_STATUSES]
            for r in clusters
        ],
        chart="stacked",
    )
    return [by_office, by_cluster]


def _scores_by_group(
    region: Region, cycle: Cycle | None, taken: list[Cycle]
) -> tuple[Table, Standing]:
    """Points per group of each cycle up to ``cycle`` as they stand (every answer's furthest
    stage), against the maximum of ``cycle``'s instrument. Six queries."""
    ids = [c.pk for c in taken]
    assessments = {
        a["cycle_id"]: a
        for a in Assessment.objects.filter(region=region, cycle_id__in=ids).values(
            "pk", "cycle_id", "final_total", "determined_at"
        )
    }
    aids = [a["pk"] for a in assessments.values()]
    covered = effective.coverage(aids)
    standing = (
        Answer.objects.filter(assessment_id__in=aids)
        .annotate(p=effective.points_upto(None))
        .values("assessment__cycle_id")
    )
    points = {
        (r["assessment__cycle_id"], r["question__indicator__group__code"]): _money(r["points"])
        for r in standing.values("assessment__cycle_id", "question__indicator__group__code")
        .annotate(points=Sum("p"))
        .filter(points__isnull=False)
    }
    totals = {
        r["assessment__cycle_id"]: _money(r["points"])
        for r in standing.annotate(points=Sum("p")).filter(points__isnull=False)
    }
    groups: list[tuple[Group, Decimal]] = scores.group_maxima(cycle) if cycle else []
    columns = [Column(_("Group"), numeric=False)] + [Column(c.name) for c in taken]
    columns.append(Column(_("Maximum"), series=False))
    rows: list[list[object]] = []
    for group, maximum in groups:
        cells: list[object] = [f"{group.code} {group.name}"]
        cells += [points.get((c.pk, group.code)) for c in taken]
        cells.append(_money(maximum))
        rows.append(cells)
    total_row: list[Any] = [_("Total")]
    for c in taken:
        got = assessments.get(c.pk)
        if got is not None and got["determined_at"] is not None:
            total_row.append(_money(got["final_total"]))
        else:
            total_row.append(totals.get(c.pk))
    total_row.append(_money(sum((m for _g, m in groups), ZERO)))
    table = Table(
        "scores",
        _("Score by group against past cycles"),
        columns,
        rows,
        chart="bars",
        note=_(
            "As the scores stand: each item's points at the furthest stage that has scored it; "
            "a determined cycle's total is the one fixed by the determination. Cycles entered "
            "with totals only show no group scores."
        ),
    )
    table.drawn_rows = len(rows)
    table.rows.append(total_row)
    now = Standing()
    current = assessments.get(cycle.pk) if cycle else None
    if current is not None:
        scored = covered.get(current["pk"], {})
        now.stage = effective.furthest(scored)
        now.complete_stage = effective.furthest_complete(scored)
        now.total = totals.get(cycle.pk) if cycle else None
    return table, now


@dataclass
class Standing:
    """The current evaluation as it stands: the furthest stage that scored anything, the
    furthest that scored everything (the cheapest path is computed there), the total and
    predicate as they stand."""

    stage: str | None = None
    complete_stage: str | None = None
    total: Decimal | None = None
    predicate: Any = None


def _path_table(assessment: Assessment, path: gaps.Path) -> Table:
    rows: list[list[object]] = []
    links: list[str | None] = []
    for item in path.items:
        question = item.answer.question
        rows.append(
            [
                question.code,
                question.indicator.code,
                item.gain,
                _("only a document is missing") if item.effort == gaps.EFFORT_EVIDENCE else "",
            ]
        )
        links.append(
            reverse("evaluation:indicator", args=[assessment.pk, question.indicator_id])
            + f"#answer-{item.answer.pk}"
        )
    return Table(
        "path",
        _("The cheapest path to the next predicate"),
        [
            Column(_("Question"), numeric=False),
            Column(_("Indicator"), numeric=False),
            Column(_("Points to gain"), series=False),
            Column(_("Effort"), numeric=False),
        ],
        rows,
        chart="",
        links=links,
    )


def rad_by_cluster(region: Region, year: int) -> Table:
    """RAD KLA realisation of ``year`` per cluster, counting accepted progress reports only:
    the leaf activities, how many reported and reached their target, the average share of the
    target realised (capped at 100 % per activity), the budget planned and spent. One query."""
    from layak.plans.models import ProgressEntry
    from layak.plans.progress import leaf_years

    accepted = ProgressEntry.objects.filter(
        item=OuterRef("item_id"), report__year=year, report__status=Status.ACCEPTED
    ).values("item")
    output = Subquery(accepted.annotate(s=Sum("output")).values("s")[:1], output_field=MONEY)
    spent = Subquery(accepted.annotate(s=Sum("budget")).values("s")[:1], output_field=MONEY)
    share = Case(
        When(
            target__gt=0,
            then=Least(
                Coalesce(F("out"), Value(ZERO), output_field=MONEY) * 100 / F("target"),
                Value(Decimal(100)),
                output_field=MONEY,
            ),
        ),
        default=None,
        output_field=MONEY,
    )
    rows: Any = (
        leaf_years(region, year)
        .annotate(out=output, spent_sum=spent)
        .values(code=F("item__indicator__group__code"), name=F("item__indicator__group__name"))
        .annotate(
            items=Count("pk"),
            reported=Count("pk", filter=Q(out__isnull=False)),
            reached=Count("pk", filter=Q(target__gt=0, out__gte=F("target"))),
            output_share=Avg(share),
            planned=Coalesce(
                Sum(F("apbd") + F("apbn") + F("village") + F("csr") + F("other")),
                Value(ZERO),
                output_field=MONEY,
            ),
            spent=Coalesce(Sum("spent_sum"), Value(ZERO), output_field=MONEY),
        )
        .order_by("item__indicator__group__order")
    )
    table_rows: list[list[object]] = []
    for r in rows:
        table_rows.append(
            [
                f"{r['code']} {r['name']}",
                r["items"],
                r["reported"],
                r["reached"],
                Decimal(str(r["output_share"])).quantize(CENT)
                if r["output_share"] is not None
                else None,
                _money(r["planned"]),
                _money(r["spent"]),
                _percent(r["spent"], r["planned"]),
            ]
        )
    return Table(
        "rad",
        _("RAD KLA realisation per cluster in %(year)s") % {"year": year},
        [
            Column(_("Cluster"), numeric=False),
            Column(_("Activities"), series=False),
            Column(_("Reported"), series=False),
            Column(_("Target reached"), series=False),
            Column(_("Output realised (%)")),
            Column(_("Budget planned (Rp)"), series=False),
            Column(_("Budget spent (Rp)"), series=False),
            Column(_("Budget realised (%)")),
        ],
        table_rows,
        chart="bars",
        max_value=Decimal(100),
        note=_(
            "Accepted progress reports only; output realised is the average share of each "
            "activity's yearly target, at most 100 % per activity."
        ),
    )


def _overdue(user: User, region: Region) -> tuple[Table, int]:
    """Open follow-ups of the district's task force past their due date. Two queries."""
    from layak.taskforce.models import FollowUp

    today = timezone.localdate()
    found = (
        FollowUp.objects.for_user(user, authz.Action.VIEW)
        .filter(meeting__region=region)
        .overdue(today)
    )
    count = found.count()
    rows: list[list[object]] = []
    links: list[str | None] = []
    for f in found.select_related("owner", "meeting").order_by("due_date", "pk")[:20]:
        rows.append(
            [
                f.description,
                f.owner.acronym or f.owner.name,
                f.due_date.isoformat(),
                (today - f.due_date).days,
            ]
        )
        links.append(reverse("taskforce:meeting", args=[f.meeting_id]))
    table = Table(
        "followups",
        _("Overdue follow-ups"),
        [
            Column(_("Follow-up"), numeric=False),
            Column(_("Office"), numeric=False),
            Column(_("Due"), numeric=False),
            Column(_("Days overdue"), series=False),
        ],
        rows,
        chart="",
        links=links,
    )
    return table, count


def _returned(user: User, region: Region, assessment: Assessment | None) -> tuple[Table, int]:
    """Answers of the evaluation and RAD progress reports sent back with a reason, as far as
    the person may read them. Four queries."""
    from layak.plans.models import ProgressReport

    answers = Answer.objects.for_user(user, authz.Action.VIEW).filter(
        assessment=assessment, status=Status.RETURNED
    )
    reports = ProgressReport.objects.for_user(user, authz.Action.VIEW).filter(
        plan__region=region, plan__is_active=True, status=Status.RETURNED
    )
    count = (answers.count() if assessment else 0) + reports.count()
    rows: list[list[object]] = []
    links: list[str | None] = []
    if assessment is not None:
        for a in answers.select_related("question").order_by("question__code")[:20]:
            rows.append([_("Evaluation answer"), a.question.code, a.return_reason])
            links.append(
                reverse("evaluation:indicator", args=[assessment.pk, a.question.indicator_id])
                + f"#answer-{a.pk}"
            )
    for r in reports.select_related("organisation").order_by("-year", "-period", "pk")[:20]:
        label = _("%(office)s, %(year)s period %(period)s") % {
            "office": r.organisation.acronym or r.organisation.name,
            "year": r.year,
            "period": r.period,
        }
        rows.append([_("RAD progress report"), label, r.return_reason])
        links.append(r.get_absolute_url())
    table = Table(
        "returned",
        _("Returned items"),
        [
            Column(_("Kind"), numeric=False),
            Column(_("Item"), numeric=False),
            Column(_("Reason"), numeric=False),
        ],
        rows,
        chart="",
        links=links,
    )
    return table, count


TREND_YEARS = 5
KEY_INDICATORS = 8


def indicator_trends(user: User, region: Region, year: int) -> list[Table]:
    """The district's key indicators (those it set a target for) over the last five years (a
    quarterly or monthly indicator: the periods of the last two years) against the target of
    each year. Three queries whatever the number of values."""
    from layak.indicators.aggregate import indicator_grid
    from layak.indicators.models import Indicator, IndicatorTarget, PeriodType, periods_of_year

    targets_seen = IndicatorTarget.objects.for_user(user, authz.Action.VIEW).filter(region=region)
    indicators = list(
        Indicator.objects.active()
        .filter(pk__in=targets_seen.values("indicator"))
        .select_related("numerator")
        .order_by("cluster", "order", "name")[:KEY_INDICATORS]
    )
    if not indicators:
        return []
    years = list(range(year - TREND_YEARS + 1, year + 1))
    targets = {
        (t.indicator_id, t.year): t.value
        for t in targets_seen.filter(indicator__in=indicators, year__in=years)
    }
    periods: dict[int, list[tuple[str, int]]] = {}
    for indicator in indicators:
        kind = indicator.period_type
        shown = years if kind == PeriodType.YEAR else years[-2:]
        periods[indicator.pk] = [(p, y) for y in shown for p in periods_of_year(y, kind)]
    every = sorted({p for rows in periods.values() for p, _y in rows})
    values = indicator_grid(indicators, [region], every)
    tables: list[Table] = []
    for indicator in indicators:
        unit = f" ({indicator.unit})" if indicator.unit else ""
        better = _("higher is better") if indicator.higher_is_better else _("lower is better")
        tables.append(
            Table(
                f"indicator-{indicator.code}",
                f"{indicator.name}{unit}",
                [
                    Column(_("Period"), numeric=False),
                    Column(_("Value")),
                    Column(_("Target")),
                ],
                [
                    [p, values.get((indicator.pk, region.pk, p)), targets.get((indicator.pk, y))]
                    for p, y in periods[indicator.pk]
                ],
                chart="lines",
                note=better,
            )
        )
    return tables


# ---- province ----------------------------------------------------------------------------


@dataclass
class Province:
    region: Region
    cycle: Cycle | None
    cycles: list[Cycle]
    provila: bool
    open_stage: str | None
    tables: list[Table] = field(default_factory=list)

    @property
    def open_stage_label(self) -> str:
        return str(dict(Stage.Kind.choices).get(self.open_stage, "")) if self.open_stage else ""


def open_stage(cycle: Cycle, now: datetime.datetime | None = None) -> str | None:
    """The stage whose window is open now, or None between or outside the windows."""
    now = now or timezone.now()
    for stage in cycle.stages.all():
        if stage.is_open(now):
            return str(stage.kind)
    return None


def province(region: Region, cycle: Cycle | None) -> Province:
    """Every active regency and city of the province in ``cycle`` (the latest when None): its
    state, total per stage, predicate and change since its previous determined evaluation;
    and whether the province is a Provinsi Layak Anak. About thirty queries, fixed."""
    from layak.evaluation import computed

    every = list(cycles().prefetch_related("stages"))
    if cycle is None and every:
        cycle = every[-1]
    if cycle is not None:
        cycle = next((c for c in every if c.pk == cycle.pk), cycle)
    statuses = computed.statuses(region, Region.Level.REGENCY)
    provila = bool(statuses) and all(s is not None for s in statuses.values())
    out = Province(region, cycle, every, provila, open_stage(cycle) if cycle else None)
    if cycle is None:
        return out
    current = Assessment.objects.filter(cycle=cycle, region=OuterRef("pk"))
    previous = Assessment.objects.filter(
        region=OuterRef("pk"),
        determined_at__isnull=False,
        cycle__instrument__framework__region_level=Region.Level.REGENCY,
        cycle__in=[c.pk for c in every if (c.opens, c.pk) < (cycle.opens, cycle.pk)],  # type: ignore[attr-defined]
    ).order_by("-determined_at")
    districts = list(
        Region.objects.below(region)
        .filter(level=Region.Level.REGENCY, is_active=True)
        .annotate(
            assessment_id=Subquery(current.values("pk")[:1]),
            status=Subquery(current.values("status")[:1]),
            determined=Subquery(current.values("determined_at")[:1]),
            final_total=Subquery(current.values("final_total")[:1]),
            final_band=Subquery(current.values("final_band__name")[:1]),
            final_rank=Subquery(current.values("final_band__rank")[:1]),
            prev_total=Subquery(previous.values("final_total")[:1]),
            prev_band=Subquery(previous.values("final_band__name")[:1]),
            prev_rank=Subquery(previous.values("final_band__rank")[:1]),
        )
        .order_by("code")
    )
    ids = [d.assessment_id for d in districts if d.assessment_id]  # type: ignore[attr-defined]
    covered = effective.coverage(ids)
    per_stage = {stage: effective.totals(cycle, ids, stage) for stage in STAGES}
    latest: dict[int, tuple[str, Decimal]] = {}
    for assessment_id in ids:
        stage = effective.furthest(covered.get(assessment_id, {}))
        if stage is not None and assessment_id in per_stage[stage]:
            latest[assessment_id] = (stage, per_stage[stage][assessment_id])
    predicates = effective.predicates(cycle, latest)
    labels = dict(Stage.Kind.choices)
    columns = [
        Column(_("Regency/city"), numeric=False),
        Column(_("State"), numeric=False),
    ]
    columns += [Column(str(labels[s]), series=False) for s in STAGES]
    columns += [
        Column(_("Latest score")),
        Column(_("Predicate"), numeric=False),
        Column(_("Previous predicate"), numeric=False),
        Column(_("Change in points"), series=False),
        Column(_("Change"), numeric=False),
    ]
    rows: list[list[object]] = []
    links: list[str | None] = []
    for d in districts:
        a: Any = d
        scored = covered.get(a.assessment_id, {}) if a.assessment_id else {}
        stage_totals = [
            per_stage[stage].get(a.assessment_id) if scored.get(stage) else None for stage in STAGES
        ]
        if a.determined is not None:
            total, band, rank = a.final_total, a.final_band, a.final_rank
            state = _("Determined")
        elif a.assessment_id:
            total = latest[a.assessment_id][1] if a.assessment_id in latest else None
            predicate = predicates.get(a.assessment_id)
            got = predicate.band if predicate else None
            band, rank = (got.name, got.rank) if got else (None, None)
            state = _("Submitted") if a.status == Assessment.Status.SUBMITTED else _("In progress")
        else:
            total, band, rank, state = None, None, None, _("Not taking part")
        change = (
            _money(total) - _money(a.prev_total)
            if total is not None and a.prev_total is not None
            else None
        )
        rows.append(
            [
                d.name,
                state,
                *stage_totals,
                _money(total) if total is not None else None,
                band,
                a.prev_band,
                change,
                _movement(rank, a.prev_rank),
            ]
        )
        links.append(reverse("dashboards:district") + f"?region={d.code}&cycle={cycle.pk}")
    out.tables.append(
        Table(
            "districts",
            _("Regencies and cities in %(cycle)s") % {"cycle": cycle.name},
            columns,
            rows,
            chart="bars",
            links=links,
            note=_(
                "Scores as they stand at each stage (an item a verifier has not reached keeps "
                "the previous level's points); the latest score of a determined evaluation is "
                "the determined one, otherwise the furthest stage's, and so is its predicate "
                "(with the cycle's gates)."
            ),
        )
    )
    return out


def _movement(rank: int | None, previous: int | None) -> str:
    if rank is None or previous is None:
        return ""
    if rank > previous:
        return _("up")
    if rank < previous:
        return _("down")
    return _("same")


# ---- national ----------------------------------------------------------------------------


@dataclass
class National:
    cycles: list[Cycle]
    cycle: Cycle | None
    current: Cycle | None
    districts: int
    tables: list[Table] = field(default_factory=list)


def national(cycle: Cycle | None) -> National:
    """All regencies and cities: predicates per cycle, trends, the current cycle's progress by
    province. The ranking is ``ranking`` (paginated). Seven queries."""
    every = list(cycles())
    current = every[-1] if every else None
    determined_cycles = set(
        Assessment.objects.filter(cycle_id__in=[c.pk for c in every], determined_at__isnull=False)
        .values_list("cycle_id", flat=True)
        .distinct()
    )
    if cycle is None:
        cycle = next((c for c in reversed(every) if c.pk in determined_cycles), current)
    total = Region.objects.filter(level=Region.Level.REGENCY, is_active=True).count()
    out = National(every, cycle, current, total)
    out.tables += _distribution(every, total)
    if current is not None:
        out.tables += _by_province(current)
    return out


def _distribution(every: list[Cycle], total: int) -> list[Table]:
    ids = [c.pk for c in every]
    counts = (
        Assessment.objects.filter(cycle_id__in=ids, determined_at__isnull=False)
        .values("cycle_id", "final_band__code", "final_band__name", "final_band__rank")
        .annotate(n=Count("pk"))
    )
    taking: dict[int, Any] = {
        r["cycle_id"]: r
        for r in Assessment.objects.filter(cycle_id__in=ids)
        .values("cycle_id")
        .annotate(
            n=Count("pk"),
            determined=Count("pk", filter=Q(determined_at__isnull=False)),
            holding=Count("pk", filter=Q(final_band__rank__gt=0)),
            average=Avg("final_total", filter=Q(determined_at__isnull=False)),
        )
    }
    bands: dict[str, tuple[int, str]] = {}
    found: dict[tuple[int, str], int] = {}
    for r in counts:
        code = r["final_band__code"] or "NONE"
        if r["final_band__rank"]:
            bands.setdefault(code, (r["final_band__rank"], r["final_band__name"]))
        found[(r["cycle_id"], code)] = found.get((r["cycle_id"], code), 0) + r["n"]
    order = sorted(bands, key=lambda c: -bands[c][0])
    columns = [Column(_("Cycle"), numeric=False)] + [Column(bands[c][1]) for c in order]
    columns += [
        Column(_("No predicate")),
        Column(_("Not determined yet")),
        Column(_("Not taking part")),
    ]
    rows: list[list[object]] = []
    trend_rows: list[list[object]] = []
    for c in every:
        t = taking.get(c.pk, {"n": 0, "determined": 0, "holding": 0, "average": None})
        with_band = [found.get((c.pk, code), 0) for code in order]
        rows.append(
            [
                c.name,
                *with_band,
                t["determined"] - t["holding"],
                t["n"] - t["determined"],
                max(total - t["n"], 0),
            ]
        )
        trend_rows.append(
            [
                c.name,
                t["n"],
                t["holding"],
                Decimal(str(t["average"])).quantize(CENT) if t["average"] is not None else None,
            ]
        )
    distribution = Table(
        "distribution",
        _("Regencies and cities by predicate per cycle"),
        columns,
        rows,
        chart="stacked",
        note=_("Out of %(n)s regencies and cities.") % {"n": total},
    )
    trends = Table(
        "trends",
        _("Trends over cycles"),
        [
            Column(_("Cycle"), numeric=False),
            Column(_("Taking part")),
            Column(_("Holding a predicate")),
            Column(_("Average determined score"), series=False),
        ],
        trend_rows,
        chart="lines",
    )
    return [distribution, trends]


def _by_province(current: Cycle) -> list[Table]:
    """The current cycle's districts and answers by province. Two queries."""
    districts: dict[str, Any] = {
        r["region__parent__code"]: r
        for r in Assessment.objects.filter(cycle=current)
        .values("region__parent__code", "region__parent__name")
        .annotate(
            n=Count("pk"),
            submitted=Count("pk", filter=Q(status=Assessment.Status.SUBMITTED)),
            determined=Count("pk", filter=Q(determined_at__isnull=False)),
        )
    }
    answers: dict[str, Any] = {
        r["assessment__region__parent__code"]: r
        for r in Answer.objects.filter(assessment__cycle=current)
        .values("assessment__region__parent__code")
        .annotate(total=Count("pk"), **_status_counts())
    }
    rows: list[list[object]] = []
    links: list[str | None] = []
    for code in sorted(districts):
        d = districts[code]
        a = answers.get(code, {})
        rows.append(
            [
                d["region__parent__name"],
                d["n"],
                d["submitted"],
                d["determined"],
                _percent(a.get(str(Status.ACCEPTED), 0), a.get("total")),
                _percent(a.get(str(Status.SUBMITTED), 0), a.get("total")),
                _percent(a.get(str(Status.RETURNED), 0), a.get("total")),
            ]
        )
        links.append(reverse("dashboards:province") + f"?region={code}&cycle={current.pk}")
    return [
        Table(
            "provinces",
            _("%(cycle)s: progress by province") % {"cycle": current.name},
            [
                Column(_("Province"), numeric=False),
                Column(_("Districts taking part"), series=False),
                Column(_("Submitted"), series=False),
                Column(_("Determined"), series=False),
                Column(_("Answers accepted (%)")),
                Column(_("Answers submitted (%)")),
                Column(_("Answers returned (%)")),
            ],
            rows,
            chart="stacked",
            max_value=Decimal(100),
            links=links,
        )
    ]


def ranking(cycle: Cycle, province_code: str | None = None) -> QuerySet[Assessment]:
    """The cycle's determined districts, best first (ties by region code)."""
    rows = Assessment.objects.filter(cycle=cycle, determined_at__isnull=False)
    if province_code:
        rows = rows.filter(region__parent__code=province_code)
    return rows.select_related("region__parent", "final_band").order_by(
        F("final_total").desc(nulls_last=True), "region__code"
    )


def ranking_table(rows: list[Assessment], offset: int, cycle: Cycle) -> Table:
    return Table(
        "ranking",
        _("Ranking in %(cycle)s") % {"cycle": cycle.name},
        [
            Column(_("Rank"), series=False),
            Column(_("Regency/city"), numeric=False),
            Column(_("Province"), numeric=False),
            Column(_("Score"), series=False),
            Column(_("Predicate"), numeric=False),
        ],
        [
            [
                offset + i + 1,
                a.region.name,
                a.region.parent.name if a.region.parent else "",
                a.final_total,
                a.final_band.name if a.final_band and a.final_band.rank else _("No predicate"),
            ]
            for i, a in enumerate(rows)
        ],
        chart="",
    )


def bands_of(cycle: Cycle) -> list[PredicateBand]:
    return list(PredicateBand.objects.filter(version_id=cycle.instrument_id).order_by("rank"))
