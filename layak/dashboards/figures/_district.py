"""The district dashboard's figures."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from django.db.models import (
    Avg,
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Least
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from layak import authz
from layak.accounts.models import User
from layak.core.numbers import format_number, format_percent
from layak.dashboards import effective
from layak.dashboards.charts import Column, Table
from layak.dashboards.figures._common import (
    MONEY,
    REVIEW_STATUSES,
    ZERO,
    _money,
    _percent,
    _status_columns,
    _status_counts,
    cycles,
)
from layak.evaluation import criteria, gaps, scores
from layak.evaluation.models import Answer, Assessment, Assignment, Cycle, Stage
from layak.frameworks.models import (
    Group,
    Option,
    Question,
    ScoreBand,
    bilingual,
    in_language,
)
from layak.regions.models import Region
from layak.workflow import Status

# ---- district ----------------------------------------------------------------------------


@dataclass
class District:
    region: Region
    cycle: Cycle | None
    cycles: list[Cycle]
    assessment: Assessment | None
    stage: str | None
    # The cheapest path to the next predicate, without its items (they are the table "path").
    path: gaps.Path | None
    year: int
    tables: list[Table] = field(default_factory=list)
    overdue_count: int = 0
    returned_count: int = 0
    # One small chart per key indicator: its value against the district's target.
    trends: list[Table] = field(default_factory=list)
    standing: Standing | None = None
    path_stage: str | None = None
    # How far the result as it stands is, in words (``scores.progress_words``).
    progress: str = ""
    # On a framework without points: criteria met per area instead of points and predicate.
    criteria: criteria.CriteriaResult | None = None

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
        Assessment.objects.select_related("cycle__instrument__framework", "final_band")
        .filter(cycle=cycle, region=region)
        .first()
        if cycle is not None
        else None
    )
    out = District(region, cycle, taken, assessment, None, None, year)
    if assessment is not None:
        out.tables += _progress(assessment)
    if assessment is not None and not assessment.cycle.instrument.framework.has_points:
        out.criteria = criteria.assessment_result(assessment)
        out.tables.append(_criteria_table(out.criteria))
    else:
        _points(out, region, cycle, taken, assessment)
    out.tables.append(rad_by_cluster(region, year))
    followups, out.overdue_count = _overdue(user, region)
    returned, out.returned_count = _returned(user, region, assessment)
    out.tables += [followups, returned]
    out.trends = indicator_trends(user, region, year)
    return out


def _points(
    out: District,
    region: Region,
    cycle: Cycle | None,
    taken: list[Cycle],
    assessment: Assessment | None,
) -> None:
    """Scores by group against past cycles, the result as it stands, the cheapest path."""
    earlier = [c for c in taken if cycle is None or _before_or_same(c, cycle)]
    by_group, standing = _scores_by_group(region, cycle, earlier)
    out.tables.append(by_group)
    out.stage = standing.stage
    out.standing = standing
    if standing.result is not None:
        out.progress = scores.progress_words(standing.result)
        # The evaluation's own predicate of the result as it stands, its gates included.
        if standing.stage is not None:
            standing.predicate = standing.result.predicate
    if assessment is not None and standing.stage is not None:
        # The path starts from the total the card shows: the furthest stage as it stands (an
        # item that stage has not scored yet keeps its earlier points), so the points it says
        # are needed add up to the next band's minimum.
        out.path_stage = standing.stage
        path = gaps.cheapest_path(assessment, out.path_stage)
        out.tables.append(_path_table(assessment, path))
        # Its items are the table's rows; the figures kept in the cache need only the target,
        # the points needed and the gates.
        out.path = replace(path, items=[])


def _criteria_table(result: criteria.CriteriaResult) -> Table:
    """Criteria met per area: the figures of the criteria page (``criteria.py``)."""
    return Table(
        "criteria",
        _("Criteria met per area"),
        [
            Column(pgettext("goal area of a framework", "Area"), numeric=False),
            Column(_("Met")),
            Column(_("Not met")),
            Column(_("Not answered")),
        ],
        [
            [f"{a.group.code} {in_language(a.group)}", a.met, a.not_met, a.open]
            for a in result.areas
        ],
        chart="stacked",
    )


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
        .values(
            "question__indicator__group__code",
            "question__indicator__group__name",
            "question__indicator__group__name_en",
        )
        .annotate(**_status_counts())
        .order_by("question__indicator__group__order")
    )
    by_cluster = Table(
        "clusters",
        _("Self-assessment progress per cluster"),
        _status_columns(_("Cluster")),
        [
            [
                f"{r['question__indicator__group__code']} "
                + bilingual(
                    r["question__indicator__group__name"], r["question__indicator__group__name_en"]
                )
            ]
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
    found = {
        a.cycle_id: a
        for a in Assessment.objects.filter(region=region, cycle_id__in=ids).select_related(
            "final_band"
        )
    }
    assessments: dict[int, dict[str, Any]] = {
        cycle_id: {"pk": a.pk, "final_total": a.final_total, "determined_at": a.determined_at}
        for cycle_id, a in found.items()
    }
    covered = effective.coverage([a.pk for a in found.values()])
    # The evaluation's own results as they stand, for every cycle at once.
    as_they_stand = scores.current_results(None, found.values())
    standing_by_cycle = {cycle_id: as_they_stand.get(a.pk) for cycle_id, a in found.items()}
    points = {
        (cycle_id, code): value
        for cycle_id, result in standing_by_cycle.items()
        if result is not None and result.items
        for code, value in result.by_group.items()
    }
    totals = {
        cycle_id: result.total
        for cycle_id, result in standing_by_cycle.items()
        if result is not None and result.items
    }
    groups: list[tuple[Group, Decimal]] = scores.group_maxima(cycle) if cycle else []
    columns = [Column(_("Group"), numeric=False)] + [Column(c.name, points=True) for c in taken]
    columns.append(Column(_("Maximum"), series=False, points=True))
    rows: list[list[object]] = []
    for group, maximum in groups:
        cells: list[object] = [f"{group.code} {in_language(group)}"]
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
    # Each group against its own maximum, on one axis reaching the largest.
    table.max_column = len(columns) - 1
    table.rows.append(total_row)
    now = Standing()
    current = assessments.get(cycle.pk) if cycle else None
    if current is not None:
        scored = covered.get(current["pk"], {})
        now.stage = effective.furthest(scored)
        now.complete_stage = effective.furthest_complete(scored)
        now.total = totals.get(cycle.pk) if cycle else None
        now.result = standing_by_cycle.get(cycle.pk) if cycle else None
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
    result: scores.Result | None = None


def _path_table(assessment: Assessment, path: gaps.Path) -> Table:
    """Each item of the path with its question's text and the step that earns its points."""
    rows: list[list[object]] = []
    links: list[str | None] = []
    steps = path_steps(path.items)
    for item in path.items:
        question = item.answer.question
        rows.append(
            [
                f"{question.code} {in_language(question)}",
                question.indicator.code,
                item.gain,
                steps[item.answer.pk],
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
            Column(_("Points to gain"), series=False, points=True),
            Column(_("Step that earns the points"), numeric=False),
        ],
        rows,
        chart="",
        links=links,
        label_chars=90,  # the table view; the CSV carries the question's whole text
    )


