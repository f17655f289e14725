"""Scores "as they stand" at a stage while verification is under way.

A verifier who has not reached an item yet leaves the previous level's points standing (the
same rule as "agree": the nearest earlier level's points), so a district's score at a stage is,
per answer, the points of the furthest stage up to that one that has scored it. Summing only
the rows of a half-finished stage would show a verified half as the whole. Totals are sums in
the database over a per-answer subquery; a fixed number of queries for any number of
districts.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Case, Count, IntegerField, OuterRef, Subquery, Value, When

from layak.evaluation.models import Answer, Cycle, Gate, Score, Stage
from layak.frameworks.models import PredicateBand
from layak.frameworks.scoring import Predicate, apply_gates, predicate_for

STAGES: list[str] = [str(k) for k in Stage.ORDER]
CENT = Decimal("0.01")
ZERO = Decimal(0)
ORDINAL = Case(
    *[When(stage=s, then=Value(i)) for i, s in enumerate(STAGES)],
    default=Value(-1),
    output_field=IntegerField(),
)


def points_upto(stage: str | None) -> Subquery:
    """Per answer (``OuterRef("pk")`` an Answer): the points of the furthest stage up to
    ``stage`` (any stage when None) that scored it."""
    scores = Score.objects.filter(answer=OuterRef("pk"), stage__in=STAGES)
    if stage is not None:
        scores = scores.filter(stage__in=STAGES[: STAGES.index(stage) + 1])
    return Subquery(scores.annotate(o=ORDINAL).order_by("-o").values("points")[:1])


def _money(value: object) -> Decimal:
    return Decimal(str(value or 0)).quantize(CENT)


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


def totals(cycle: Cycle, assessment_ids: list[int], stage: str) -> dict[int, Decimal]:
    """Each assessment's total as it stands at ``stage``: the evaluation's own totals."""
    from layak.evaluation.scores import results

    return {a: r.total for a, r in results(cycle, assessment_ids, stage).items()}


def predicates(cycle: Cycle, wanted: dict[int, tuple[str, Decimal]]) -> dict[int, Predicate]:
    """The predicate of each assessment's total at its stage (assessment → (stage, total)),
    with the cycle's gates met or not by the points standing at that stage. Three queries."""
    bands = list(PredicateBand.objects.filter(version_id=cycle.instrument_id))
    gates = list(Gate.objects.filter(cycle=cycle).select_related("max_band", "question"))
    met: set[tuple[int, int]] = set()
    if gates and wanted:
        rows = (
            Answer.objects.filter(
                assessment_id__in=list(wanted), question_id__in=[g.question_id for g in gates]
            )
            .annotate(**{f"p_{s}": points_upto(s) for s in STAGES})
            .values(
                "assessment_id", "question_id", "question__max_points", *[f"p_{s}" for s in STAGES]
            )
        )
        for row in rows:
            stage = wanted[row["assessment_id"]][0]
            points = row[f"p_{stage}"]
            if points is not None and points >= row["question__max_points"]:
                met.add((row["assessment_id"], row["question_id"]))
    out: dict[int, Predicate] = {}
    for assessment_id, (_stage, total) in wanted.items():
        failed = [
            (g.max_band, g.reason) for g in gates if (assessment_id, g.question_id) not in met
        ]
        out[assessment_id] = apply_gates(predicate_for(total, bands), bands, failed)
    return out
