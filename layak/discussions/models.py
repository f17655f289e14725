"""A discussion per item: one thread on an answer, a RAD progress report, a partner commitment
or a task force follow-up, between the office, the secretariat and the verifiers who may see
the item.

The thread belongs to the item (content type and id) and to the item's district, so it is
scoped like the item. A thread on an answer also keeps the question's code: the same question's
threads of earlier cycles show in the answer's history. Messages are never deleted: an edit keeps
the earlier text as a revision, and a message taken back is marked withdrawn.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Thread(models.Model):
    item_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    item_id = models.PositiveBigIntegerField()
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("region"),
    )
    # For an answer: the question's code, shared by the same question in every cycle.
    question_code = models.CharField(_("question"), max_length=32, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("discussion")
        verbose_name_plural = _("discussions")
        constraints = [
            models.UniqueConstraint(fields=["item_type", "item_id"], name="thread_unique_item")
        ]
        indexes = [
            models.Index(
                fields=["item_type", "region", "question_code"], name="thread_question_history"
            )
        ]

    def __str__(self) -> str:
        return str(_("Discussion"))


class Message(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.PROTECT, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("author"),
    )
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("written"), default=timezone.now)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    # A withdrawn message keeps its row and its text for the audit; the thread shows it as
    # withdrawn.
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    mentioned = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="Mention",
        related_name="+",
        verbose_name=_("mentioned"),
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("discussion message")
        verbose_name_plural = _("discussion messages")

    def __str__(self) -> str:
        return self.body[:80]

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class MessageRevision(models.Model):
    """The text a message had before an edit."""

    message = models.ForeignKey(Message, on_delete=models.PROTECT, related_name="revisions")
    body = models.TextField(_("earlier text"))
    written_at = models.DateTimeField(_("written"))
    replaced_at = models.DateTimeField(_("replaced"), default=timezone.now)

    class Meta:
        ordering = ["message", "-replaced_at", "-pk"]
        verbose_name = _("earlier text of a message")
        verbose_name_plural = _("earlier texts of messages")

    def __str__(self) -> str:
        return self.body[:80]


class Mention(models.Model):
    message = models.ForeignKey(Message, on_delete=models.PROTECT, related_name="mentions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("mention")
        verbose_name_plural = _("mentions")
        constraints = [
            models.UniqueConstraint(fields=["message", "user"], name="mention_unique_user")
        ]

    def __str__(self) -> str:
        return str(self.user)
