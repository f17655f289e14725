"""What every signed-in request costs before its view: the session is read and written back only
once a minute (the idle sign-out still comes on time), the account, its authenticator and its
memberships are each read once."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from layak.accounts import twofactor
from layak.accounts.actions import two_factor_reset

pytestmark = pytest.mark.django_db

IDLE = timedelta(minutes=settings.SESSION_IDLE_MINUTES)
RENEW = timedelta(seconds=settings.SESSION_RENEW_SECONDS)


class Clock:
    """The time every part of the request reads (``timezone.now``), moved by the test."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.now: datetime = timezone.now()
        monkeypatch.setattr(timezone, "now", lambda: self.now)

    def advance(self, delta: timedelta) -> None:
        self.now += delta


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock(monkeypatch)


def session_writes(queries: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"]
        for q in queries.captured_queries
        if "django_session" in q["sql"] and not q["sql"].lstrip().upper().startswith("SELECT")
    ]


def stored_expiry(client) -> datetime:
    return Session.objects.get(session_key=client.cookies["sessionid"].value).expire_date


def signed_in(response: Any) -> bool:
    return bool(response.status_code == 200)


def test_the_renewal_interval_is_a_minute_and_the_session_is_not_saved_every_request():
    assert settings.SESSION_RENEW_SECONDS == 60
    assert not settings.SESSION_SAVE_EVERY_REQUEST
    assert settings.SESSION_ENGINE == "layak.accounts.sessions"
    middleware = settings.MIDDLEWARE
    assert middleware.index("layak.accounts.middleware.SessionRenewalMiddleware") == (
        middleware.index("django.contrib.sessions.middleware.SessionMiddleware") + 1
    )


def test_a_get_within_the_minute_writes_no_session(client, personas, clock):
    client.force_login(personas.bekasi_dinkes)
    expiry = stored_expiry(client)
    assert expiry == clock.now + IDLE

    clock.advance(RENEW - timedelta(seconds=1))
    with CaptureQueriesContext(connection) as queries:
        again = client.get("/regions/")
    assert signed_in(again)
    assert session_writes(queries) == []
    assert "sessionid" not in again.cookies
    assert stored_expiry(client) == expiry


def test_a_get_after_the_minute_renews_the_session_and_its_cookie(client, personas, clock):
    client.force_login(personas.bekasi_dinkes)
    clock.advance(RENEW)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/regions/")
    assert len(session_writes(queries)) == 1
    assert response.cookies["sessionid"]["max-age"] == settings.SESSION_COOKIE_AGE
    assert stored_expiry(client) == clock.now + IDLE


def test_an_active_person_is_not_signed_out(client, personas, clock):
    """Requests at most ``SESSION_IDLE_MINUTES`` minus a minute apart keep the session, even
    when the request before was one that did not write it."""
    client.force_login(personas.bekasi_admin)
    assert signed_in(client.get("/regions/"))
    for _ in range(4):  # four hours in all
        clock.advance(RENEW - timedelta(seconds=10))
        assert signed_in(client.get("/regions/"))  # within the minute: not written
        clock.advance(IDLE - RENEW - timedelta(seconds=1))
        assert signed_in(client.get("/regions/"))


