"""The score engine: points per answer are stored per stage; totals per indicator, group and
assessment are sums computed in the database, for one assessment or a whole cycle in a fixed
number of queries. Part 2 (verification) writes its own stage's rows and reuses all of this.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, F, FilteredRelation, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from layak.accounts.models import User
from layak.evaluation.models import Answer, Assessment, Cycle, Gate, Score, Stage
from layak.frameworks.models import Framework, Group, Indicator, PredicateBand
from layak.frameworks.scoring import Predicate, apply_gates, points_for, predicate_for

ZERO = Decimal(0)
CENT = Decimal("0.01")


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

    @property
    def complete(self) -> bool:
        return self.determined or (self.items > 0 and self.done >= self.items and not self.back)

    @property
    def carried(self) -> int:
        """Items counted with an earlier stage's points (verification stages only)."""
        if self.stage == Stage.Kind.SELF_ASSESSMENT or self.determined:
            return 0
        return max(self.items - self.done, 0)


def progress_words(result: Result) -> str:
    """How far a result is, in words, for reports and workbooks (the pages say the same in
    ``evaluation/_standing.html``): empty once complete."""
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
    return gettext("Provisional: %(progress)s") % {"progress": words}


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


def _aggregate(
    answers: Any, stages: list[str], stage_of: dict[int, str] | str
) -> dict[int, Result]:
    """Per assessment: points per group as they stand over ``stages`` (each indicator capped at
    its own maximum), items, items done at the assessment's stage, items back. One query."""
    joined, points = _standing(answers, stages)
    accepted = Count("pk", filter=Q(status=Answer.Status.ACCEPTED))
    returned = Count("pk", filter=Q(status=Answer.Status.RETURNED))
    scored = {s: Count(f"at_{s}__pk") for s in stages}
    out: dict[int, Result] = {}
    for row in (
        joined.values(
            "assessment_id",
            "question__indicator_id",
            "question__indicator__group__code",
            "question__indicator__max_points",
        )
        .annotate(
            points=Sum(points),
            items=Count("pk"),
            accepted=accepted,
            returned=returned,
            flagged=Count("pk", filter=~Q(returned_at_stage="")),
            **{f"n_{s}": c for s, c in scored.items()},
        )
        .order_by()
    ):
        assessment_id = row["assessment_id"]
        stage = stage_of if isinstance(stage_of, str) else stage_of[assessment_id]
        result = out.setdefault(assessment_id, Result(assessment_id, stage))
        code = row["question__indicator__group__code"]
        result.by_group[code] = result.by_group.get(code, ZERO) + capped(
            row["points"], row["question__indicator__max_points"]
        )
        result.items += row["items"]
        if stage == Stage.Kind.SELF_ASSESSMENT:
            result.done += row["accepted"]
            result.back += row["returned"]
        else:
            result.done += row[f"n_{stage}"]
            result.back += row["flagged"]
    for result in out.values():
        result.total = sum(result.by_group.values(), ZERO)
    return out


def _predicates(out: dict[int, Result], answers: Any, cycle_of: dict[int, int]) -> None:
    """Each result's predicate, with the gates of its cycle met or not by the points standing
    at its stage. Three queries for any number of assessments and cycles."""
    cycles = (
        Cycle.objects.filter(pk__in=set(cycle_of.values()))
        .order_by()
        .values_list("pk", "instrument_id")
    )
    version_of = dict(cycles)
    bands: dict[int, list[PredicateBand]] = {}
    # In rank order within each version (the band's own ordering would join the version and
    # its framework to sort by them first).
    for band in PredicateBand.objects.filter(version_id__in=set(version_of.values())).order_by(
        "rank", "pk"
    ):
        bands.setdefault(band.version_id, []).append(band)
    gates: dict[int, list[Gate]] = {}
    for gate in Gate.objects.filter(cycle_id__in=set(version_of)).select_related("max_band"):
        gates.setdefault(gate.cycle_id, []).append(gate)
    met: set[tuple[int, int]] = set()
    gated_questions = {g.question_id for found in gates.values() for g in found}
    if gated_questions and out:
        joined, _points = _standing(answers.filter(question_id__in=gated_questions), ALL_STAGES)
        columns = [f"at_{s}__points" for s in ALL_STAGES]
        for row in joined.values("assessment_id", "question_id", "question__max_points", *columns):
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
            if earned >= row["question__max_points"]:
                met.add((row["assessment_id"], row["question_id"]))
    for assessment_id, result in out.items():
        cycle_id = cycle_of[assessment_id]
        cycle_bands = bands.get(version_of[cycle_id], [])
        failed = [
            (g.max_band, g.reason)
            for g in gates.get(cycle_id, [])
            if (assessment_id, g.question_id) not in met
        ]
        result.predicate = apply_gates(
            predicate_for(result.total, cycle_bands), cycle_bands, failed
        )


def results(
    cycle: Cycle, assessments: Iterable[int] | None = None, stage: str = Stage.Kind.SELF_ASSESSMENT
) -> dict[int, Result]:
    """Totals by group, total, predicate (with gates) and progress of the cycle's assessments
    as they stand at a stage. With ``current_results``, the one computation behind every total
    shown on a page, a dashboard, a report, a workbook and the API.

    Five queries whatever the number of districts."""
    level = int(
        Framework.objects.filter(versions__cycles=cycle)
        .values_list("region_level", flat=True)
        .first()
        or 2
    )
    answers = Answer.objects.filter(assessment__cycle=cycle)
    if assessments is not None:
        answers = answers.filter(assessment_id__in=list(assessments))
    out = _aggregate(answers, chain(stage, level), stage)
    _predicates(out, answers, {pk: cycle.pk for pk in out})
    return out


def current_results(cycle: Cycle | None, assessments: Iterable[Assessment]) -> dict[int, Result]:
    """Each assessment's result at the stage it stands at (the furthest stage that has scored
    any of its items), across any number of cycles; once determined, the fixed final total and
    predicate. Six queries whatever the number of assessments and cycles."""
    assessments = list(assessments)
    ids = [a.pk for a in assessments]
    reached: dict[int, str] = {pk: str(Stage.Kind.SELF_ASSESSMENT) for pk in ids}
    for assessment_id, kind in (
        Score.objects.filter(answer__assessment_id__in=ids)
        .values_list("answer__assessment_id", "stage")
        .distinct()
    ):
        if ALL_STAGES.index(kind) > ALL_STAGES.index(reached[assessment_id]):
            reached[assessment_id] = kind
    answers = Answer.objects.filter(assessment_id__in=ids)
    out = _aggregate(answers, ALL_STAGES, reached)
    _predicates(out, answers, {a.pk: a.cycle_id for a in assessments})
    for assessment in assessments:
        result = out.setdefault(assessment.pk, Result(assessment.pk, reached[assessment.pk]))
        if assessment.determined_at is not None:
            result.determined = True
            result.total = assessment.final_total or ZERO
            result.predicate = Predicate(assessment.final_band, result.predicate.capped_by)
    return out


def _money(value: object) -> Decimal:
    return Decimal(str(value or 0)).quantize(CENT)


def result_for(assessment: Assessment, stage: str = Stage.Kind.SELF_ASSESSMENT) -> Result:
    return results(assessment.cycle, [assessment.pk], stage).get(
        assessment.pk, Result(assessment.pk)
    )


def capped(points: object, maximum: Decimal | None) -> Decimal:
    """An indicator's points, never above the indicator's own maximum when it has one."""
    value = _money(points)
    return min(value, maximum) if maximum is not None else value


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
