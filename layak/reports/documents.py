"""What the PDF reports say, gathered in the database (``scores.results``, ``gaps``,
``plans.progress``); the templates under ``reports/pdf/`` lay it out."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, Prefetch, Sum, Value
from django.db.models.functions import Coalesce

from layak.core.pdf import letterhead
from layak.evaluation import criteria, gaps
from layak.evaluation.models import Answer, Assessment, Cycle, Score, Stage
from layak.evaluation.scores import (
    Result,
    current_results,
    group_maxima,
    progress_words,
    results,
)
from layak.evidence.models import EvidenceLink
from layak.frameworks.models import Option, in_language
from layak.organisations.models import Organisation
from layak.organisations.roles import OrganisationKind, Role
from layak.plans import progress as plan_progress
from layak.plans.models import Plan, ProgressEntry
from layak.regions.models import Region
from layak.workflow import Status

ZERO = Decimal(0)
K = Stage.Kind


def secretariat(region: Region) -> str:
    """The name of the office holding the district's KLA secretariat (its DP3A), for the
    letterhead: the government office of the district where a district administrator works."""
    office = (
        Organisation.objects.filter(
            region=region,
            kind=OrganisationKind.GOVERNMENT_OFFICE,
            memberships__role=Role.DISTRICT_ADMIN,
        )
        .order_by("pk")
        .values_list("name", flat=True)
        .first()
    )
    return office or ""


def stages_reached(assessment: Assessment) -> list[str]:
    """The stages (in their order) at which the assessment has scores."""
    scored = set(
        Score.objects.filter(answer__assessment=assessment).values_list("stage", flat=True)
    )
    return [k for k in Stage.ORDER if k in scored] or [K.SELF_ASSESSMENT]


@dataclass
class GroupRow:
    code: str
    name: str
    max_points: Decimal
    points: list[Decimal | None] = field(default_factory=list)


def self_assessment(assessment: Assessment) -> dict[str, Any]:
    cycle = assessment.cycle
    region = assessment.region
    reached = stages_reached(assessment)
    per_stage: dict[str, Result | None] = {
        k: results(cycle, [assessment.pk], k).get(assessment.pk) for k in reached
    }
    current = reached[-1]
    group_rows = [
        GroupRow(
            g.code,
            in_language(g),
            maximum,
            [(r.by_group.get(g.code) if (r := per_stage[k]) else None) for k in reached],
        )
        for g, maximum in group_maxima(cycle)
    ]
    # The one result as it stands (determined once fixed), as on the pages and the API.
    standing = current_results(cycle, [assessment])[assessment.pk]
    total = standing.total
    predicate = standing.predicate.name
    capped_by = standing.predicate.capped_by
    links = (
        EvidenceLink.objects.filter(answer__assessment=assessment, is_active=True)
        .select_related("file", "requirement", "answer__question__indicator")
        .order_by(
            "answer__question__indicator__group__order",
            "answer__question__indicator__order",
            "answer__question__order",
            "pk",
        )
    )
    index: dict[Any, list[EvidenceLink]] = {}
    for link in links:
        index.setdefault(link.answer.question, []).append(link)
    return {
        "letterhead": letterhead(region, secretariat(region)),
        "assessment": assessment,
        "region": region,
        "cycle": cycle,
        "stage": Stage.Kind(current).label,
        "stages": [Stage.Kind(k).label for k in reached],
        "total": total,
        "max_total": sum((r.max_points for r in group_rows), ZERO),
        "predicate": predicate,
        "capped_by": capped_by,
        "progress": progress_words(standing),
        "group_rows": group_rows,
        "stage_totals": [(r.total if (r := per_stage[k]) else None) for k in reached],
        "gaps": (found := gaps.gap_analysis(assessment, current)),
        "missing_any": any(g.missing_by_question for g in found),
        "evidence_index": list(index.items()),
    }


def criteria_report(assessment: Assessment) -> dict[str, Any]:
    """The report of a framework without points: criteria met per area (the same figures as
    the criteria page, ``criteria.assessment_result``) and each criterion with the option
    chosen."""
    region = assessment.region
    answers = (
        criteria.with_status(Answer.objects.filter(assessment=assessment))
        .select_related("question__indicator__group")
        .prefetch_related(Prefetch("question__options", queryset=Option.objects.order_by("order")))
        .order_by(
            "question__indicator__group__order",
            "question__indicator__order",
            "question__order",
            "pk",
        )
    )
    result = criteria.assessment_result(assessment)
    rows = []
    for answer in answers:
        picked = getattr(answer, "chosen", None)  # annotated by ``criteria.with_status``
        chosen = next((o for o in answer.question.options.all() if o.pk == picked), None)
        rows.append((answer, chosen))
    return {
        "letterhead": letterhead(region, secretariat(region)),
        "assessment": assessment,
        "region": region,
        "cycle": assessment.cycle,
        "framework": assessment.cycle.instrument.framework,
        "result": result,
        "not_met": sum(a.not_met for a in result.areas),
        "open": sum(a.open for a in result.areas),
        "rows": rows,
    }


@dataclass
class DistrictRow:
    assessment: Assessment
    totals: list[Decimal | None]
    predicate: str
    progress: str = ""
    capped_by: tuple[str, ...] = ()


def verification(province: Region, cycle: Cycle) -> dict[str, Any]:
    assessments = list(
        Assessment.objects.filter(
            cycle=cycle,
            region__level=Region.Level.REGENCY,
            region__path__startswith=province.path,
        )
        .select_related("region", "final_band")
        .order_by("region__code")
    )
    ids = [a.pk for a in assessments]
    per_stage = {k: results(cycle, ids, k) for k in Stage.ORDER}
    standing = current_results(cycle, assessments)
    rows = []
    for a in assessments:
        now = standing[a.pk]
        reached = Stage.ORDER.index(Stage.Kind(now.stage)) if now.stage in Stage.ORDER else 0
        totals = [
            (r.total if (r := per_stage[k].get(a.pk)) and i <= reached else None)
            for i, k in enumerate(Stage.ORDER)
        ]
        rows.append(
            DistrictRow(
                a,
                totals,
                now.predicate.name,
                progress_words(now),
                now.predicate.capped_by,
            )
        )
    back = list(
        Answer.objects.filter(assessment_id__in=ids)
        .exclude(returned_at_stage="")
        .select_related("assessment__region", "question")
        .order_by("assessment__region__code", "question__code")
    )
    adjusted = list(
        Score.objects.filter(
            answer__assessment_id__in=ids,
            stage=K.PROVINCE,
            decision=Score.Decision.ADJUSTED,
        )
        .select_related("answer__assessment__region", "answer__question", "scored_by")
        .order_by("answer__assessment__region__code", "answer__question__code")
    )
    before = {
        answer_id: points
        for answer_id, points in Score.objects.filter(
            answer_id__in=[s.answer_id for s in adjusted], stage=K.SELF_ASSESSMENT
        ).values_list("answer_id", "points")
    }
    return {
        "letterhead": letterhead(province, _province_office(province)),
        "province": province,
        "cycle": cycle,
        "stages": [Stage.Kind(k).label for k in Stage.ORDER],
        "rows": rows,
        "adjustments": [(s, before.get(s.answer_id)) for s in adjusted],
        "returned": back,
    }


def _province_office(province: Region) -> str:
    name = (
        Organisation.objects.filter(
            region=province,
            kind=OrganisationKind.PROVINCE_OFFICE,
            memberships__role=Role.PROVINCE_VERIFIER,
        )
        .order_by("pk")
        .values_list("name", flat=True)
        .first()
    )
    return name or ""


MONEY = DecimalField(max_digits=20, decimal_places=2)


def rad_progress(plan: Plan, year: int) -> dict[str, Any]:
    rows = plan_progress.flatten(plan_progress.plan_progress(plan, year))
    budget = plan_progress.child_budget(plan.region, year)
    spent: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for code, amount in (
        ProgressEntry.objects.filter(
            report__plan=plan, report__year=year, report__status=Status.ACCEPTED
        )
        .values_list("item__indicator__group__code")
        .annotate(amount=Coalesce(Sum("budget"), Value(ZERO), output_field=MONEY))
        .values_list("item__indicator__group__code", "amount")
    ):
        spent[code] = amount
    clusters: list[dict[str, Any]] = [
        {
            "code": c["code"],
            "name": c["name"],
            "planned": c["total"],
            "realised": spent.get(str(c["code"]), ZERO),
        }
        for c in budget.by_cluster
    ]
    return {
        "letterhead": letterhead(plan.region, secretariat(plan.region)),
        "plan": plan,
        "region": plan.region,
        "year": year,
        "rows": rows,
        "behind": sum(1 for _depth, node in rows if node.behind),
        "budget": budget,
        "clusters": clusters,
        "planned_total": sum((Decimal(c["planned"]) for c in clusters), ZERO),
        "realised_total": sum((Decimal(c["realised"]) for c in clusters), ZERO),
    }
