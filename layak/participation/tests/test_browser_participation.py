"""A proposal from the children's forum to the plan and back to the children, in Chromium."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from layak.participation.models import Proposal, Status
from layak.participation.tests.helpers import make_plan_item
from layak.testing import make_personas, sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TOPIC = "Taman bermain ramah anak di Cikarang Utara"


def english(page):
    page.get_by_test_id("lang-en").click()
    page.wait_for_load_state()


def test_a_proposal_is_taken_into_the_plan_and_shown_to_the_children(page):
    personas = make_personas()
    item = make_plan_item("32.16", personas.bekasi_admin, name="Pengelolaan pusat kreativitas anak")

    # The facilitator records what the children proposed at the Musrenbang Anak.
    sign_in(page, personas["bekasi.forum"].email)
    english(page)
    page.goto("/participation/")
    page.get_by_role("link", name="Forum Anak Kabupaten Bekasi").click()
    page.get_by_role("link", name="Record a proposal").click()
    page.locator("#id_topic").fill(TOPIC)
    page.locator("#id_description").fill("Anak-anak bermain di pinggir jalan pabrik.")
    page.locator("#id_proposed_on").fill("2025-02-19")
    page.locator("#id_source").select_option("musrenbang")
    page.get_by_label("Child 1: first name or initials").fill("Alya Putri")
    page.get_by_label("Child 1: age group").select_option("13-15")
    page.get_by_role("button", name="Save").click()
    # More than a first name is refused.
    expect(page.locator(".error").first).to_contain_text("first name or initials")
    page.get_by_label("Child 1: first name or initials").fill("Alya")
    page.get_by_label("Child 2: first name or initials").fill("R.F.")
    page.get_by_label("Child 2: age group").select_option("16-17")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/participation/proposals/\d+/$"))
    expect(page.get_by_test_id("proposal-status")).to_have_text("Received")
    # The facilitator does not answer it.
    expect(page.get_by_role("link", name="Record the follow-up")).to_have_count(0)
    proposal_url = page.url
    sign_out(page)

    # The administrator takes it into the RAD KLA with a response.
    sign_in(page, personas.bekasi_admin.email)
    english(page)
    page.goto(proposal_url)
    page.get_by_role("link", name="Record the follow-up").click()
    page.locator("#id_status").select_option(label="Taken into the plan")
    page.locator("#id_response").fill("Masuk RAD KLA 2026: pusat kreativitas anak di kecamatan.")
    page.locator("#id_plan_item").select_option(str(item.pk))
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(proposal_url)
    expect(page.get_by_test_id("proposal-status")).to_have_text("Taken into the plan")
    proposal = Proposal.objects.get(topic=TOPIC)
    assert (proposal.status, proposal.plan_item_id) == (Status.PLANNED, item.pk)
    sign_out(page)

    # Signed out, the public page shows what was said and done, and no child's name.
    page.goto(f"/participation/forums/{proposal.forum_id}/you-said/")
    table = page.get_by_test_id("you-said")
    expect(table).to_contain_text(TOPIC)
    expect(table).to_contain_text("pusat kreativitas anak di kecamatan")
    expect(table).to_contain_text("Pengelolaan pusat kreativitas anak")
    content = page.content()
    assert "Alya" not in content and "R.F." not in content
    assert "pinggir jalan pabrik" not in content
