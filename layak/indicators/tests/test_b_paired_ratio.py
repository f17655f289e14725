"""A ratio from villages that reported different things: the numerator and the denominator of an
indicator are added up over the same villages only, those that reported both, and the figure
says how many villages entered it."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from layak.indicators import aggregate
from layak.indicators import completeness as comp
from layak.indicators.models import DataElement, Indicator
from layak.indicators.summary import indicator_rows
from layak.indicators.tests.helpers import definitions, indicator, put
from layak.regions.models import Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def villages(personas) -> list[Region]:
    definitions()
    return list(Region.objects.filter(level=4, code__startswith="32.16.09.").order_by("code")[:3])


def _expected() -> int:
    return Region.objects.filter(level=4, is_active=True, code__startswith="32.16.").count()


def _report(personas, village: Region, measured: int | None, stunted: int | None) -> None:
    """A village's figures for 2026, half per sex, as the health office imports them."""
    for element, value in (("under5_measured", measured), ("under5_stunted", stunted)):
        if value is not None:
            for sex in ("F", "M"):
                put(personas.bekasi_admin, element, village.code, "2026", value // 2, f"sex={sex}")


def test_a_village_that_reported_only_the_children_measured_is_left_out_of_both(
    client, personas, villages
):
    first, second, karangasih = villages
    _report(personas, first, 120, 8)
    _report(personas, second, 80, 2)
    _report(personas, karangasih, 200, None)  # the measured count only
    bekasi = Region.objects.get(code="32.16")
    stunting = indicator("stunting_prevalence")
    # 10 stunted of the 200 measured in the two villages that reported both: 5 %, not 10 / 400.
    assert aggregate.indicator_value(stunting, bekasi, "2026") == D("5.00")
    assert aggregate.indicator_table([stunting], [bekasi], "2026") == {
        (stunting.pk, bekasi.pk): D("5.00")
    }
    assert aggregate.indicator_series(stunting, bekasi, ["2025", "2026"]) == {
        "2025": None,
        "2026": D("5.00"),
    }
    # Karangasih alone: the measured children without their stunted count make no figure.
    assert aggregate.indicator_value(stunting, karangasih, "2026") is None
    [(value, numerator, denominator)] = aggregate.indicator_spans(
        {"2026": (stunting, ["2026"])}, bekasi
    ).values()
    assert (value, numerator, denominator) == (D("5.00"), D(10), D(200))
    # The element's own total still adds up every village that reported it.
    measured = DataElement.objects.get(code="under5_measured")
    assert aggregate.element_total(measured, bekasi, "2026") == D(400)

    _years, [row] = indicator_rows(bekasi, 2026, [stunting])
    assert row["value"] == D("5.00")
    assert row["completeness"] == comp.Completeness(2, _expected())
    client.force_login(personas.bekasi_admin)
    page = client.get("/data/", {"region": "32.16", "year": "2026"}).content.decode()
    assert '<td class="num">5%</td>' in page and "2,5%" not in page
    assert f"2 dari {_expected()} melapor" in page


def test_villages_that_each_reported_one_part_make_no_figure_and_are_not_counted(
    personas, villages
):
    first, second, third = villages
    _report(personas, first, 100, 10)
    _report(personas, second, None, 8)  # the stunted children only
    _report(personas, third, 300, None)  # the measured children only
    bekasi = Region.objects.get(code="32.16")
    kecamatan = Region.objects.get(code="32.16.09")
    stunting = indicator("stunting_prevalence")
    grid = aggregate.indicator_grid([stunting], [bekasi, kecamatan, second], ["2026"])
    assert grid[(stunting.pk, bekasi.pk, "2026")] == D("10.00")  # the first village's 10 / 100
    assert grid[(stunting.pk, kecamatan.pk, "2026")] == D("10.00")
    assert grid[(stunting.pk, second.pk, "2026")] is None
    # Two villages reported each part, but one entered the figure: "1 dari …", not "2 dari …".
    rates = comp.element_completeness(comp.elements_of([stunting]), [bekasi], ["2026"])
    assert comp.indicator_completeness(stunting, bekasi.pk, ["2026"], rates) == comp.Completeness(
        1, _expected()
    )
    # Given the elements alone (no pairs), each part's own count is still there.
    assert rates[(stunting.numerator_id, bekasi.pk, "2026")] == comp.Completeness(2, _expected())


def test_parts_entered_at_different_levels_are_each_added_up(personas, villages):
    """No region reports both parts: the district's own figure over the villages' sum."""
    first, second, _third = villages
    _report(personas, first, 100, 10)
    _report(personas, second, 100, 10)
    district_births = DataElement.objects.get(code="births")  # entered by the district
    stunted = DataElement.objects.get(code="under5_stunted")
    ratio = Indicator.objects.create(
        code="stunted-per-birth",
        name="Balita stunting per kelahiran",
        numerator=stunted,
        denominator=district_births,
        factor=D(100),
        cluster="K3",
    )
    put(personas.bekasi_admin, "births", "32.16", "2026", 400)
    bekasi = Region.objects.get(code="32.16")
    assert aggregate.indicator_value(ratio, bekasi, "2026") == D("5.00")
    ratio = indicator("stunted-per-birth")
    rates = comp.element_completeness(comp.elements_of([ratio]), [bekasi], ["2026"])
    assert comp.indicator_completeness(ratio, bekasi.pk, ["2026"], rates) == comp.Completeness(
        2, _expected()
    )


def test_the_figure_costs_one_query(personas, villages, django_assert_num_queries):
    _report(personas, villages[0], 100, 10)
    bekasi = Region.objects.get(code="32.16")
    indicators = list(Indicator.objects.select_related("numerator", "denominator"))
    with django_assert_num_queries(1):
        aggregate.indicator_grid(indicators, [bekasi], ["2025", "2026"])
    with django_assert_num_queries(2):
        comp.element_completeness(comp.elements_of(indicators), [bekasi], ["2025", "2026"])


def test_the_public_portal_publishes_the_same_figure_as_the_data_page(personas, villages):
    """One number, one function: the figure the secretariat publishes is the one the public
    portal shows, partial or not."""
    from layak.indicators import actions
    from layak.portal.public import indicator_data

    first, second, karangasih = villages
    _report(personas, first, 120, 8)
    _report(personas, second, 80, 2)
    _report(personas, karangasih, 200, None)
    # Each part from its own dataset, as the office names it in its file.
    rows = [
        {
            "element": element,
            "region": first.code,
            "period": "2026",
            "disaggregation": f"sex={sex}",
            "value": str(value),
            "dataset": dataset,
        }
        for element, value, dataset in (
            ("under5_measured", 60, "Pengukuran"),
            ("under5_stunted", 4, "Stunting"),
        )
        for sex in ("F", "M")
    ]
    result = actions.import_rows(actor=personas.bekasi_admin, rows=rows, mode="all", dry_run=False)
    assert not result.errors and result.updated == 4
    bekasi = Region.objects.get(code="32.16")
    stunting = indicator("stunting_prevalence")
    actions.publish(
        actor=personas.bekasi_admin,
        region=bekasi,
        indicator=stunting,
        year=2026,
        confirm_partial=True,
    )
    [row] = [r for r in indicator_data(bekasi) if r["indicator"] == stunting]
    assert aggregate.indicator_value(stunting, bekasi, "2026") == D("5.00")
    # Its sources are those of both parts (the measured count came from its own dataset).
    assert row["sources"] == ["Pengukuran", "Stunting"], row["sources"]
    assert D(str(row["value"])) == D("5.00"), row["value"]  # 10 of 200, not 10 of 400
