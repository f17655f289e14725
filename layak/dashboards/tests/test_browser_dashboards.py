"""The district dashboard in Chromium: charts are drawn and the table view shows the numbers."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from layak.dashboards.tests.helpers import build, build_plan
from layak.testing import make_personas, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_district_dashboard_draws_charts_and_shows_the_table_view(page, tmp_path):
    personas = make_personas()
    build(personas)
    build_plan(personas)
    sign_in(page, personas.bekasi_admin.email)
    page.get_by_test_id("lang-en").click()
    page.goto("/dashboards/")
    expect(page.get_by_role("heading", name="Dashboard of Kabupaten Bekasi")).to_be_visible()

    # The year filter lives in the URL.
    page.get_by_label("RAD KLA year").select_option("2025")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**year=2025**")

    for key in ("offices", "clusters", "scores", "rad"):
        chart = page.get_by_test_id(f"chart-{key}")
        expect(chart).to_be_visible()
        assert chart.locator("rect").count() > 0
    assert page.get_by_test_id("chart-scores").evaluate("e => e.tagName") == "svg"

    rad = page.get_by_test_id("table-rad")
    rad.locator("summary").click()
    row = rad.locator("tbody tr", has_text="K1")
    expect(row).to_contain_text("80")
    expect(row).to_contain_text("275,000,000")
    expect(row).to_contain_text("50.91")

    scores = page.get_by_test_id("table-scores")
    scores.locator("summary").click()
    expect(scores.locator("tbody tr", has_text="Total")).to_contain_text("45")
    expect(page.get_by_test_id("next-band")).to_contain_text("Pratama needs 15.00 more points.")
    expect(page.get_by_test_id("overdue-count")).to_have_text("1")
    page.screenshot(path=str(tmp_path / "district.png"), full_page=True)

    with page.expect_download() as download:
        page.get_by_test_id("csv-rad").click()
    assert download.value.suggested_filename == "dashboard-32.16-rad.csv"
