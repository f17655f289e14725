"""Evaluation cycles, their stages, each district's assessment, answers and scores.

A cycle (e.g. "Evaluasi KLA 2026") uses one published instrument version, has participating
districts and five stage windows (Permen PPPA 12/2022: self-assessment, province administrative
verification, ministry review, field verification, final determination). The open stage decides
who may write what; a closed stage's data are locked unless the ministry reopens it for one
district, with a reason.

Scores are rows per (answer, stage), so every verification level keeps its own score and the
totals of a whole cycle come from one aggregate query per stage.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from layak import workflow
from layak.evaluation.querysets import AnswerQuerySet, AssessmentQuerySet


class Cycle(models.Model):
    name = models.CharField(_("name"), max_length=200)
    instrument = models.ForeignKey(
        "frameworks.InstrumentVersion",
        on_delete=models.PROTECT,
        related_name="cycles",
        verbose_name=_("instrument"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("evaluation cycle")
        verbose_name_plural = _("evaluation cycles")

    def __str__(self) -> str:
        return self.name


class Stage(models.Model):
    class Kind(models.TextChoices):
        SELF_ASSESSMENT = "self", _("Self-assessment")
        PROVINCE = "province", _("Province administrative verification")
        MINISTRY = "ministry", _("Ministry review")
        FIELD = "field", _("Field verification")
        FINAL = "final", _("Final determination")
        DISTRICT = "district", _("Verification by the district")

    # Regencies and cities go through five stages; kecamatan and villages through two, the
    # district verifying them.
    ORDER = [Kind.SELF_ASSESSMENT, Kind.PROVINCE, Kind.MINISTRY, Kind.FIELD, Kind.FINAL]
    LOWER_ORDER = [Kind.SELF_ASSESSMENT, Kind.DISTRICT]

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="stages")
    kind = models.CharField(_("stage"), max_length=16, choices=Kind.choices)
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes (deadline)"))

    class Meta:
        ordering = ["cycle", "opens_at"]
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "kind"], name="stage_unique_kind"),
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="stage_closes_after_opening",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cycle} · {self.get_kind_display()}"

    @classmethod
    def order_for(cls, level: int) -> list[str]:
        return [str(k) for k in (cls.ORDER if level <= 2 else cls.LOWER_ORDER)]

    def is_open(self, now: object = None) -> bool:
        now = now or timezone.now()
        return bool(self.opens_at <= now < self.closes_at)  # type: ignore[operator]


class Assessment(models.Model):
    """One district's evaluation in one cycle."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        SUBMITTED = "submitted", _("Submitted")

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="assessments")
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("region"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.IN_PROGRESS
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Fixed by the final determination.
    final_total = models.DecimalField(
        _("final score"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    final_band = models.ForeignKey(
        "frameworks.PredicateBand",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("predicate"),
    )
    determined_at = models.DateTimeField(_("determined"), null=True, blank=True)
    determined_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["cycle", "region__code"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "region"], name="assessment_unique_region")
        ]

    def __str__(self) -> str:
        return f"{self.cycle} · {self.region}"


class StageReopening(models.Model):
    """The ministry reopens one district's stage after its deadline, until a given time."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="reopenings")
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="reopenings")
    reason = models.TextField(_("reason"))
    until = models.DateTimeField(_("open until"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("stage reopening")
        verbose_name_plural = _("stage reopenings")

    def __str__(self) -> str:
        return f"{self.assessment} · {self.stage.get_kind_display()} → {self.until:%Y-%m-%d}"


class Gate(models.Model):
    """ "At most predicate X unless question Q is met" (e.g. the tobacco-advertising ban)."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="gates")
    question = models.ForeignKey(
        "frameworks.Question",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("question"),
    )
    max_band = models.ForeignKey(
        "frameworks.PredicateBand",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("highest predicate when not met"),
    )
    reason = models.CharField(_("reason shown"), max_length=300)

    class Meta:
        verbose_name = _("gate")
        verbose_name_plural = _("gates")

    def __str__(self) -> str:
        return self.reason


class Answer(models.Model):
    # The review workflow shared with progress reports and partner records.
    Status = workflow.Status

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="answers")
    question = models.ForeignKey(
        "frameworks.Question", on_delete=models.PROTECT, related_name="answers"
    )
    value = models.JSONField(_("answer"), default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    return_reason = models.TextField(_("reason for return"), blank=True)
    # The stage whose reviewer returned it: the district administrator ("self") or the
    # province verifier ("province"), who may send an item back within the province stage.
    returned_at_stage = models.CharField(max_length=16, blank=True)
    # Raised on every saved change; a save that names an older revision is a conflict.
    revision = models.PositiveIntegerField(_("revision"), default=0)
    updated_at = models.DateTimeField(_("updated"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = AnswerQuerySet.as_manager()

    class Meta:
        ordering = [
            "assessment",
            "question__indicator__group__order",
            "question__indicator__order",
            "question__order",
        ]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "question"], name="answer_unique_question"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assessment.region} · {self.question.code}"


class Assignment(models.Model):
    """An office (or partner, or the children's forum) answers this question."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="assignments")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="assignments"
    )
    # An assignment taken back is kept, inactive.
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(fields=["answer", "organisation"], name="assignment_unique")
        ]

    def __str__(self) -> str:
        return f"{self.answer} → {self.organisation}"


def made_on_phone() -> datetime.datetime | None:
    """When the change being stored was made on a phone without a connection (None for a
    change made online): the audit layer's context, set while a phone's changes are stored."""
    from layak.audit.context import made_at

    return made_at.get()


class AnswerRevision(models.Model):
    """Every saved change of an answer: who, when, and the value before and after."""

    class Action(models.TextChoices):
        SAVED = "saved", _("saved")
        SUBMITTED = "submitted", _("submitted to the district")
        ACCEPTED = "accepted", _("accepted by the district")
        RETURNED = "returned", _("returned by the district")
        RETURNED_BY_PROVINCE = "returned_by_province", _("returned by the verifier")
        REUSED = "reused", _("taken over from the last cycle")
        COMPUTED = "computed", _("computed from the records")
        EVIDENCE_ATTACHED = "evidence_attached", _("document attached")
        EVIDENCE_DETACHED = "evidence_detached", _("document removed")

    answer = models.ForeignKey(Answer, on_delete=models.PROTECT, related_name="revisions")
    revision = models.PositiveIntegerField()
    action = models.CharField(max_length=32, choices=Action.choices)
    value_before = models.JSONField(null=True, blank=True)
    value_after = models.JSONField(null=True, blank=True)
    note = models.TextField(blank=True)
    # What the step concerned besides the value: the reason of a return, the document
    # attached or removed.
    detail = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=workflow.Status.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    # A change made on a phone without a connection: when it was made there (``at`` is when it
    # arrived).
    made_at = models.DateTimeField(
        _("made on the device"), null=True, blank=True, default=made_on_phone
    )

    class Meta:
        ordering = ["answer", "-revision", "-pk"]
        indexes = [
            # An answer's returns, found without reading its other versions (an autosaved
            # answer has hundreds): whether its latest version is a return, and which was last.
            models.Index(
                fields=["answer", "revision"],
                condition=models.Q(action__in=["returned", "returned_by_province"]),
                name="evaluation_revision_returns",
            ),
        ]
        verbose_name = _("answer version")
        verbose_name_plural = _("answer versions")

    def __str__(self) -> str:
        return f"{self.answer} #{self.revision}"


class Score(models.Model):
    """Points of one answer at one stage: the district's own at self-assessment, then each
    verifier's. Totals are sums of these rows, grouped in the database."""

    answer = models.ForeignKey(Answer, on_delete=models.PROTECT, related_name="scores")
    stage = models.CharField(max_length=16, choices=Stage.Kind.choices)

    class Decision(models.TextChoices):
        COMPUTED = "computed", _("computed from the answer")
        AGREED = "agreed", _("agreed")
        ADJUSTED = "adjusted", _("adjusted")
        CARRIED = "carried", _("carried over from the previous stage")

    points = models.DecimalField(max_digits=8, decimal_places=2)
    decision = models.CharField(max_length=16, choices=Decision.choices, default=Decision.COMPUTED)
    reason = models.TextField(blank=True)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    scored_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["answer", "stage"], name="score_unique_stage")
        ]
        # A stage's scores with their points, read from the index alone (PostgreSQL) when the
        # totals of a whole cycle are summed.
        indexes = [
            models.Index(
                fields=["stage", "answer"], include=["points"], name="score_stage_answer_points"
            )
        ]

    def __str__(self) -> str:
        return f"{self.answer} · {self.stage}: {self.points}"


class ReminderLog(models.Model):
    """One reminder email per person per day."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    items = models.PositiveIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="reminder_once_a_day")]

    def __str__(self) -> str:
        return f"{self.user} {self.day}"


def _photo_path(instance: FieldPhoto, filename: str) -> str:
    import uuid

    return f"field/{instance.answer.assessment.region.code}/{uuid.uuid4().hex}.{instance.extension}"


class FieldPhoto(models.Model):
    """A photo an assessor takes on site during field verification, with a note."""

    answer = models.ForeignKey(Answer, on_delete=models.PROTECT, related_name="field_photos")
    file = models.FileField(upload_to=_photo_path, max_length=200)
    extension = models.CharField(max_length=8)
    content_type = models.CharField(max_length=100)
    note = models.CharField(_("note"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("field photo")
        verbose_name_plural = _("field photos")

    def __str__(self) -> str:
        return f"{self.answer} · {self.uploaded_at:%Y-%m-%d}"
