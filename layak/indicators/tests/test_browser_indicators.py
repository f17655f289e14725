"""An office enters a grid of values in Chromium and sees the computed percentage; a value's
history in words."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from layak.indicators.definitions import ensure_definitions
from layak.indicators.models import DataValue
from layak.testing import make_personas, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_office_enters_a_grid_and_sees_the_percentage(page):
    personas = make_personas()
    ensure_definitions()
    sign_in(page, personas.bekasi_dinkes.email)
    page.get_by_test_id("lang-en").click()
    page.goto("/data/entry/")
    page.get_by_label("Cluster").select_option("K3")
    page.get_by_label("Period").fill("2024")
    page.get_by_role("button", name="Show the grid").click()
    section = page.get_by_test_id("section-births")
    expect(section).to_be_visible()
    expect(page.get_by_label("Source office")).to_have_value(
        str(personas.bekasi_dinkes.memberships.get().organisation_id)
    )
    page.get_by_test_id("births-32.16-total").fill("800")
    page.get_by_test_id("births_facility-32.16-total").fill("900")
    page.get_by_label("Source dataset").fill("Profil Kesehatan 2024")
    page.get_by_role("button", name="Save the values").click()
    # More facility births than births: refused, nothing saved, the cell says why.
    expect(page.get_by_test_id("section-births_facility")).to_contain_text("Breaks the rule")
    assert not DataValue.objects.exists()
    page.get_by_test_id("births_facility-32.16-total").fill("776")
    page.get_by_role("button", name="Save the values").click()
    expect(page.locator(".messages")).to_contain_text("2 new")
    expect(page.get_by_test_id("computed-facility_births")).to_have_text(re.compile(r"97\s*%"))
    assert DataValue.objects.get(element__code="births").dataset == "Profil Kesehatan 2024"


def test_indonesian_numbers_in_the_grid_and_a_partial_figure_published_on_purpose(page):
    """In Indonesian: 1.200 in a cell is one thousand two hundred; one village's stunting data
    is a partial district figure, published only when the secretariat ticks the confirmation,
    and the portal then says how complete it is."""
    from decimal import Decimal

    from layak.regions.models import Region

    personas = make_personas()
    ensure_definitions()
    village = Region.objects.filter(code__startswith="32.16.09.", level=4).order_by("code")[0]
    expected = Region.objects.filter(code__startswith="32.16.", level=4, is_active=True).count()
    sign_in(page, personas.bekasi_admin.email)
    page.goto("/data/entry/?area=32.16.09&cluster=K3&period=2024")
    for code, value in (("under5_measured", "1.200"), ("under5_stunted", "111")):
        for sex in ("F", "M"):
            page.get_by_test_id(f"{code}-{village.code}-sex={sex}").fill(value)
    page.locator("form:has([data-testid^=under5_measured]) button[type=submit]").first.click()
    expect(page.locator(".messages")).to_be_visible()
    cell = DataValue.objects.get(element__code="under5_measured", disaggregation="sex=F")
    assert cell.value == Decimal(1200)
    assert DataValue.objects.get(element__code="under5_stunted", disaggregation="sex=M").value == (
        Decimal("111")
    )

    page.goto("/data/publish/?region=32.16&year=2024")
    row = page.get_by_test_id("publish-table").locator("tr", has_text="Prevalensi balita stunting")
    expect(row.get_by_test_id("completeness")).to_contain_text(f"1 dari {expected} melapor")
    row.get_by_test_id("publish-stunting_prevalence").click()
    expect(page.locator(".messages")).to_contain_text("angka parsial")
    row = page.get_by_test_id("publish-table").locator("tr", has_text="Prevalensi balita stunting")
    row.get_by_test_id("confirm-partial-stunting_prevalence").check()
    row.get_by_test_id("publish-stunting_prevalence").click()
    expect(row.get_by_test_id("unpublish-stunting_prevalence")).to_be_visible()

    page.goto("/public/districts/32.16/")
    data = page.get_by_test_id("indicator-data")
    expect(data.locator("tr", has_text="Prevalensi balita stunting")).to_contain_text(
        f"1 dari {expected} melapor"
    )


def test_a_value_tells_who_entered_and_changed_it(page):
    """In Indonesian: the secretariat enters births, the health office corrects them; the
    element's page leads to the value's history, which says who entered it from where, and
    the correction with its before and after."""
    from layak.indicators.tests.helpers import office, put

    personas = make_personas()
    ensure_definitions()
    put(personas.bekasi_admin, "births", "32.16", "2024", 61250)
    put(personas.bekasi_dinkes, "births", "32.16", "2024", 62000, organisation=office())
    value = DataValue.objects.get()
    sign_in(page, personas.bekasi_admin.email)
    page.goto("/data/elements/births/?region=32.16&year=2024")
    page.get_by_test_id(f"value-history-{value.pk}").click()
    expect(page.get_by_test_id("value-entered")).to_contain_text("di tabel isian atau melalui API")
    history = page.locator(".history")
    expect(history.locator("tr", has_text="Nilai diubah")).to_contain_text("61.250")
    expect(history.locator("tr", has_text="Nilai diubah")).to_contain_text("62.000")
    expect(history.locator("tr", has_text="Nilai dimasukkan")).to_contain_text("61.250")
    for width in (390, 1366):
        page.set_viewport_size({"width": width, "height": 900})
        assert page.evaluate("document.documentElement.scrollWidth") <= width
