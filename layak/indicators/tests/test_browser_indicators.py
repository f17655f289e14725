"""An office enters a grid of values in Chromium and sees the computed percentage."""

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
