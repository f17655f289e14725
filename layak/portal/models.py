"""What a district shows on the public portal.

The portal shows only what the district itself chose to publish (Perpres 25/2021 asks the
district to report its KLA programme to the public; UU 27/2022 on personal data protection
limits what may be shown about people, children above all). Each section of a district's public
page is published or withdrawn by the district administrator; indicator data is published per
indicator and year by the indicators app.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from layak import authz

if TYPE_CHECKING:
    from layak.accounts.models import User


class Section(models.TextChoices):
    EVALUATION = "evaluation", _("Evaluation results")
    PLAN = "plan", _("RAD KLA and its realisation")
    TASKFORCE = "taskforce", _("Task force")
    PARTNERS = "partners", _("Partners and AFSE")


class PortalSectionQuerySet(models.QuerySet["PortalSection"]):
    def for_user(self, user: User, action: authz.Action) -> PortalSectionQuerySet:
        return self.filter(authz.scope_q(user, action, region="region"))

    def published(self) -> PortalSectionQuerySet:
        return self.filter(is_published=True)


class PortalSection(models.Model):
    """One section of one district's public page, published or not.

    A missing row means "not published": nothing is public until the district decides."""

    Section = Section

    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="portal_sections",
        verbose_name=_("district"),
    )
    section = models.CharField(_("section"), max_length=16, choices=Section.choices)
    is_published = models.BooleanField(_("published"), default=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    # Changes on every publish and withdrawal: the portal's cache is keyed by it.
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PortalSectionQuerySet.as_manager()

    class Meta:
        ordering = ["region__code", "section"]
        verbose_name = _("public portal section")
        verbose_name_plural = _("public portal sections")
        constraints = [
            models.UniqueConstraint(fields=["region", "section"], name="portal_section_unique")
        ]

    def __str__(self) -> str:
        return f"{self.region} · {self.get_section_display()}"
