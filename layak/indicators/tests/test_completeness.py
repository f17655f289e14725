"""Completeness like DHIS2's reporting rates, against hand-counted regions: who is expected to
report an element, what share did, and that a partial figure is never published silently."""

from __future__ import annotations

import pytest

from layak.audit.models import AuditEntry
from layak.indicators import actions
from layak.indicators import completeness as comp
from layak.indicators.models import DataElement, Publication
from layak.indicators.summary import indicator_rows
from layak.indicators.tests.helpers import definitions, indicator, put
from layak.regions.models import Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def defs(personas):
    return definitions()


def _villages(prefix: str) -> list[Region]:
    """Counted by hand: the active villages whose code starts with the kecamatan's or the
    district's code (not through the tree's paths that completeness uses)."""
    return list(
        Region.objects.filter(level=4, is_active=True, code__startswith=prefix + ".").order_by(
            "code"
        )
    )


def _stunting(personas, villages: list[Region], year: str = "2024") -> None:
    for village in villages:
        for sex in ("F", "M"):
            put(personas.bekasi_admin, "under5_measured", village.code, year, 50, f"sex={sex}")
            put(personas.bekasi_admin, "under5_stunted", village.code, year, 5, f"sex={sex}")


def test_an_element_expects_every_region_of_its_entry_level(personas, defs):
    bekasi = Region.objects.get(code="32.16")
    kecamatan = Region.objects.get(code="32.16.09")
    in_kecamatan, in_bekasi = _villages("32.16.09"), _villages("32.16")
    assert len(in_kecamatan) > 2 and len(in_bekasi) > len(in_kecamatan)
    _stunting(personas, in_kecamatan[:2])
    measured = DataElement.objects.get(code="under5_measured")
    births = DataElement.objects.get(code="births")  # entered by the district itself
    put(personas.bekasi_admin, "births", "32.16", "2024", 800)
    rates = comp.element_completeness([measured, births], [bekasi, kecamatan], ["2024", "2025"])
    assert rates[(measured.pk, kecamatan.pk, "2024")] == comp.Completeness(2, len(in_kecamatan))
    assert rates[(measured.pk, bekasi.pk, "2024")] == comp.Completeness(2, len(in_bekasi))
    assert rates[(measured.pk, bekasi.pk, "2025")] == comp.Completeness(0, len(in_bekasi))
    assert rates[(births.pk, bekasi.pk, "2024")] == comp.Completeness(1, 1)
    assert rates[(births.pk, kecamatan.pk, "2024")] == comp.Completeness(0, 0)  # not its level
    assert rates[(measured.pk, bekasi.pk, "2024")].partial
    assert not rates[(births.pk, bekasi.pk, "2024")].partial
    # Over a year of periods the counts add up.
    both = comp.over(rates, measured.pk, bekasi.pk, ["2024", "2025"])
    assert both == comp.Completeness(2, 2 * len(in_bekasi))


def test_the_percent_is_rounded_down_and_the_threshold_is_ninety():
    from decimal import Decimal

    assert comp.Completeness(999, 1000).percent == Decimal("99.9")
    assert comp.Completeness(2, 3).percent == Decimal("66.6")
    assert comp.Completeness(89, 100).partial and not comp.Completeness(90, 100).partial
    assert comp.Completeness(0, 0).percent is None and not comp.Completeness(0, 0).partial


def test_a_partial_district_figure_is_said_so_and_not_compared_with_its_target(
    client, personas, defs
):
    in_kecamatan = _villages("32.16.09")
    _stunting(personas, in_kecamatan[:1])
    stunting = indicator("stunting_prevalence")
    bekasi = Region.objects.get(code="32.16")
    actions.target_set(
        actor=personas.bekasi_admin,
        region=bekasi,
        indicator=stunting,
        year=2024,
        value=actions.parse_value("14", language="id"),
    )
    _years, rows = indicator_rows(bekasi, 2024, [stunting])
    [row] = rows
    assert row["value"] is not None and row["target"] is not None
    assert row["completeness"] == comp.Completeness(1, len(_villages("32.16")))
    assert row["met"] is None  # one village is not the district
    client.force_login(personas.bekasi_admin)
    page = client.get("/data/", {"region": "32.16", "year": "2024"}).content.decode()
    assert f"1 dari {len(_villages('32.16'))} melapor" in page and "parsial" in page


def test_a_partial_figure_cannot_be_published_silently(client, personas, defs):
    _stunting(personas, _villages("32.16.09")[:1])
    stunting = indicator("stunting_prevalence")
    bekasi = Region.objects.get(code="32.16")
    expected = len(_villages("32.16"))
    with pytest.raises(actions.IndicatorDataError, match="parsial"):
        actions.publish(actor=personas.bekasi_admin, region=bekasi, indicator=stunting, year=2024)
    assert not Publication.objects.exists()
    client.force_login(personas.bekasi_admin)
    post = {"region": "32.16", "year": "2024", "indicator": stunting.pk, "op": "publish"}
    page = client.get("/data/publish/", {"region": "32.16", "year": "2024"}).content.decode()
    assert f'data-testid="confirm-partial-{stunting.code}"' in page
    client.post("/data/publish/", post)
    assert not Publication.objects.exists()
    client.post("/data/publish/", {**post, "confirm_partial": "1"})
    assert Publication.objects.get().is_active
    entry = AuditEntry.objects.get(action="indicators.published")
    assert entry.after["reported"] == 1 and entry.after["expected"] == expected
    assert entry.after["partial_confirmed"] is True
    # The portal shows how complete the published figure is.
    from layak.portal.public import indicator_data

    [row] = indicator_data(bekasi)
    assert row["completeness"] == comp.Completeness(1, expected)
    client.logout()
    public = client.get("/public/districts/32.16/").content.decode()
    assert f"1 dari {expected} melapor" in public


def test_a_complete_figure_is_published_without_asking(personas, defs):
    put(personas.bekasi_admin, "births", "32.16", "2024", 800)
    put(personas.bekasi_admin, "births_facility", "32.16", "2024", 776)
    bekasi = Region.objects.get(code="32.16")
    facility = indicator("facility_births")
    actions.publish(actor=personas.bekasi_admin, region=bekasi, indicator=facility, year=2024)
    assert AuditEntry.objects.get(action="indicators.published").after["partial_confirmed"] is False
