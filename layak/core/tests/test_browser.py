"""Browser tests: real Chromium (Debian's package) driven by Playwright against a live server."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from layak.organisations.models import Membership, Organisation
from layak.testing import PERSONA_ROLES, Personas, make_personas, sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db) -> Personas:
    return make_personas()


def test_every_demo_role_signs_in_switches_language_and_sees_its_home(page, demo):
    for key, role in [*PERSONA_ROLES.items(), ("gunungmas.admin", "district_admin")]:
        sign_in(page, demo[key].email)
        # Indonesian by default, even though the browser asks for English.
        assert page.locator("html").get_attribute("lang") == "id"
        assert page.get_by_role("heading", name="Peran Anda").is_visible()
        assert page.get_by_test_id(f"role-{role}").is_visible()
        page.get_by_test_id("lang-en").click()
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.get_by_role("heading", name="Your roles").is_visible()
        nav = page.get_by_role("navigation", name="Main navigation")
        has_audit = nav.get_by_role("link", name="Audit log").count() == 1
        assert has_audit == (role in {"ministry_admin", "district_admin"}), key
        # Remembered for the person: the next page is English too.
        page.goto("/accounts/profile/")
        assert page.get_by_role("heading", name="Your profile").is_visible()
        sign_out(page)


def test_home_fits_a_360_pixel_phone_and_keyboard_reaches_the_skip_link(page, demo):
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in(page, demo.bekasi_admin.email)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"


def test_administrator_invites_a_member_who_sets_a_password_and_signs_in(page, demo):
    sign_in(page, demo.bekasi_admin.email)
    dinsos = Organisation.objects.get(name="Dinas Sosial Kabupaten Bekasi")
    page.goto(f"/organisations/{dinsos.pk}/")
    page.get_by_role("link", name="Undang anggota").click()
    page.locator("#id_full_name").fill("Wati Pratiwi")
    page.locator("#id_email").fill("wati@example.org")
    page.locator("#id_role").select_option("office_operator")
    page.get_by_role("button", name="Kirim undangan").click()
    assert page.get_by_text("wati@example.org").first.is_visible()
    assert page.locator("td", has_text="Wati Pratiwi").first.is_visible()  # members, history
    sign_out(page)

    body = mail.outbox[-1].body
    link = re.search(r"https?://\S+(/accounts/password/reset/\S+)", body)
    assert link, body
    page.goto(link.group(1))
    page.locator("#id_new_password1").fill("Kuat-sekali-2026")
    page.locator("#id_new_password2").fill("Kuat-sekali-2026")
    page.get_by_role("button", name="Simpan kata sandi").click()
    page.wait_for_url(re.compile("/complete/"))
    sign_in(page, "wati@example.org", "Kuat-sekali-2026")
    assert page.get_by_test_id("role-office_operator").is_visible()


def test_administrator_creates_an_organisation_with_the_region_picker(page, demo):
    sign_in(page, demo.bekasi_admin.email)
    page.goto("/organisations/new/")
    page.locator("#id_name").fill("Puskesmas Cikarang")
    page.locator("#id_kind").select_option("government_office")
    page.locator("#id_region").fill("Cikarang Utara")
    page.locator(".picker-results button", has_text="Cikarang Utara").first.click()
    assert "Cikarang Utara" in page.locator(".picker-selected").inner_text()
    page.get_by_role("button", name="Simpan").click()
    page.wait_for_url(re.compile(r"/organisations/\d+/$"))
    assert page.get_by_role("heading", name="Puskesmas Cikarang").is_visible()
    assert page.get_by_role("link", name="Cikarang Utara").is_visible()
    # The creation is in the organisation's history.
    assert page.get_by_text("Organisasi dibuat").first.is_visible()


def test_administrator_deactivates_a_membership_after_confirming(page, demo):
    sign_in(page, demo.bekasi_admin.email)
    membership = Membership.objects.get(user=demo.bekasi_regent)
    page.goto(f"/organisations/{membership.organisation_id}/")
    page.on("dialog", lambda dialog: dialog.accept())
    page.locator("details summary", has_text="Ubah").first.click()
    page.get_by_role("button", name="Nonaktifkan").last.click()
    page.wait_for_load_state()
    membership.refresh_from_db()
    assert membership.is_active is False
    assert page.locator(".badge", has_text="nonaktif").first.is_visible()
