from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import DatabaseError
from django.test import override_settings

from layak.accounts.models import User
from layak.audit.models import AuditEntry
from layak.organisations import actions
from layak.organisations.models import Membership, Organisation
from layak.regions.models import Region
from layak.testing import ensure_regions

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.django_db
def test_healthz_answers_200_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok\n"


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_fails(client, monkeypatch):
    def broken(*args, **kwargs):
        raise DatabaseError("down")

    # Undone at the end of the test itself: the suite then empties the shared store, a table.
    with monkeypatch.context() as patched:
        patched.setattr("layak.core.views.connection.cursor", broken)
        assert client.get("/healthz").status_code == 503


@pytest.mark.django_db
def test_404_and_403_pages_speak_the_users_language(client, personas):
    client.force_login(personas.bekasi_regent)
    body = client.get("/organisations/999999/").content.decode()
    assert "Halaman tidak ditemukan" in body
    forbidden = client.get("/organisations/new/")
    assert forbidden.status_code == 403 and "Tidak diizinkan" in forbidden.content.decode()
    client.post("/accounts/language/", {"language": "en"})
    assert "Page not found" in client.get("/organisations/999999/").content.decode()


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_500_page_is_rendered_in_the_users_language(client, personas, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("layak.core.views.render", boom)
    client.raise_request_exception = False
    client.force_login(personas.bekasi_admin)
    response = client.get("/")
    assert response.status_code == 500
    assert "Terjadi kesalahan" in response.content.decode()


@pytest.mark.django_db
def test_setup_is_idempotent_and_keeps_what_users_entered(django_capture_on_commit_callbacks):
    ensure_regions()  # the full tree loads in its own test; here the demo districts suffice
    call_command("setup", "--demo", verbosity=0)
    from layak.evaluation.tests.demo_checks import assert_demo_on_kla2024

    assert_demo_on_kla2024()
    admin = User.objects.get(email="bekasi.admin@demo.layak.id")
    org = actions.organisation_create(
        actor=admin,
        region=Region.objects.get(code="32.16"),
        name="Dinas Perhubungan Kabupaten Bekasi",
        kind="government_office",
    )
    with django_capture_on_commit_callbacks(execute=True):
        actions.member_invite(
            actor=admin,
            organisation=org,
            email="dishub@example.org",
            full_name="Petugas",
            role="office_operator",
        )
    admin.full_name = "Nama yang diubah"
    admin.save()

    def counts():
        return (
            Region.objects.count(),
            Organisation.objects.count(),
            User.objects.count(),
            Membership.objects.count(),
            AuditEntry.objects.count(),
        )

    before = counts()
    call_command("setup", "--demo", verbosity=0)
    assert counts() == before
    admin.refresh_from_db()
    assert admin.full_name == "Nama yang diubah"
    assert Organisation.objects.filter(pk=org.pk).exists()


def _run_django(env_extra: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"LAYAK_DEMO", "DEBUG", "SECRET_KEY", "HTTPS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.pop("ALLOWED_HOSTS", None)
    env["DJANGO_SETTINGS_MODULE"] = "layak.settings"
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_secret_key_or_hosts(tmp_path):
    result = _run_django({"LAYAK_VAR_DIR": str(tmp_path)}, "check")
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr
    result = _run_django({"SECRET_KEY": "x" * 60, "LAYAK_VAR_DIR": str(tmp_path)}, "check")
    assert result.returncode != 0 and "ALLOWED_HOSTS must be set" in result.stderr


PRODUCTION = {
    "SECRET_KEY": "k" * 30 + "Q7#z" * 10,
    "ALLOWED_HOSTS": "layak.example.go.id",
    "EMAIL_HOST": "smtp.example.go.id",
}


def test_production_settings_pass_the_deploy_check(tmp_path):
    result = _run_django(
        PRODUCTION | {"LAYAK_VAR_DIR": str(tmp_path)},
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_deploy_check_names_what_would_fail_later(tmp_path):
    """No EMAIL_HOST: a warning (emails, set-password links included, only in the log). S3
    storage without boto3 (the s3 extra): an error, before the first upload fails."""
    import importlib.util

    no_mail = dict(PRODUCTION, EMAIL_HOST="")
    result = _run_django(no_mail | {"LAYAK_VAR_DIR": str(tmp_path)}, "check", "--deploy")
    assert "layak.core.W001" in result.stderr + result.stdout
    assert "EMAIL_HOST is not set" in result.stderr + result.stdout
    s3 = PRODUCTION | {"LAYAK_VAR_DIR": str(tmp_path), "S3_BUCKET": "layak-berkas"}
    result = _run_django(s3, "check", "--deploy", "--fail-level", "WARNING")
    said = result.stderr + result.stdout
    if importlib.util.find_spec("boto3") is None:
        assert result.returncode != 0 and "layak.core.E001" in said and "--extra s3" in said
    else:
        assert "layak.core.E001" not in said
