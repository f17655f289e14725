"""The score engine: points per answer are stored per stage; totals per indicator, group and
assessment are sums computed in the database, for one assessment or a whole cycle in a fixed
number of queries. Part 2 (verification) writes its own stage's rows and reuses all of this.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import connections
from django.db.models import (
    Case,
    Count,
    DecimalField,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from layak.accounts.models import User
from layak.core.numbers import CENT, to_cents
from layak.evaluation.models import Answer, Assessment, Cycle, Gate, Score, Stage
from layak.frameworks.models import Group, Indicator, PredicateBand
from layak.frameworks.scoring import Predicate, apply_gates, points_for, predicate_for

ZERO = Decimal(0)


def answer_points(answer: Answer) -> Decimal:
    """Points the answer earns by the instrument's rules (options, bands, evidence)."""
    question = answer.question
    return points_for(
        question,
        answer.value,
        options=list(question.options.all()),
        bands=list(question.score_bands.all()),
        evidence_count=answer.evidence_links.filter(is_active=True).count(),
    )


def score_set(
    *, answer: Answer, stage: str, points: Decimal, by: User | None, reason: str = ""
) -> Score:
    score, _created = Score.objects.update_or_create(
        answer=answer,
        stage=stage,
        defaults={"points": points, "reason": reason, "scored_by": by, "scored_at": timezone.now()},
    )
    return score


@dataclass
class Result:
    """An assessment's score as it stands at a stage.

    While a verification stage is under way, an item its verifier has not reached yet keeps the
    points of the nearest earlier stage that scored it (the same rule as "agree"), so a half
    verified stage never shows the verified half as the district's total. ``items`` and ``done``
    say how far the stage is: at the self-assessment, the answers the district accepted; at a
    verification stage, the items its verifier scored. ``back`` counts items sent back to the
    region and not yet accepted again."""

    assessment_id: int
    stage: str = Stage.Kind.SELF_ASSESSMENT
    total: Decimal = ZERO
    by_group: dict[str, Decimal] = field(default_factory=dict)
    predicate: Predicate = field(default_factory=lambda: Predicate(None))
    items: int = 0
    done: int = 0
    back: int = 0
    determined: bool = False
    by_indicator: dict[int, Decimal] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        return self.determined or (self.items > 0 and self.done >= self.items and not self.back)

    @property
    def carried(self) -> int:
        """Items not verified yet, counted with an earlier stage's points (verification stages
        only); those back with the region are counted apart (``back``), so verified, carried
        and back add up to the items."""
        if self.stage == Stage.Kind.SELF_ASSESSMENT or self.determined:
            return 0
        return max(self.items - self.done - self.back, 0)


def progress_words(result: Result) -> str:
    """How far a result is, in words, for reports, workbooks and the API: empty once
    complete."""
    from django.utils.translation import gettext

    detail = progress_detail(result)
    return gettext("Provisional: %(progress)s") % {"progress": detail} if detail else ""


def progress_detail(result: Result) -> str:
    """How far a result not yet complete is, in words (the pages show it beside the word
    "provisional", ``evaluation/_standing.html``): empty once complete."""
    from django.utils.translation import gettext, ngettext

    if result.complete:
        return ""
    if result.stage == Stage.Kind.SELF_ASSESSMENT:
        words = gettext(
            "%(done)s of %(items)s answers accepted; the score counts every saved answer"
        ) % {
            "done": result.done,
            "items": result.items,
        }
    else:
        words = gettext("%(done)s of %(items)s items verified") % {
            "done": result.done,
            "items": result.items,
        }
        if result.carried:
            words += "; " + ngettext(
                "%(n)s item counted with the previous stage's points",
                "%(n)s items counted with the previous stage's points",
                result.carried,
            ) % {"n": result.carried}
    if result.back:
        words += "; " + ngettext(
            "%(n)s item back with the region", "%(n)s items back with the region", result.back
        ) % {"n": result.back}
    return words


def chain(stage: str, level: int = 2) -> list[str]:
    """The stages up to ``stage`` in order, for a cycle answered at ``level``."""
    order = Stage.order_for(level)
    if stage not in order:
        return [str(Stage.Kind.SELF_ASSESSMENT)]
    return order[: order.index(stage) + 1]


