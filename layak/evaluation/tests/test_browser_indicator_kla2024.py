"""At the national KLA 2024 size, in Chromium: the secretariat's ticks on the assignment page
are not dropped unnoticed by the proposal's button; an operator filters indicator KL-1 (63
questions) to the items still to fill in, pages through them, answers one and attaches a file
from the district's library with the picker the page gives once."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from layak.evaluation.models import Answer, Assignment
from layak.evaluation.tests.test_kla2024_lists import group, new_cycle, office
from layak.evaluation.views.answers import INDICATOR_PAGE
from layak.frameworks.actions import version_publish
from layak.frameworks.kla2024 import kla2024
from layak.frameworks.models import Indicator, Question
from layak.frameworks.spec import build_version
from layak.testing import make_personas, sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def card(page: Page, code: str) -> Locator:
    return page.get_by_test_id(f"answer-{code}")


def test_an_operator_filters_kl1_pages_answers_and_attaches_from_the_library(page, tmp_path):
    personas = make_personas()
    version = version_publish(actor=personas.ministry, version=build_version(kla2024()))
    bekasi, _gm = new_cycle(personas, version, "Evaluasi KLA 2026")
    base = f"/evaluation/assessments/{bekasi.pk}"
    kl = group(version, "KL")
    kl1 = Indicator.objects.get(version=version, code="KL-1")
    dinkes = office("Dinas Kesehatan")
    assigned = Assignment.objects.filter(answer__assessment=bekasi, is_active=True)

    # The secretariat ticks the KL cluster for Dinkes, then presses the proposal's button: the
    # page asks first, and staying keeps the ticks.
    sign_in(page, personas.bekasi_admin.email)
    page.goto(f"{base}/assign/")
    cluster = page.locator(f"#group-{kl.pk}")
    cluster.get_by_text("Seluruh klaster ke perangkat daerah yang sama").click()
    cluster.locator(f"input[name='grp-{kl.pk}'][value='{dinkes.pk}']").check()
    cluster.get_by_label(re.compile("Tugaskan setiap pertanyaan klaster ini")).check()
    asked: list[str] = []

    def stay(dialog):
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", stay)
    page.get_by_role("button", name="Tugaskan sesuai usulan").click()
    expect(cluster.locator(f"input[name='grp-{kl.pk}'][value='{dinkes.pk}']")).to_be_checked()
    assert asked and "belum disimpan" in asked[0]
    assert not assigned.exists()
    # Saving the form itself asks nothing.
    page.get_by_role("button", name="Simpan penugasan").click()
    page.wait_for_url(re.compile(rf"{base}/$"))
    expect(page.locator(".message.success")).to_contain_text("Penugasan disimpan")
    kl1_answers = Answer.objects.filter(assessment=bekasi, question__indicator=kl1)
    assert assigned.filter(answer__in=kl1_answers).count() == kl1_answers.count() == 63
    sign_out(page)

    # Dinkes opens KL-1 and filters it to its own items not filled in yet.
    sign_in(page, personas.bekasi_dinkes.email)
    page.goto(f"{base}/indicators/{kl1.pk}/")
    empty = kl1_answers.filter(status=Answer.Status.DRAFT, value={}).count()
    expect(page.get_by_test_id("listed-count")).to_have_text(
        f"Pertanyaan 1–{INDICATOR_PAGE} dari 63"
    )
    page.get_by_label("Status", exact=True).select_option("empty")
    page.get_by_label("Hanya butir yang saya jawab").check()
    page.get_by_role("button", name="Saring").click()
    expect(page.get_by_test_id("listed-count")).to_have_text(
        f"Pertanyaan 1–{INDICATOR_PAGE} dari {empty}"
    )
    expect(page.locator("article.answer")).to_have_count(INDICATOR_PAGE)
    # The second page, the filter kept.
    page.get_by_role("link", name="Berikutnya").click()
    expect(page).to_have_url(re.compile(r"status=empty.*page=2|page=2.*status=empty"))
    expect(page.get_by_label("Status", exact=True)).to_have_value("empty")
    on_page = [
        a
        for a in kl1_answers.filter(value={}).select_related("question").order_by("question__order")
        if not a.question.computed
    ][INDICATOR_PAGE : 2 * INDICATOR_PAGE]
    target = next(
        a for a in on_page if a.question.kind in (Question.Kind.SINGLE, Question.Kind.YES_NO)
    )
    other = next(a for a in on_page if a.pk != target.pk)
    code = target.question.code
    links = page.get_by_test_id("status-links")
    counts = {
        name: int(n) for name, n in re.findall(r"(Belum diisi|Draf) \((\d+)\)", links.inner_text())
    }
    card(page, code).locator("input[name=option]").first.check()
    expect(card(page, code).locator(".message.success")).to_be_visible()
    target.refresh_from_db()
    assert target.value
    # The counts of items by state follow at once: one fewer not filled in, one more draft.
    expect(links).to_contain_text(f"Belum diisi ({counts['Belum diisi'] - 1})")
    expect(links).to_contain_text(f"Draf ({counts.get('Draf', 0) + 1})")
    # The status filter's counts follow too.
    status = page.get_by_label("Status", exact=True)
    expect(status.locator("option[value=empty]")).to_have_text(
        f"Belum diisi ({counts['Belum diisi'] - 1})"
    )
    # A document uploaded on that card goes into the library: every card's picker offers it
    # at once (the library is given once for the page, and again with the upload).
    document = tmp_path / "sk-gugus-tugas.pdf"
    document.write_bytes(PDF)
    card(page, code).locator("input[type=file]").set_input_files(str(document))
    card(page, code).get_by_role("button", name="Unggah", exact=True).click()
    expect(card(page, code).get_by_test_id("evidence-list")).to_contain_text("sk-gugus-tugas.pdf")
    picker = card(page, other.question.code).get_by_label(
        "Atau lampirkan berkas dari pustaka data dukung kabupaten/kota"
    )
    expect(picker.locator("option")).to_have_count(2)
    picker.select_option(label="sk-gugus-tugas.pdf")
    card(page, other.question.code).get_by_role("button", name="Lampirkan", exact=True).click()
    expect(card(page, other.question.code).get_by_test_id("evidence-list")).to_contain_text(
        "sk-gugus-tugas.pdf"
    )
    assert other.evidence_links.filter(is_active=True, file__name="sk-gugus-tugas.pdf").exists()
    # A link to a question on another page (as from the home page's list or a notice) opens
    # the page that holds it.
    last = kl1_answers.order_by("question__order").select_related("question").last()
    page.goto(f"{base}/indicators/{kl1.pk}/#answer-{last.pk}")
    expect(card(page, last.question.code)).to_be_visible()
    expect(page.get_by_test_id("listed-count")).to_have_text(
        f"Pertanyaan {4 * INDICATOR_PAGE + 1}–63 dari 63"
    )
