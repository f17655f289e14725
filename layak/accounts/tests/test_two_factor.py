"""Two-factor sign-in: who must have it, the code step, enrolment, backup codes, turning it off,
the ministry's reset and the lockout after wrong codes."""

from __future__ import annotations

import re
from base64 import b32decode

import pytest
from django.core import checks
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from layak.accounts import twofactor
from layak.audit.models import AuditEntry
from layak.core.demo import DEMO_PASSWORD, DEMO_TOTP_KEY
from layak.organisations.models import Membership, Organisation
from layak.testing import code_at, make_membership, make_user, next_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_throttle(settings):
    """django-otp makes a device wait 1, 2, 4... seconds after each wrong code; tests that type a
    right code just after a wrong one do not wait."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def sign_in_with_password(client, user, password: str = DEMO_PASSWORD):
    return client.post("/accounts/login/", {"username": user.email, "password": password})


def new_district_admin():
    """A district administrator without an authenticator yet (password ``test-pass-123``)."""
    user = make_user()
    dp3a = Organisation.objects.get(
        name="Dinas Pemberdayaan Perempuan dan Perlindungan Anak Kabupaten Bekasi"
    )
    make_membership(user, dp3a, "district_admin")
    return user


def test_roles_that_require_two_factor(personas, settings):
    for key in ("ministry", "verifier.jabar", "bekasi.admin", "gunungmas.admin"):
        assert twofactor.requires_two_factor(personas[key]), key
    for key in ("bekasi.dinkes", "assessor", "bekasi.regent", "bekasi.partner", "bekasi.forum"):
        assert not twofactor.requires_two_factor(personas[key]), key
    settings.OTP_REQUIRED_ROLES = ["reader"]
    regent = type(personas.bekasi_regent).objects.get(pk=personas.bekasi_regent.pk)
    admin = type(personas.bekasi_admin).objects.get(pk=personas.bekasi_admin.pk)
    assert twofactor.requires_two_factor(regent)
    assert not twofactor.requires_two_factor(admin)


def test_an_inactive_role_does_not_require_two_factor(personas):
    user = new_district_admin()
    membership = Membership.objects.get(user=user)
    membership.is_active = False
    membership.save()
    assert not twofactor.requires_two_factor(type(user).objects.get(pk=user.pk))


def test_unknown_role_codes_in_the_setting_are_reported(settings):
    settings.OTP_REQUIRED_ROLES = ["district_admin", "district_boss"]
    errors = [e for e in checks.run_checks() if e.id == "layak.accounts.E001"]
    assert errors and "district_boss" in errors[0].msg


@pytest.mark.unverified_login
def test_an_unverified_district_admin_reaches_only_the_code_step(client, personas):
    client.force_login(personas.bekasi_admin)
    response = client.get("/organisations/?q=x")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/two-factor/?next=%2Forganisations%2F%3Fq%3Dx"
    assert client.post("/organisations/new/", {"name": "x"})["Location"] == (
        "/accounts/two-factor/"
    )
    htmx = client.get("/organisations/", HTTP_HX_REQUEST="true")
    assert htmx["HX-Redirect"] == "/accounts/two-factor/"
    # The code step, the public portal, the health check and the language switch stay open.
    step = client.get("/accounts/two-factor/")
    assert step.status_code == 200
    # Before the code nothing of the account shows: no name, notices, search or jobs.
    page = step.content.decode()
    for hidden in ('data-testid="inbox-link"', "/accounts/profile/", 'action="/search/"', "/jobs/"):
        assert hidden not in page, hidden
    assert client.get("/public/").status_code == 200
    assert client.get("/healthz").status_code == 200
    assert client.post("/accounts/language/", {"language": "en"}).status_code == 302
    # The API does not take the unfinished session.
    assert client.get("/api/v1/regions").status_code == 401
    assert client.post("/accounts/logout/")["Location"] == "/accounts/login/"


@pytest.mark.unverified_login
def test_an_unverified_office_operator_without_app_goes_anywhere(client, personas):
    client.force_login(personas.bekasi_dinkes)
    assert client.get("/organisations/").status_code == 200


@pytest.mark.unverified_login
def test_an_optional_user_with_an_app_is_asked_for_the_code(client, personas):
    TOTPDevice.objects.create(user=personas.bekasi_dinkes, name="authenticator", confirmed=True)
    client.force_login(personas.bekasi_dinkes)
    assert client.get("/organisations/")["Location"].startswith("/accounts/two-factor/")


def test_force_login_in_tests_gives_a_verified_session(client, personas):
    client.force_login(personas.bekasi_admin)
    assert client.get("/organisations/").status_code == 200
    assert DEVICE_ID_SESSION_KEY in client.session


def test_sign_in_with_password_then_code(client, personas, no_throttle):
    admin = personas.bekasi_admin
    response = sign_in_with_password(client, admin)
    assert response["Location"] == "/accounts/two-factor/?next=%2F"
    page = client.get(response["Location"])
    assert page.status_code == 200 and 'name="code"' in page.content.decode()
    wrong = client.post("/accounts/two-factor/", {"code": "000000", "next": "/organisations/"})
    assert wrong.status_code == 200 and "code" in wrong.context["form"].errors
    assert client.get("/organisations/").status_code == 302
    device = TOTPDevice.objects.get(user=admin)
    right = client.post(
        "/accounts/two-factor/", {"code": next_code(device), "next": "/organisations/"}
    )
    assert right.status_code == 302 and right["Location"] == "/organisations/"
    assert client.get("/organisations/").status_code == 200
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id


def test_the_next_address_must_be_layak(client, personas):
    sign_in_with_password(client, personas.bekasi_admin)
    device = TOTPDevice.objects.get(user=personas.bekasi_admin)
    response = client.post(
        "/accounts/two-factor/", {"code": next_code(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_a_code_is_accepted_once(client, personas, no_throttle):
    admin = personas.bekasi_admin
    device = TOTPDevice.objects.get(user=admin)
    code = next_code(device)
    sign_in_with_password(client, admin)
    assert client.post("/accounts/two-factor/", {"code": code})["Location"] == "/"
    client.post("/accounts/logout/")
    sign_in_with_password(client, admin)
    replay = client.post("/accounts/two-factor/", {"code": code})
    assert replay.status_code == 200  # refused: the same code again
    assert client.get("/").status_code == 302


def test_codes_of_a_neighbouring_time_step_are_accepted_but_not_further(client, personas):
    admin = personas.bekasi_admin
    device = TOTPDevice.objects.get(user=admin)
    from django_otp.oath import TOTP

    now_t = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).t()
    sign_in_with_password(client, admin)
    far = client.post("/accounts/two-factor/", {"code": code_at(device, now_t + 3)})
    assert far.status_code == 200
    assert client.get("/").status_code == 302
    device.throttle_reset()
    response = client.post("/accounts/two-factor/", {"code": code_at(device, now_t + 1)})
    assert response.status_code == 302


def test_a_required_role_without_app_enrols_first(client, personas, no_throttle):
    user = new_district_admin()
    response = sign_in_with_password(client, user, "test-pass-123")
    assert response["Location"] == "/accounts/two-factor/setup/?next=%2F"
    assert client.get("/organisations/")["Location"].startswith("/accounts/two-factor/setup/")
    # The code step sends a person without an app to the enrolment.
    assert client.get("/accounts/two-factor/")["Location"].startswith("/accounts/two-factor/setup/")
    page = client.get("/accounts/two-factor/setup/?next=/organisations/").content.decode()
    assert 'src="data:image/svg+xml' in page
    secret = re.search(r'id="two-factor-secret">([A-Z2-7 ]+)<', page).group(1)
    assert all(len(group) == 4 for group in secret.split(" ")[:-1])
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8)) == (
        device.bin_key
    )
    # Reloading keeps the same key.
    assert secret in client.get("/accounts/two-factor/setup/").content.decode()
    wrong = client.post("/accounts/two-factor/setup/", {"code": "123456"})
    assert wrong.status_code == 200 and wrong.context["form"].errors
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    right = client.post(
        "/accounts/two-factor/setup/", {"code": next_code(device), "next": "/organisations/"}
    )
    assert right.status_code == 200
    codes = right.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(code in right.content.decode() for code in codes)
    device.refresh_from_db()
    assert device.confirmed
    assert StaticToken.objects.filter(device__user=user).count() == 10
    entry = AuditEntry.objects.get(action="user.two_factor_enrolled", actor=user)
    assert entry.after == {"replaced": 0, "backup_codes": 10}
    assert client.get("/organisations/").status_code == 200


def test_backup_codes_are_single_use(client, personas):
    user = new_district_admin()
    sign_in_with_password(client, user, "test-pass-123")
    client.get("/accounts/two-factor/setup/")
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    codes = client.post("/accounts/two-factor/setup/", {"code": next_code(device)}).context["codes"]
    client.post("/accounts/logout/")

    sign_in_with_password(client, user, "test-pass-123")
    response = client.post("/accounts/two-factor/", {"code": codes[0].upper()})
    assert response.status_code == 302 and client.get("/").status_code == 200
    assert StaticToken.objects.filter(device__user=user).count() == 9
    assert AuditEntry.objects.filter(action="user.two_factor_backup_code_used", actor=user).exists()
    client.post("/accounts/logout/")

    sign_in_with_password(client, user, "test-pass-123")
    assert client.post("/accounts/two-factor/", {"code": codes[0]}).status_code == 200
    assert client.get("/").status_code == 302


def test_an_optional_user_enrols_and_turns_it_off_with_a_code(client, personas, no_throttle):
    dinkes = personas.bekasi_dinkes
    client.force_login(dinkes)
    assert "/accounts/two-factor/setup/" in client.get("/accounts/profile/").content.decode()
    client.get("/accounts/two-factor/setup/")
    device = TOTPDevice.objects.get(user=dinkes, confirmed=False)
    client.post("/accounts/two-factor/setup/", {"code": next_code(device)})
    assert TOTPDevice.objects.filter(user=dinkes, confirmed=True).exists()

    client.post("/accounts/two-factor/disable/", {"code": "999999"})
    assert TOTPDevice.objects.filter(user=dinkes, confirmed=True).exists()  # wrong code
    client.post("/accounts/two-factor/disable/", {"code": next_code(device)})
    assert not TOTPDevice.objects.filter(user=dinkes).exists()
    assert not StaticDevice.objects.filter(user=dinkes).exists()
    assert AuditEntry.objects.filter(action="user.two_factor_disabled", actor=dinkes).exists()
    assert client.get("/organisations/").status_code == 200


def test_a_required_role_cannot_turn_it_off(client, personas):
    admin = personas.bekasi_admin
    client.force_login(admin)
    device = TOTPDevice.objects.get(user=admin)
    response = client.post("/accounts/two-factor/disable/", {"code": next_code(device)})
    assert response["Location"] == "/accounts/profile/"
    assert TOTPDevice.objects.filter(user=admin, confirmed=True).exists()
    assert not AuditEntry.objects.filter(action="user.two_factor_disabled").exists()


def test_new_backup_codes_replace_the_old_ones(client, personas):
    admin = personas.bekasi_admin
    client.force_login(admin)
    device = TOTPDevice.objects.get(user=admin)
    response = client.post("/accounts/two-factor/backup-codes/", {"code": next_code(device)})
    assert response.status_code == 200 and len(response.context["codes"]) == 10
    second = client.post(
        "/accounts/two-factor/backup-codes/", {"code": response.context["codes"][0]}
    )
    assert set(second.context["codes"]).isdisjoint(response.context["codes"])
    assert StaticToken.objects.filter(device__user=admin).count() == 10


def test_the_ministry_resets_a_lost_phone(client, personas):
    admin = personas.bekasi_admin
    url = f"/accounts/users/{admin.pk}/two-factor/"
    client.force_login(personas["verifier.jabar"])
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    client.force_login(admin)
    assert client.post(url).status_code == 403

    other = type(client)()
    other.force_login(admin)  # the admin's own browser, verified before the reset
    client.force_login(personas.ministry)
    page = client.get(url)
    assert page.status_code == 200 and "two-factor-reset" in page.content.decode()
    assert client.post(url)["Location"] == url
    assert not TOTPDevice.objects.filter(user=admin).exists()
    entry = AuditEntry.objects.get(action="user.two_factor_reset")
    assert entry.actor == personas.ministry and entry.object_id == str(admin.pk)
    # The admin's session is no longer verified: they enrol again.
    assert other.get("/organisations/")["Location"].startswith("/accounts/two-factor/setup/")
    # Nothing to reset any more.
    client.post(url)
    assert AuditEntry.objects.filter(action="user.two_factor_reset").count() == 1


def test_wrong_codes_drop_the_half_sign_in_and_lock_the_account(client, personas, settings):
    admin = personas.bekasi_admin
    device = TOTPDevice.objects.get(user=admin)
    sign_in_with_password(client, admin)
    for _ in range(settings.OTP_FAILURE_LIMIT - 1):
        assert client.post("/accounts/two-factor/", {"code": "000000"}).status_code == 200
    last = client.post("/accounts/two-factor/", {"code": "000000"})
    assert last.status_code in (302, 429)
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302
    # The wrong codes counted toward the sign-in lockout of that account.
    again = sign_in_with_password(client, admin)
    assert again.status_code == 429
    device.refresh_from_db()
    assert device.throttling_failure_count >= 1  # and the device itself slows guessing down


def test_demo_administrators_share_the_published_key(client, personas):
    device = TOTPDevice.objects.get(user=personas.ministry)
    assert device.bin_key == b32decode(DEMO_TOTP_KEY)
    assert not TOTPDevice.objects.filter(user=personas.bekasi_dinkes).exists()
    assert DEMO_TOTP_KEY in client.get("/accounts/login/").content.decode()
