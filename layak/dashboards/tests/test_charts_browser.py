"""The district dashboard's charts in Chromium, in Indonesian, on a phone (390 px) and a laptop
(1366 px): every label is drawn at least 11 px high and stays inside its figure, the page does
not scroll sideways, and the table view is kept."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from layak.dashboards.tests.helpers import build, build_plan
from layak.testing import make_personas, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every text of every chart: its rendered height and whether it lies inside its figure's card.
TEXTS = """() => [...document.querySelectorAll("svg.chart text")]
  .filter(t => getComputedStyle(t).display !== "none")
  .map(t => {
    const box = t.getBoundingClientRect();
    const card = t.closest("section.figure").getBoundingClientRect();
    return {
      text: t.textContent, height: box.height, size: parseFloat(getComputedStyle(t).fontSize),
      inside: box.left >= card.left - 1 && box.right <= card.right + 1,
    };
  })"""


@pytest.mark.parametrize("width", [390, 1366])
def test_chart_labels_are_readable_and_inside_their_figure(page, tmp_path, width):
    personas = make_personas()
    build(personas)
    build_plan(personas)
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, personas.bekasi_admin.email)
    page.goto("/dashboards/district/?region=32.16&year=2025")
    expect(page.get_by_role("heading", name="Dasbor Kabupaten Bekasi")).to_be_visible()
    for key in ("offices", "clusters", "scores", "rad"):
        expect(page.get_by_test_id(f"chart-{key}")).to_be_visible()
    texts = page.evaluate(TEXTS)
    assert len(texts) > 20
    small = [t for t in texts if t["size"] < 11 or t["height"] < 11]
    assert small == [], small[:5]
    outside = [t["text"] for t in texts if not t["inside"]]
    assert outside == [], outside[:5]
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") == 0
    page.screenshot(path=str(tmp_path / f"dashboard-{width}.png"), full_page=True)

    # Each cluster against its own maximum, which the legend names; the table view stays.
    expect(page.get_by_test_id("legend-scores")).to_contain_text("Maksimum")
    assert page.get_by_test_id("chart-scores").locator("rect.track").count() > 0
    scores = page.get_by_test_id("table-scores")
    scores.locator("summary").click()
    expect(scores.locator("tbody tr", has_text="Jumlah")).to_contain_text("45")
