"""Recording attendance in Indonesian, in Chromium: a missing sex refuses the save with the
message beside the row and keeps every tick; each member's sex is known at the next meeting."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from layak.taskforce.models import TaskForceRole as R
from layak.taskforce.tests.factories import decree, meeting, member
from layak.testing import make_personas, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_refused_attendance_keeps_the_ticks_and_sexes_carry_over(page):
    personas = make_personas()
    today = timezone.localdate()
    d = decree(personas, start=today - datetime.timedelta(days=90), number="SK/HADIR/2026")
    chair = member(personas, d, "H. Endang Suherman", R.CHAIR)
    member(personas, d, "Ani Gustiani", R.SECRETARY)
    first = meeting(personas, date=today - datetime.timedelta(days=7), chair_member=chair)

    sign_in(page, personas.bekasi_admin.email)
    page.goto(f"/taskforce/meetings/{first.pk}/")
    attendance = page.get_by_test_id("attendance")
    endang = attendance.locator("tr", has_text="H. Endang Suherman")
    ani = attendance.locator("tr", has_text="Ani Gustiani")
    endang.locator("select").select_option("M")
    endang.locator("input[type=checkbox]").check()
    ani.locator("input[type=checkbox]").check()  # her sex is forgotten
    page.locator("form:has([data-testid=attendance]) button[type=submit]").click()

    expect(page.get_by_test_id("attendance-refused")).to_be_visible()
    expect(ani.get_by_test_id("attendance-error")).to_contain_text("Isikan jenis kelamin")
    expect(endang.locator("input[type=checkbox]")).to_be_checked()
    expect(ani.locator("input[type=checkbox]")).to_be_checked()
    expect(endang.locator("select")).to_have_value("M")

    ani.locator("select").select_option("F")
    page.locator("form:has([data-testid=attendance]) button[type=submit]").click()
    expect(page.get_by_test_id("attendance-totals")).to_contain_text("2")
    expect(page.get_by_test_id("attendance-refused")).to_have_count(0)

    second = meeting(personas, date=today - datetime.timedelta(days=1), chair_member=chair)
    page.goto(f"/taskforce/meetings/{second.pk}/")
    attendance = page.get_by_test_id("attendance")
    expect(attendance.locator("tr", has_text="H. Endang Suherman").locator("select")).to_have_value(
        "M"
    )
    expect(attendance.locator("tr", has_text="Ani Gustiani").locator("select")).to_have_value("F")
