"""Notices: what a person is told when work is handed to them, in the app and by email.

A notice is created in the same transaction as the hand-off (``layak.notifications.notify``). Its
message is stored as the English msgid plus plain-string parameters and rendered in the reader's
language whenever it is shown or emailed, so a person who switches language reads old notices in
the new one. How a person hears of each kind of notice is their ``Preference``: in the app only,
an email at once, or one daily digest email.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from layak.accounts.models import User


class Delivery(models.TextChoices):
    IN_APP = "in_app", _("In the app only")
    EMAIL_NOW = "email_now", _("Email at once")
    DIGEST = "digest", _("Daily digest email")


class NoticeQuerySet(models.QuerySet["Notice"]):
    def for_user(self, user: User, action: object = None) -> NoticeQuerySet:
        """A notice belongs to its recipient only."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(recipient=user)

    def unread(self) -> NoticeQuerySet:
        return self.filter(read_at__isnull=True)


class Notice(models.Model):
    class Kind(models.TextChoices):
        ITEM_ASSIGNED = "item_assigned", _("An item is assigned to my office")
        ITEM_SUBMITTED = "item_submitted", _("An item waits for my review")
        ITEM_ACCEPTED = "item_accepted", _("An item I worked on is accepted")
        ITEM_RETURNED = "item_returned", _("An item is returned by the district")
        ITEM_RETURNED_BY_VERIFIER = (
            "item_returned_by_verifier",
            _("An item is returned by a verifier"),
        )
        ITEM_CORRECTED = "item_corrected", _("A corrected item waits for re-check")
        SCORE_ADJUSTED = "score_adjusted", _("A verifier changes the score of an item")
        STAGE_OPENED = "stage_opened", _("A stage opens")
        STAGE_CLOSING = "stage_closing", _("A stage closes soon")
        RAD_REPORT_DUE = "rad_report_due", _("An action plan progress report is due")
        RAD_REPORT_SUBMITTED = (
            "rad_report_submitted",
            _("An action plan progress report is submitted"),
        )
        RAD_REPORT_ACCEPTED = "rad_report_accepted", _("An action plan progress report is accepted")
        RAD_REPORT_RETURNED = "rad_report_returned", _("An action plan progress report is returned")
        FOLLOWUP_ASSIGNED = "followup_assigned", _("A follow-up is assigned to me")
        FOLLOWUP_OVERDUE = "followup_overdue", _("A follow-up is overdue")
        PARTNER_SUBMITTED = (
            "partner_submitted",
            _("A partner's commitment or contribution waits for validation"),
        )
        PARTNER_VALIDATED = "partner_validated", _("A partner record is validated")
        PARTNER_RETURNED = "partner_returned", _("A partner record is returned")
        PROPOSAL_RECEIVED = "proposal_received", _("A children's forum proposal is received")
        PROPOSAL_ANSWERED = "proposal_answered", _("A proposal is answered")
        JOB_FINISHED = "job_finished", _("A background job finished")
        JOB_FAILED = "job_failed", _("A background job failed")
        MENTION = "mention", _("I am mentioned in a discussion")
        DISCUSSION_MESSAGE = "discussion_message", _("A new message in a discussion I follow")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notices",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    message = models.CharField(max_length=300)
    params = models.JSONField(default=dict, blank=True)
    url = models.CharField(max_length=500)
    target_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    delivery = models.CharField(max_length=16, choices=Delivery.choices, default=Delivery.IN_APP)
    # Date-dependent reminders carry the day they are for: one a day per person and thing.
    day = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notice_unread"),
            models.Index(fields=["recipient", "-created_at"], name="notice_inbox"),
            models.Index(fields=["delivery", "emailed_at"], name="notice_email_due"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "target_type", "target_id", "day"],
                condition=models.Q(day__isnull=False),
                name="notice_once_a_day",
            )
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        """The message in the active language, its parameters filled in."""
        return render_message(self.message, self.params)


def render_message(message: str, params: dict[str, Any] | None) -> str:
    translated = gettext(message)
    if not params:
        return translated
    try:
        return translated % {k: str(v) for k, v in params.items()}
    except (KeyError, ValueError, TypeError):
        # A translation with a broken placeholder must not hide the notice: fall back to English.
        try:
            return message % {k: str(v) for k, v in params.items()}
        except (KeyError, ValueError, TypeError):
            return message


K = Notice.Kind

# How a person hears of each kind until they choose: what needs their action at once by email,
# news and reminders in the app, discussion traffic in the daily digest.
DEFAULT_DELIVERY: dict[str, str] = {
    K.ITEM_ASSIGNED: Delivery.EMAIL_NOW,
    K.ITEM_SUBMITTED: Delivery.DIGEST,
    K.ITEM_ACCEPTED: Delivery.IN_APP,
    K.ITEM_RETURNED: Delivery.EMAIL_NOW,
    K.ITEM_RETURNED_BY_VERIFIER: Delivery.EMAIL_NOW,
    K.ITEM_CORRECTED: Delivery.EMAIL_NOW,
    K.SCORE_ADJUSTED: Delivery.IN_APP,
    K.STAGE_OPENED: Delivery.EMAIL_NOW,
    K.STAGE_CLOSING: Delivery.EMAIL_NOW,
    K.RAD_REPORT_DUE: Delivery.EMAIL_NOW,
    K.RAD_REPORT_SUBMITTED: Delivery.DIGEST,
    K.RAD_REPORT_ACCEPTED: Delivery.IN_APP,
    K.RAD_REPORT_RETURNED: Delivery.EMAIL_NOW,
    K.FOLLOWUP_ASSIGNED: Delivery.EMAIL_NOW,
    K.FOLLOWUP_OVERDUE: Delivery.EMAIL_NOW,
    K.PARTNER_SUBMITTED: Delivery.DIGEST,
    K.PARTNER_VALIDATED: Delivery.IN_APP,
    K.PARTNER_RETURNED: Delivery.EMAIL_NOW,
    K.PROPOSAL_RECEIVED: Delivery.EMAIL_NOW,
    K.PROPOSAL_ANSWERED: Delivery.EMAIL_NOW,
    K.JOB_FINISHED: Delivery.IN_APP,
    K.JOB_FAILED: Delivery.IN_APP,
    K.MENTION: Delivery.EMAIL_NOW,
    K.DISCUSSION_MESSAGE: Delivery.DIGEST,
}


class Preference(models.Model):
    """How one person hears of one kind of notice; no row means ``DEFAULT_DELIVERY``."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_preferences"
    )
    kind = models.CharField(_("kind"), max_length=40, choices=Notice.Kind.choices)
    delivery = models.CharField(_("how"), max_length=16, choices=Delivery.choices)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notice_preference_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.get_delivery_display()}"


def deliveries(user_ids: list[int], kind: str) -> dict[int, str]:
    """Each user's chosen delivery for ``kind`` (one query), the default where none is chosen."""
    chosen = dict(
        Preference.objects.filter(user_id__in=user_ids, kind=kind).values_list(
            "user_id", "delivery"
        )
    )
    default = DEFAULT_DELIVERY.get(kind, Delivery.IN_APP)
    return {uid: chosen.get(uid, default) for uid in user_ids}
