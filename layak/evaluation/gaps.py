"""Gap analysis and the cheapest path to the next predicate, for one district at one stage.

The shape follows the district evaluation reports: per indicator the score against its maximum,
what is done, what is not yet, evidence missing, the responsible office, and the difference
between the district's own score and the verifiers'.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q

from layak.evaluation.models import Answer, Assessment, Assignment, Gate, Score, Stage
from layak.evaluation.scores import result_for
from layak.frameworks.models import EvidenceRequirement, Indicator, PredicateBand

ZERO = Decimal(0)
EFFORT_EVIDENCE = 1  # only a document is missing
EFFORT_ANSWER = 2  # the answer itself must improve


@dataclass
class Item:
    answer: Answer
    points: Decimal
    self_points: Decimal
    gain: Decimal
    effort: int
    missing_evidence: list[str]


@dataclass
class IndicatorGap:
    indicator: Indicator
    max_points: Decimal = ZERO
    points: Decimal = ZERO
    self_points: Decimal = ZERO
    done: list[Item] = field(default_factory=list)
    not_yet: list[Item] = field(default_factory=list)
    missing_evidence: list[str] = field(default_factory=list)
    offices: set[str] = field(default_factory=set)

    @property
    def difference(self) -> Decimal:
        return self.points - self.self_points


@dataclass
class Path:
    total: Decimal
    current: Any
    target: Any
    needed: Decimal
    items: list[Item]
    reached: bool
    gates: list[Gate]


def _items(assessment: Assessment, stage: str) -> list[Item]:
    answers = list(
        Answer.objects.filter(assessment=assessment)
        .select_related("question__indicator__group")
        .annotate(documents=Count("evidence_links", filter=Q(evidence_links__is_active=True)))
        .order_by(
            "question__indicator__group__order", "question__indicator__order", "question__order"
        )
    )
    scores: dict[tuple[int, str], Decimal] = {
        (a, s): p
        for a, s, p in Score.objects.filter(
            answer__assessment=assessment, stage__in=[stage, Stage.Kind.SELF_ASSESSMENT]
        ).values_list("answer_id", "stage", "points")
    }
    required: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for rid, qid, name in EvidenceRequirement.objects.filter(
        question__version_id=assessment.cycle.instrument_id, required=True
    ).values_list("pk", "question_id", "name"):
        required[qid].append((rid, name))
    covered: dict[int, set[int | None]] = defaultdict(set)
    from layak.evidence.models import EvidenceLink

    for answer_id, requirement_id in EvidenceLink.objects.filter(
        answer__assessment=assessment, is_active=True
    ).values_list("answer_id", "requirement_id"):
        covered[answer_id].add(requirement_id)
    items = []
    for answer in answers:
        q = answer.question
        points = scores.get((answer.pk, stage), ZERO)
        self_points = scores.get((answer.pk, Stage.Kind.SELF_ASSESSMENT), ZERO)
        reqs = required.get(q.pk, [])
        have = covered.get(answer.pk, set())
        missing = (
            []
            if (None in have and len(reqs) == 1)
            else [name for rid, name in reqs if rid not in have]
        )
        evidence_only = q.kind == "evidence" and answer.documents == 0  # type: ignore[attr-defined]
        items.append(
            Item(
                answer=answer,
                points=points,
                self_points=self_points,
                gain=q.max_points - points,
                effort=EFFORT_EVIDENCE if evidence_only else EFFORT_ANSWER,
                missing_evidence=missing,
            )
        )
    return items


def gap_analysis(
    assessment: Assessment, stage: str = Stage.Kind.SELF_ASSESSMENT
) -> list[IndicatorGap]:
    items = _items(assessment, stage)
    offices: dict[int, set[str]] = defaultdict(set)
    for answer_id, acronym, name in Assignment.objects.filter(
        answer__assessment=assessment, is_active=True
    ).values_list("answer_id", "organisation__acronym", "organisation__name"):
        offices[answer_id].add(acronym or name)
    gaps: dict[int, IndicatorGap] = {}
    for item in items:
        indicator = item.answer.question.indicator
        gap = gaps.setdefault(indicator.pk, IndicatorGap(indicator))
        gap.max_points += item.answer.question.max_points
        gap.points += item.points
        gap.self_points += item.self_points
        gap.missing_evidence += item.missing_evidence
        gap.offices |= offices.get(item.answer.pk, set())
        if item.answer.question.max_points == 0:
            continue
        (gap.not_yet if item.gain > 0 else gap.done).append(item)
    return list(gaps.values())


def cheapest_path(assessment: Assessment, stage: str = Stage.Kind.SELF_ASSESSMENT) -> Path:
    """Items ordered by effort (a missing document first) then by points to gain, taken until
    the next band's minimum is reached; a gate that caps below that band must be met too."""
    result = result_for(assessment, stage)
    bands = list(
        PredicateBand.objects.filter(version_id=assessment.cycle.instrument_id).order_by("rank")
    )
    current = result.predicate.band
    rank = current.rank if current is not None else -1
    target = next((b for b in bands if b.rank > rank), None)
    items = [i for i in _items(assessment, stage) if i.gain > 0]
    if target is None:
        return Path(result.total, current, None, ZERO, [], True, [])
    gates = [
        g
        for g in Gate.objects.filter(cycle_id=assessment.cycle_id).select_related(
            "max_band", "question"
        )
        if g.max_band.rank < target.rank
    ]
    gate_questions = {g.question_id for g in gates}
    must = [i for i in items if i.answer.question_id in gate_questions]
    rest = sorted(
        (i for i in items if i.answer.question_id not in gate_questions),
        key=lambda i: (i.effort, -i.gain),
    )
    needed = max(ZERO, target.min_score - result.total)
    chosen: list[Item] = list(must)
    gained = sum((i.gain for i in chosen), ZERO)
    for item in rest:
        if gained >= needed:
            break
        chosen.append(item)
        gained += item.gain
    blocking = [g for g in gates if any(i.answer.question_id == g.question_id for i in must)]
    return Path(result.total, current, target, needed, chosen, gained >= needed, blocking)
