"""Adding up in the database: entry level only, subtrees by path, ratios, many at once."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from layak.indicators import aggregate
from layak.indicators.models import DataElement, DataValue
from layak.indicators.tests.helpers import definitions, indicator, put
from layak.regions.models import Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(personas):
    definitions()
    admin = personas.bekasi_admin
    # Stunting is entered per village: two villages of 32.16.09, one of 32.16.01.
    kec = Region.objects.get(code="32.16.09")
    v1, v2 = Region.objects.filter(parent=kec).order_by("code")[:2]
    other = Region.objects.filter(parent__code="32.16.01").order_by("code").first()
    for village, (m_f, m_m, s_f, s_m) in (
        (v1, (100, 120, 10, 14)),
        (v2, (80, 70, 6, 9)),
        (other, (50, 50, 5, 5)),
    ):
        put(admin, "under5_measured", village.code, "2025", m_f, "sex=F")
        put(admin, "under5_measured", village.code, "2025", m_m, "sex=M")
        put(admin, "under5_stunted", village.code, "2025", s_f, "sex=F")
        put(admin, "under5_stunted", village.code, "2025", s_m, "sex=M")
    return {"kec": kec, "v1": v1, "v2": v2, "other": other}


def test_element_total_sums_the_entry_level_under_the_region(world):
    measured = DataElement.objects.get(code="under5_measured")
    bekasi = Region.objects.get(code="32.16")
    assert aggregate.element_total(measured, world["v1"], "2025") == D(220)
    assert aggregate.element_total(measured, world["kec"], "2025") == D(370)
    assert aggregate.element_total(measured, bekasi, "2025") == D(470)
    assert aggregate.element_total(measured, bekasi, "2025", "sex=F") == D(230)
    assert aggregate.element_total(measured, bekasi, "2024") is None


def test_a_value_at_another_level_or_inactive_is_not_counted(world, personas):
    measured = DataElement.objects.get(code="under5_measured")
    bekasi = Region.objects.get(code="32.16")
    # A stray district-level row (e.g. from before the element moved to village entry).
    DataValue.objects.create(
        element=measured,
        region=bekasi,
        period="2025",
        period_start="2025-01-01",
        disaggregation="sex=F",
        value=D(9999),
        created_by=personas.bekasi_admin,
        updated_by=personas.bekasi_admin,
    )
    DataValue.objects.filter(region=world["other"], element=measured).update(is_active=False)
    assert aggregate.element_total(measured, bekasi, "2025") == D(370)


def test_indicator_value_is_numerator_over_denominator_times_factor(world):
    stunting = indicator("stunting_prevalence")
    # (10 + 14 + 6 + 9) / (100 + 120 + 80 + 70) × 100 = 39 / 370 × 100 = 10.54
    assert aggregate.indicator_value(stunting, world["kec"], "2025") == D("10.54")
    # 24 / 220 × 100 = 10.909… → 10.91
    assert aggregate.indicator_value(stunting, world["v1"], "2025") == D("10.91")
    assert aggregate.indicator_value(stunting, world["kec"], "2024") is None


def test_no_denominator_or_zero_denominator(personas):
    definitions()
    admin = personas.bekasi_admin
    put(admin, "child_marriages", "32.16", "2024", 3)
    put(admin, "schools_child_friendly", "32.16", "2024", 0)
    put(admin, "schools", "32.16", "2024", 0)
    bekasi = Region.objects.get(code="32.16")
    assert aggregate.indicator_value(indicator("child_marriage_share"), bekasi, "2024") is None
    assert aggregate.indicator_value(indicator("child_friendly_schools"), bekasi, "2024") is None
    assert aggregate.indicator_value(indicator("child_marriage_cases"), bekasi, "2024") == D(3)


def test_series_and_table(world, personas):
    admin = personas.bekasi_admin
    put(admin, "births", "32.16", "2024", 1000)
    put(admin, "births_facility", "32.16", "2024", 950)
    put(admin, "births", "32.16", "2025", 800)
    put(admin, "births_facility", "32.16", "2025", 780)
    bekasi = Region.objects.get(code="32.16")
    series = aggregate.indicator_series(
        indicator("facility_births"), bekasi, ["2023", "2024", "2025"]
    )
    assert series == {"2023": None, "2024": D("95.00"), "2025": D("97.50")}
    stunting = indicator("stunting_prevalence")
    table = aggregate.indicator_table(
        [stunting, indicator("facility_births")], [bekasi, world["kec"], world["other"]], "2025"
    )
    births = indicator("facility_births")
    assert table[(stunting.pk, bekasi.pk)] == D("10.43")  # 49 / 470 × 100 = 10.425…
    assert table[(stunting.pk, world["kec"].pk)] == D("10.54")
    assert table[(stunting.pk, world["other"].pk)] == D("10.00")  # 10 / 100
    assert table[(births.pk, bekasi.pk)] == D("97.50")
    assert table[(births.pk, world["kec"].pk)] is None  # entered for the district only


def _regions(n: int) -> list[Region]:
    return list(Region.objects.filter(level=4, code__startswith="32.16.").order_by("code")[:n])


def test_table_costs_one_query_whatever_the_number_of_regions(world):
    indicators = [indicator("stunting_prevalence"), indicator("facility_births")]
    counts = []
    for n in (3, 30):
        regions = _regions(n)
        assert len(regions) == n
        with CaptureQueriesContext(connection) as ctx:
            aggregate.indicator_table(indicators, regions, "2025")
        counts.append(len(ctx.captured_queries))
    assert counts == [1, 1]
