"""The task force as the secretariat and an office use it, in Chromium."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from layak.testing import make_personas, sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def english(page):
    page.get_by_test_id("lang-en").click()
    page.wait_for_load_state()


def test_decree_meeting_attendance_and_an_overdue_follow_up_done_by_the_office(page, tmp_path):
    personas = make_personas()
    today = timezone.localdate()
    start = today - datetime.timedelta(days=90)
    meeting_day = today - datetime.timedelta(days=3)
    yesterday = today - datetime.timedelta(days=1)

    # The secretariat records the decree with a chair and two members.
    sign_in(page, personas.bekasi_admin.email)
    english(page)
    page.goto("/taskforce/")
    page.get_by_role("link", name="Record a decree").click()
    page.locator("#id_number").fill("HK.02.02/Kep.77-DP3A/2026")
    page.locator("#id_signed_on").fill(start.isoformat())
    page.locator("#id_signatory").fill("Bupati Bekasi")
    page.locator("#id_period_start").fill(start.isoformat())
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(re.compile(r"/taskforce/decrees/\d+/$"))

    page.get_by_role("link", name="Add a member").click()
    page.locator("#id_name").fill("H. Endang Suherman")
    page.locator("#id_position").fill("Sekretaris Daerah")
    page.locator("#id_role").select_option("chair")
    page.get_by_role("button", name="Save and add another").click()
    page.locator("#id_name").fill("dr. Rina Kusumawati")
    page.locator("#id_organisation").select_option(
        label="Dinkes — Dinas Kesehatan Kabupaten Bekasi"
    )
    page.locator("#id_role").select_option("coordinator")
    page.locator("#id_sub_team").select_option("K3")
    page.get_by_role("button", name="Save and add another").click()
    page.locator("#id_name").fill("Andi Pratama")
    page.locator("#id_role").select_option("member")
    page.locator("#id_sub_team").select_option("K3")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_test_id("decree-members")).to_contain_text("Andi Pratama")

    page.goto("/taskforce/")
    expect(page.get_by_test_id("leadership")).to_contain_text("H. Endang Suherman")
    expect(page.get_by_test_id("sub-team-K3")).to_contain_text("dr. Rina Kusumawati")

    # A coordination meeting; the members serving are invited.
    page.get_by_role("link", name="New meeting").click()
    page.locator("#id_title").fill("Rapat Koordinasi Gugus Tugas KLA")
    page.locator("#id_agenda").fill("Persiapan evaluasi KLA")
    page.locator("#id_date").fill(meeting_day.isoformat())
    page.locator("#id_start_time").fill("09:00")
    page.locator("#id_place").fill("Aula DP3A")
    page.locator("#id_chair_member").select_option(label="H. Endang Suherman · Chair")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(re.compile(r"/taskforce/meetings/\d+/$"))
    meeting_url = page.url

    attendance = page.get_by_test_id("attendance")
    endang = attendance.locator("tr", has_text="H. Endang Suherman")
    endang.locator("select").select_option("M")
    endang.locator("input[type=checkbox]").check()
    rina = attendance.locator("tr", has_text="dr. Rina Kusumawati")
    rina.locator("select").select_option("F")
    rina.locator("input[type=checkbox]").check()
    page.get_by_role("button", name="Save the attendance").click()
    expect(page.get_by_test_id("attendance-totals")).to_have_text(
        "2 of 3 present: 1 male, 1 female."
    )

    # A follow-up for Dinas Kesehatan, due yesterday: overdue.
    page.get_by_test_id("add-follow-up").locator("summary").click()
    page.locator("#id_fu-description").fill("Rekap persalinan di fasilitas kesehatan")
    page.locator("#id_fu-owner").select_option(label="Dinkes — Dinas Kesehatan Kabupaten Bekasi")
    page.locator("#id_fu-due_date").fill(yesterday.isoformat())
    page.get_by_role("button", name="Add the follow-up").click()
    row = page.get_by_test_id("follow-ups").locator("tr", has_text="Rekap persalinan")
    expect(row).to_contain_text("overdue")
    sign_out(page)

    # The Dinkes operator sees it on the meeting and in their follow-ups, and closes it.
    sign_in(page, personas.bekasi_dinkes.email)
    english(page)
    page.goto(meeting_url)
    expect(page.get_by_test_id("follow-ups")).to_contain_text("Rekap persalinan")
    page.goto("/taskforce/follow-ups/mine/")
    mine = page.get_by_test_id("my-follow-ups").locator("tr", has_text="Rekap persalinan")
    expect(mine).to_contain_text("overdue")
    mine.locator("summary", has_text="Mark done").click()
    mine.locator("textarea[name=note]").fill("Rekap dikirim ke DP3A")
    evidence = tmp_path / "rekap-persalinan.pdf"
    evidence.write_bytes(PDF)
    mine.locator("input[type=file]").set_input_files(str(evidence))
    mine.get_by_role("button", name="Mark done").click()
    expect(page.locator(".messages")).to_contain_text("marked done")
    expect(page.get_by_test_id("my-follow-ups")).not_to_contain_text("Rekap persalinan")
    page.get_by_role("link", name="Done").click()
    done = page.get_by_test_id("my-follow-ups").locator("tr", has_text="Rekap persalinan")
    expect(done).to_contain_text("Rekap dikirim ke DP3A")
    expect(done.get_by_role("link", name="Evidence of completion")).to_be_visible()
