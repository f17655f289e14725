"""Two-factor sign-in in Chromium: a district administrator without an authenticator signs in,
is sent to the enrolment, adds the key (read from the page) to an "app", confirms with a code,
keeps the backup codes, signs out and signs in again with a fresh code."""

from __future__ import annotations

import re
from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from layak.organisations.models import Organisation
from layak.testing import code_at, make_membership, make_personas, make_user, next_code, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def app_code(secret: str, step_offset: int = 0) -> str:
    """What an authenticator app holding ``secret`` shows (``step_offset`` steps ahead)."""
    key = b32decode(secret + "=" * (-len(secret) % 8))
    totp = TOTP(key)
    totp.drift = step_offset
    return f"{totp.token():06d}"


def test_a_district_admin_enrols_then_signs_in_with_a_code(page):
    make_personas()
    user = make_user(email="admin.baru@example.org")
    dp3a = Organisation.objects.get(
        name="Dinas Pemberdayaan Perempuan dan Perlindungan Anak Kabupaten Bekasi"
    )
    make_membership(user, dp3a, "district_admin")

    page.goto("/accounts/login/")
    page.locator("#id_username").fill(user.email)
    page.locator("#id_password").fill("test-pass-123")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/accounts/two-factor/setup/"))
    # Nothing else is reachable before the enrolment.
    page.goto("/organisations/")
    page.wait_for_url(re.compile(r"/accounts/two-factor/setup/\?next=%2Forganisations%2F"))
    expect(page.locator("main img[src^='data:image/svg+xml']")).to_be_visible()
    secret = page.locator("#two-factor-secret").inner_text().replace(" ", "")
    assert len(secret) == 32

    page.locator("#id_code").fill("000000")
    page.locator("#two-factor-enrol button[type=submit]").click()
    expect(page.locator("#two-factor-enrol .error")).to_be_visible()
    device = TOTPDevice.objects.get(user=user)
    device.throttle_reset()  # the wrong code above made django-otp wait a second
    page.locator("#id_code").fill(app_code(secret))
    page.locator("#two-factor-enrol button[type=submit]").click()
    expect(page.locator("#backup-codes li")).to_have_count(10)
    page.locator("main a.button").click()
    page.wait_for_url(re.compile(r"/organisations/$"))
    device.refresh_from_db()
    assert device.confirmed

    sign_out(page)
    page.locator("#id_username").fill(user.email)
    page.locator("#id_password").fill("test-pass-123")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/accounts/two-factor/\?next="))
    # The code just used is refused (replay); a fresh one is accepted.
    device.refresh_from_db()
    page.locator("#id_code").fill(code_at(device, device.last_t))
    page.locator("#two-factor-verify button[type=submit]").click()
    expect(page.locator("#two-factor-verify .error")).to_be_visible()
    device.refresh_from_db()
    device.throttle_reset()
    page.locator("#id_code").fill(next_code(device))
    page.locator("#two-factor-verify button[type=submit]").click()
    page.wait_for_url(re.compile(r"/$"))
    expect(page.locator(".user-menu")).to_be_visible()