# Every stage of every level, earliest first: the points standing for an answer are those of
# the last of these that scored it (levels never mix their stages).
ALL_STAGES = (
    [str(k) for k in Stage.ORDER[:1]]
    + [str(Stage.Kind.DISTRICT)]
    + [str(k) for k in Stage.ORDER[1:]]
)


def _standing(answers: Any, stages: list[str]) -> tuple[Any, Any]:
    """``answers`` joined to their score at each stage of ``stages`` (one join per stage, each
    at most one row), and the expression of the points standing at the last of them."""
    joins = {f"at_{s}": FilteredRelation("scores", condition=Q(scores__stage=s)) for s in stages}
    return answers.annotate(**joins), points_standing(stages)


def points_standing(stages: list[str]) -> Coalesce:
    """On answers joined as ``_standing`` does (``at_<stage>``), the points standing at the last
    of ``stages``: those of the furthest stage that scored the answer, else zero."""
    return Coalesce(
        *[F(f"at_{s}__points") for s in reversed(stages)], Value(ZERO), output_field=DecimalField()
    )


def _latest(stages: list[str]) -> Subquery:
    """On answers: the points of the furthest of ``stages`` that scored the answer (``None``
    when none did), picked by one look-up of the answer's few scores."""
    found = Score.objects.filter(answer_id=OuterRef("pk"), stage__in=stages)
    if len(stages) > 1:
        rank = Case(*[When(stage=s, then=Value(n)) for n, s in enumerate(stages)])
        found = found.order_by(rank.desc())
    else:
        found = found.order_by()
    return Subquery(found.values("points")[:1], output_field=DecimalField())


def _points_at(stages: list[str]) -> Coalesce:
    """On answers joined to their score at the last of ``stages`` (``at_<stage>``), the points
    standing there: that score's, else (only for the items it has not scored) the furthest
    earlier stage's, else zero. The rule of ``points_standing``, with one join whatever the
    number of stages."""
    last, *_ = reversed(stages)
    earlier = [_latest(stages[:-1])] if len(stages) > 1 else []
    return Coalesce(F(f"at_{last}__points"), *earlier, Value(ZERO), output_field=DecimalField())


# When an item a verifier sent back is ready again: accepted by the district for its own
# evaluation; submitted again by the kecamatan or village, whose district verifies it. Until
# then it is back with the region; after, it is corrected and waits for the verifier's re-check,
# and no longer counts as back.
DONE_AFTER_RETURN = {
    2: {Answer.Status.ACCEPTED},
    3: {Answer.Status.SUBMITTED, Answer.Status.ACCEPTED},
    4: {Answer.Status.SUBMITTED, Answer.Status.ACCEPTED},
}


def _back_at(level: int) -> Count:
    """Items a verifier sent back that the region has not yet made ready again."""
    return Count(
        "pk",
        filter=~Q(returned_at_stage="") & ~Q(status__in=sorted(DONE_AFTER_RETURN[level])),
    )


_STATES = {
    "items": Count("pk"),
    "accepted": Count("pk", filter=Q(status=Answer.Status.ACCEPTED)),
    "returned": Count("pk", filter=Q(status=Answer.Status.RETURNED)),
    # Back at a verification stage, for a cycle answered by districts (level 2) or by
    # kecamatan and villages (levels 3 and 4).
    "flagged": _back_at(2),
    "flagged_local": _back_at(3),
}


def _add(
    result: Result,
    indicator: tuple[int, str, Decimal | None],
    points: object,
    items: int,
    done: int,
    back: int,
) -> None:
    """One row of an aggregate (an assessment's indicator: its pk, group code and maximum, its
    points, its items, those done at the result's stage and those back) into its result."""
    pk, code, maximum = indicator
    earned = capped(points, maximum)
    result.by_indicator[pk] = earned
    by_group = result.by_group
    by_group[code] = by_group.get(code, ZERO) + earned
    result.items += items
    result.done += done
    result.back += back


