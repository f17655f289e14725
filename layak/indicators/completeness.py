"""How complete a figure is, like DHIS2's reporting rates.

Every element is entered at one level (``DataElement.entry_level``): each active region of that
level is expected to report it once per period. A region's figure for an element and period is
*complete* when every expected region under it reported a value: its completeness is
``reported / expected`` (a district's stunting figure from one village of 29 is 1 / 29). Over
several periods (a year of quarters) the counts add up. An indicator whose numerator and
denominator are entered at the same level is figured over the regions that reported both
(``aggregate.with_partner``): its completeness counts those regions, the ones that entered the
figure. One whose parts are entered at different levels is as complete as the less complete of
the two. Figures below ``THRESHOLD`` are shown with their
completeness everywhere and are published only with an explicit confirmation.

Each many-at-once function costs two queries whatever the number of elements, regions and
periods: the expected regions per level, counted inside each region, and the reporting regions
per element and period.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from typing import Any, cast

from django.db.models import Count, F, Q

from layak.indicators.aggregate import with_partner
from layak.indicators.models import DataElement, DataValue, Indicator
from layak.regions.models import Region

THRESHOLD = Decimal(90)
"""Percent of expected reports below which a figure is partial."""


@dataclass(frozen=True)
class Completeness:
    reported: int
    expected: int

    @property
    def percent(self) -> Decimal | None:
        """Reported as a share of expected, rounded down (99.9 % is not 100 %)."""
        if not self.expected:
            return None
        value = Decimal(self.reported) * 100 / Decimal(self.expected)
        return value.quantize(Decimal("0.1"), rounding=ROUND_DOWN)

    @property
    def partial(self) -> bool:
        """Below the threshold: the figure is not yet the region's."""
        percent = self.percent
        return percent is not None and percent < THRESHOLD

    @property
    def complete(self) -> bool:
        return self.expected > 0 and self.reported >= self.expected

    def __add__(self, other: Completeness) -> Completeness:
        return Completeness(self.reported + other.reported, self.expected + other.expected)

    def as_dict(self) -> dict[str, int]:
        return {"reported": self.reported, "expected": self.expected}


NONE = Completeness(0, 0)

# (element id, region id, period) → completeness; (numerator id, region id, period, denominator
# id) → the regions that reported both, for an indicator whose parts share their entry level.
Rates = dict[tuple[int, int, str] | tuple[int, int, str, int], Completeness]


class Elements(list[DataElement]):
    """The numerators and denominators of some indicators (``elements_of``), with the pairs
    (numerator id, denominator id) whose regions that reported both are counted."""

    pairs: frozenset[tuple[int, int]] = frozenset()


def expected_reporters(
    levels: Iterable[int], regions: Sequence[Region]
) -> dict[tuple[int, int], int]:
    """(level, region id) → the active regions of that level inside each region (the region
    itself when it is of that level). One query."""
    levels = sorted(set(levels))
    if not levels or not regions:
        return {}
    within = Q()
    aggregates: dict[str, Any] = {}
    for region in regions:
        inside = Q(path__startswith=region.path)
        within |= inside
        aggregates[f"n{region.pk}"] = Count("pk", filter=inside)
    rows = (
        Region.objects.filter(within, is_active=True, level__in=levels)
        .order_by()
        .values("level")
        .annotate(**aggregates)
    )
    found: dict[tuple[int, int], int] = {}
    for row in cast(Iterable[dict[str, Any]], rows):
        for region in regions:
            found[(row["level"], region.pk)] = row[f"n{region.pk}"]
    return found


