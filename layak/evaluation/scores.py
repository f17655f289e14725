"""The score engine: points per answer are stored per stage; totals per indicator, group and
assessment are sums computed in the database, for one assessment or a whole cycle in a fixed
number of queries. Part 2 (verification) writes its own stage's rows and reuses all of this.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils import timezone

from layak.accounts.models import User
from layak.evaluation.models import Answer, Assessment, Cycle, Gate, Score, Stage
from layak.frameworks.models import Group, Indicator, PredicateBand
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
    assessment_id: int
    total: Decimal = ZERO
    by_group: dict[str, Decimal] = field(default_factory=dict)
    predicate: Predicate = field(default_factory=lambda: Predicate(None))


def results(
    cycle: Cycle, assessments: Iterable[int] | None = None, stage: str = Stage.Kind.SELF_ASSESSMENT
) -> dict[int, Result]:
    """Totals by group, total and predicate (with gates) for the cycle's assessments at a stage.

    Four queries whatever the number of districts: the sums, the bands, the gates and the gate
    questions' scores."""
    scores = Score.objects.filter(stage=stage, answer__assessment__cycle=cycle)
    if assessments is not None:
        scores = scores.filter(answer__assessment_id__in=list(assessments))
    out: dict[int, Result] = {}
    # Summed per indicator in the database, then each indicator capped at its own maximum
    # (where its questions add up to more, as in the national 2024 instrument).
    for row in (
        scores.values(
            "answer__assessment_id",
            "answer__question__indicator_id",
            "answer__question__indicator__group__code",
            "answer__question__indicator__max_points",
        )
        .annotate(points=Sum("points"))
        .order_by()
    ):
        result = out.setdefault(row["answer__assessment_id"], Result(row["answer__assessment_id"]))
        points = capped(row["points"], row["answer__question__indicator__max_points"])
        code = row["answer__question__indicator__group__code"]
        result.by_group[code] = result.by_group.get(code, ZERO) + points
    bands = list(PredicateBand.objects.filter(version_id=cycle.instrument_id))
    gates = list(Gate.objects.filter(cycle=cycle).select_related("max_band", "question"))
    met: set[tuple[int, int]] = set()
    if gates:
        for assessment_id, question_id, points, max_points in scores.filter(
            answer__question_id__in=[g.question_id for g in gates]
        ).values_list(
            "answer__assessment_id", "answer__question_id", "points", "answer__question__max_points"
        ):
            if points >= max_points:
                met.add((assessment_id, question_id))
    for result in out.values():
        result.total = sum(result.by_group.values(), ZERO)
        band = predicate_for(result.total, bands)
        failed = [
            (g.max_band, g.reason)
            for g in gates
            if (result.assessment_id, g.question_id) not in met
        ]
        result.predicate = apply_gates(band, bands, failed)
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


def group_maxima(cycle: Cycle) -> list[tuple[Group, Decimal]]:
    """Each group's maximum: the sum of its indicators' maxima (two queries)."""
    maxima = indicator_maxima(cycle.instrument_id)
    by_group: dict[int, Decimal] = {}
    for pk, group_id in Indicator.objects.filter(version_id=cycle.instrument_id).values_list(
        "pk", "group_id"
    ):
        by_group[group_id] = by_group.get(group_id, ZERO) + maxima.get(pk, ZERO)
    groups = Group.objects.filter(version_id=cycle.instrument_id).order_by("order")
    return [(g, by_group.get(g.pk, ZERO)) for g in groups]


def indicator_points(
    assessment: Assessment, stage: str = Stage.Kind.SELF_ASSESSMENT
) -> dict[int, Decimal]:
    rows = (
        Score.objects.filter(answer__assessment=assessment, stage=stage)
        .values_list("answer__question__indicator_id", "answer__question__indicator__max_points")
        .annotate(points=Sum("points"))
        .order_by()
        .values_list(
            "answer__question__indicator_id", "answer__question__indicator__max_points", "points"
        )
    )
    return {indicator: capped(points, maximum) for indicator, maximum, points in rows}


DONE = Q(status__in=[Answer.Status.SUBMITTED, Answer.Status.ACCEPTED])


def progress_by_group(assessment: Assessment) -> list[dict[str, Any]]:
    rows: Any = (
        Answer.objects.filter(assessment=assessment)
        .values("question__indicator__group__code", "question__indicator__group__name")
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
