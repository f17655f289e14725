"""A district reads its UNICEF CFCI assessment and its criteria page in Indonesian, switches to
English and reads them again: criteria met per area, every instrument text in the chosen
language, and no points or predicate anywhere (browser)."""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import Page, expect

from layak.evaluation.tests.test_criteria import answer, cfci_cycle
from layak.testing import BEKASI, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = os.environ.get("LAYAK_SHOTS")  # a folder to keep screenshots in, when set


def _shot(page: Page, name: str) -> None:
    if not SHOTS:
        return
    for width in (390, 1366):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})


def _no_points(page: Page, words: tuple[str, ...]) -> None:
    for word in words:
        expect(page.locator("main")).not_to_contain_text(re.compile(word, re.IGNORECASE))


def test_a_cfci_assessment_and_its_criteria_in_both_languages(page: Page, personas):
    cycle = cfci_cycle(personas)
    answer(personas, cycle, "G4.1", True)
    answer(personas, cycle, "G1.1", False)
    bekasi = cycle.assessments.get(region__code=BEKASI)
    sign_in(page, personas.bekasi_admin.email)

    page.goto(f"/evaluation/assessments/{bekasi.pk}/")
    expect(page.get_by_test_id("criteria-total")).to_have_text("1 dari 8 kriteria terpenuhi.")
    expect(page.locator("main")).to_contain_text("Lingkungan yang aman, terlindungi dan bersih")
    _no_points(page, ("poin", "predikat"))
    _shot(page, "cfci-assessment-id")
    page.get_by_role("link", name="Kriteria terpenuhi per bidang").click()
    expect(page.get_by_role("columnheader", name="Bidang", exact=True)).to_be_visible()
    expect(page.get_by_test_id("criteria")).to_contain_text("Hasil bagi anak terbukti")
    _no_points(page, ("poin", "predikat"))
    _shot(page, "cfci-criteria-id")

    page.get_by_test_id("lang-en").click()
    expect(page.get_by_role("columnheader", name="Area", exact=True)).to_be_visible()
    expect(page.get_by_test_id("criteria-total")).to_contain_text("1 of 8 criteria met.")
    criteria = page.get_by_test_id("criteria")
    expect(criteria).to_contain_text("Results for children are demonstrated")
    expect(criteria).not_to_contain_text("Hasil bagi anak")
    expect(criteria.locator(".badge.ok")).to_have_text("Met")
    _no_points(page, ("points", "predicate"))
    _shot(page, "cfci-criteria-en")
    page.goto(f"/evaluation/assessments/{bekasi.pk}/")
    expect(page.get_by_test_id("criteria-total")).to_have_text("1 of 8 criteria met.")
    main = page.locator("main")
    expect(main).to_contain_text("Safe, secure and clean environment")
    expect(main).not_to_contain_text("Lingkungan yang aman")
    _no_points(page, ("points", "predicate", "running score"))
    _shot(page, "cfci-assessment-en")
