"""The partial key indicator in Chromium on a phone: the partial point is hollow, the line to it
dashed, and the legend beside the chart says how many villages reported it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from layak.dashboards.tests.test_b_partial_chart import seed
from layak.regions.models import Region
from layak.testing import make_personas, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_partial_point_stands_out_on_a_phone(page, tmp_path):
    personas = make_personas()
    seed(personas)
    expected = Region.objects.filter(level=4, is_active=True, code__startswith="32.16.").count()
    page.set_viewport_size({"width": 390, "height": 900})
    sign_in(page, personas.bekasi_admin.email)
    page.goto("/dashboards/district/?region=32.16&year=2026")
    chart = page.get_by_test_id("chart-indicator-stunting_prevalence")
    expect(chart).to_be_visible()
    hollow = chart.locator('circle[data-partial="1"]')
    expect(hollow).to_have_count(1)
    assert hollow.evaluate("c => getComputedStyle(c).fill") == "rgb(255, 255, 255)"
    assert chart.locator('polyline[data-partial="1"]').count() == 1
    note = page.get_by_test_id("partial-indicator-stunting_prevalence")
    expect(note).to_be_visible()
    expect(note).to_have_text(f"2026: parsial: 2 dari {expected} wilayah melapor")
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") == 0
    chart.screenshot(path=str(tmp_path / "partial.png"))
