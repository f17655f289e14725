"""The district administrator reads, in Chromium at phone and desk width, the cheapest path on
the gap analysis and the dashboard: points with two decimals, the gate that holds the predicate
down told in words beside the path, the columns saying which questions are at full points."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from layak.evaluation.tests.test_gaps_reader import gate
from layak.evaluation.tests.test_verification import submit_all
from layak.testing import make_cycle, make_personas, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("LAYAK_SCREENSHOTS", "")
GATE = (
    "Syarat batas T-2.1 (Larangan iklan rokok): selama belum terpenuhi, predikat paling "
    "tinggi Pratama, berapa pun poinnya."
)


def shot(page, name: str) -> None:
    """Keep a screenshot when LAYAK_SCREENSHOTS names a folder (to look at the pages)."""
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


@pytest.mark.parametrize("width", [390, 1366])
def test_the_path_and_its_gate_read_the_same_on_the_gap_analysis_and_the_dashboard(page, width):
    personas = make_personas()
    ev = make_cycle(personas)
    gate(personas, ev, "PRATAMA")
    # 30 + 20 + 15 + 20 = 85 would be Utama; T-2.1 short of its maximum holds it at Pratama.
    submit_all(personas, ev, perda="Perda", percent="60", evidence=True)
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, personas.bekasi_admin.email)

    page.goto(f"/evaluation/assessments/{ev.bekasi.pk}/gaps/")
    expect(page.get_by_test_id("path-capped")).to_have_text(
        "Predikat dibatasi: Larangan iklan rokok"
    )
    expect(page.get_by_test_id("next-band")).to_have_text(
        "Madya: poinnya sudah cukup; syarat di bawah ini harus dipenuhi terlebih dahulu."
    )
    expect(page.get_by_test_id("path-gate")).to_have_text(GATE)
    expect(page.get_by_role("columnheader", name="Sudah mendapat poin penuh")).to_be_visible()
    expect(page.get_by_test_id("indicator-T-1").locator("td").nth(1)).to_have_text("50,00")
    shot(page, f"gaps-gate-{width}")

    page.goto(f"/dashboards/district/?region=32.16&cycle={ev.cycle.pk}")
    expect(page.get_by_test_id("next-band")).to_have_text(
        "Madya: poinnya sudah cukup; syarat di bawah ini harus dipenuhi terlebih dahulu."
    )
    expect(page.get_by_test_id("path-gate")).to_have_text(GATE)
    shot(page, f"dashboard-gate-{width}")
