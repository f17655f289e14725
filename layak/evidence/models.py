"""Evidence ("data dukung"): a district's library of files, and links from answers to them.

One file can support several answers, and the next cycle's answers, without a new upload;
a second upload of the same content is found by its SHA-256 and not stored again. Files live
under generated names and are served only through a view that checks access.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.db import models
from django.utils.translation import gettext_lazy as _

from layak.evidence.querysets import EvidenceFileQuerySet


def _upload_to(instance: EvidenceFile, filename: str) -> str:
    return f"evidence/{instance.region.code}/{uuid.uuid4().hex}.{instance.extension}"


class EvidenceFile(models.Model):
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="evidence_files",
        verbose_name=_("region"),
    )
    # The office, partner or forum that uploaded it (empty for the district administrator).
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evidence_files",
        verbose_name=_("organisation"),
    )
    file = models.FileField(_("file"), upload_to=_upload_to, max_length=200)
    name = models.CharField(_("name"), max_length=200)
    extension = models.CharField(max_length=8)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    is_public = models.BooleanField(_("may be shown on public pages"), default=False)

    objects = EvidenceFileQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        constraints = [
            models.UniqueConstraint(fields=["region", "sha256"], name="evidence_unique_content")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def download_name(self) -> str:
        """The name it is served under: the extension follows its recognised kind."""
        from layak.evidence.sniff import served_name

        return served_name(self.name, self.extension)


class EvidenceLink(models.Model):
    answer = models.ForeignKey(
        "evaluation.Answer", on_delete=models.PROTECT, related_name="evidence_links"
    )
    file = models.ForeignKey(EvidenceFile, on_delete=models.PROTECT, related_name="links")
    requirement = models.ForeignKey(
        "frameworks.EvidenceRequirement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("document"),
    )
    is_active = models.BooleanField(default=True)
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["linked_at", "pk"]
        verbose_name = _("evidence link")
        verbose_name_plural = _("evidence links")

    def __str__(self) -> str:
        return f"{self.answer} ← {self.file}"


class Attachment(models.Model):
    """A library file attached to any other record: a decree, the minutes and photos of a
    meeting, a progress report, a partner's contribution, an AFSE event.

    The owning model declares ``attachable = True`` and a queryset with ``for_user``; whoever
    may see the owner may download its attachments, whoever may edit it may add and remove
    them. Removing keeps the row, inactive."""

    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.PositiveBigIntegerField()
    owner = GenericForeignKey("content_type", "object_id")
    file = models.ForeignKey(EvidenceFile, on_delete=models.PROTECT, related_name="attachments")
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    attached_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    attached_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["attached_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        indexes = [models.Index(fields=["content_type", "object_id"], name="attachment_owner")]

    def __str__(self) -> str:
        return f"{self.caption or self.file}"
