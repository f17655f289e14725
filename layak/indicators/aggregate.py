"""Adding up values in the database.

A region's figure for an element is the sum of the active values entered at the element's entry
level under that region (its own row when it is at the entry level). A value entered at another
level (an old district figure for an element now entered per village) is never counted, so
nothing is counted twice. The many-at-once functions (``element_totals``, ``indicator_series``,
``indicator_table``) cost one query whatever the number of regions, periods or indicators: one
conditional SUM per region, grouped by element and period in SQL.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, cast

from django.db.models import Count, F, Q, Sum

from layak.indicators import disaggregation as dis
from layak.indicators.models import DataElement, DataValue, Indicator
from layak.regions.models import Region

TWO_PLACES = Decimal("0.01")

# (element id, region id, period) → total, only where at least one value exists.
Totals = dict[tuple[int, int, str], Decimal]


def _rows(disaggregation: str) -> Q:
    q = Q(is_active=True, region__level=F("element__entry_level"))
    parts = dis.parse(disaggregation)
    if parts:
        q &= dis.component_q(parts.items())
    return q


def element_total(
    element: DataElement, region: Region, period: str, disaggregation: str = ""
) -> Decimal | None:
    """The element's total for ``region`` and ``period``: ``""`` for the grand total, a full or
    partial key (``"sex=F"``) for a part of it. None when nothing has been entered."""
    result = DataValue.objects.filter(
        _rows(disaggregation),
        element=element,
        period=period,
        region__path__startswith=region.path,
    ).aggregate(total=Sum("value"), n=Count("pk"))
    return result["total"] if result["n"] else None


def element_totals(
    elements: Iterable[DataElement | int],
    regions: Sequence[Region],
    periods: Iterable[str],
    disaggregation: str = "",
) -> Totals:
    """Totals of many elements, regions and periods in one query."""
    element_ids = [e if isinstance(e, int) else e.pk for e in elements]
    periods = list(periods)
    if not element_ids or not regions or not periods:
        return {}
    within = Q()
    for region in regions:
        within |= Q(region__path__startswith=region.path)
    aggregates: dict[str, Any] = {}
    for region in regions:
        inside = Q(region__path__startswith=region.path)
        aggregates[f"s{region.pk}"] = Sum("value", filter=inside)
        aggregates[f"n{region.pk}"] = Count("pk", filter=inside)
    rows = (
        DataValue.objects.filter(
            _rows(disaggregation), within, element_id__in=element_ids, period__in=periods
        )
        .order_by()
        .values("element_id", "period")
        .annotate(**aggregates)
    )
    totals: Totals = {}
    for row in cast(Iterable[dict[str, Any]], rows):
        for region in regions:
            if row[f"n{region.pk}"]:
                totals[(row["element_id"], region.pk, row["period"])] = row[f"s{region.pk}"]
    return totals


def ratio(
    numerator: Decimal | None, denominator: Decimal | None, indicator: Indicator
) -> Decimal | None:
    """numerator / denominator × factor, rounded to two places; the numerator × factor for an
    indicator without a denominator; None when a part is missing or the denominator is 0."""
    if numerator is None:
        return None
    if indicator.denominator_id is None:
        value = numerator * indicator.factor
    else:
        if not denominator:
            return None
        value = numerator / denominator * indicator.factor
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def _elements(indicators: Iterable[Indicator]) -> set[int]:
    ids: set[int] = set()
    for indicator in indicators:
        ids.add(indicator.numerator_id)
        if indicator.denominator_id is not None:
            ids.add(indicator.denominator_id)
    return ids


def _value(indicator: Indicator, region: Region, period: str, totals: Totals) -> Decimal | None:
    numerator = totals.get((indicator.numerator_id, region.pk, period))
    denominator = (
        totals.get((indicator.denominator_id, region.pk, period))
        if indicator.denominator_id is not None
        else None
    )
    return ratio(numerator, denominator, indicator)


def indicator_value(indicator: Indicator, region: Region, period: str) -> Decimal | None:
    totals = element_totals(_elements([indicator]), [region], [period])
    return _value(indicator, region, period, totals)


def indicator_series(
    indicator: Indicator, region: Region, periods: Sequence[str]
) -> dict[str, Decimal | None]:
    """The indicator for each of ``periods`` (e.g. a trend over years), one query."""
    totals = element_totals(_elements([indicator]), [region], periods)
    return {period: _value(indicator, region, period, totals) for period in periods}


def indicator_table(
    indicators: Sequence[Indicator], regions: Sequence[Region], period: str
) -> dict[tuple[int, int], Decimal | None]:
    """(indicator id, region id) → value for every pair, one query."""
    totals = element_totals(_elements(indicators), regions, [period])
    return {
        (indicator.pk, region.pk): _value(indicator, region, period, totals)
        for indicator in indicators
        for region in regions
    }


def indicator_grid(
    indicators: Sequence[Indicator], regions: Sequence[Region], periods: Sequence[str]
) -> dict[tuple[int, int, str], Decimal | None]:
    """(indicator id, region id, period) → value: many indicators over many years, one query."""
    totals = element_totals(_elements(indicators), regions, periods)
    return {
        (indicator.pk, region.pk, period): _value(indicator, region, period, totals)
        for indicator in indicators
        for region in regions
        for period in periods
    }


def breakdown(
    element: DataElement, region: Region, periods: Sequence[str]
) -> dict[tuple[str, str], Decimal]:
    """(disaggregation key, period) → total under ``region``, one query (for an element's page)."""
    rows = (
        DataValue.objects.filter(
            _rows(""),
            element=element,
            period__in=list(periods),
            region__path__startswith=region.path,
        )
        .order_by()
        .values("disaggregation", "period")
        .annotate(total=Sum("value"))
    )
    return {(row["disaggregation"], row["period"]): row["total"] for row in rows}
