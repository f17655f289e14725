"""Children's participation: the Forum Anak of each level (Permen PPPA 3/2025), its decree and
facilitators, and what children propose (e.g. at the children's planning consultation,
Musrenbang Anak) with the follow-up the government gives.

Forum Anak are Organisations of the kind ``forum_anak`` at the district, kecamatan or village
level. About children only a first name or initials and an age group are kept (UU 27/2022 treats
children's data as sensitive), and they never appear on the public "you said, we did" page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from layak.participation.querysets import (
    FacilitatorQuerySet,
    ForumDecreeQuerySet,
    ProposalQuerySet,
)

if TYPE_CHECKING:
    from layak.regions.models import Region


def district_of(region: Region) -> Region:
    """The regency or city of a region at level 2 to 4."""
    from layak.regions.models import Region

    if region.level == Region.Level.REGENCY:
        return region
    return Region.objects.get(code=".".join(region.code.split(".")[:2]))


class ForumDecree(models.Model):
    """The decree (SK) that forms a Forum Anak for a period; a newer one supersedes it."""

    forum = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="forum_decrees",
        verbose_name=_("forum"),
    )
    number = models.CharField(_("decree number"), max_length=120)
    issued_on = models.DateField(_("decree date"))
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"), null=True, blank=True)
    superseded_by = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("superseded by"),
    )
    superseded_at = models.DateTimeField(_("superseded"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ForumDecreeQuerySet.as_manager()

    # The decree's scan is attached from the district's evidence library.
    attachable = True

    class Meta:
        ordering = ["forum", "-issued_on", "-pk"]
        verbose_name = _("forum decree")
        verbose_name_plural = _("forum decrees")
        constraints = [
            models.UniqueConstraint(
                fields=["forum"],
                condition=models.Q(superseded_at__isnull=True),
                name="forum_one_current_decree",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("participation:forum", args=[self.forum_id])

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None

    @property
    def attachment_region(self) -> Region:
        assert self.forum.region is not None
        return district_of(self.forum.region)

    @property
    def attachments_locked(self) -> bool:
        return not self.is_current


class Facilitator(models.Model):
    """An adult who accompanies the forum: by name and organisation, or a Layak account."""

    forum = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="forum_facilitators",
        verbose_name=_("forum"),
    )
    name = models.CharField(_("name"), max_length=150)
    affiliation = models.CharField(_("organisation"), max_length=200, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("account"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = FacilitatorQuerySet.as_manager()

    class Meta:
        ordering = ["forum", "-is_active", "name"]
        verbose_name = _("facilitator")
        verbose_name_plural = _("facilitators")

    def __str__(self) -> str:
        return self.name


class Source(models.TextChoices):
    MUSRENBANG = "musrenbang", _("Musrenbang Anak")
    FORUM_MEETING = "meeting", _("Forum meeting")
    SURVEY = "survey", _("Survey")
    OTHER = "other", _("Other")


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")
    CONSIDERING = "considering", _("Under consideration")
    PLANNED = "planned", _("Taken into the plan")
    DONE = "done", _("Done")
    NOT_TAKEN = "not_taken", _("Not taken up")


class AgeGroup(models.TextChoices):
    UNDER_10 = "u10", _("under 10")
    AGE_10_12 = "10-12", _("10–12")
    AGE_13_15 = "13-15", _("13–15")
    AGE_16_17 = "16-17", _("16–17")


class Proposal(models.Model):
    Source = Source
    Status = Status

    forum = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="proposals",
        verbose_name=_("forum"),
    )
    topic = models.CharField(_("topic"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # The government level the proposal is addressed to: the district, a kecamatan or a village.
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("addressed to"),
    )
    proposed_on = models.DateField(_("date"))
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.RECEIVED
    )
    response = models.TextField(_("response"), blank=True)
    plan_item = models.ForeignKey(
        "plans.PlanItem",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("RAD KLA activity"),
    )
    followed_up_at = models.DateTimeField(_("followed up"), null=True, blank=True)
    followed_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("followed up by"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ProposalQuerySet.as_manager()

    class Meta:
        ordering = ["-proposed_on", "-pk"]
        verbose_name = _("children's proposal")
        verbose_name_plural = _("children's proposals")

    def __str__(self) -> str:
        return self.topic

    def get_absolute_url(self) -> str:
        return reverse("participation:proposal", args=[self.pk])

    @property
    def tone(self) -> str:
        """The badge class of the status."""
        return {
            Status.PLANNED: "ok",
            Status.DONE: "ok",
            Status.CONSIDERING: "warn",
            Status.NOT_TAKEN: "bad",
        }.get(Status(self.status), "muted")


class Proposer(models.Model):
    """A child who made a proposal: a first name or initials and an age group, nothing else."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="proposers")
    name = models.CharField(_("first name or initials"), max_length=20)
    age_group = models.CharField(_("age group"), max_length=8, choices=AgeGroup.choices)

    class Meta:
        ordering = ["proposal", "pk"]
        verbose_name = _("proposer")
        verbose_name_plural = _("proposers")

    def __str__(self) -> str:
        return f"{self.name} ({self.get_age_group_display()})"
