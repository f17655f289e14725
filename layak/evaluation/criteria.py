"""Results of frameworks without points (UNICEF's Child Friendly Cities Initiative): each
criterion is met or not by the option chosen (``Option.meets``); an area's result is how many
of its criteria are met. No points, no predicate bands.

Counted in the database: two queries for a whole cycle, or a page of assessments of several
cycles, whatever the number of regions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast

from layak.evaluation.models import Answer, Assessment, Cycle
from layak.frameworks.models import Group, Option


@dataclass
class AreaResult:
    group: Group
    criteria: int = 0
    met: int = 0
    answered: int = 0

    @property
    def not_met(self) -> int:
        return self.answered - self.met

    @property
    def open(self) -> int:
        return self.criteria - self.answered


@dataclass
class CriteriaResult:
    assessment_id: int
    areas: list[AreaResult] = field(default_factory=list)

    @property
    def criteria(self) -> int:
        return sum(a.criteria for a in self.areas)

    @property
    def met(self) -> int:
        return sum(a.met for a in self.areas)

    @property
    def all_met(self) -> bool:
        return self.criteria > 0 and self.met == self.criteria


def with_status(answers: QuerySet[Answer]) -> QuerySet[Answer]:
    """The answers with ``chosen`` (the option id) and ``met`` (whether it meets the
    criterion)."""
    return answers.annotate(
        chosen=Cast(KeyTextTransform("option", "value"), IntegerField()),
    ).annotate(met=Exists(Option.objects.filter(pk=OuterRef("chosen"), meets=True)))


def results(cycle: Cycle, assessments: Iterable[int]) -> dict[int, CriteriaResult]:
    """Met criteria per area for each of these assessments of the cycle."""
    ids = list(assessments)
    return _counted({pk: cycle.instrument_id for pk in ids})


def results_of(assessments: Iterable[Assessment]) -> dict[int, CriteriaResult]:
    """Met criteria per area for those of these assessments (of any cycles) whose framework has
    no points; two queries whatever their number. The assessments come with their cycle's
    instrument and framework."""
    return _counted(
        {
            a.pk: a.cycle.instrument_id
            for a in assessments
            if not a.cycle.instrument.framework.has_points
        }
    )


def _counted(version_of: dict[int, int]) -> dict[int, CriteriaResult]:
    if not version_of:
        return {}
    groups: dict[int, list[Group]] = {}
    for group in Group.objects.filter(version_id__in=set(version_of.values())).order_by(
        "order", "code"
    ):
        groups.setdefault(group.version_id, []).append(group)
    rows = (
        with_status(Answer.objects.filter(assessment_id__in=list(version_of)))
        .values("assessment_id", "question__indicator__group_id")
        .annotate(
            total=Count("pk"),
            met_count=Count("pk", filter=Q(met=True)),
            answered=Count("pk", filter=Q(chosen__isnull=False)),
        )
        .order_by()
    )
    counts = {(r["assessment_id"], r["question__indicator__group_id"]): r for r in rows}
    out: dict[int, CriteriaResult] = {}
    for pk, version in version_of.items():
        result = CriteriaResult(pk)
        for group in groups.get(version, []):
            row = counts.get((pk, group.pk))
            if row is None:
                continue
            result.areas.append(AreaResult(group, row["total"], row["met_count"], row["answered"]))
        out[pk] = result
    return out


def assessment_result(assessment: Assessment) -> CriteriaResult:
    return results(assessment.cycle, [assessment.pk])[assessment.pk]
