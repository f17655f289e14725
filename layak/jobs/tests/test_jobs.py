"""Jobs: running to a result or a reason, resuming after a stopped worker, and who sees them."""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from layak.jobs import runner
from layak.jobs.models import Job
from layak.organisations.models import Organisation

pytestmark = pytest.mark.django_db
S = Job.Status


@runner.handler("test_ok")
def _ok(job, progress):
    progress(1, 2, "halfway")
    progress.file("hasil.txt", b"isi")
    progress(2, 2)
    return {"answer": 42}


@runner.handler("test_refused")
def _refused(job, progress):
    raise runner.JobFailed("Berkas tidak terbaca.")


@runner.handler("test_broken")
def _broken(job, progress):
    with transaction.atomic():
        Organisation.objects.filter(name__startswith="Dinas").update(name="RUSAK")
        raise RuntimeError("disk failed")


def test_a_job_runs_to_its_result_and_file(personas):
    job = runner.start(actor=personas.bekasi_admin, kind="test_ok", label="uji")
    assert job.status == S.DONE and job.result == {"answer": 42}
    assert job.progress == 2 and job.total == 2 and job.percent == 100
    assert job.result_file.read() == b"isi" and job.result_name == "hasil.txt"
    assert job.attempts == 1 and job.finished_at is not None


def test_a_refused_job_says_why_and_an_error_changes_nothing(personas):
    job = runner.start(actor=personas.bekasi_admin, kind="test_refused", label="uji")
    assert job.status == S.FAILED and job.error == "Berkas tidak terbaca."
    job = runner.start(actor=personas.bekasi_admin, kind="test_broken", label="uji")
    assert job.status == S.FAILED and job.error and "disk failed" not in job.error
    assert not Organisation.objects.filter(name="RUSAK").exists()


def test_a_finished_job_is_not_run_again(personas):
    job = runner.start(actor=personas.bekasi_admin, kind="test_ok", label="uji")
    assert runner.run(job.pk) == S.DONE
    job.refresh_from_db()
    assert job.attempts == 1


def _cut_off(job, minutes=10, attempts=1):
    Job.objects.filter(pk=job.pk).update(
        status=S.RUNNING,
        attempts=attempts,
        heartbeat_at=timezone.now() - datetime.timedelta(minutes=minutes),
        finished_at=None,
    )


def test_a_job_cut_off_is_queued_again_and_completes(personas, settings):
    settings.JOB_STALE_SECONDS = 120
    job = runner.start(actor=personas.bekasi_admin, kind="test_ok", label="uji")
    _cut_off(job)
    fresh = runner.start(actor=personas.bekasi_admin, kind="test_ok", label="uji 2")
    _cut_off(fresh, minutes=1)  # still within JOB_STALE_SECONDS: alive
    assert runner.recover_stale() == [job.pk]
    job.refresh_from_db()
    assert job.status == S.DONE and job.attempts == 2
    fresh.refresh_from_db()
    assert fresh.status == S.RUNNING


def test_a_job_cut_off_too_often_fails_with_the_reason(personas, settings):
    settings.JOB_MAX_ATTEMPTS = 3
    job = runner.start(actor=personas.bekasi_admin, kind="test_ok", label="uji")
    _cut_off(job, attempts=3)
    assert runner.recover_stale() == []
    job.refresh_from_db()
    assert job.status == S.FAILED and "3" in job.error


def test_jobs_belong_to_who_started_them(client, personas, english):
    job = runner.start(actor=personas.bekasi_admin, kind="test_ok", label="ekspor uji")
    client.force_login(personas.bekasi_admin)
    for name in ("jobs:detail", "jobs:status", "jobs:download"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 200
    assert "ekspor uji" in client.get(reverse("jobs:list")).content.decode()
    client.force_login(personas.ministry)
    for name in ("jobs:detail", "jobs:status", "jobs:download"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404
    assert "ekspor uji" not in client.get(reverse("jobs:list")).content.decode()


def test_the_progress_block_polls_only_while_running(client, personas):
    job = runner.start(actor=personas.bekasi_admin, kind="test_ok", label="uji")
    client.force_login(personas.bekasi_admin)
    done = client.get(reverse("jobs:status", args=[job.pk])).content.decode()
    assert "hx-trigger" not in done
    Job.objects.filter(pk=job.pk).update(status=S.RUNNING, progress=1, total=4)
    running = client.get(reverse("jobs:status", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in running and 'value="25"' in running


def test_instrument_import_runs_as_a_job_and_lists_the_problems(client, personas, english):
    from django.core.files.uploadedfile import SimpleUploadedFile

    personas.ministry.language = "en"
    personas.ministry.save(update_fields=["language"])
    client.force_login(personas.ministry)
    response = client.post(
        reverse("frameworks:import"),
        {"file": SimpleUploadedFile("rusak.xlsx", b"not a workbook"), "dry_run": "on"},
    )
    job = Job.objects.get(kind="instrument_import")
    assert response.url == job.get_absolute_url()
    assert job.status == S.DONE and job.result["problems"] and job.result["version"] is None
    page = client.get(response.url).content.decode()
    assert "not an XLSX workbook" in page


def test_reminders_on_demand_for_the_ministry_only(client, personas):
    client.force_login(personas.bekasi_admin)
    assert client.post(reverse("evaluation:reminders_send")).status_code == 403
    client.force_login(personas.ministry)
    response = client.post(reverse("evaluation:reminders_send"))
    job = Job.objects.get(kind="reminders")
    assert response.url == job.get_absolute_url()
    assert job.status == S.DONE and job.result == {"sent": 0}


def test_the_worker_waits_for_the_database_instead_of_exiting(monkeypatch):
    """A database restart makes django-tasks' worker raise; the worker command carries on."""
    import io

    from django.core.management import call_command
    from django.db import OperationalError

    from layak.jobs.management.commands import worker

    calls = {"recover": 0, "db_worker": 0}

    def recover_stale():
        calls["recover"] += 1
        if calls["recover"] == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return 0

    def fake_call_command(name, *args):
        assert name == "db_worker"
        calls["db_worker"] += 1
        if calls["db_worker"] < 3:
            raise OperationalError("connection is bad")

    monkeypatch.setattr(worker, "recover_stale", recover_stale)
    monkeypatch.setattr(worker, "call_command", fake_call_command)
    stderr = io.StringIO()
    call_command("worker", "--batch", "--retry-seconds", "0", stderr=stderr)
    assert calls == {"recover": 2, "db_worker": 3}
    assert stderr.getvalue().count("The database does not answer") == 3
