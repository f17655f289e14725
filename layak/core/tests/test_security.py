"""Security headers, the content security policy and inactivity timeouts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

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
    not by a browser, and keep their <style>)."""
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        if "/pdf/" in str(path) or "/.venv/" in str(path):
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
    assert settings.SESSION_SAVE_EVERY_REQUEST
    client.force_login(personas.bekasi_admin)
    response = client.get("/")
    assert response.cookies["sessionid"]["max-age"] == 3600


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