def element_completeness(
    elements: Iterable[DataElement], regions: Sequence[Region], periods: Iterable[str]
) -> Rates:
    """Completeness of each element's figure for each region and period, and of each pair of
    ``elements`` (when they come from ``elements_of``). Two queries."""
    pairs = elements.pairs if isinstance(elements, Elements) else frozenset()
    elements = list(elements)
    periods = list(periods)
    if not elements or not regions or not periods:
        return {}
    expected = expected_reporters({e.entry_level for e in elements}, regions)
    within = Q()
    aggregates: dict[str, Any] = {}
    for region in regions:
        inside = Q(region__path__startswith=region.path)
        within |= inside
        aggregates[f"r{region.pk}"] = Count("region_id", filter=inside, distinct=True)
        for partner in {d for _n, d in pairs}:
            aggregates[f"r{region.pk}_{partner}"] = Count(
                "region_id", filter=inside & with_partner(partner), distinct=True
            )
    rows = (
        DataValue.objects.filter(
            within,
            is_active=True,
            region__level=F("element__entry_level"),
            element__in=[e.pk for e in elements],
            period__in=periods,
        )
        .order_by()
        .values("element_id", "period")
        .annotate(**aggregates)
    )
    reported: dict[tuple[int, int, str] | tuple[int, int, str, int], int] = {}
    for row in cast(Iterable[dict[str, Any]], rows):
        element, period = row["element_id"], row["period"]
        for region in regions:
            reported[(element, region.pk, period)] = row[f"r{region.pk}"]
            for numerator, partner in pairs:
                if numerator == element:
                    reported[(element, region.pk, period, partner)] = row[f"r{region.pk}_{partner}"]
    rates: Rates = {}
    for element in elements:
        for region in regions:
            wanted = expected.get((element.entry_level, region.pk), 0)
            for period in periods:
                got = reported.get((element.pk, region.pk, period), 0)
                rates[(element.pk, region.pk, period)] = Completeness(min(got, wanted), wanted)
                for numerator, partner in pairs:
                    if numerator == element.pk:
                        key = (element.pk, region.pk, period, partner)
                        both = reported.get(key, 0)
                        rates[key] = Completeness(min(both, wanted), wanted)
    return rates


def over(rates: Rates, element_id: int, region_id: int, periods: Iterable[str]) -> Completeness:
    """An element's completeness over several periods (a year of quarters): the counts add up."""
    total = NONE
    for period in periods:
        total = total + rates.get((element_id, region_id, period), NONE)
    return total


def indicator_completeness(
    indicator: Indicator, region_id: int, periods: Iterable[str], rates: Rates
) -> Completeness:
    """The regions that entered the figure: those that reported both the numerator and the
    denominator when they are entered at the same level (``rates`` from ``elements_of``);
    otherwise the less complete of the two."""
    periods = list(periods)
    numerator, denominator = indicator.numerator_id, indicator.denominator_id
    if (
        denominator is not None
        and periods
        and (numerator, region_id, periods[0], denominator) in rates
    ):
        total = NONE
        for period in periods:
            total = total + rates.get((numerator, region_id, period, denominator), NONE)
        return total
    parts = [over(rates, indicator.numerator_id, region_id, periods)]
    if indicator.denominator_id is not None:
        parts.append(over(rates, indicator.denominator_id, region_id, periods))
    parts = [p for p in parts if p.expected]
    if not parts:
        return NONE
    return min(parts, key=lambda c: (c.reported * 1_000_000) // c.expected)


def elements_of(indicators: Iterable[Indicator]) -> Elements:
    """The numerators and denominators of ``indicators`` (select_related beforehand), with the
    pairs entered at the same level, whose regions that reported both are counted."""
    found: dict[int, DataElement] = {}
    pairs: set[tuple[int, int]] = set()
    for indicator in indicators:
        found[indicator.numerator_id] = indicator.numerator
        denominator = indicator.denominator
        if indicator.denominator_id is not None and denominator is not None:
            found[indicator.denominator_id] = denominator
            if denominator.entry_level == indicator.numerator.entry_level:
                pairs.add((indicator.numerator_id, indicator.denominator_id))
    elements = Elements(found.values())
    elements.pairs = frozenset(pairs)
    return elements
