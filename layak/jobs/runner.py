"""Starting, running and recovering jobs (see ``layak.jobs.models``)."""

from __future__ import annotations

import datetime
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import DatabaseError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from layak.accounts.models import User
from layak.audit.log import record
from layak.jobs.models import Job
from layak.notifications.models import Notice
from layak.notifications.notify import notify
from layak.regions.models import Region

log = logging.getLogger(__name__)
S = Job.Status


class JobFailed(Exception):
    """A handler refuses to go on; the message is shown to the person who started the job."""


@dataclass
class Progress:
    """What a handler tells the person watching: ``step`` and ``done`` of ``total``."""

    job: Job

    def __call__(self, done: int, total: int | None = None, step: str | None = None) -> None:
        fields: dict[str, Any] = {"progress": done, "heartbeat_at": timezone.now()}
        if total is not None:
            fields["total"] = total
        if step is not None:
            fields["step"] = step[:300]
        Job.objects.filter(pk=self.job.pk).update(**fields)
        for key, value in fields.items():
            setattr(self.job, key, value)

    def file(self, name: str, content: bytes) -> None:
        """Keep ``content`` as the job's result, downloadable by whoever started it."""
        self.job.result_file.save(name, ContentFile(content), save=False)
        self.job.result_name = name[:200]
        Job.objects.filter(pk=self.job.pk).update(
            result_file=self.job.result_file.name, result_name=self.job.result_name
        )


Handler = Callable[[Job, Progress], dict[str, Any] | None]
HANDLERS: dict[str, Handler] = {}


def handler(kind: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        HANDLERS[kind] = fn
        return fn

    return register


def start(
    *,
    actor: User,
    kind: str,
    label: str,
    params: dict[str, Any] | None = None,
    region: Region | None = None,
) -> Job:
    """Record the job and queue it; the worker runs it (at once under the test backend)."""
    if kind not in HANDLERS:
        raise ValueError(f"unknown job kind {kind}")
    with transaction.atomic():
        job = _create(actor, kind, label, params, region)
        # Queued in the same transaction: a worker sees the task once the job row is there.
        _enqueue(job)
    job.refresh_from_db()
    return job


def _create(
    actor: User, kind: str, label: str, params: dict[str, Any] | None, region: Region | None
) -> Job:
    job = Job.objects.create(
        kind=kind,
        label=label[:300],
        params=params or {},
        region=region,
        created_by=actor,
        step=_("Waiting for a worker…"),
    )
    record(actor=actor, action="job.started", obj=job, region=region, after={"kind": kind})
    return job


def _enqueue(job: Job) -> None:
    from layak.jobs.tasks import run_job

    run_job.enqueue(job.pk)


def stale_after() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.JOB_STALE_SECONDS)


class _Heartbeat(threading.Thread):
    """Marks the job alive while its handler works inside a long transaction. On SQLite the
    write waits while the handler holds the database; the next beat tries again."""

    def __init__(self, job_id: int) -> None:
        super().__init__(daemon=True, name=f"job-{job_id}-heartbeat")
        self.job_id = job_id
        self.stopped = threading.Event()

    def run(self) -> None:
        interval = max(1.0, settings.JOB_STALE_SECONDS / 4)
        try:
            while not self.stopped.wait(interval):
                try:
                    Job.objects.filter(pk=self.job_id, status=S.RUNNING).update(
                        heartbeat_at=timezone.now()
                    )
                except DatabaseError:
                    continue
        finally:
            connection.close()


def run(job_id: int) -> str:
    """Run one job to its end; a job already finished is left alone (a retried task)."""
    with transaction.atomic():
        job = (
            Job.objects.select_for_update(of=("self",)).select_related("created_by").get(pk=job_id)
        )
        if job.finished:
            return job.status
        job.status = S.RUNNING
        job.attempts += 1
        job.started_at = job.started_at or timezone.now()
        job.heartbeat_at = timezone.now()
        job.save(update_fields=["status", "attempts", "started_at", "heartbeat_at"])
    beat = _Heartbeat(job.pk)
    if settings.JOB_HEARTBEAT_THREAD:
        beat.start()
    progress = Progress(job)
    try:
        with translation.override(job.created_by.language or settings.LANGUAGE_CODE):
            try:
                result = HANDLERS[job.kind](job, progress) or {}
            except JobFailed as exc:
                return _finish(job, S.FAILED, error=str(exc))
            except Exception:
                log.exception("job %s (%s) failed", job.pk, job.kind)
                return _finish(
                    job,
                    S.FAILED,
                    error=_(
                        "The job stopped because of an unexpected error; nothing was changed. "
                        "The administrators can see the details in the server log."
                    ),
                )
            return _finish(job, S.DONE, result=result)
    finally:
        beat.stopped.set()


@transaction.atomic
def _finish(job: Job, status: str, *, result: dict[str, Any] | None = None, error: str = "") -> str:
    Job.objects.filter(pk=job.pk).update(
        status=status,
        result=result or {},
        error=error,
        finished_at=timezone.now(),
        heartbeat_at=timezone.now(),
        progress=job.total if status == S.DONE and job.total else job.progress,
        step="",
    )
    _notify_finished(job, status, error)
    return status


def _notify_finished(job: Job, status: str, error: str) -> None:
    """The person who started the job hears that it finished or failed (with the reason)."""
    failed = status == S.FAILED
    notify(
        [job.created_by],
        Notice.Kind.JOB_FAILED if failed else Notice.Kind.JOB_FINISHED,
        actor=None,
        url=job.get_absolute_url(),
        message=gettext_noop("%(job)s failed: %(reason)s")
        if failed
        else gettext_noop("%(job)s is finished"),
        params={"job": job.label, "reason": error},
        target=job,
        region=job.region,
    )


def recover_stale(now: datetime.datetime | None = None) -> list[int]:
    """Queue again the jobs whose worker stopped (no heartbeat for ``JOB_STALE_SECONDS``); fail
    those that have been cut off ``JOB_MAX_ATTEMPTS`` times. Returns the ids queued again."""
    now = now or timezone.now()
    requeued: list[int] = []
    stale = Job.objects.filter(status=S.RUNNING, heartbeat_at__lt=now - stale_after())
    for job in stale.select_related("created_by"):
        with transaction.atomic():
            job = (
                Job.objects.select_for_update(of=("self",))
                .select_related("created_by")
                .get(pk=job.pk)
            )
            if job.status != S.RUNNING or (
                job.heartbeat_at and job.heartbeat_at >= now - stale_after()
            ):
                continue
            with translation.override(job.created_by.language or settings.LANGUAGE_CODE):
                if job.attempts >= settings.JOB_MAX_ATTEMPTS:
                    job.status = S.FAILED
                    job.error = _(
                        "The worker stopped %(n)s times while running this job; it was given up. "
                        "Nothing was changed."
                    ) % {"n": job.attempts}
                    job.finished_at = now
                    job.save(update_fields=["status", "error", "finished_at"])
                    _notify_finished(job, S.FAILED, job.error)
                    continue
                job.status = S.QUEUED
                job.step = _("The worker stopped; the job starts again.")
                job.save(update_fields=["status", "step"])
            _enqueue(job)
            requeued.append(job.pk)
    if requeued:
        log.warning("jobs queued again after a worker stopped: %s", requeued)
    return requeued
