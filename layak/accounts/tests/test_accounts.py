from __future__ import annotations

import re

import pytest
from django.core import mail

from layak.audit.models import AuditEntry
from layak.core.demo import DEMO_PASSWORD
from layak.organisations import actions
from layak.organisations.models import Organisation

pytestmark = pytest.mark.django_db


def test_login_with_demo_password_and_logout(client, personas):
    # An office operator: the password is enough (no two-factor step for this role).
    response = client.post(
        "/accounts/login/",
        {"username": personas.bekasi_dinkes.email, "password": DEMO_PASSWORD},
    )
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/").status_code == 302


def test_login_page_lists_demo_accounts_in_demo_mode(client, personas):
    body = client.get("/accounts/login/").content.decode()
    assert personas.bekasi_admin.email in body and DEMO_PASSWORD in body


def test_repeated_wrong_passwords_lock_the_account_from_that_address(client, personas, settings):
    email = personas.bekasi_admin.email
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": email, "password": "wrong"})
    response = client.post("/accounts/login/", {"username": email, "password": DEMO_PASSWORD})
    assert response.status_code == 429
    assert client.get("/").status_code == 302  # still not signed in


def test_indonesian_is_the_default_whatever_the_browser_says(client, personas):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "id"
    assert 'lang="id"' in response.content.decode()


def test_language_switch_is_remembered_on_the_account(client, personas):
    user = personas.bekasi_dinkes
    client.force_login(user)
    response = client.post("/accounts/language/", {"language": "en", "next": "/organisations/"})
    assert response.status_code == 302 and response["Location"] == "/organisations/"
    user.refresh_from_db()
    assert user.language == "en"
    assert AuditEntry.objects.filter(action="user.language_changed", actor=user).exists()
    # A new session (another browser) opens in English too.
    client.cookies.clear()
    client.force_login(user)
    assert client.get("/")["Content-Language"] == "en"


def test_language_switch_refuses_foreign_redirects(client):
    response = client.post(
        "/accounts/language/", {"language": "en", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"
    assert client.get("/accounts/login/")["Content-Language"] == "en"


def test_invited_person_sets_a_password_through_the_link(
    client, personas, django_capture_on_commit_callbacks
):
    dinsos = Organisation.objects.get(name="Dinas Sosial Kabupaten Bekasi")
    with django_capture_on_commit_callbacks(execute=True):
        actions.member_invite(
            actor=personas.bekasi_admin,
            organisation=dinsos,
            email="baru@example.org",
            full_name="Orang Baru",
            role="office_operator",
        )
    link = re.search(r"http://testserver(/accounts/password/reset/\S+)", mail.outbox[0].body)
    assert link
    response = client.get(link.group(1), follow=True)
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url, {"new_password1": "Kuat-sekali-2026", "new_password2": "Kuat-sekali-2026"}
    )
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="user.password_set").exists()
    # The link works once.
    assert client.get(link.group(1), follow=True).context["validlink"] is False
    signed_in = client.post(
        "/accounts/login/", {"username": "baru@example.org", "password": "Kuat-sekali-2026"}
    )
    assert signed_in.status_code == 302


def test_password_reset_sends_a_link(client, personas):
    client.post("/accounts/password/reset/", {"email": personas.bekasi_admin.email})
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/" in mail.outbox[0].body


def test_password_change_is_audited(client, personas):
    client.force_login(personas.bekasi_dinkes)
    response = client.post(
        "/accounts/password/",
        {
            "old_password": DEMO_PASSWORD,
            "new_password1": "Kuat-sekali-2026",
            "new_password2": "Kuat-sekali-2026",
        },
    )
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="user.password_changed").exists()


def test_profile_name_change_is_audited(client, personas):
    client.force_login(personas.bekasi_dinkes)
    client.post("/accounts/profile/", {"full_name": "Dewi A."})
    personas.bekasi_dinkes.refresh_from_db()
    assert personas.bekasi_dinkes.full_name == "Dewi A."
    entry = AuditEntry.objects.get(action="user.profile_changed")
    assert entry.after == {"full_name": "Dewi A."}
    page = client.get("/accounts/profile/").content.decode()
    assert "Profil diubah" in page and "user.profile_changed" not in page