def path_steps(items: list[gaps.Item]) -> dict[int, str]:
    """Per answer, the step that earns the item's points, in words: the option to choose, the
    value to reach (the question's score bands), or the document to upload. Two queries."""
    ids = {i.answer.question_id for i in items}
    options: dict[int, list[Option]] = {}
    for option in Option.objects.filter(question_id__in=ids).order_by("points", "order"):
        options.setdefault(option.question_id, []).append(option)
    bands: dict[int, list[ScoreBand]] = {}
    for band in ScoreBand.objects.filter(question_id__in=ids).order_by("points", "pk"):
        bands.setdefault(band.question_id, []).append(band)
    out: dict[int, str] = {}
    for item in items:
        question = item.answer.question
        target = item.points + item.gain
        if item.effort == gaps.EFFORT_EVIDENCE:
            out[item.answer.pk] = _("Upload the supporting document")
        elif question.pk in options:
            found = options[question.pk]
            option = next((o for o in found if o.points >= target), found[-1])
            out[item.answer.pk] = _("Choose “%(option)s”") % {"option": in_language(option)}
        elif question.pk in bands:
            out[item.answer.pk] = _band_step(question, bands[question.pk], target)
        else:
            out[item.answer.pk] = _("Complete the answer and its documents")
    return out


def _band_step(question: gaps.ItemQuestion, found: list[ScoreBand], target: Decimal) -> str:
    band = next((b for b in found if b.points >= target), found[-1])
    shown = format_percent if question.kind == Question.Kind.PERCENTAGE else format_number
    if band.lower is not None and (
        band.upper is None or question.direction == Question.Direction.HIGHER
    ):
        return _("Reach at least %(value)s") % {"value": shown(band.lower)}
    if band.upper is not None:
        return _("Stay below %(value)s") % {"value": shown(band.upper)}
    return _("Complete the answer and its documents")


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
        .values(
            code=F("item__indicator__group__code"),
            name=F("item__indicator__group__name"),
            name_en=F("item__indicator__group__name_en"),
        )
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
                f"{r['code']} {bilingual(r['name'], r['name_en'])}",
                r["items"],
                r["reported"],
                r["reached"],
                _money(r["output_share"]) if r["output_share"] is not None else None,
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
            "activity's yearly target, at most %(full)s per activity."
        )
        % {"full": format_percent(100)},
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
                f.due_date,
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
    for r in reports.select_related("organisation", "plan").order_by("-year", "-period", "pk")[:20]:
        # The period as the home page and the notices name it ("Q3 2026").
        label = _("%(office)s, %(period)s") % {
            "office": r.organisation.acronym or r.organisation.name,
            "period": r.period_label,
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


def _paired(indicator: Any) -> bool:
    """Whether the indicator's numerator and denominator are added up over the regions that
    reported both (parts entered at the same level, ``indicators.aggregate``)."""
    denominator = indicator.denominator
    return denominator is not None and denominator.entry_level == indicator.numerator.entry_level


def indicator_trends(user: User, region: Region, year: int) -> list[Table]:
    """The district's key indicators (those it set a target for) over the last five years (a
    quarterly or monthly indicator: the periods of the last two years) against the target of
    each year, with how complete each figure is (reported / expected regions, as DHIS2's
    reporting rates). Five queries whatever the number of values."""
    from layak.indicators import completeness as comp
    from layak.indicators.aggregate import indicator_grid
    from layak.indicators.models import Indicator, IndicatorTarget, PeriodType, periods_of_year

    targets_seen = IndicatorTarget.objects.for_user(user, authz.Action.VIEW).filter(region=region)
    indicators = list(
        Indicator.objects.active()
        .filter(pk__in=targets_seen.values("indicator"))
        .select_related("numerator", "denominator")
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
    rates = comp.element_completeness(comp.elements_of(indicators), [region], every)

    def reported(indicator: Indicator, period: str) -> tuple[str, str]:
        """How many regions entered the figure, and what makes it partial ("" when full)."""
        c = comp.indicator_completeness(indicator, region.pk, [period], rates)
        if not c.expected:
            return "—", ""
        counts = {"reported": format_number(c.reported), "expected": format_number(c.expected)}
        if c.partial:
            note = str(_("partial: %(reported)s of %(expected)s regions reported") % counts)
            return note, note
        return str(_("%(reported)s of %(expected)s") % counts), ""

    paired = _("each figure counts only the regions that reported both its parts")
    tables: list[Table] = []
    for indicator in indicators:
        unit = f" ({indicator.unit})" if indicator.unit else ""
        better = _("higher is better") if indicator.higher_is_better else _("lower is better")
        counts = [(p, y, reported(indicator, p)) for p, y in periods[indicator.pk]]
        tables.append(
            Table(
                f"indicator-{indicator.code}",
                f"{indicator.name}{unit}",
                [
                    Column(_("Period"), numeric=False),
                    Column(_("Value"), partial=True),
                    Column(_("Target")),
                    Column(_("Reported"), numeric=False),
                ],
                [
                    [
                        p,
                        values.get((indicator.pk, region.pk, p)),
                        targets.get((indicator.pk, y)),
                        shown,
                    ]
                    for p, y, (shown, _note) in counts
                ],
                chart="lines",
                note=f"{better} · {paired}" if _paired(indicator) else better,
                partial=[note for _p, _y, (_shown, note) in counts],
            )
        )
    return tables
