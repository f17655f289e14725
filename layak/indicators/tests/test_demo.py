"""The demo indicator data loads, adds up sensibly, and a second run changes nothing."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from layak.indicators import aggregate, demo
from layak.indicators.models import DataValue, Publication
from layak.indicators.tests.helpers import indicator
from layak.regions.models import Region

pytestmark = pytest.mark.django_db


def test_seed_demo_is_idempotent_and_plausible(personas):
    demo.seed_demo()
    counts = (DataValue.objects.count(), Publication.objects.count())
    demo.seed_demo()
    assert (DataValue.objects.count(), Publication.objects.count()) == counts
    bekasi = Region.objects.get(code="32.16")
    kecamatan = Region.objects.get(code="32.16.09")
    coverage = aggregate.indicator_value(indicator("birth_certificate_coverage"), bekasi, "2025")
    assert D(90) < coverage < D(100)
    stunting = indicator("stunting_prevalence")
    for region in (bekasi, kecamatan, Region.objects.get(code="62.10")):
        series = aggregate.indicator_series(stunting, region, ["2022", "2025"])
        assert D(5) < series["2025"] < series["2022"] < D(35)
    assert Publication.objects.filter(region=bekasi, year=2025, is_active=True).count() == 7
