"""An office records an AFSE event, in Chromium, and finds it in the calendar."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from layak.afse.models import Event
from layak.testing import make_personas, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_office_operator_records_an_event_and_finds_it_in_the_calendar(page):
    personas = make_personas()
    sign_in(page, personas.bekasi_dinkes.email)
    page.get_by_test_id("lang-en").click()
    page.wait_for_load_state()
    page.goto("/afse/")
    page.get_by_role("link", name="Record an event").click()

    page.locator("#id_kind").select_option("S")
    page.locator("#id_topic").fill("Sosialisasi imunisasi di sekolah dasar")
    page.locator("#id_organiser").select_option(label="Dinkes — Dinas Kesehatan Kabupaten Bekasi")
    page.get_by_label("Schools").check()
    page.get_by_label("Parents").check()
    page.locator("#id_starts_on").fill("2026-03-12")
    page.locator("#id_place").fill("Cikarang Utara")
    page.locator(".picker-results button", has_text="Cikarang Utara").first.click()
    page.locator("#id_venue").fill("SDN Karangasih 01")
    page.locator("#id_boys").fill("41")
    page.locator("#id_girls").fill("38")
    page.locator("#id_men").fill("4")
    page.locator("#id_women").fill("27")
    page.get_by_role("button", name="Save").click()

    page.wait_for_url(re.compile(r"/afse/\d+/$"))
    expect(
        page.get_by_role("heading", name="Sosialisasi imunisasi di sekolah dasar")
    ).to_be_visible()
    expect(page.get_by_test_id("participants-total")).to_have_text("110")
    event = Event.objects.get(topic="Sosialisasi imunisasi di sekolah dasar")
    assert (event.boys, event.girls, event.men, event.women) == (41, 38, 4, 27)
    assert event.place is not None and event.place.name == "Cikarang Utara"

    # The breadcrumb leads to the event's month in the calendar; the event is on its day.
    page.get_by_role("link", name="March 2026").click()
    expect(page.get_by_test_id("calendar-month")).to_have_text("March 2026")
    day = page.get_by_test_id("day-2026-03-12")
    expect(day.get_by_role("link", name=re.compile("Sosialisasi imunisasi"))).to_be_visible()
    expect(page.get_by_test_id("day-2026-03-13")).not_to_contain_text("imunisasi")
    # One month on, and back.
    page.get_by_role("link", name=re.compile("Next month")).click()
    expect(page.get_by_test_id("calendar-month")).to_have_text("April 2026")
    page.get_by_role("link", name=re.compile("Previous month")).click()
    expect(page.get_by_test_id("day-2026-03-12")).to_contain_text("Sosialisasi imunisasi")

    # The list's totals count it.
    page.goto("/afse/?kind=S")
    expect(page.get_by_test_id("total-all")).to_have_text("110")
