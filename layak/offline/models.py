"""What arrived from phones that worked without a connection.

A change made offline carries an id the phone gave it; the server keeps one row per change it
stored, so a change sent twice (the answer to the first send was lost with the signal) is
stored once and answered the same way the second time. A photo's row keeps when and where the
phone says it was taken.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SentChange(models.Model):
    class Kind(models.TextChoices):
        ANSWER = "answer", _("answer")
        PHOTO = "photo", _("photo")
        SCORE = "score", _("field verification score")
        FIELD_PHOTO = "field_photo", _("field photo")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The phone's id for the change (a random UUID), unique per person.
    client_id = models.CharField(max_length=64)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    answer = models.ForeignKey(
        "evaluation.Answer", on_delete=models.PROTECT, related_name="+", verbose_name=_("answer")
    )
    made_at = models.DateTimeField(_("made on the device"))
    received_at = models.DateTimeField(_("arrived"), auto_now_add=True)
    revision = models.PositiveIntegerField(_("revision"), null=True, blank=True)
    evidence = models.ForeignKey(
        "evidence.EvidenceFile",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("photo"),
    )
    field_photo = models.ForeignKey(
        "evaluation.FieldPhoto",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("field photo"),
    )
    taken_at = models.DateTimeField(_("taken"), null=True, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    accuracy = models.PositiveIntegerField(_("accuracy (metres)"), null=True, blank=True)

    class Meta:
        ordering = ["received_at", "pk"]
        verbose_name = _("change sent from a phone")
        verbose_name_plural = _("changes sent from phones")
        constraints = [
            models.UniqueConstraint(fields=["user", "client_id"], name="sent_change_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.answer_id} @ {self.made_at:%Y-%m-%d %H:%M}"