@dataclass
class _Rules:
    """What turns totals into predicates, for a set of cycles: each cycle's instrument, each
    instrument's bands in rank order, each cycle's gates, and each gated question's maximum."""

    version_of: dict[int, int]
    bands: dict[int, list[PredicateBand]]
    gates: dict[int, list[Gate]]
    gated: dict[int, Decimal]

    def met(self, answers: Any, outs: list[dict[int, Result]]) -> list[dict[int, set[int]]]:
        """For each of ``outs``, per assessment, the gated questions whose answer earns its
        maximum at the result's stage: one query (none without gates), each gated answer with
        its score at every stage. Kept apart from the totals' aggregate, whose cost it would
        double in the planner's eyes (and make PostgreSQL compile it)."""
        found: list[dict[int, set[int]]] = [{} for _out in outs]
        if not self.gated or not any(outs):
            return found
        joined, _points = _standing(answers.filter(question_id__in=self.gated), ALL_STAGES)
        columns = [f"at_{s}__points" for s in ALL_STAGES]
        for row in joined.values("assessment_id", "question_id", *columns).order_by():
            for out, met in zip(outs, found, strict=True):
                result = out.get(row["assessment_id"])
                if result is None:
                    continue
                upto = chain(result.stage, 4 if result.stage == Stage.Kind.DISTRICT else 2)
                earned = next(
                    (
                        row[f"at_{s}__points"]
                        for s in reversed(upto)
                        if row[f"at_{s}__points"] is not None
                    ),
                    ZERO,
                )
                if earned >= self.gated[row["question_id"]]:
                    met.setdefault(row["assessment_id"], set()).add(row["question_id"])
        return found

    def judge(
        self, out: dict[int, Result], met: dict[int, set[int]], cycle_of: dict[int, int]
    ) -> None:
        """Each result's predicate, with its cycle's gates met or not (``met``, per assessment)."""
        for assessment_id, result in out.items():
            cycle_id = cycle_of[assessment_id]
            cycle_bands = self.bands.get(self.version_of[cycle_id], [])
            passed = met.get(assessment_id, set())
            failed = [
                (g.max_band, g.reason)
                for g in self.gates.get(cycle_id, [])
                if g.question_id not in passed
            ]
            result.predicate = apply_gates(
                predicate_for(result.total, cycle_bands), cycle_bands, failed
            )


def _rules(version_of: dict[int, int]) -> _Rules:
    """The predicate rules of the cycles of ``version_of`` (cycle: instrument): two queries."""
    bands: dict[int, list[PredicateBand]] = {}
    # In rank order within each version (the band's own ordering would join the version and
    # its framework to sort by them first).
    for band in PredicateBand.objects.filter(version_id__in=set(version_of.values())).order_by(
        "rank", "pk"
    ):
        bands.setdefault(band.version_id, []).append(band)
    gates: dict[int, list[Gate]] = {}
    gated: dict[int, Decimal] = {}
    for gate in (
        Gate.objects.filter(cycle_id__in=set(version_of))
        .select_related("max_band")
        .annotate(question_max=F("question__max_points"))
        .order_by()
    ):
        gates.setdefault(gate.cycle_id, []).append(gate)
        gated[gate.question_id] = gate.question_max
    return _Rules(version_of, bands, gates, gated)


def _aggregate(
    answers: Any,
    chains: dict[str, list[str]],
    indicators: dict[int, tuple[int, str, Any]],
    rules: _Rules,
    cycle_of: dict[int, int],
    level: int = 2,
) -> dict[str, dict[int, Result]]:
    """Per stage of ``chains`` (each stage with the stages up to it), per assessment: points per
    group as they stand at that stage (each indicator of ``indicators`` capped at its own
    maximum), items, items done at that stage, items back, and the predicate with the gates
    met or not at that stage. One query for all the stages, each stage's score joined once; an
    earlier stage's score is looked up only for the items a stage has not scored."""
    joins = {
        f"at_{s[-1]}": FilteredRelation("scores", condition=Q(scores__stage=s[-1]))
        for s in chains.values()
    }
    # Only what the stages asked for is counted (each count is a pass over the cycle's
    # answers): the self-assessment's items done are those accepted and its items back those
    # returned; a verification stage's done are those it scored and its back those flagged.
    verifying = [stage != Stage.Kind.SELF_ASSESSMENT for stage in chains]
    wanted = ["items"]
    if not all(verifying):
        wanted += ["accepted", "returned"]
    if any(verifying):
        wanted.append("flagged")
    aggregates: dict[str, Any] = {name: _STATES[name] for name in wanted}
    if "flagged" in aggregates:
        aggregates["flagged"] = _back_at(level)
    for n, stages in enumerate(chains.values()):
        aggregates[f"p_{n}"] = Sum(_points_at(stages))
        if verifying[n]:
            aggregates[f"n_{n}"] = Count(f"at_{stages[-1]}__points")
    columns = ["assessment_id", "question__indicator_id", *aggregates]
    at = {name: i for i, name in enumerate(columns)}
    rows = _plain_rows(
        answers.annotate(**joins)
        .values("assessment_id", "question__indicator_id")
        .annotate(**aggregates)
        .order_by()
        .values_list(*columns)
    )
    out: dict[str, dict[int, Result]] = {stage: {} for stage in chains}
    # Per stage: where its results go, and the columns of its points, items done and back.
    targets = [
        (
            out[stage],
            stage,
            at[f"p_{n}"],
            at[f"n_{n}"] if verifying[n] else at["accepted"],
            at["flagged"] if verifying[n] else at["returned"],
        )
        for n, stage in enumerate(chains)
    ]
    for row in rows:
        assessment_id, indicator, items = row[0], indicators[row[1]], row[2]
        for found, stage, points, done, back in targets:
            result = found.get(assessment_id)
            if result is None:
                result = found[assessment_id] = Result(assessment_id, stage)
            _add(result, indicator, row[points], items, row[done], row[back])
    for found in out.values():
        for result in found.values():
            result.total = sum(result.by_group.values(), ZERO)
    for found, met in zip(out.values(), rules.met(answers, list(out.values())), strict=True):
        rules.judge(found, met, cycle_of)
    return out


