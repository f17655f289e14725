"""Scores "as they stand" at a stage while verification is under way.

A verifier who has not reached an item yet leaves the previous level's points standing (the
same rule as "agree": the nearest earlier level's points), so a district's score at a stage is,
per answer, the points of the furthest stage up to that one that has scored it. Summing only
the rows of a half-finished stage would show a verified half as the whole. Totals are sums in
the database over each answer joined to its score at every stage; a fixed number of queries
for any number of districts.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    FilteredRelation,
    Q,
    Sum,
)

from layak.core.numbers import to_cents
from layak.evaluation.models import Answer, Cycle, Gate, Score, Stage
from layak.evaluation.scores import capped, points_standing
from layak.frameworks.models import PredicateBand
from layak.frameworks.scoring import Predicate, apply_gates, predicate_for

STAGES: list[str] = [str(k) for k in Stage.ORDER]
ZERO = Decimal(0)


def _joined(answers: Any) -> Any:
    """``answers`` joined to their score at each stage (``at_<stage>``, at most one row each)."""
    return answers.annotate(
        **{f"at_{s}": FilteredRelation("scores", condition=Q(scores__stage=s)) for s in STAGES}
    )


def _standing_at(row: dict[str, Any], stage: str) -> Decimal | None:
    """The points of the furthest stage up to ``stage`` that scored the answer of ``row``."""
    upto = STAGES[: STAGES.index(stage) + 1]
    return next(
        (row[f"at_{s}__points"] for s in reversed(upto) if row[f"at_{s}__points"] is not None), None
    )


_money = to_cents


def coverage(assessment_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """Per assessment, how many answers each stage has scored. One query."""
    out: dict[int, dict[str, int]] = {}
    for assessment_id, stage, n in (
        Score.objects.filter(answer__assessment_id__in=list(assessment_ids))
        .values("answer__assessment_id", "stage")
        .annotate(n=Count("pk"))
        .values_list("answer__assessment_id", "stage", "n")
    ):
        out.setdefault(assessment_id, {})[stage] = n
    return out


def furthest(scored: dict[str, int]) -> str | None:
    """The furthest stage that has scored anything."""
    found = [s for s in STAGES if scored.get(s)]
    return found[-1] if found else None


def furthest_complete(scored: dict[str, int]) -> str | None:
    """The furthest stage that has scored every item the self-assessment scored."""
    whole = scored.get(Stage.Kind.SELF_ASSESSMENT, 0)
    found = [s for s in STAGES if whole and scored.get(s, 0) >= whole]
    return found[-1] if found else None


def totals_by_stage(cycle: Cycle, assessment_ids: list[int]) -> dict[str, dict[int, Decimal]]:
    """Each assessment's total as it stands at every stage of ``cycle`` (a regency and city
    cycle), in one query: the rule of the evaluation's own totals (``scores.results``): per
    answer the points of the furthest stage up to that one that scored it, summed per
    indicator and capped at the indicator's own maximum. Assessments without answers have
    none."""
    out: dict[str, dict[int, Decimal]] = {s: {} for s in STAGES}
    if not assessment_ids:
        return out
    sums = {f"p_{stage}": Sum(points_standing(STAGES[: i + 1])) for i, stage in enumerate(STAGES)}
    rows = (
        _joined(Answer.objects.filter(assessment__cycle=cycle, assessment_id__in=assessment_ids))
        .values("assessment_id", "question__indicator_id", "question__indicator__max_points")
        .annotate(**sums)
        .order_by()
    )
    for row in rows:
        for stage in STAGES:
            found = out[stage]
            found[row["assessment_id"]] = found.get(row["assessment_id"], ZERO) + capped(
                row[f"p_{stage}"], row["question__indicator__max_points"]
            )
    return out


def predicates(cycle: Cycle, wanted: dict[int, tuple[str, Decimal]]) -> dict[int, Predicate]:
    """The predicate of each assessment's total at its stage (assessment → (stage, total)),
    with the cycle's gates met or not by the points standing at that stage. Three queries."""
    bands = list(PredicateBand.objects.filter(version_id=cycle.instrument_id))
    gates = list(Gate.objects.filter(cycle=cycle).select_related("max_band", "question"))
    met: set[tuple[int, int]] = set()
    if gates and wanted:
        rows = _joined(
            Answer.objects.filter(
                assessment_id__in=list(wanted), question_id__in=[g.question_id for g in gates]
            )
        ).values(
            "assessment_id",
            "question_id",
            "question__max_points",
            *[f"at_{s}__points" for s in STAGES],
        )
        for row in rows:
            points = _standing_at(row, wanted[row["assessment_id"]][0])
            if points is not None and points >= row["question__max_points"]:
                met.add((row["assessment_id"], row["question_id"]))
    out: dict[int, Predicate] = {}
    for assessment_id, (_stage, total) in wanted.items():
        failed = [
            (g.max_band, g.reason) for g in gates if (assessment_id, g.question_id) not in met
        ]
        out[assessment_id] = apply_gates(predicate_for(total, bands), bands, failed)
    return out
