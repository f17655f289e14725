"""Who a signed-in request is, read in one statement (``layak.accounts.identity``): the same rules
as Django's and django-otp's own reading, each taking effect at the next request."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from layak.accounts.actions import two_factor_reset, user_set_language
from layak.core.demo import DEMO_PASSWORD
from layak.organisations.actions import membership_set_active
from layak.organisations.models import Membership

pytestmark = pytest.mark.django_db


def signed_in(client: Client) -> bool:
    return bool(client.get("/regions/").status_code == 200)


def test_a_page_reads_the_session_then_the_account_and_its_devices_at_once(client, personas):
    """A person without an authenticator: the session, the account with whether they have one,
    then their memberships (does their role require one?), then the view's own query."""
    client.force_login(personas.bekasi_dinkes)
    client.get("/regions/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/healthz").status_code == 200
    sql = [q["sql"] for q in queries.captured_queries]
    assert len(sql) == 4
    assert '"django_session"' in sql[0]
    assert '"accounts_user"' in sql[1] and '"otp_totp_totpdevice"' in sql[1]
    assert '"organisations_membership"' in sql[2]
    assert sql[3] == "SELECT 1"


def test_the_account_read_is_the_account_as_stored(client, personas):
    """Dates, booleans and the language come back as the ORM gives them."""
    from django.contrib.auth import get_user

    dinkes = personas.bekasi_dinkes
    client.force_login(dinkes)
    request = client.get("/regions/").wsgi_request
    user = request.user
    stored = type(dinkes).objects.get(pk=dinkes.pk)
    for field in type(dinkes)._meta.concrete_fields:
        assert getattr(user, field.attname) == getattr(stored, field.attname), field.name
    assert user.last_login.tzinfo is not None
    assert user.is_active is True
    assert get_user(request).pk == dinkes.pk


def test_a_deactivated_account_is_signed_out_at_its_next_request(client, personas):
    client.force_login(personas.bekasi_dinkes)
    assert signed_in(client)
    type(personas.bekasi_dinkes).objects.filter(pk=personas.bekasi_dinkes.pk).update(
        is_active=False
    )
    response = client.get("/regions/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_password_change_signs_out_the_other_sessions(client, personas):
    dinkes = personas.bekasi_dinkes
    client.force_login(dinkes)
    other = Client()
    other.force_login(dinkes)
    assert signed_in(client) and signed_in(other)
    response = client.post(
        "/accounts/password/",
        {
            "old_password": DEMO_PASSWORD,
            "new_password1": "Sandi-baru-yang-panjang-42",
            "new_password2": "Sandi-baru-yang-panjang-42",
        },
    )
    assert response.status_code == 302
    assert signed_in(client)
    assert not signed_in(other)


def test_a_removed_authenticator_ends_the_verified_session(client, personas):
    """The district administrator's role requires a code: once their authenticator is reset,
    the session it verified reaches nothing but the enrolment."""
    admin = personas.bekasi_admin
    client.force_login(admin)
    assert signed_in(client)
    two_factor_reset(actor=personas.ministry, user=admin)
    response = client.get("/regions/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/two-factor/setup/")
    assert DEVICE_ID_SESSION_KEY not in client.session


def test_another_persons_device_does_not_verify_a_session(client, personas):
    admin = personas.bekasi_admin
    client.force_login(admin)
    theirs = TOTPDevice.objects.create(user=personas.ministry, name="x", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = theirs.persistent_id
    session.save()
    response = client.get("/regions/")
    assert response.status_code == 302
    assert DEVICE_ID_SESSION_KEY not in client.session


def test_an_unconfirmed_device_does_not_verify_a_session(client, personas):
    admin = personas.bekasi_admin
    client.force_login(admin)
    device = TOTPDevice.objects.filter(user=admin, confirmed=True).first()
    assert device is not None
    TOTPDevice.objects.filter(pk=device.pk).update(confirmed=False)
    assert client.get("/regions/").status_code == 302


def test_a_membership_change_shows_at_the_next_request(client, personas):
    """The ministry deactivates the office operator's membership: the next page has no
    'My items' in the menu (the operator's edit right came from that membership)."""
    dinkes = personas.bekasi_dinkes
    client.force_login(dinkes)
    assert "/evaluation/my-items/" in client.get("/regions/").content.decode()
    for membership in Membership.objects.filter(user=dinkes, is_active=True):
        membership_set_active(actor=personas.ministry, membership=membership, active=False)
    assert "/evaluation/my-items/" not in client.get("/regions/").content.decode()


def test_the_language_chosen_shows_at_the_next_request(client, personas):
    dinkes = personas.bekasi_dinkes
    client.force_login(dinkes)
    assert client.get("/regions/")["Content-Language"] == "id"
    user_set_language(actor=dinkes, language="en")
    assert client.get("/regions/")["Content-Language"] == "en"


def test_a_signed_out_session_is_nobody(client, personas):
    client.force_login(personas.bekasi_dinkes)
    assert signed_in(client)
    client.post("/accounts/logout/")
    assert not signed_in(client)
