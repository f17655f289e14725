"""Two people edit the same meeting's minutes at once, each in their own browser: the second
save shows the conflict with both versions, keeps what the second person typed, and saving
again after reading both keeps it."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from layak.taskforce.models import Meeting
from layak.testing import make_personas, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def english(page):
    page.get_by_test_id("lang-en").click()
    page.wait_for_load_state()


def test_two_people_editing_one_meetings_minutes(page, browser, live_server):
    from layak.regions.models import Region
    from layak.taskforce import actions

    personas = make_personas()
    meeting = actions.meeting_create(
        actor=personas.bekasi_admin,
        region=Region.objects.get(code="32.16"),
        title="Rapat Koordinasi Gugus Tugas KLA Triwulan I",
        agenda="Persiapan evaluasi KLA",
        date=timezone.localdate() - datetime.timedelta(days=2),
        start_time=datetime.time(9, 0),
        place="Aula DP3A",
        chair_name="Dedi Supriatna",
    )
    edit = f"/taskforce/meetings/{meeting.pk}/edit/"

    other_context = browser.new_context(base_url=live_server.url, locale="en-US")
    other = other_context.new_page()
    other.set_default_timeout(10_000)
    try:
        # Both open the edit page.
        sign_in(page, personas.bekasi_admin.email)
        english(page)
        page.goto(edit)
        sign_in(other, personas.ministry.email)
        english(other)
        other.goto(edit)

        # The ministry saves its minutes first.
        other.locator("#id_minutes").fill("Notulen dari kementerian.")
        other.locator("#id_decisions").fill("Data dukung lengkap akhir April")
        other.get_by_role("button", name="Save", exact=True).click()
        expect(other.get_by_text("The meeting has been saved.")).to_be_visible()

        # The secretariat, still on the page it opened before, saves its own minutes.
        page.locator("#id_minutes").fill("Notulen dari sekretariat.")
        page.get_by_role("button", name="Save", exact=True).click()
        expect(
            page.get_by_text("Someone else saved this record after you opened it")
        ).to_be_visible()
        conflict = page.get_by_test_id("conflict")
        expect(conflict).to_contain_text("Notulen dari kementerian.")
        expect(conflict).to_contain_text("Notulen dari sekretariat.")
        expect(conflict).to_contain_text("Data dukung lengkap akhir April")
        expect(page.locator("#id_minutes")).to_have_value("Notulen dari sekretariat.")
        saved = Meeting.objects.get(pk=meeting.pk)
        assert saved.minutes == "Notulen dari kementerian."

        # Having read both, the secretariat keeps the ministry's decision and saves again.
        page.locator("#id_decisions").fill("Data dukung lengkap akhir April")
        page.get_by_role("button", name="Save", exact=True).click()
        expect(page.get_by_text("The meeting has been saved.")).to_be_visible()
        saved = Meeting.objects.get(pk=meeting.pk)
        assert saved.minutes == "Notulen dari sekretariat."
        assert saved.decisions == ["Data dukung lengkap akhir April"]
        assert saved.revision == 2
    finally:
        other_context.close()
