"""What the district, province and national figures share."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    Min,
    Q,
    QuerySet,
)

from layak.core.numbers import to_cents
from layak.dashboards.charts import Column
from layak.evaluation.models import Cycle, Stage
from layak.regions.models import Region
from layak.workflow import COLOURS, Status

ZERO = Decimal(0)
MONEY = DecimalField(max_digits=20, decimal_places=2)
STAGES: list[str] = [str(k) for k in Stage.ORDER]
REVIEW_STATUSES = [Status.ACCEPTED, Status.SUBMITTED, Status.DRAFT, Status.RETURNED]


def cycles() -> QuerySet[Cycle]:
    """Evaluation cycles of regencies and cities, oldest first (by the opening of their first
    stage: a cycle entered later for an earlier year sorts where it belongs)."""
    return (
        Cycle.objects.filter(instrument__framework__region_level=Region.Level.REGENCY)
        .select_related("instrument__framework")
        .annotate(opens=Min("stages__opens_at"))
        .order_by("opens", "pk")
    )


def latest_stage(present: set[str]) -> str | None:
    """The furthest stage among ``present`` in the order of the evaluation."""
    found = [s for s in STAGES if s in present]
    return found[-1] if found else None


def _status_counts(prefix: str = "") -> dict[str, Count]:
    return {
        str(status): Count("pk", filter=Q(**{f"{prefix}status": status}))
        for status in REVIEW_STATUSES
    }


def _status_columns(first: str) -> list[Column]:
    labels = {str(s): str(s.label) for s in REVIEW_STATUSES}
    return [Column(first, numeric=False)] + [
        Column(labels[str(s)], colour=COLOURS[s]) for s in REVIEW_STATUSES
    ]


def _percent(part: object, whole: object) -> Decimal | None:
    if not whole:
        return None
    return to_cents(Decimal(str(part or 0)) * 100 / Decimal(str(whole)))


_money = to_cents
