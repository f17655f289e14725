"""Progress against the plan and the child-responsive budget, computed in the database.

Realised figures count accepted reports only: the secretariat's acceptance is what makes an
office's figures official. Spending adds up over the periods of a year; outputs combine as each
item says (``PlanItem.Combine``): counts add up, a rate or a percentage is the latest period's
figure or the periods' average. An item that adds up is behind when what it realised by the last
accepted period is less than that share of the year's target (a year's target of 100 with
quarterly reports expects 50 by the second quarter); a rate is behind when it is below target.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import (
    Avg,
    DecimalField,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.urls import reverse

from layak.plans.models import DistrictBudget, Plan, PlanItem, PlanYear, ProgressEntry
from layak.regions.models import Region
from layak.workflow import Status

ZERO = Decimal(0)
MONEY = DecimalField(max_digits=20, decimal_places=2)
CENT = Decimal("0.01")


@dataclass(kw_only=True)
class Progress:
    """An activity's year: its target and budget, what the accepted reports realised, and
    what was expected by their last period (``realise``)."""

    target: Decimal | None = None
    budget: Decimal = ZERO
    output: Decimal | None = None
    spent: Decimal | None = None
    last_period: int | None = None
    expected: Decimal | None = None

    @property
    def behind(self) -> bool:
        return (
            self.expected is not None
            and self.expected > 0
            and (self.output or ZERO) < self.expected
        )

    @property
    def percent(self) -> Decimal | None:
        if not self.target or self.output is None:
            return None
        return (self.output * 100 / self.target).quantize(Decimal(1))


@dataclass
class ItemProgress(Progress):
    """A plan item's progress, with its sub-items' (``plan_progress``)."""

    item: PlanItem
    children: list[ItemProgress] = field(default_factory=list)


@dataclass
class ActivityProgress(Progress):
    """An activity's progress as the gap page shows it (``for_indicators``), with its plan's
    page."""

    item: Activity
    url: str = ""


class _OfTheItem(Subquery):
    """A subquery of one grouped row's item: it depends only on the grouping column, so the
    rows are not grouped by it as well (which would run it for every entry, not every item)."""

    def get_group_by_cols(self) -> list[Any]:
        return []


def realised(
    plan_filter: Q, year: int, *, upto: int | None = None, include: int | None = None
) -> dict[int, dict[str, object]]:
    """Per item: output (added up, averaged and the latest period's) and spending of the
    year's accepted reports (up to period ``upto``, plus report ``include`` whatever its
    status), and the last period counted. One query."""
    accepted = Q(report__status=Status.ACCEPTED)
    if include is not None:
        accepted |= Q(report_id=include)
    rows = ProgressEntry.objects.filter(plan_filter, accepted, report__year=year)
    if upto is not None:
        rows = rows.filter(report__period__lte=upto)
    latest = (
        rows.filter(item=OuterRef("item"), output__isnull=False)
        .order_by("-report__period", "-pk")
        .values("output")[:1]
    )
    return {
        row["item"]: {**row, "output": row["output_sum"]}
        for row in rows.values("item").annotate(
            output_sum=Sum("output"),
            output_average=Avg("output"),
            output_latest=_OfTheItem(latest, output_field=MONEY),
            spent=Sum("budget"),
            last=Max("report__period"),
        )
    }


def realise(
    node: ItemProgress | ActivityProgress,
    got: dict[str, object],
    reports_per_year: int,
    period: int | None = None,
) -> None:
    """Put what the reports realised on ``node``, combined as its item says, and what was
    expected by ``period`` (by default the last period counted)."""
    combine = node.item.combine
    output: object = got.get("output")
    if combine == PlanItem.Combine.LATEST:
        output = got.get("output_latest")
    elif combine == PlanItem.Combine.AVERAGE and got.get("output_average") is not None:
        output = Decimal(str(got["output_average"])).quantize(CENT)
    node.output = output  # type: ignore[assignment]
    node.spent = got.get("spent")  # type: ignore[assignment]
    node.last_period = got.get("last")  # type: ignore[assignment]
    period = period or node.last_period
    if node.target is None or not period:
        return
    if combine == PlanItem.Combine.SUM:
        node.expected = (node.target * period / reports_per_year).quantize(CENT)
    else:
        node.expected = node.target  # a rate is expected at its target in every period


def plan_progress(plan: Plan, year: int) -> list[ItemProgress]:
    """The plan's active items as a tree (programmes first), each with the year's target,
    budget and what the accepted reports realised. Three queries."""
    items = list(
        plan.items.filter(is_active=True)
        .select_related("indicator__group", "responsible")
        .order_by("indicator__group__order", "indicator__order", "order", "pk")
    )
    years = {row.item_id: row for row in PlanYear.objects.filter(item__plan=plan, year=year)}
    done = realised(Q(report__plan=plan), year)
    nodes: dict[int, ItemProgress] = {}
    for item in items:
        node = ItemProgress(item)
        row = years.get(item.pk)
        if row is not None:
            node.target = row.target
            node.budget = row.budget
        got = done.get(item.pk)
        if got is not None:
            realise(node, got, plan.reports_per_year)
        nodes[item.pk] = node
    roots: list[ItemProgress] = []
    for item in items:
        node = nodes[item.pk]
        parent = nodes.get(item.parent_id) if item.parent_id else None
        if parent is not None:
            parent.children.append(node)
        else:
            roots.append(node)

    # A parent's budget is the sum of its parts' when it has parts.
    def total(node: ItemProgress) -> Decimal:
        if node.children:
            node.budget = sum((total(c) for c in node.children), ZERO)
            spent = [c.spent for c in node.children if c.spent is not None]
            node.spent = sum(spent, ZERO) if spent else node.spent
        return node.budget

    for root in roots:
        total(root)
    return roots


def flatten(nodes: list[ItemProgress], depth: int = 0) -> list[tuple[int, ItemProgress]]:
    out: list[tuple[int, ItemProgress]] = []
    for node in nodes:
        out.append((depth, node))
        out.extend(flatten(node.children, depth + 1))
    return out


# ---- child-responsive budget ------------------------------------------------------------


def leaf_years(region: Region, year: int) -> QuerySet[PlanYear]:
    """The year's budget rows of the leaves of the district's active plans."""
    parts = PlanItem.objects.filter(parent=OuterRef("item_id"), is_active=True)
    return PlanYear.objects.filter(
        year=year,
        item__is_active=True,
        item__plan__is_active=True,
        item__plan__region=region,
    ).exclude(Exists(parts))


def _sums() -> dict[str, Coalesce]:
    return {
        source: Coalesce(Sum(source), Value(ZERO), output_field=MONEY)
        for source in ("apbd", "apbn", "village", "csr", "other")
    }


@dataclass
class ChildBudget:
    year: int
    total_apbd: Decimal | None
    sources: dict[str, Decimal]
    by_cluster: list[dict[str, object]]
    by_office: list[dict[str, object]]

    @property
    def total(self) -> Decimal:
        return sum(self.sources.values(), ZERO)

    @property
    def apbd_share(self) -> Decimal | None:
        """Per cent of the district's APBD tagged to child-rights activities."""
        if not self.total_apbd:
            return None
        return (self.sources["apbd"] * 100 / self.total_apbd).quantize(CENT)