def _plain_rows(rows: Any) -> list[tuple[Any, ...]]:
    """The tuples of a ``values_list`` aggregate as the database driver returns them, without
    the ORM's conversion of every value (a national cycle returns tens of thousands of rows a
    stage): its counts are integers already, and its sums go through ``capped``, which rounds
    whatever number the database gives."""
    sql, params = rows.query.get_compiler(rows.db).as_sql()
    with connections[rows.db].cursor() as cursor:
        cursor.execute(sql, params)
        found: list[tuple[Any, ...]] = cursor.fetchall()
    return found


def results(
    cycle: Cycle, assessments: Iterable[int] | None = None, stage: str = Stage.Kind.SELF_ASSESSMENT
) -> dict[int, Result]:
    """Totals by group, total, predicate (with gates) and progress of the cycle's assessments
    as they stand at a stage. With ``current_results``, the one computation behind every total
    shown on a page, a dashboard, a report, a workbook and the API.

    Four queries whatever the number of districts, a fifth when the cycle has gates."""
    return results_at(cycle, assessments, [stage])[stage]


def results_at(
    cycle: Cycle, assessments: Iterable[int] | None, stages: Iterable[str]
) -> dict[str, dict[int, Result]]:
    """``results`` at each of ``stages`` at once: four queries (five with gates) whatever the
    number of districts and stages."""
    # Each indicator's group and maximum, and the level the cycle is answered at (one query).
    indicators: dict[int, tuple[int, str, Any]] = {}
    levels = {2}
    for pk, code, maximum, answered_at in (
        Indicator.objects.filter(version__cycles=cycle)
        .order_by()
        .values_list("pk", "group__code", "max_points", "version__framework__region_level")
    ):
        indicators[pk] = (pk, code, maximum)
        levels = {int(answered_at)}
    (level,) = levels
    rules = _rules({cycle.pk: cycle.instrument_id})
    answers = Answer.objects.filter(assessment__cycle=cycle)
    if assessments is not None:
        answers = answers.filter(assessment_id__in=list(assessments))
    wanted = list(dict.fromkeys(stages))
    chains = {stage: chain(stage, level) for stage in wanted}
    # A stage outside the cycle's levels stands as the self-assessment does.
    found = _aggregate(
        answers,
        {c[-1]: c for c in chains.values()},
        indicators,
        rules,
        _EveryCycle(cycle.pk),
        level,
    )
    out: dict[str, dict[int, Result]] = {}
    for stage in wanted:
        out[stage] = found[chains[stage][-1]]
        if stage != chains[stage][-1]:
            out[stage] = {pk: replace(r, stage=stage) for pk, r in out[stage].items()}
    return out


class _EveryCycle(dict[int, int]):
    """Every assessment's cycle, when all are of one cycle."""

    def __init__(self, cycle_id: int) -> None:
        super().__init__()
        self.cycle_id = cycle_id

    def __missing__(self, key: int) -> int:
        return self.cycle_id


