"""In Chromium: the secretariat gives two indicators (four questions) to an office in one save;
the office's operator gets one notice and opens its list of items from it; the preferences page
shows an operator only the kinds that reach an office."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from layak.frameworks.models import Indicator
from layak.organisations.models import Organisation
from layak.testing import make_cycle, make_personas, sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_one_assignment_save_one_notice_and_the_operators_preferences(page) -> None:
    personas = make_personas()
    ev = make_cycle(personas, assign=False)
    base = f"/evaluation/assessments/{ev.bekasi.pk}"
    dinkes = Organisation.objects.get(name="Dinas Kesehatan Kabupaten Bekasi").pk

    sign_in(page, personas.bekasi_admin.email)
    page.goto(f"{base}/assign/")
    for code in ("T-1", "T-2"):
        indicator = Indicator.objects.get(code=code).pk
        page.locator(f"input[name='ind-{indicator}'][value='{dinkes}']").check()
    page.get_by_role("button", name="Simpan penugasan").click()
    page.wait_for_url(re.compile(rf"{base}/$"))
    sign_out(page)

    sign_in(page, personas.bekasi_dinkes.email)
    expect(page.get_by_test_id("unread-count")).to_have_text("1")
    page.get_by_test_id("inbox-link").click()
    notices = page.get_by_test_id("notices")
    expect(notices.get_by_role("link")).to_have_count(1)
    expect(notices).to_contain_text(
        "4 butir Kabupaten Bekasi (Evaluasi Uji) ditugaskan kepada Dinas Kesehatan Kabupaten "
        "Bekasi oleh"
    )
    expect(notices).to_contain_text("T-1.1, T-1.2, T-2.1, T-2.2")
    notices.get_by_role("link").first.click()
    page.wait_for_url(re.compile(r"/evaluation/my-items/$"))
    expect(page.get_by_test_id("unread-count")).to_have_count(0)

    page.goto("/notifications/preferences/")
    expect(page.get_by_test_id("pref-item_assigned")).to_be_visible()
    expect(page.get_by_test_id("pref-item_corrected")).to_have_count(0)
    expect(page.get_by_test_id("digest-time")).to_contain_text("setiap pagi pukul 07:00 WIB")