def test_an_idle_person_is_signed_out_on_time(client, personas, clock):
    """Never later than ``SESSION_IDLE_MINUTES`` after the last request, whether or not that
    request wrote the session."""
    client.force_login(personas.bekasi_admin)
    assert signed_in(client.get("/regions/"))
    clock.advance(RENEW - timedelta(seconds=10))
    assert signed_in(client.get("/regions/"))  # not written
    clock.advance(IDLE)
    response = client.get("/regions/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_signing_in_and_out_still_writes_the_session_at_once(client, personas, clock):
    from layak.core.demo import DEMO_PASSWORD

    dinkes = personas.bekasi_dinkes
    response = client.post(
        "/accounts/login/", {"username": dinkes.email, "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    assert stored_expiry(client) == clock.now + IDLE
    assert signed_in(client.get("/regions/"))
    key = client.cookies["sessionid"].value
    client.post("/accounts/logout/")
    assert not Session.objects.filter(session_key=key).exists()
    assert client.get("/regions/").status_code == 302


def test_a_visitor_without_a_session_gets_none(client, db):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert "sessionid" not in response.cookies
    assert not Session.objects.exists()


def test_before_the_view_a_verified_person_costs_two_queries(client, personas):
    """The session, then the account with the authenticator that verified the session in one
    statement; then the view (here the health check's own query)."""
    client.force_login(personas.bekasi_admin)
    client.get("/regions/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/healthz").status_code == 200
    read = [
        q["sql"].split(" FROM ", 1)[1].split()[0] if " FROM " in q["sql"] else q["sql"]
        for q in queries.captured_queries
    ]
    assert read[0] == '"django_session"'
    assert read[2:] == ["SELECT 1"]
    assert '"accounts_user"' in queries[1]["sql"]
    assert '"otp_totp_totpdevice"' in queries[1]["sql"]


def test_a_page_reads_the_authenticator_and_the_memberships_once(client, personas):
    """A person without an authenticator (whose role does not require one): one query asks
    whether they have one, one reads their memberships, however often the page asks."""
    client.force_login(personas.bekasi_dinkes)
    client.get("/regions/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/regions/").status_code == 200
    sql = [q["sql"] for q in queries.captured_queries]
    assert sum('FROM "otp_totp_totpdevice"' in s for s in sql) == 1
    assert sum('FROM "organisations_membership"' in s for s in sql) == 1
    assert session_writes(queries) == []


def test_whether_a_person_has_an_authenticator_is_asked_once_until_it_changes(
    personas, django_assert_num_queries
):
    admin = type(personas.bekasi_admin).objects.get(pk=personas.bekasi_admin.pk)
    with django_assert_num_queries(1):
        assert all(twofactor.has_two_factor(admin) for _ in range(5))
    two_factor_reset(actor=personas.ministry, user=personas.bekasi_admin)
    assert not twofactor.has_two_factor(admin)


def settings_with(monkeypatch: pytest.MonkeyPatch, **env: str) -> dict[str, Any]:
    """The settings module as it reads ``env`` (run apart from the loaded settings)."""
    import runpy

    import layak.settings

    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(layak.settings.__file__)


def test_postgresql_prepares_statements_unless_turned_off(monkeypatch):
    postgres = "postgres://layak@db.internal/layak"
    options = settings_with(monkeypatch, DATABASE_URL=postgres)["DATABASES"]["default"]["OPTIONS"]
    assert options == {
        "server_side_binding": True,
        "prepare_threshold": 5,
        "options": "-c jit=off",
    }
    off = settings_with(monkeypatch, DATABASE_URL=postgres, DB_SERVER_SIDE_BINDING="0")
    assert "server_side_binding" not in off["DATABASES"]["default"].get("OPTIONS", {})
    sqlite = settings_with(monkeypatch, DATABASE_URL="sqlite:///var/x.sqlite3")
    assert "server_side_binding" not in sqlite["DATABASES"]["default"]["OPTIONS"]
    assert "options" not in sqlite["DATABASES"]["default"]["OPTIONS"]


def test_postgresql_runs_without_jit_unless_asked(monkeypatch):
    postgres = "postgres://layak@db.internal/layak"
    jit = settings_with(monkeypatch, DATABASE_URL=postgres, DB_JIT="1")
    assert "options" not in jit["DATABASES"]["default"].get("OPTIONS", {})
    off = settings_with(monkeypatch, DATABASE_URL=postgres, DB_SERVER_SIDE_BINDING="0", DB_JIT="0")
    assert off["DATABASES"]["default"]["OPTIONS"] == {"options": "-c jit=off"}
