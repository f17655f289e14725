"""The task force (Gugus Tugas KLA) and its coordination meetings.

Perpres 25/2021 has the regent or mayor form the task force by decree (SK): at least a chair,
vice-chairs, a secretary and sub-teams for institutional strengthening (Kelembagaan) and the
five clusters. A new decree supersedes the one in force from its start date; the old decree and
its members are kept, so the structure can be read as it stood on any date. Provinces,
kecamatan and villages may have a task force of their own.

The evaluation asks how often the task force met (``layak.taskforce.stats``); meetings record
attendance, decisions and follow-up actions owned by offices.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from layak.core.concurrency import revision_field
from layak.taskforce.querysets import (
    AttendanceQuerySet,
    DecreeQuerySet,
    FollowUpQuerySet,
    MeetingQuerySet,
    MemberQuerySet,
)

if TYPE_CHECKING:
    from layak.regions.models import Region


class SubTeam(models.TextChoices):
    KL = "KL", _("Institutional strengthening (Kelembagaan)")
    K1 = "K1", _("Cluster I: civil rights and freedoms")
    K2 = "K2", _("Cluster II: family environment and alternative care")
    K3 = "K3", _("Cluster III: basic health and welfare")
    K4 = "K4", _("Cluster IV: education, leisure and culture")
    K5 = "K5", _("Cluster V: special protection")


class TaskForceRole(models.TextChoices):
    CHAIR = "chair", _("Chair")
    VICE_CHAIR = "vice_chair", _("Vice chair")
    SECRETARY = "secretary", _("Secretary")
    COORDINATOR = "coordinator", _("Sub-team coordinator")
    MEMBER = "member", _("Member")


# Roles that belong to a sub-team, and roles that only one person may hold at a time.
SUB_TEAM_ROLES = frozenset({TaskForceRole.COORDINATOR, TaskForceRole.MEMBER})
LEADERSHIP_ROLES = (TaskForceRole.CHAIR, TaskForceRole.VICE_CHAIR, TaskForceRole.SECRETARY)


def district_of(region: Region) -> Region:
    """The regency/city a region lies in (the region itself for a province)."""
    from layak.regions.models import Region

    if region.level <= Region.Level.REGENCY:
        return region
    return Region.objects.get(code=region.regency_code)


class DecreeStatus(models.TextChoices):
    """Where a decree stands on a day; the badge colour is ``colour``."""

    IN_FORCE = "in_force", _("in force")
    NOT_YET = "not_yet", _("not yet in force")
    EXPIRED = "expired", _("expired")
    SUPERSEDED = "superseded", _("superseded")

    @property
    def colour(self) -> str:
        return {"in_force": "ok", "not_yet": "warn"}.get(self.value, "muted")


class Decree(models.Model):
    """A decree (SK) forming or renewing a region's task force."""

    attachable = True

    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="taskforce_decrees",
        verbose_name=_("region"),
    )
    number = models.CharField(_("decree number"), max_length=120)
    title = models.CharField(
        _("title"),
        max_length=300,
        blank=True,
        help_text=_("For example: Pembentukan Gugus Tugas Kabupaten Layak Anak."),
    )
    signed_on = models.DateField(_("date of the decree"))
    signatory = models.CharField(
        _("signed by"), max_length=200, help_text=_("For example: Bupati Bekasi.")
    )
    period_start = models.DateField(_("in force from"))
    period_end = models.DateField(_("in force until"), null=True, blank=True)
    superseded_by = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supersedes",
        verbose_name=_("superseded by"),
    )
    superseded_on = models.DateField(_("superseded from"), null=True, blank=True)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    objects = DecreeQuerySet.as_manager()

    class Meta:
        ordering = ["region__code", "-period_start", "-pk"]
        verbose_name = _("task force decree")
        verbose_name_plural = _("task force decrees")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "period_start"], name="taskforce_decree_one_start_per_region"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.region})"

    def get_absolute_url(self) -> str:
        return reverse("taskforce:decree", args=[self.pk])

    @property
    def attachment_region(self) -> Region:
        return district_of(self.region)

    def status_on(self, on: datetime.date) -> DecreeStatus:
        """Where the decree stands on ``on``: the one status every page shows."""
        if self.superseded_on is not None and self.superseded_on <= on:
            return DecreeStatus.SUPERSEDED
        if self.period_start > on:
            return DecreeStatus.NOT_YET
        if self.period_end is not None and self.period_end < on:
            return DecreeStatus.EXPIRED
        return DecreeStatus.IN_FORCE

    @property
    def status(self) -> DecreeStatus:
        return self.status_on(timezone.localdate())

    def in_force_on(self, on: datetime.date) -> bool:
        return (
            self.period_start <= on
            and (self.period_end is None or self.period_end >= on)
            and (self.superseded_on is None or self.superseded_on > on)
        )

    @property
    def last_day(self) -> datetime.date | None:
        """The last day the decree is (or was) in force; None while open-ended."""
        ends = [self.period_end] if self.period_end is not None else []
        if self.superseded_on is not None:
            ends.append(self.superseded_on - datetime.timedelta(days=1))
        return min(ends) if ends else None


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class Member(models.Model):
    """A person serving in the task force under one decree, from one date until another."""

    Role = TaskForceRole

    decree = models.ForeignKey(
        Decree, on_delete=models.PROTECT, related_name="members", verbose_name=_("decree")
    )
    name = models.CharField(_("name"), max_length=200)
    position = models.CharField(
        _("title or position"),
        max_length=200,
        blank=True,
        help_text=_("For example: Kepala Dinas Kesehatan."),
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="taskforce_members",
        verbose_name=_("organisation"),
        help_text=_("Leave empty for a person from outside the registered organisations."),
    )
    role = models.CharField(_("role in the task force"), max_length=16, choices=Role.choices)
    sub_team = models.CharField(_("sub-team"), max_length=2, choices=SubTeam.choices, blank=True)
    served_from = models.DateField(_("serving from"))
    served_until = models.DateField(_("serving until"), null=True, blank=True)
    end_reason = models.CharField(_("reason the service ended"), max_length=300, blank=True)
    # Known once and carried to every meeting's attendance list (reported by sex).
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = MemberQuerySet.as_manager()

    class Meta:
        ordering = ["decree", "role", "sub_team", "name"]
        verbose_name = _("task force member")
        verbose_name_plural = _("task force members")

    def __str__(self) -> str:
        return f"{self.name} · {self.get_role_display()}"

    def serving_on(self, on: datetime.date) -> bool:
        return self.served_from <= on and (self.served_until is None or self.served_until >= on)


