"""Making a report as the secretariat does, in Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from layak.testing import make_cycle, make_personas, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_secretariat_makes_the_self_assessment_report_and_gets_it_again(page):
    personas = make_personas()
    make_cycle(personas)
    sign_in(page, personas.bekasi_admin.email)
    page.get_by_test_id("lang-en").click()
    page.goto("/reports/")
    card = page.get_by_test_id("report-self_assessment")
    expect(card).to_contain_text("Self-assessment report")
    expect(page.get_by_test_id("report-verification")).to_have_count(0)
    card.get_by_role("button", name="Make the report").click()
    expect(page.get_by_test_id("job-status")).to_have_attribute("data-status", "done")
    expect(page.get_by_test_id("report-ready")).to_be_visible()
    first = page.url
    with page.expect_download() as download:
        page.get_by_test_id("job-download").click()
    assert download.value.suggested_filename.endswith(".pdf")

    # Asked again with nothing changed: the same result.
    page.goto("/reports/")
    page.get_by_test_id("report-self_assessment").get_by_role(
        "button", name="Make the report"
    ).click()
    expect(page.get_by_test_id("job-status")).to_have_attribute("data-status", "done")
    assert page.url == first
