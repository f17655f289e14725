"""The self-assessment as people do it, in Chromium."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from layak.evaluation.models import Assessment
from layak.evaluation.tests.test_workflow import PDF
from layak.frameworks.models import Indicator
from layak.organisations.models import Organisation
from layak.testing import make_cycle, make_personas, sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def card(page, code):
    return page.get_by_test_id(f"answer-{code}")


def wait_saved(page, code):
    expect(card(page, code).locator(".message.success")).to_be_visible()


def test_assign_answer_upload_return_correct_submit_and_see_the_score(page, tmp_path):
    personas = make_personas()
    ev = make_cycle(personas, assign=False)
    assessment = ev.bekasi
    t1 = Indicator.objects.get(code="T-1").pk
    t2 = Indicator.objects.get(code="T-2").pk
    base = f"/evaluation/assessments/{assessment.pk}"

    # The administrator gives T-1 to Dinkes and T-2 to Disdukcapil.
    sign_in(page, personas.bekasi_admin.email)
    page.goto(f"{base}/assign/")
    dinkes = Organisation.objects.get(name="Dinas Kesehatan Kabupaten Bekasi").pk
    capil = Organisation.objects.get(
        name="Dinas Kependudukan dan Pencatatan Sipil Kabupaten Bekasi"
    ).pk
    page.locator(f"input[name='ind-{t1}'][value='{dinkes}']").check()
    page.locator(f"input[name='ind-{t2}'][value='{capil}']").check()
    page.get_by_role("button", name="Simpan penugasan").click()
    page.wait_for_url(re.compile(rf"{base}/$"))
    sign_out(page)

    pdf = tmp_path / "Perda KLA Bekasi.pdf"
    pdf.write_bytes(PDF)
    sk = tmp_path / "SK Gugus Tugas.pdf"
    sk.write_bytes(PDF + b"% SK\n")

    # Dinkes answers T-1: a choice with a required document, and an evidence-only question.
    sign_in(page, personas.bekasi_dinkes.email)
    page.goto("/evaluation/my-items/")
    page.get_by_role("link", name=re.compile("T-1")).click()
    card(page, "T-1.1").get_by_label("Perda").check()
    wait_saved(page, "T-1.1")
    card(page, "T-1.1").locator("input[type=file]").set_input_files(str(pdf))
    card(page, "T-1.1").locator("select[name=requirement]:visible").select_option(
        label="Dokumen Perda"
    )
    card(page, "T-1.1").get_by_role("button", name="Unggah", exact=True).click()
    expect(card(page, "T-1.1").get_by_test_id("evidence-list")).to_contain_text(
        "Perda KLA Bekasi.pdf"
    )
    card(page, "T-1.1").get_by_role("button", name="Ajukan ke kabupaten/kota").click()
    expect(card(page, "T-1.1").get_by_test_id("status")).to_have_text("Diajukan")
    card(page, "T-1.2").locator("input[type=file]").set_input_files(str(sk))
    card(page, "T-1.2").get_by_role("button", name="Unggah", exact=True).click()
    expect(card(page, "T-1.2").get_by_test_id("points")).to_contain_text("20,00 / 20,00")
    card(page, "T-1.2").get_by_role("button", name="Ajukan ke kabupaten/kota").click()
    expect(card(page, "T-1.2").get_by_test_id("status")).to_have_text("Diajukan")
    sign_out(page)

    # Disdukcapil answers T-2: a percentage and a table by age band.
    sign_in(page, personas["bekasi.disdukcapil"].email)
    page.goto(f"{base}/indicators/{t2}/")
    # Typed with its sign, as a percentage is written; kept as the number.
    card(page, "T-2.1").locator("input[name=number]").fill("45%")
    card(page, "T-2.1").locator("input[name=number]").press("Tab")
    wait_saved(page, "T-2.1")
    expect(card(page, "T-2.1").locator("input[name=number]")).to_have_value("45")
    card(page, "T-2.1").get_by_role("button", name="Ajukan ke kabupaten/kota").click()
    expect(card(page, "T-2.1").get_by_test_id("status")).to_have_text("Diajukan")
    table = card(page, "T-2.2")
    for name, value in (
        ("cell-0-0", "100"),
        ("cell-0-1", "90"),
        ("cell-1-0", "100"),
        ("cell-1-1", "70"),
    ):
        table.locator(f"input[name={name}]").fill(value)
    table.get_by_role("button", name="Simpan draf").click()
    expect(card(page, "T-2.2").get_by_test_id("total-0")).to_have_text("200")
    expect(card(page, "T-2.2")).to_contain_text("80%")
    card(page, "T-2.2").get_by_role("button", name="Ajukan ke kabupaten/kota").click()
    expect(card(page, "T-2.2").get_by_test_id("status")).to_have_text("Diajukan")
    sign_out(page)

    # The administrator returns T-2.1 and accepts the rest.
    sign_in(page, personas.bekasi_admin.email)
    page.goto(f"{base}/indicators/{t2}/")
    card(page, "T-2.1").locator("input[name=reason]").fill(
        "Angka 45% tidak sesuai data Dinkes 2026"
    )
    card(page, "T-2.1").get_by_role("button", name="Kembalikan").click()
    expect(card(page, "T-2.1").get_by_test_id("status")).to_have_text("Dikembalikan")
    card(page, "T-2.2").get_by_role("button", name="Terima", exact=True).click()
    expect(card(page, "T-2.2").get_by_test_id("status")).to_have_text("Diterima")
    page.goto(f"{base}/indicators/{t1}/")
    for code in ("T-1.1", "T-1.2"):
        card(page, code).get_by_role("button", name="Terima", exact=True).click()
        expect(card(page, code).get_by_test_id("status")).to_have_text("Diterima")
    sign_out(page)

    # Disdukcapil corrects and submits again.
    sign_in(page, personas["bekasi.disdukcapil"].email)
    page.goto(f"{base}/indicators/{t2}/")
    expect(card(page, "T-2.1")).to_contain_text("tidak sesuai data Dinkes")
    card(page, "T-2.1").locator("input[name=number]").fill("93")
    card(page, "T-2.1").get_by_role("button", name="Simpan draf").click()
    wait_saved(page, "T-2.1")
    card(page, "T-2.1").get_by_role("button", name="Ajukan ke kabupaten/kota").click()
    expect(card(page, "T-2.1").get_by_test_id("status")).to_have_text("Diajukan")
    sign_out(page)

    # The administrator accepts it and submits the whole self-assessment.
    sign_in(page, personas.bekasi_admin.email)
    page.goto(f"{base}/indicators/{t2}/")
    card(page, "T-2.1").get_by_role("button", name="Terima", exact=True).click()
    expect(card(page, "T-2.1").get_by_test_id("status")).to_have_text("Diterima")
    page.goto(f"{base}/")
    expect(page.get_by_test_id("total")).to_contain_text("100")
    expect(page.get_by_test_id("predicate")).to_contain_text("KLA")
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Ajukan ke provinsi").click()
    page.wait_for_load_state()
    expect(page.locator(".message.success")).to_be_visible()
    assert Assessment.objects.get(pk=assessment.pk).status == "submitted"
