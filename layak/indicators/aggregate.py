"""Adding up values in the database.

A region's figure for an element is the sum of the active values entered at the element's entry
level under that region (its own row when it is at the entry level). A value entered at another
level (an old district figure for an element now entered per village) is never counted, so
nothing is counted twice. The many-at-once functions (``element_totals``, ``indicator_series``,
``indicator_table``, ``indicator_grid``, ``indicator_spans``) cost one query whatever the number
of regions, periods or indicators: one conditional SUM per region, grouped by element and period
in SQL.

An indicator's numerator and denominator entered at the same level are added up over the same
regions only: those that reported both for the period (``with_partner``). A village that reported
the children measured but not the stunted ones is left out of both, so a figure from some
villages is the ratio of those villages, never of two different sets; its completeness counts
the same villages (``completeness.indicator_completeness``). Parts entered at different levels
have no common region to match and are added up each on its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypeVar, cast

from django.db.models import Count, Exists, F, OuterRef, Q, Sum

from layak.indicators import disaggregation as dis
from layak.indicators.models import DataElement, DataValue, Indicator
from layak.regions.models import Region

TWO_PLACES = Decimal("0.01")
K = TypeVar("K")

# (element id, region id, period) → total, only where at least one value exists.
Totals = dict[tuple[int, int, str], Decimal]
# (element id, partner element id or None, region id, period) → total of the element over the
# regions that also reported the partner, only where at least one such value exists.
PairTotals = dict[tuple[int, int | None, int, str], Decimal]


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


def with_partner(partner: int) -> Q:
    """Values (of an element entered at some level) whose region also reported ``partner`` for
    the same period: an active value of it, whatever its disaggregation. When ``partner`` is
    entered at another level than the value's element there is no common region, and every
    value is taken. For use on ``DataValue`` rows."""
    reported = DataValue.objects.filter(
        element_id=partner,
        region_id=OuterRef("region_id"),
        period=OuterRef("period"),
        is_active=True,
    )
    other_level = DataElement.objects.filter(pk=partner).exclude(
        entry_level=OuterRef("element__entry_level")
    )
    return Q(Exists(reported)) | Q(Exists(other_level))


def _pairs(indicators: Iterable[Indicator]) -> set[tuple[int, int | None]]:
    """(element, partner) for each part of ``indicators``: a numerator with its denominator and
    the other way round; a numerator alone without one."""
    pairs: set[tuple[int, int | None]] = set()
    for indicator in indicators:
        if indicator.denominator_id is None:
            pairs.add((indicator.numerator_id, None))
        else:
            pairs.add((indicator.numerator_id, indicator.denominator_id))
            pairs.add((indicator.denominator_id, indicator.numerator_id))
    return pairs


def paired_totals(
    pairs: set[tuple[int, int | None]], regions: Sequence[Region], periods: Iterable[str]
) -> PairTotals:
    """Totals of each (element, partner) of ``pairs`` over the regions that reported both (the
    plain total when the partner is None), for many regions and periods in one query."""
    periods = list(periods)
    if not pairs or not regions or not periods:
        return {}
    partners = sorted({p for _e, p in pairs if p is not None})
    wanted: dict[int | None, Q] = {p: with_partner(p) for p in partners}
    if any(p is None for _e, p in pairs):
        wanted[None] = Q()
    within = Q()
    for region in regions:
        within |= Q(region__path__startswith=region.path)
    aggregates: dict[str, Any] = {}
    for region in regions:
        inside = Q(region__path__startswith=region.path)
        for partner, condition in wanted.items():
            name = f"{region.pk}_{partner or 0}"
            aggregates[f"s{name}"] = Sum("value", filter=inside & condition)
            aggregates[f"n{name}"] = Count("pk", filter=inside & condition)
    rows = (
        DataValue.objects.filter(
            _rows(""), within, element_id__in={e for e, _p in pairs}, period__in=periods
        )
        .order_by()
        .values("element_id", "period")
        .annotate(**aggregates)
    )
    totals: PairTotals = {}
    for row in cast(Iterable[dict[str, Any]], rows):
        element = row["element_id"]
        for partner in wanted:
            if (element, partner) not in pairs:
                continue
            for region in regions:
                name = f"{region.pk}_{partner or 0}"
                if row[f"n{name}"]:
                    totals[(element, partner, region.pk, row["period"])] = row[f"s{name}"]
    return totals


def _parts(
    indicator: Indicator, region: Region, periods: Sequence[str], totals: PairTotals
) -> tuple[Decimal | None, Decimal | None]:
    """The indicator's numerator and denominator over ``periods`` (added up: a year of
    quarters), each None when nothing was reported."""

    def total(element: int | None, partner: int | None) -> Decimal | None:
        if element is None:
            return None
        found = [totals.get((element, partner, region.pk, p)) for p in periods]
        present = [v for v in found if v is not None]
        return sum(present, Decimal(0)) if present else None

    numerator, denominator = indicator.numerator_id, indicator.denominator_id
    return total(numerator, denominator), total(denominator, numerator)


def _value(
    indicator: Indicator, region: Region, periods: Sequence[str], totals: PairTotals
) -> Decimal | None:
    numerator, denominator = _parts(indicator, region, periods, totals)
    return ratio(numerator, denominator, indicator)


def indicator_value(indicator: Indicator, region: Region, period: str) -> Decimal | None:
    totals = paired_totals(_pairs([indicator]), [region], [period])
    return _value(indicator, region, [period], totals)


def indicator_series(
    indicator: Indicator, region: Region, periods: Sequence[str]
) -> dict[str, Decimal | None]:
    """The indicator for each of ``periods`` (e.g. a trend over years), one query."""
    totals = paired_totals(_pairs([indicator]), [region], periods)
    return {period: _value(indicator, region, [period], totals) for period in periods}


def indicator_table(
    indicators: Sequence[Indicator], regions: Sequence[Region], period: str
) -> dict[tuple[int, int], Decimal | None]:
    """(indicator id, region id) → value for every pair, one query."""
    totals = paired_totals(_pairs(indicators), regions, [period])
    return {
        (indicator.pk, region.pk): _value(indicator, region, [period], totals)
        for indicator in indicators
        for region in regions
    }


def indicator_grid(
    indicators: Sequence[Indicator], regions: Sequence[Region], periods: Sequence[str]
) -> dict[tuple[int, int, str], Decimal | None]:
    """(indicator id, region id, period) → value: many indicators over many years, one query."""
    totals = paired_totals(_pairs(indicators), regions, periods)
    return {
        (indicator.pk, region.pk, period): _value(indicator, region, [period], totals)
        for indicator in indicators
        for region in regions
        for period in periods
    }


def indicator_spans(
    spans: dict[K, tuple[Indicator, Sequence[str]]], region: Region
) -> dict[K, tuple[Decimal | None, Decimal | None, Decimal | None]]:
    """For each key (e.g. an indicator-year), the indicator over its periods added up (a year
    of quarters: the counts are flows) in ``region``: (value, numerator, denominator). One
    query."""
    every = sorted({p for _i, periods in spans.values() for p in periods})
    totals = paired_totals(_pairs(i for i, _p in spans.values()), [region], every)
    found: dict[K, tuple[Decimal | None, Decimal | None, Decimal | None]] = {}
    for key, (indicator, periods) in spans.items():
        numerator, denominator = _parts(indicator, region, periods, totals)
        found[key] = (ratio(numerator, denominator, indicator), numerator, denominator)
    return found


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
