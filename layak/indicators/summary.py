"""Indicators of a region for a year, with their trend, the district's target and whether the
district published them: the rows of the indicator page, and of dashboards and reports."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from layak.indicators import actions, aggregate
from layak.indicators import completeness as comp
from layak.indicators.models import Indicator, IndicatorTarget, Publication, periods_of_year
from layak.regions.models import Region

TREND_YEARS = 5


def indicator_rows(
    region: Region, year: int, indicators: list[Indicator] | None = None
) -> tuple[list[str], list[dict[str, Any]]]:
    """Each indicator's value in ``region`` for the last five years up to ``year``, with the
    district's target for ``year`` (and whether it is met) and whether the district published
    the indicator-year, and how complete the year's figure is (``completeness``: reported /
    expected, as DHIS2's reporting rates). A partial figure is never said to meet or miss its
    target. Six queries whatever the number of indicators. Row keys: indicator, trend (one
    value per year, None where missing), value, target, met, published, max, completeness."""
    years = [str(y) for y in range(year - TREND_YEARS + 1, year + 1)]
    if indicators is None:
        indicators = list(Indicator.objects.active().select_related("numerator", "denominator"))
    grid = aggregate.indicator_grid(indicators, [region], years)
    district_code = actions.district_of(region)
    targets = {
        (t.indicator_id, t.year): t.value
        for t in IndicatorTarget.objects.filter(region__code=district_code, year__lte=year)
    }
    published = set(
        Publication.objects.active()
        .filter(region__code=district_code, year=year)
        .values_list("indicator_id", flat=True)
    )
    periods = {i.pk: periods_of_year(year, i.period_type) for i in indicators}
    rates = comp.element_completeness(
        comp.elements_of(indicators), [region], sorted({p for ps in periods.values() for p in ps})
    )
    rows = []
    for indicator in indicators:
        trend = [grid[(indicator.pk, region.pk, y)] for y in years]
        value = trend[-1]
        target = targets.get((indicator.pk, year))
        completeness = comp.indicator_completeness(
            indicator, region.pk, periods[indicator.pk], rates
        )
        met = None
        if value is not None and target is not None and not completeness.partial:
            met = value >= target if indicator.higher_is_better else value <= target
        rows.append(
            {
                "indicator": indicator,
                "trend": trend,
                "value": value,
                "target": target,
                "met": met,
                "published": indicator.pk in published,
                "max": max((v for v in trend if v is not None), default=Decimal(0)),
                "completeness": completeness,
            }
        )
    return years, rows
