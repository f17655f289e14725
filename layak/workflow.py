"""The review workflow shared by everything one party submits and another accepts or returns:
evaluation answers (the office answers, the district administrator reviews), RAD KLA progress
reports (the office reports, the secretariat reviews) and partner commitments and contributions
(the partner enters, the secretariat validates).

draft → submitted → accepted, or returned with a reason → corrected → submitted again. An
accepted item can still be returned. Callers lock the row, check who may act and in which
window, call ``apply`` and save; ``apply`` alone decides which steps are legal.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned")


# One colour per status wherever a status is shown: its badge (``.badge.status-<status>`` in
# layak.css, which a test holds to these) and its series in every chart. Each reads at 4.5:1
# or more on white.
COLOURS: dict[str, str] = {
    Status.DRAFT: "#4a5360",
    Status.SUBMITTED: "#8a4b00",
    Status.ACCEPTED: "#1d6b34",
    Status.RETURNED: "#a4161a",
}


class Step(StrEnum):
    SUBMIT = "submit"
    ACCEPT = "accept"
    RETURN = "return"


class WorkflowError(Exception):
    """A step the workflow refuses; the message is shown to the user."""


# From which statuses each step may be taken, and where it leads.
SOURCES: dict[Step, frozenset[str]] = {
    Step.SUBMIT: frozenset({Status.DRAFT, Status.RETURNED}),
    Step.ACCEPT: frozenset({Status.SUBMITTED}),
    Step.RETURN: frozenset({Status.SUBMITTED, Status.ACCEPTED}),
}
TARGET: dict[Step, str] = {
    Step.SUBMIT: Status.SUBMITTED,
    Step.ACCEPT: Status.ACCEPTED,
    Step.RETURN: Status.RETURNED,
}
# Statuses in which the author may still change the content.
EDITABLE = frozenset({Status.DRAFT, Status.RETURNED})


class Reviewable(Protocol):
    status: str
    return_reason: str


def refusal(step: Step) -> str:
    return {
        Step.SUBMIT: gettext("Only a draft or returned item can be submitted."),
        Step.ACCEPT: gettext("Only a submitted item can be accepted."),
        Step.RETURN: gettext("Only a submitted or accepted item can be returned."),
    }[step]


def allowed(status: str, step: Step) -> bool:
    return status in SOURCES[step]


def apply(item: Reviewable, step: Step, reason: str = "") -> str:
    """Move ``item`` one step (not saved); returns the status it had. A return needs a reason;
    a submission clears the last one."""
    if not allowed(item.status, step):
        raise WorkflowError(refusal(step))
    if step == Step.RETURN and not reason.strip():
        raise WorkflowError(gettext("Say why it is returned."))
    before = item.status
    item.status = TARGET[step]
    if step == Step.RETURN:
        item.return_reason = reason.strip()
    elif step == Step.SUBMIT:
        item.return_reason = ""
    return before


class ReviewedModel(models.Model):
    """Fields every reviewed record carries besides what the evaluation's answers already had."""

    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    return_reason = models.TextField(_("reason for return"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )

    class Meta:
        abstract = True

    @property
    def editable(self) -> bool:
        return self.status in EDITABLE
