"""Background jobs: long work (imports, exports, reports, reminders) started by a person, run by
the django-tasks database worker, with progress and a result or a clear reason for failing.

A job is a row here plus a django-tasks task that runs it. A worker that dies mid-job leaves the
row "running" with a stale heartbeat; ``recover_stale`` (run by every worker at start and every
minute) queues it again, up to ``MAX_ATTEMPTS`` runs, then marks it failed. Handlers write their
data in one transaction, so a cut-off run leaves nothing half-written and a new run starts over.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from layak.accounts.models import User


class JobQuerySet(models.QuerySet["Job"]):
    def for_user(self, user: User, action: object = None) -> JobQuerySet:
        """A job and its result belong to the person who started it."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(created_by=user)


class Job(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=64)
    label = models.CharField(_("job"), max_length=300)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    step = models.CharField(_("now"), max_length=300, blank=True)
    params = models.JSONField(default=dict)
    result = models.JSONField(default=dict, blank=True)
    result_file = models.FileField(upload_to="jobs/", max_length=200, blank=True)
    result_name = models.CharField(max_length=200, blank=True)
    error = models.TextField(_("reason"), blank=True)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="jobs"
    )
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("runs"), default=0)

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        indexes = [models.Index(fields=["status", "heartbeat_at"], name="job_stale")]

    def __str__(self) -> str:
        return self.label

    def get_absolute_url(self) -> str:
        return reverse("jobs:detail", args=[self.pk])

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.total:
            return 0
        return min(100, self.progress * 100 // self.total)
