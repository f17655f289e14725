"""The whole verification cycle for Kabupaten Bekasi, in Chromium."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from layak.evaluation.models import Answer, Assessment, Stage
from layak.evaluation.tests.test_verification import move_to, submit_all
from layak.frameworks.models import Indicator
from layak.testing import make_cycle, make_personas, sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
K = Stage.Kind


def item(page, code):
    return page.get_by_test_id(f"verify-{code}")


def decide(page, code, decision, points="", reason=""):
    form = item(page, code).locator("form.verify-form")
    form.locator(f"input[name=decision][value={decision}]").check()
    if points:
        form.locator("input[name=points]").fill(points)
    if reason:
        form.locator("input[name=reason]").fill(reason)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()


def agree_rest(page):
    page.on("dialog", lambda dialog: dialog.accept())
    page.locator("form[action$='agree-rest/'] button").click()
    page.wait_for_load_state()


def test_province_adjusts_returns_and_agrees_ministry_and_field_confirm_final_appears(page):
    personas = make_personas()
    ev = make_cycle(personas)
    submit_all(personas, ev)
    move_to(ev, K.PROVINCE)
    base = f"/evaluation/assessments/{ev.bekasi.pk}"

    # The Jawa Barat verifier finds Bekasi in the queue.
    sign_in(page, personas.jabar.email)
    page.goto("/evaluation/verify/")
    page.get_by_role("link", name="Kabupaten Bekasi").click()
    page.wait_for_url(re.compile(rf"{base}/verify/province/$"))
    # Adjusting without a reason is refused: the page opens on the message, the score kept.
    decide(page, "T-1.1", "adjust", "15")
    refused = item(page, "T-1.1").get_by_test_id("verify-error")
    expect(refused).to_have_text("Berikan alasan perubahan nilai.")
    expect(refused).to_be_focused()
    expect(refused).to_be_in_viewport()
    expect(item(page, "T-1.1").locator("input[name=points]")).to_have_value("15")
    decide(page, "T-1.1", "adjust", "15", "Baru SK Bupati, belum Perda")
    # The page opens on the first indicator waiting; the next is one click away.
    page.get_by_test_id("nav-T-2").click()
    decide(page, "T-2.1", "return", reason="Sumber data persalinan tidak jelas")
    expect(item(page, "T-2.1").get_by_test_id("state")).to_have_attribute("data-state", "returned")
    agree_rest(page)
    expect(item(page, "T-1.2").get_by_test_id("state")).to_have_attribute("data-state", "done")
    expect(item(page, "T-1.1").get_by_test_id("state")).to_have_attribute("data-state", "adjusted")
    sign_out(page)

    # The district corrects the returned item within the province stage.
    t2 = Indicator.objects.get(code="T-2").pk
    sign_in(page, personas["bekasi.disdukcapil"].email)
    page.goto(f"{base}/indicators/{t2}/")
    card = page.get_by_test_id("answer-T-2.1")
    expect(card).to_contain_text("Sumber data persalinan tidak jelas")
    card.locator("input[name=number]").fill("93")
    card.locator("form.answer-form button[type=submit]").click()
    expect(page.get_by_test_id("answer-T-2.1").locator(".message.success")).to_be_visible()
    page.get_by_test_id("answer-T-2.1").locator("form[action$='/submit/'] button").click()
    expect(page.get_by_test_id("answer-T-2.1").get_by_test_id("status")).to_have_text("Diajukan")
    sign_out(page)
    sign_in(page, personas.bekasi_admin.email)
    page.goto(f"{base}/indicators/{t2}/")
    page.get_by_test_id("answer-T-2.1").locator("form[action$='/accept/'] button").click()
    expect(page.get_by_test_id("answer-T-2.1").get_by_test_id("status")).to_have_text("Diterima")
    # The province's adjustment, with its reason, on the district's card.
    page.goto(f"{base}/indicators/{Indicator.objects.get(code='T-1').pk}/")
    expect(page.get_by_test_id("answer-T-1.1").get_by_test_id("verdicts")).to_contain_text(
        "15,00 / 30,00 poin · disesuaikan — Baru SK Bupati, belum Perda"
    )
    sign_out(page)

    sign_in(page, personas.jabar.email)
    page.goto(f"{base}/verify/province/")
    decide(page, "T-2.1", "agree")
    expect(item(page, "T-2.1").get_by_test_id("state")).to_have_attribute("data-state", "done")
    sign_out(page)

    # The ministry and the field assessor confirm.
    move_to(ev, K.MINISTRY)
    sign_in(page, personas.ministry.email)
    page.goto(f"{base}/verify/ministry/")
    agree_rest(page)
    sign_out(page)
    move_to(ev, K.FIELD)
    page.set_viewport_size({"width": 360, "height": 740})  # on a phone, in the field
    sign_in(page, personas["assessor"].email)
    page.goto("/evaluation/verify/")
    page.get_by_role("link", name="Kabupaten Bekasi").click()
    agree_rest(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    sign_out(page)
    page.set_viewport_size({"width": 1280, "height": 900})

    # The final determination, the scores side by side and the gap analysis.
    move_to(ev, K.FINAL)
    sign_in(page, personas.ministry.email)
    page.goto(f"{base}/scores/")
    page.on("dialog", lambda dialog: dialog.accept())
    page.locator("form[action$='determine/'] button").click()
    expect(page.get_by_test_id("final")).to_contain_text("85")
    expect(page.get_by_test_id("final")).to_contain_text("Utama")
    expect(page.get_by_test_id("total-0")).to_have_text("100,00")
    expect(page.get_by_test_id("total-1")).to_have_text("85,00")
    page.goto(f"{base}/gaps/?stage=final")
    expect(page.get_by_test_id("path")).to_contain_text("T-1.1")
    assessment = Assessment.objects.get(pk=ev.bekasi.pk)
    assert assessment.final_total == 85 and assessment.final_band.code == "UTAMA"
    assert Answer.objects.get(pk=ev.answers["T-2.1"].pk).value == {"number": "93"}
