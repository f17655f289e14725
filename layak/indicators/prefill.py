"""Prefilling an evaluation answer from indicator data: the KLA evaluation asks for figures
(e.g. K3-12.1 births in a health facility, %) that the district already keeps here."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from layak.indicators import aggregate
from layak.indicators.models import Indicator
from layak.regions.models import Region


def prefill_for(question_code: str, region: Region, year: int) -> tuple[Decimal, str] | None:
    """The value of the indicator linked to ``question_code`` for ``region`` in ``year``, and the
    page that shows how it was computed; None when no indicator is linked or a part is missing.
    Two queries."""
    indicator = (
        Indicator.objects.active()
        .filter(question_code=question_code)
        .order_by("order", "pk")
        .first()
    )
    if indicator is None:
        return None
    value = aggregate.indicator_value(indicator, region, str(year))
    if value is None:
        return None
    url = f"{reverse('indicators:indicators')}?region={region.code}&year={year}"
    return value, url