def child_budget(region: Region, year: int) -> ChildBudget:
    """Totals by funding source, cluster and office of the year; four queries."""
    rows = leaf_years(region, year)
    sources = rows.aggregate(**_sums())
    with_total = {"total": F("apbd") + F("apbn") + F("village") + F("csr") + F("other")}
    by_cluster = list(
        rows.values(code=F("item__indicator__group__code"), name=F("item__indicator__group__name"))
        .annotate(**_sums())
        .annotate(**with_total)
        .order_by("item__indicator__group__order")
    )
    by_office = list(
        rows.values(office=F("item__responsible__name"))
        .annotate(**_sums())
        .annotate(**with_total)
        .order_by("-apbd", "office")
    )
    district = DistrictBudget.objects.filter(region=region, year=year).first()
    return ChildBudget(
        year=year,
        total_apbd=district.total if district else None,
        sources=sources,
        by_cluster=[dict(r) for r in by_cluster],
        by_office=[dict(r) for r in by_office],
    )


# ---- the evaluation's gap analysis ------------------------------------------------------


@dataclass(slots=True)
class Activity:
    """What the gap page shows of an activity (``for_indicators``): read as rows, not model
    instances, since the analysis that carries them is kept whole (``evaluation.gaps``)."""

    pk: int
    plan_id: int
    ref: str
    name: str
    unit: str
    combine: str
    office: str  # the responsible office's acronym, else its name


def for_indicators(
    region: Region, codes: list[str], year: int
) -> dict[str, list[ActivityProgress]]:
    """The district's activities at the lowest level of their branch, per indicator code (of
    any framework version: matched by code), with the year's target and realisation. Three
    queries whatever the number of codes."""
    rows = list(
        PlanItem.objects.filter(
            plan__region=region,
            plan__is_active=True,
            plan__start_year__lte=year,
            plan__end_year__gte=year,
            is_active=True,
            indicator__code__in=codes,
        )
        .exclude(Exists(PlanItem.objects.filter(parent=OuterRef("pk"), is_active=True)))
        .order_by("order", "pk")
        .values_list(
            "pk",
            "plan_id",
            "ref",
            "name",
            "unit",
            "combine",
            "responsible__acronym",
            "responsible__name",
            "plan__reports_per_year",
            "indicator__code",
        )
    )
    if not rows:
        return {}
    ids = [row[0] for row in rows]
    years = {
        item: (target, apbd + apbn + village + csr + other)  # ``PlanYear.budget``
        for item, target, apbd, apbn, village, csr, other in PlanYear.objects.filter(
            item_id__in=ids, year=year
        ).values_list("item_id", "target", "apbd", "apbn", "village", "csr", "other")
    }
    done = realised(Q(item_id__in=ids), year)
    found: dict[str, list[ActivityProgress]] = {}
    urls: dict[int, str] = {}
    for pk, plan, ref, name, unit, combine, acronym, office, per_year, code in rows:
        if plan not in urls:
            urls[plan] = reverse("plans:detail", args=[plan])
        activity = Activity(pk, plan, ref, name, unit, combine, acronym or office)
        node = ActivityProgress(activity, url=urls[plan])
        row = years.get(pk)
        if row is not None:
            node.target, node.budget = row
        got = done.get(pk)
        if got is not None:
            realise(node, got, per_year)
        found.setdefault(code, []).append(node)
    return found
