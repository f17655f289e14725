"""The district administrator reads the gap analysis of a KLA 2024 self-assessment in Chromium:
cluster by cluster, an indicator at its maximum marked as such, a long list of open questions
folded, and each open question one click from its answer."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from layak.evaluation.tests.test_gaps_kla2024 import answer, k4_19_met, kla2024_bekasi
from layak.testing import make_personas, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_gap_analysis_of_kla_2024_reads_by_cluster_and_leads_to_the_answers(page):
    personas = make_personas()
    bekasi = kla2024_bekasi(personas)
    # Sekolah ramah anak (K4-19) fully met: 54 points of questions, 51 for the indicator.
    k4_19_met(personas, bekasi)
    answer(personas, bekasi, "K4-19.3", "Tidak ada")

    sign_in(page, personas.bekasi_admin.email)
    page.goto(f"/evaluation/assessments/{bekasi.pk}/gaps/")
    expect(page.get_by_role("heading", name="Analisis kesenjangan")).to_be_visible()
    k4 = page.get_by_test_id("group-K4")
    expect(k4.locator("th").first).to_contain_text("Klaster IV")
    row = page.get_by_test_id("indicator-K4-19")
    expect(row).to_contain_text("sudah maksimal")
    expect(row.locator("td").nth(1)).to_have_text("51,00")
    expect(row.get_by_role("link", name="K4-19.3")).to_have_count(0)
    # Kelembagaan's Indikator 1 has dozens of open questions: folded behind their count.
    kl1 = page.get_by_test_id("indicator-KL-1")
    link = kl1.get_by_role("link", name="KL-1.1", exact=True)
    expect(link).to_be_hidden()
    kl1.locator("summary").click()
    expect(link).to_be_visible()
    link.click()
    page.wait_for_url(re.compile(r"/indicators/\d+/#answer-\d+$"))
    expect(page.locator("body")).to_contain_text("KL-1.1")
