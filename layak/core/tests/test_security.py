"""Security headers, the content security policy and inactivity timeouts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parents[2]


def test_pages_carry_a_strict_content_security_policy(client, personas):
    client.force_login(personas.bekasi_admin)
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "frame-ancestors 'none'",
        "object-src 'none'",
        "form-action 'self'",
    ):
        assert directive in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_no_template_has_an_inline_script_style_or_handler():
    """The policy forbids them, so none may exist (PDF templates are rendered by WeasyPrint,
    not by a browser, and keep their <style>; email templates are read by mail programs, never
    served under the policy, and need inline styles there)."""
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        if any(part in str(path) for part in ("/pdf/", "/email/", "/.venv/")):
            continue
        text = path.read_text(encoding="utf-8")
        for pattern in (
            r"<script(?![^>]*\bsrc=)[^>]*>",
            r"<style\b",
            r"\sstyle=\"",
            r"\son[a-z]+=\"",
        ):
            if re.search(pattern, text):
                offenders.append(f"{path.relative_to(TEMPLATES)}: {pattern}")
    assert offenders == []


def test_a_downloaded_file_keeps_its_own_sandboxed_policy(client, personas, evaluation):
    from layak.evaluation.tests.test_workflow import attach_pdf
    from layak.evidence.models import EvidenceFile

    attach_pdf(personas.bekasi_dinkes, evaluation.answers["T-1.1"])
    client.force_login(personas.bekasi_admin)
    response = client.get(f"/evidence/{EvidenceFile.objects.get().pk}/download/")
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_a_session_ends_after_the_idle_time_and_each_request_renews_it(client, personas):
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_IDLE_MINUTES * 60 == 3600
    assert "layak.accounts.middleware.SessionRenewalMiddleware" in settings.MIDDLEWARE
    client.force_login(personas.bekasi_admin)
    assert client.get("/").status_code == 200
    # Renewed at most once a minute (layak/accounts/tests/test_request_cost.py).
    stored = Session.objects.get(session_key=client.cookies["sessionid"].value)
    assert 3540 < (stored.expire_date - timezone.now()).total_seconds() <= 3600


def test_a_database_that_does_not_answer_gives_a_503_page_in_the_persons_language(
    client, personas, monkeypatch
):
    from django.db import OperationalError

    from layak.core import views

    def down(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(views, "_programme_work", down)
    client.force_login(personas.bekasi_admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/programme/")
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert "briefly unavailable" in response.content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "id"
    response = client.get("/programme/")
    assert response.status_code == 503 and 'lang="id"' in response.content.decode()
    # The next request after the database is back is served normally.
    monkeypatch.undo()
    assert client.get("/").status_code == 200


def test_a_database_lost_while_the_session_is_read_still_gives_the_503_page(
    client, personas, monkeypatch
):
    """Errors raised in the session or authentication middleware never reach the 503
    middleware; the 500 handler answers them with the 503 page."""
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import OperationalError

    client.force_login(personas.bekasi_admin)
    client.raise_request_exception = False

    def down(self, *args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(SessionStore, "load", down)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/programme/")
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert "briefly unavailable" in response.content.decode()
    monkeypatch.undo()
    assert client.get("/programme/").status_code == 200


def test_other_errors_still_give_the_500_page(client, personas, monkeypatch):
    from layak.core import views

    def broken(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr(views, "_programme_work", broken)
    client.force_login(personas.bekasi_admin)
    client.raise_request_exception = False
    assert client.get("/programme/").status_code == 500


PRODUCTION_PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
client = Client(HTTP_HOST="layak.example.go.id")
secure = client.get("/healthz", secure=True)
plain = client.get("/accounts/login/")
names = ["Strict-Transport-Security", "X-Frame-Options", "X-Content-Type-Options",
         "Content-Security-Policy", "Referrer-Policy"]
print(json.dumps({
    "status": secure.status_code,
    "plain": [plain.status_code, plain.get("Location", "")],
    "headers": {name: secure.get(name, "") for name in names},
    "cookies": [settings.SESSION_COOKIE_SECURE, settings.SESSION_COOKIE_HTTPONLY,
                settings.SESSION_COOKIE_SAMESITE, settings.CSRF_COOKIE_SECURE,
                settings.CSRF_COOKIE_SAMESITE],
}))
"""


def _production_env(tmp_path):
    import os
    import secrets

    # A clean environment: none of the test run's switches (demo mode, async safety...).
    env = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    env |= {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "layak.example.go.id",
        "EMAIL_HOST": "smtp.example.go.id",
        "DJANGO_SETTINGS_MODULE": "layak.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'probe.sqlite3'}",
        "PYTHONPATH": str(TEMPLATES.parent),
    }
    return env


def test_production_settings_send_the_security_headers_and_secure_cookies(tmp_path):
    import json
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", PRODUCTION_PROBE],
        env=_production_env(tmp_path),
        capture_output=True,
        text=True,
        check=True,
        cwd=TEMPLATES.parent,
    )
    probe = json.loads(done.stdout.strip().splitlines()[-1])
    assert probe["status"] == 200
    assert probe["plain"] == [301, "https://layak.example.go.id/accounts/login/"]
    headers = probe["headers"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["Referrer-Policy"] == "same-origin"
    assert probe["cookies"] == [True, True, "Lax", True, "Lax"]


def test_the_deployment_check_is_clean_with_production_settings(tmp_path):
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=_production_env(tmp_path),
        capture_output=True,
        text=True,
        cwd=TEMPLATES.parent,
    )
    assert done.returncode == 0, done.stderr
    assert "no issues" in done.stdout