def current_results(cycle: Cycle | None, assessments: Iterable[Assessment]) -> dict[int, Result]:
    """Each assessment's result at the stage it stands at (the furthest stage that has scored
    any of its items), across any number of cycles; once determined, the fixed final total and
    predicate. Five queries (six with gates) whatever the number of assessments and cycles."""
    assessments = list(assessments)
    ids = [a.pk for a in assessments]
    reached: dict[int, str] = {pk: str(Stage.Kind.SELF_ASSESSMENT) for pk in ids}
    scored: dict[tuple[int, str], int] = {}
    rank = {s: n for n, s in enumerate(ALL_STAGES)}
    for assessment_id, kind, n in (
        Score.objects.filter(answer__assessment_id__in=ids)
        .values_list("answer__assessment_id", "stage")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        scored[assessment_id, kind] = n
        if rank[kind] > rank[reached[assessment_id]]:
            reached[assessment_id] = kind
    cycle_of = {a.pk: a.cycle_id for a in assessments}
    instruments: dict[int, int] = {}
    local: set[int] = set()  # cycles answered by kecamatan or villages
    for pk, instrument_id, answered_at in (
        Cycle.objects.filter(pk__in=set(cycle_of.values()))
        .order_by()
        .values_list("pk", "instrument_id", "instrument__framework__region_level")
    ):
        instruments[pk] = instrument_id
        if int(answered_at) > 2:
            local.add(pk)
    rules = _rules(instruments)
    # At the furthest stage that scored anything, an item's points are those of the furthest
    # stage that scored it.
    points = Coalesce(_latest(ALL_STAGES), Value(ZERO), output_field=DecimalField())
    out: dict[int, Result] = {}
    answers = Answer.objects.filter(assessment_id__in=ids)
    rows: Any = (
        answers.values(
            "assessment_id",
            "question__indicator_id",
            "question__indicator__group__code",
            "question__indicator__max_points",
        )
        .annotate(**_STATES, points=Sum(points))
        .order_by()
    )
    for row in rows:
        assessment_id = row["assessment_id"]
        result = out.get(assessment_id)
        if result is None:
            result = out[assessment_id] = Result(assessment_id, reached[assessment_id])
        indicator = (
            row["question__indicator_id"],
            row["question__indicator__group__code"],
            row["question__indicator__max_points"],
        )
        if result.stage == Stage.Kind.SELF_ASSESSMENT:
            done, back = row["accepted"], row["returned"]
        else:
            # The items done are counted below.
            back = row["flagged_local" if cycle_of[assessment_id] in local else "flagged"]
            done = 0
        _add(result, indicator, row["points"], row["items"], done, back)
    for assessment_id, result in out.items():
        result.total = sum(result.by_group.values(), ZERO)
        if result.stage != Stage.Kind.SELF_ASSESSMENT:
            result.done = scored.get((assessment_id, result.stage), 0)
    rules.judge(out, rules.met(answers, [out])[0], cycle_of)
    for assessment in assessments:
        result = out.setdefault(assessment.pk, Result(assessment.pk, reached[assessment.pk]))
        if assessment.determined_at is not None:
            result.determined = True
            result.total = assessment.final_total or ZERO
            result.predicate = Predicate(assessment.final_band, result.predicate.capped_by)
    return out


_money = to_cents


def result_for(assessment: Assessment, stage: str = Stage.Kind.SELF_ASSESSMENT) -> Result:
    return results(assessment.cycle, [assessment.pk], stage).get(
        assessment.pk, Result(assessment.pk)
    )


def capped(points: object, maximum: Decimal | None) -> Decimal:
    """An indicator's points, never above the indicator's own maximum when it has one."""
    # A Decimal (as the database returns sums) rounds as is; anything else as ``to_cents`` does.
    if isinstance(points, Decimal):
        value = points.quantize(CENT, rounding=ROUND_HALF_UP)
    else:
        value = _money(points)
    return maximum if maximum is not None and value > maximum else value


def indicator_maxima(version_id: int) -> dict[int, Decimal]:
    """Each indicator's maximum: its own, or else the sum of its questions' maxima."""
    rows = (
        Indicator.objects.filter(version_id=version_id)
        .annotate(question_sum=Sum("questions__max_points"))
        .values_list("pk", "max_points", "question_sum")
    )
    return {pk: own if own is not None else _money(question_sum) for pk, own, question_sum in rows}


def indicators_with_maxima(version_id: int) -> dict[int, tuple[Indicator, Decimal]]:
    """Each indicator (with its group) and its maximum as ``indicator_maxima`` gives it: one
    query, one instance per indicator."""
    return {
        indicator.pk: (
            indicator,
            indicator.max_points
            if indicator.max_points is not None
            else _money(indicator.question_sum),
        )
        for indicator in Indicator.objects.filter(version_id=version_id)
        .select_related("group")
        .annotate(question_sum=Sum("questions__max_points"))
        .order_by()
    }


def group_maxima(cycle: Cycle) -> list[tuple[Group, Decimal]]:
    """Each group's maximum: the sum of its indicators' maxima (two queries)."""
    maxima = indicator_maxima(cycle.instrument_id)
    by_group: dict[int, Decimal] = {}
    for pk, group_id in (
        Indicator.objects.filter(version_id=cycle.instrument_id)
        .order_by()
        .values_list("pk", "group_id")
    ):
        by_group[group_id] = by_group.get(group_id, ZERO) + maxima.get(pk, ZERO)
    groups = Group.objects.filter(version_id=cycle.instrument_id).order_by("order")
    return [(g, by_group.get(g.pk, ZERO)) for g in groups]


def indicator_points(
    assessment: Assessment, stage: str = Stage.Kind.SELF_ASSESSMENT
) -> dict[int, Decimal]:
    """Each indicator's points as they stand at ``stage`` (the rule of ``results``), capped at
    the indicator's maximum."""
    return indicator_points_at(assessment, [stage])[stage]


def indicator_points_at(assessment: Assessment, stages: list[str]) -> dict[str, dict[int, Decimal]]:
    """Each indicator's points as they stand at each of ``stages`` (the rule of ``results``: an
    item counts its points of the last stage up to that one that scored it), capped at the
    indicator's maximum; one query for all the stages."""
    if not stages:
        return {}
    level = int(assessment.cycle.instrument.framework.region_level)
    order = Stage.order_for(level)
    furthest = max(stages, key=lambda s: order.index(s) if s in order else 0)
    joined, _points = _standing(
        Answer.objects.filter(assessment=assessment), chain(furthest, level)
    )
    sums = {
        f"points_{n}": Sum(points_standing(chain(stage, level))) for n, stage in enumerate(stages)
    }
    rows = list(
        joined.values("question__indicator_id", "question__indicator__max_points")
        .annotate(**sums)
        .order_by()
    )
    return {
        stage: {
            r["question__indicator_id"]: capped(
                r[f"points_{n}"], r["question__indicator__max_points"]
            )
            for r in rows
        }
        for n, stage in enumerate(stages)
    }


DONE = Q(status__in=[Answer.Status.SUBMITTED, Answer.Status.ACCEPTED])


def progress_by_group(assessment: Assessment) -> list[dict[str, Any]]:
    rows: Any = (
        Answer.objects.filter(assessment=assessment)
        .values(
            "question__indicator__group__code",
            "question__indicator__group__name",
            "question__indicator__group__name_en",
        )
        .annotate(
            total=Count("pk"),
            done=Count("pk", filter=DONE),
            accepted=Count("pk", filter=Q(status=Answer.Status.ACCEPTED)),
            returned=Count("pk", filter=Q(status=Answer.Status.RETURNED)),
        )
        .order_by("question__indicator__group__order")
    )
    return list(rows)


def progress_by_office(assessment: Assessment) -> list[dict[str, Any]]:
    from layak.evaluation.models import Assignment

    rows: Any = (
        Assignment.objects.filter(answer__assessment=assessment, is_active=True)
        .values("organisation_id", "organisation__name", "organisation__acronym")
        .annotate(
            total=Count("pk"),
            done=Count(
                "pk", filter=Q(answer__status__in=[Answer.Status.SUBMITTED, Answer.Status.ACCEPTED])
            ),
            accepted=Count("pk", filter=Q(answer__status=Answer.Status.ACCEPTED)),
            returned=Count("pk", filter=Q(answer__status=Answer.Status.RETURNED)),
        )
        .order_by("organisation__name")
    )
    return list(rows)
