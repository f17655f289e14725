"""In Chromium, in Indonesian, on a phone: the facilitator is asked to anonymise a proposal
that names a child, keeps what was typed, anonymises and saves; the regent's office reads the
topic but not the description."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from layak.participation.models import Proposal
from layak.testing import make_personas, sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TOPIC = "Jalan aman menuju sekolah"
NAMED = "Adik Rina (9 tahun) ditabrak motor di depan SD; anak-anak minta zebra cross."
ANONYMOUS = "Anak-anak minta zebra cross dan rambu di depan SD karena jalan ramai."


def test_a_named_child_is_anonymised_before_saving_and_hidden_from_readers(page, tmp_path):
    personas = make_personas()
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, personas["bekasi.forum"].email)
    page.goto("/participation/")
    page.get_by_role("link", name="Forum Anak Kabupaten Bekasi").click()
    page.get_by_role("link", name="Catat usulan").click()
    page.locator("#id_topic").fill(TOPIC)
    page.locator("#id_description").fill(NAMED)
    page.locator("#id_proposed_on").fill("2025-02-19")
    page.locator("#id_source").select_option("musrenbang")
    page.get_by_role("button", name="Simpan").click()

    # The message stands beside the description, which keeps what was typed.
    field = page.locator(".field", has=page.locator("#id_description"))
    expect(field.locator(".error")).to_contain_text("Adik Rina")
    expect(field.locator(".error")).to_contain_text("9 tahun")
    expect(page.locator("#id_description")).to_have_value(NAMED)
    expect(page.locator("#id_topic")).to_have_value(TOPIC)
    expect(page.locator("#id_anonymity_confirmed")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(tmp_path / "flagged.png"), full_page=True)
    assert not Proposal.objects.exists()

    page.locator("#id_description").fill(ANONYMOUS)
    page.get_by_role("button", name="Simpan").click()
    page.wait_for_url(re.compile(r"/participation/proposals/\d+/$"))
    expect(page.get_by_test_id("proposal-description")).to_contain_text("zebra cross")
    proposal_url = page.url
    sign_out(page)

    sign_in(page, personas.bekasi_regent.email)
    page.goto(proposal_url)
    expect(page.get_by_role("heading", name=TOPIC)).to_be_visible()
    expect(page.get_by_test_id("description-withheld")).to_be_visible()
    assert "zebra cross" not in page.content()
