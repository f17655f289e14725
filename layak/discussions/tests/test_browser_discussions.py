"""In Chromium: the province returns an item; the office finds it in its notices and its list
of items, discusses it with the secretariat (a mention of someone outside is refused, the text
kept), corrects it, and the verifier is told it waits for re-check."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from layak.evaluation.models import Stage
from layak.evaluation.tests.test_verification import move_to, submit_all
from layak.frameworks.models import Indicator
from layak.testing import make_cycle, make_personas, sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REASON = "Sumber data persalinan tidak jelas"


def open_discussion(card):
    card.get_by_test_id("discussion").locator("summary").click()
    expect(card.get_by_test_id("thread")).to_be_visible()
    return card.get_by_test_id("thread")


def write(thread, text: str) -> None:
    thread.locator("textarea[name=body]").fill(text)
    thread.get_by_role("button", name="Kirim").click()


def test_the_office_and_the_secretariat_discuss_a_returned_answer(page, tmp_path):
    personas = make_personas()
    ev = make_cycle(personas)
    submit_all(personas, ev)
    move_to(ev, Stage.Kind.PROVINCE)
    capil, admin, jabar = personas["bekasi.disdukcapil"], personas.bekasi_admin, personas.jabar
    outsider = personas["gunungmas.admin"]
    t2 = Indicator.objects.get(code="T-2").pk
    indicator_page = f"/evaluation/assessments/{ev.bekasi.pk}/indicators/{t2}/"

    # The Jawa Barat verifier returns T-2.1.
    sign_in(page, jabar.email)
    page.goto(f"/evaluation/assessments/{ev.bekasi.pk}/verify/province/?indicator={t2}")
    form = page.get_by_test_id("verify-T-2.1").locator("form.verify-form")
    form.locator("input[name=decision][value=return]").check()
    form.locator("input[name=reason]").fill(REASON)
    form.locator("button[type=submit]").click()
    expect(page.get_by_test_id("verify-T-2.1").get_by_test_id("state")).to_have_attribute(
        "data-state", "returned"
    )
    sign_out(page)

    # Disdukcapil finds it in its notices and its list of items.
    sign_in(page, capil.email)
    page.goto("/evaluation/my-items/")
    expect(page.locator("main")).to_contain_text("T-2.1")
    page.goto("/notifications/")
    page.get_by_test_id("notices").get_by_role("link", name=re.compile(REASON)).click()
    page.wait_for_url(re.compile(rf"/indicators/{t2}/"))
    card = page.get_by_test_id("answer-T-2.1")
    expect(card).to_contain_text(REASON)
    expect(card.get_by_test_id("discussion-count")).to_have_text("0")

    # It asks the secretariat; naming someone of another district is refused, the text kept.
    thread = open_discussion(card)
    typed = f"@{outsider.email} data persalinan dari mana sebaiknya?"
    write(thread, typed)
    error = card.get_by_test_id("discussion-error")
    expect(error).to_contain_text("tidak boleh melihat butir ini")
    expect(error).to_contain_text(outsider.full_name)
    expect(card.locator("textarea[name=body]")).to_have_value(typed)
    # Chosen from the people offered, the secretariat is told.
    card.get_by_test_id("mention-choices").get_by_label(re.compile(admin.full_name)).check()
    write(card.get_by_test_id("thread"), "Data persalinan dari mana sebaiknya?")
    expect(card.get_by_test_id("message")).to_have_count(1)
    expect(card.get_by_test_id("message")).to_contain_text("Data persalinan dari mana")
    expect(card.get_by_test_id("message")).to_contain_text(f"Disebut: {admin.full_name}")
    expect(card.get_by_test_id("discussion-count")).to_have_text("1")
    expect(card.locator("textarea[name=body]")).to_have_value("")
    # It sharpens its question; the earlier text stays readable.
    card.get_by_test_id("message").get_by_role("link", name="Ubah").click()
    edit = card.locator("form[action$='/edit/'] textarea[name=body]")
    edit.fill(f"@{admin.email} data persalinan 2025 dari mana sebaiknya: SIMPUS atau BPS?")
    card.get_by_role("button", name="Simpan perubahan").click()
    expect(card.get_by_test_id("message")).to_contain_text("SIMPUS atau BPS")
    expect(card.get_by_test_id("message").locator("details summary")).to_have_text(
        "Teks sebelumnya"
    )
    expect(card.get_by_test_id("discussion-count")).to_have_text("1")
    for width, height in ((390, 844), (1366, 900)):
        page.set_viewport_size({"width": width, "height": height})
        card.scroll_into_view_if_needed()
        page.screenshot(path=tmp_path / f"discussion-{width}.png", full_page=True)
    sign_out(page)

    # The secretariat is told, opens the thread and answers.
    sign_in(page, admin.email)
    page.goto("/notifications/")
    page.get_by_test_id("notices").get_by_role("link", name=re.compile("menyebut Anda")).click()
    page.wait_for_url(re.compile(r"/discussions/answer/\d+/"))
    expect(page.get_by_test_id("message")).to_contain_text("SIMPUS atau BPS")
    write(page.get_by_test_id("thread"), "Pakai data SIMPUS Dinkes 2025, lampirkan rekapnya.")
    expect(page.get_by_test_id("message")).to_have_count(2)
    sign_out(page)

    # The office is told, corrects the answer and submits it; the secretariat accepts.
    sign_in(page, capil.email)
    page.goto("/notifications/")
    page.get_by_test_id("notices").get_by_role(
        "link", name=re.compile("menulis dalam diskusi")
    ).click()
    expect(page.get_by_test_id("message").nth(1)).to_contain_text("SIMPUS")
    page.goto(indicator_page)
    card = page.get_by_test_id("answer-T-2.1")
    expect(card.get_by_test_id("discussion-count")).to_have_text("2")
    card.locator("input[name=number]").fill("93")
    card.locator("form.answer-form button[type=submit]").click()
    expect(page.get_by_test_id("answer-T-2.1").locator(".message.success")).to_be_visible()
    page.get_by_test_id("answer-T-2.1").locator("form[action$='/submit/'] button").click()
    expect(page.get_by_test_id("answer-T-2.1").get_by_test_id("status")).to_have_text("Diajukan")
    sign_out(page)
    sign_in(page, admin.email)
    page.goto(indicator_page)
    page.get_by_test_id("answer-T-2.1").locator("form[action$='/accept/'] button").click()
    expect(page.get_by_test_id("answer-T-2.1").get_by_test_id("status")).to_have_text("Diterima")
    sign_out(page)

    # The verifier is told the item waits for re-check, and sees the discussion beside it.
    sign_in(page, jabar.email)
    page.goto("/notifications/")
    page.get_by_test_id("notices").get_by_role("link", name=re.compile("T-2.1")).first.click()
    page.wait_for_url(re.compile(r"/verify/province/"))
    page.goto(f"/evaluation/assessments/{ev.bekasi.pk}/verify/province/?indicator={t2}")
    item = page.get_by_test_id("verify-T-2.1")
    expect(item.get_by_test_id("state")).to_have_attribute("data-state", "corrected")
    expect(item.get_by_test_id("discussion-count")).to_have_text("2")
    thread = open_discussion(item)
    expect(thread.get_by_test_id("message")).to_have_count(2)
