"""A district administrator uploads an indicator file in Chromium, at phone and desk width: the
page names each column in English and in Indonesian, and a refused check says what is wrong,
repeating the code the file gave, and never what applying would change."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from layak.indicators.tests.helpers import definitions
from layak.indicators.tests.test_import import GOOD
from layak.testing import make_personas, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("LAYAK_SCREENSHOTS", "")


def shot(page, name: str) -> None:
    """Keep a screenshot when LAYAK_SCREENSHOTS names a folder (to look at the pages)."""
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


@pytest.mark.parametrize("width", [390, 1366])
def test_a_refused_file_tells_the_unknown_code_and_promises_nothing(page, tmp_path, width):
    personas = make_personas()
    definitions()
    data = tmp_path / "data.csv"
    data.write_text(GOOD + "births,99.99,2024,,100,,,,\n", encoding="utf-8")
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, personas.bekasi_admin.email)
    page.goto("/data/imports/")
    columns = page.get_by_test_id("import-columns")
    expect(columns).to_contain_text("kode_wilayah (region)")
    expect(columns).to_contain_text("nilai (value)")
    shot(page, f"import-{width}")
    page.get_by_label("Berkas (CSV atau XLSX)").set_input_files(str(data))
    page.get_by_role("button", name="Periksa berkas").click()
    page.get_by_test_id("job-result-link").click()
    expect(page.get_by_test_id("import-status")).to_have_text("Ditolak: terdapat kesalahan")
    expect(page.get_by_test_id("import-errors")).to_contain_text(
        "Tidak ada wilayah dengan kode “99.99”."
    )
    expect(page.get_by_test_id("import-summary")).to_have_count(0)
    shot(page, f"import-refused-{width}")