class Meeting(models.Model):
    """A coordination meeting (rapat koordinasi) of a region's task force."""

    attachable = True
    attachments_locked = False

    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="taskforce_meetings",
        verbose_name=_("region"),
    )
    decree = models.ForeignKey(
        Decree,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("decree in force"),
    )
    title = models.CharField(_("title"), max_length=200)
    agenda = models.TextField(_("agenda"))
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("start time"))
    place = models.CharField(_("place"), max_length=200)
    chair_member = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="chaired_meetings",
        verbose_name=_("chaired by (task force member)"),
    )
    chair_name = models.CharField(
        _("chaired by (name)"),
        max_length=200,
        blank=True,
        help_text=_("When the chair is not a member of the task force."),
    )
    minutes = models.TextField(_("minutes"), blank=True)
    decisions = models.JSONField(_("decisions"), default=list, blank=True)
    # Raised by every saved edit; an edit naming an older revision is a conflict.
    revision = revision_field()
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-start_time", "-pk"]
        verbose_name = _("coordination meeting")
        verbose_name_plural = _("coordination meetings")
        indexes = [models.Index(fields=["region", "date"], name="taskforce_meeting_region_date")]

    def __str__(self) -> str:
        return f"{self.title} ({self.date:%Y-%m-%d})"

    def get_absolute_url(self) -> str:
        return reverse("taskforce:meeting", args=[self.pk])

    @property
    def attachment_region(self) -> Region:
        return district_of(self.region)

    @property
    def chair_label(self) -> str:
        if self.chair_member is not None:
            return self.chair_member.name
        return self.chair_name


class Attendance(models.Model):
    """One person invited to or attending a meeting: a task force member or an outsider."""

    Sex = Sex

    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="attendances", verbose_name=_("meeting")
    )
    member = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attendances",
        verbose_name=_("task force member"),
    )
    name = models.CharField(_("name"), max_length=200)
    position = models.CharField(_("title or position"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    organisation_name = models.CharField(_("organisation (other)"), max_length=200, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    invited = models.BooleanField(_("invited"), default=False)
    # None until attendance is recorded.
    present = models.BooleanField(_("present"), null=True, blank=True)

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "-invited", "pk"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "member"],
                condition=models.Q(member__isnull=False),
                name="taskforce_attendance_member_once",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def organisation_label(self) -> str:
        if self.organisation is not None:
            return self.organisation.acronym or self.organisation.name
        return self.organisation_name


class FollowUp(models.Model):
    """A follow-up action decided in a meeting, owned by an office, due by a date."""

    attachable = True

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="follow_ups", verbose_name=_("meeting")
    )
    description = models.TextField(_("what is to be done"))
    owner = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="taskforce_follow_ups",
        verbose_name=_("responsible office"),
    )
    due_date = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.OPEN
    )
    completion_note = models.TextField(_("completion note"), blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name = _("follow-up action")
        verbose_name_plural = _("follow-up actions")
        indexes = [
            models.Index(fields=["owner", "status", "due_date"], name="taskforce_followup_owner")
        ]

    def __str__(self) -> str:
        return self.description[:80]

    def get_absolute_url(self) -> str:
        return reverse("taskforce:meeting", args=[self.meeting_id]) + f"#follow-up-{self.pk}"

    @property
    def attachment_region(self) -> Region:
        return district_of(self.meeting.region)

    @property
    def attachments_locked(self) -> bool:
        return self.status == self.Status.DROPPED

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.status == self.Status.OPEN and self.due_date < today
