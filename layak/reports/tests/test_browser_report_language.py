"""A report asked in English is written in English, and asked again in Indonesian is another,
Indonesian report, in Chromium; the district dashboard's cheapest path reads in words."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from layak.evaluation import actions as ev
from layak.testing import make_cycle, make_personas, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def make_report(page) -> tuple[str, str]:
    page.goto("/reports/")
    page.get_by_test_id("report-self_assessment").get_by_role("button").first.click()
    expect(page.get_by_test_id("job-status")).to_have_attribute("data-status", "done")
    with page.expect_download() as download:
        page.get_by_test_id("job-download").click()
    reader = PdfReader(BytesIO(Path(download.value.path()).read_bytes()))
    return page.url, " ".join(" ".join(p.extract_text().split()) for p in reader.pages)


def test_the_report_follows_the_language_of_the_person_who_asks(page, tmp_path):
    personas = make_personas()
    evaluation = make_cycle(personas)
    answer = evaluation.answers["T-1.1"]
    sk = next(o for o in answer.question.options.all() if o.label == "SK")
    ev.answer_save(
        actor=personas.bekasi_dinkes,
        answer=answer,
        value={"option": sk.pk},
        note="",
        revision=answer.revision,
    )
    sign_in(page, personas.bekasi_admin.email)
    page.get_by_test_id("lang-id").click()
    indonesian_url, indonesian = make_report(page)
    assert "LAPORAN EVALUASI" in indonesian and "Analisis kesenjangan" in indonesian
    page.get_by_test_id("lang-en").click()
    english_url, english = make_report(page)
    assert english_url != indonesian_url
    assert "EVALUATION REPORT" in english and "Gap analysis" in english
    assert "Analisis kesenjangan" not in english
    # The district dashboard, at phone and desktop width.
    page.get_by_test_id("lang-id").click()
    for width in (390, 1366):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/dashboards/district/?region=32.16")
        path = page.get_by_test_id("figure-path")
        expect(path).to_contain_text("Langkah yang memberi poin")
        expect(path).to_contain_text("Unggah SK Gugus Tugas")
        expect(page.get_by_test_id("path-basis")).to_contain_text("jawaban diterima")
        page.screenshot(path=str(tmp_path / f"district-{width}.png"), full_page=True)
