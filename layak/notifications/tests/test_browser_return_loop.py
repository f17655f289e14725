"""The return loop in Chromium: the province returns an item, the office sees it in its inbox
and its list of items, discusses it with the secretariat, corrects it, and the verifier is told
it waits for re-check."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from layak.evaluation.models import Stage
from layak.evaluation.tests.test_browser_verification import decide, item
from layak.evaluation.tests.test_verification import move_to, submit_all
from layak.frameworks.models import Indicator
from layak.notifications.models import Notice
from layak.testing import make_cycle, make_personas, sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_inbox(page):
    page.get_by_test_id("inbox-link").click()
    page.wait_for_url(re.compile(r"/notifications/$"))
    return page.get_by_test_id("notices")


def test_return_inbox_discussion_correction_and_recheck(page) -> None:
    personas = make_personas()
    ev = make_cycle(personas)
    submit_all(personas, ev)
    move_to(ev, Stage.Kind.PROVINCE)
    base = f"/evaluation/assessments/{ev.bekasi.pk}"
    capil, admin, jabar = personas["bekasi.disdukcapil"], personas.bekasi_admin, personas.jabar
    Notice.objects.all().update(read_at="2026-01-01T00:00:00Z")  # earlier news already read

    # The Jawa Barat verifier returns T-2.1.
    sign_in(page, jabar.email)
    page.goto(f"{base}/verify/province/")
    page.get_by_test_id("nav-T-2").click()
    decide(page, "T-2.1", "return", reason="Sumber data persalinan tidak jelas")
    expect(item(page, "T-2.1").get_by_test_id("state")).to_have_attribute("data-state", "returned")
    sign_out(page)

    # The civil registry office sees it in the header badge, its inbox, its action list on the
    # home page and its list of items.
    sign_in(page, capil.email)
    expect(page.get_by_test_id("unread-count")).to_have_text("1")
    notices = open_inbox(page)
    expect(notices).to_contain_text(
        "T-2.1 Kabupaten Bekasi (Evaluasi Uji) dikembalikan untuk diperbaiki oleh "
        f"{jabar} (verifikator): Sumber data persalinan tidak jelas"
    )
    page.goto("/")
    expect(
        page.get_by_test_id("needs-action").get_by_test_id("action-evaluation_returned")
    ).to_contain_text("T-2.1")
    page.goto("/evaluation/my-items/")
    expect(page.get_by_test_id("returned-items")).to_contain_text("T-2.1")
    page.get_by_test_id("inbox-link").click()
    page.get_by_test_id("notices").get_by_role("link").first.click()
    t2 = Indicator.objects.get(code="T-2").pk
    t21 = ev.answers["T-2.1"].pk
    # The notice opens the returned item itself on its indicator page.
    page.wait_for_url(re.compile(rf"{base}/indicators/{t2}/#answer-{t21}$"))
    expect(page.get_by_test_id("unread-count")).to_have_count(0)  # opened: read

    # It asks the secretariat in the item's discussion.
    card = page.get_by_test_id("answer-T-2.1")
    card.get_by_test_id("discussion").locator("summary").click()
    card.locator("textarea[name=body]").fill(f"@{admin.email} Data persalinan dari mana?")
    card.locator(".discussion-form button[type=submit]").click()
    expect(card.get_by_test_id("messages")).to_contain_text("Data persalinan dari mana?")
    sign_out(page)

    # The secretariat is told of both and answers in the discussion.
    sign_in(page, admin.email)
    notices = open_inbox(page)
    expect(notices).to_contain_text("(verifikator): Sumber data persalinan tidak jelas")
    notices.get_by_role("link", name=re.compile("menyebut Anda")).click()
    page.wait_for_url(re.compile(r"/discussions/"))
    page.locator("textarea[name=body]").fill("Pakai data Dinas Kesehatan 2026.")
    page.locator(".discussion-form button[type=submit]").click()
    expect(page.get_by_test_id("messages")).to_contain_text("Pakai data Dinas Kesehatan 2026.")
    sign_out(page)

    # The office corrects and submits; the district accepts the corrected item.
    sign_in(page, capil.email)
    page.goto(f"{base}/indicators/{t2}/")
    card = page.get_by_test_id("answer-T-2.1")
    card.locator("input[name=number]").fill("93")
    card.locator("form.answer-form button[type=submit]").click()
    expect(page.get_by_test_id("answer-T-2.1").locator(".message.success")).to_be_visible()
    page.get_by_test_id("answer-T-2.1").locator("form[action$='/submit/'] button").click()
    expect(page.get_by_test_id("answer-T-2.1").get_by_test_id("status")).to_have_text("Diajukan")
    sign_out(page)
    sign_in(page, admin.email)
    page.goto(f"{base}/indicators/{t2}/")
    page.get_by_test_id("answer-T-2.1").locator("form[action$='/accept/'] button").click()
    expect(page.get_by_test_id("answer-T-2.1").get_by_test_id("status")).to_have_text("Diterima")
    sign_out(page)

    # The verifier is told it waits for re-check, and the notice leads to the verification page.
    sign_in(page, jabar.email)
    expect(page.get_by_test_id("unread-count")).to_have_text("1")
    notices = open_inbox(page)
    link = notices.get_by_role("link", name=re.compile("menunggu diperiksa ulang"))
    expect(link).to_contain_text("T-2.1 Kabupaten Bekasi sudah diperbaiki")
    link.click()
    # The item on the verification page: its indicator's section, scrolled to the item.
    page.wait_for_url(re.compile(rf"{base}/verify/province/\?indicator={t2}#item-{t21}$"))
    expect(item(page, "T-2.1")).to_be_in_viewport()
