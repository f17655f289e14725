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
from django.utils.translation import gettext_lazy

from layak.core.numbers import to_cents
from layak.dashboards.charts import Column
from layak.evaluation.models import Cycle, Stage
from layak.regions.models import Region
from layak.workflow import COLOURS, Status

ZERO = Decimal(0)
MONEY = DecimalField(max_digits=20, decimal_places=2)
STAGES: list[str] = [str(k) for k in Stage.ORDER]
# The review states counted in the progress figures: the statuses, with a draft that holds no
# answer yet apart as "Not filled in", as the assessment page counts them.
EMPTY = "empty"
REVIEW_STATUSES: list[str] = [
    Status.ACCEPTED,
    Status.SUBMITTED,
    Status.DRAFT,
    EMPTY,
    Status.RETURNED,
]
_LABELS = {EMPTY: gettext_lazy("Not filled in")}
_COLOURS = {**COLOURS, EMPTY: "#aab1ba"}


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


def _status_q(state: str, prefix: str = "") -> Q:
    if state == EMPTY:
        return Q(**{f"{prefix}status": Status.DRAFT, f"{prefix}value": {}})
    found = Q(**{f"{prefix}status": state})
    return found & ~Q(**{f"{prefix}value": {}}) if state == Status.DRAFT else found


def _status_counts(prefix: str = "") -> dict[str, Count]:
    return {str(state): Count("pk", filter=_status_q(state, prefix)) for state in REVIEW_STATUSES}


def _status_columns(first: str) -> list[Column]:
    labels = {str(s): str(_LABELS.get(s) or Status(s).label) for s in REVIEW_STATUSES}
    return [Column(first, numeric=False)] + [
        Column(labels[str(s)], colour=_COLOURS[s]) for s in REVIEW_STATUSES
    ]


def _percent(part: object, whole: object) -> Decimal | None:
    if not whole:
        return None
    return to_cents(Decimal(str(part or 0)) * 100 / Decimal(str(whole)))


_money = to_cents
