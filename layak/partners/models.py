"""Partners of the KLA programme: community and religious organisations, businesses, media and
universities (Perpres 25/2021, indicator 3: involvement of community organisations, business and
media in fulfilling children's rights).

A partner is an ``Organisation`` of a partner kind. Its profile (APSAI membership, what it does,
the clusters and indicators it serves) is one-to-one with the organisation and is created on the
first edit. Commitments say what the partner pledges for which indicators and period; the
contributions it delivers against them are the figures the district reports. Both go through the
shared review workflow: the partner enters and submits, the secretariat (DP3A) accepts or returns.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from layak import workflow
from layak.core.concurrency import revision_field
from layak.organisations.models import Organisation
from layak.partners.querysets import (
    CommitmentQuerySet,
    ContactQuerySet,
    ContributionQuerySet,
    ProfileQuerySet,
)
from layak.regions.models import Region


def district_of(organisation: Organisation) -> Region:
    """The regency or city of a partner (partners sit at level 2, 3 or 4): its evidence library
    holds the partner's files and its secretariat reviews the partner's records."""
    region = organisation.region
    if region is None:
        raise ValueError("A partner belongs to a region.")
    code = region.regency_code
    if region.level == Region.Level.REGENCY or code is None:
        return region
    return Region.objects.get(code=code)


class PartnerProfile(models.Model):
    organisation = models.OneToOneField(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="partner_profile",
        verbose_name=_("organisation"),
    )
    description = models.TextField(
        _("description"), blank=True, help_text=_("What the partner does for children.")
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    website = models.URLField(_("website"), blank=True)
    apsai_member = models.BooleanField(
        _("APSAI member"),
        default=False,
        help_text=_("Member of the Indonesian Child-Friendly Business Association (APSAI)."),
    )
    apsai_number = models.CharField(_("APSAI member number"), max_length=40, blank=True)
    apsai_year = models.PositiveSmallIntegerField(_("APSAI member since"), null=True, blank=True)
    clusters = models.ManyToManyField(
        "frameworks.Group", blank=True, related_name="+", verbose_name=_("clusters served")
    )
    indicators = models.ManyToManyField(
        "frameworks.Indicator", blank=True, related_name="+", verbose_name=_("indicators served")
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    objects = ProfileQuerySet.as_manager()

    class Meta:
        verbose_name = _("partner profile")
        verbose_name_plural = _("partner profiles")

    def __str__(self) -> str:
        return str(self.organisation)


class Contact(models.Model):
    """A contact person of a partner; deactivated, never deleted."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="partner_contacts",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=150)
    position = models.CharField(_("position"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["-is_active", "name"]
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")

    def __str__(self) -> str:
        return self.name


class Commitment(workflow.ReviewedModel):
    """What a partner pledges, for which cluster and indicators, over which period, with which
    resources (funds, people, facilities, methods or programmes)."""

    Status = workflow.Status
    attachable = True

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="partner_commitments",
        verbose_name=_("partner"),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    cluster = models.ForeignKey(
        "frameworks.Group", on_delete=models.PROTECT, related_name="+", verbose_name=_("cluster")
    )
    indicators = models.ManyToManyField(
        "frameworks.Indicator", blank=True, related_name="+", verbose_name=_("indicators")
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    funds = models.DecimalField(
        _("funds pledged (rupiah)"), default=Decimal(0), max_digits=16, decimal_places=0
    )
    people = models.PositiveIntegerField(_("people pledged"), default=0)
    facilities = models.TextField(_("facilities (sarana-prasarana)"), blank=True)
    methods = models.TextField(_("methods or programmes"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Raised by every saved edit; an edit naming an older revision is a conflict.
    revision = revision_field()

    objects = CommitmentQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "title"]
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="commitment_period_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("partners:commitment_detail", args=[self.pk])

    @property
    def attachment_region(self) -> Region:
        return district_of(self.organisation)

    @property
    def attachments_locked(self) -> bool:
        return not (self.is_active and self.editable)


class Contribution(workflow.ReviewedModel):
    """What a partner delivered against a commitment, on one date."""

    Status = workflow.Status
    attachable = True

    class Kind(models.TextChoices):
        FUNDS = "funds", _("Funds")
        PEOPLE = "people", _("People")
        FACILITIES = "facilities", _("Facilities (sarana-prasarana)")
        METHODS = "methods", _("Methods or programmes")

    commitment = models.ForeignKey(
        Commitment,
        on_delete=models.PROTECT,
        related_name="contributions",
        verbose_name=_("commitment"),
    )
    date = models.DateField(_("date"))
    description = models.TextField(_("description"))
    kind = models.CharField(_("kind of resource"), max_length=16, choices=Kind.choices)
    amount = models.DecimalField(
        _("amount (rupiah)"), default=Decimal(0), max_digits=16, decimal_places=0
    )
    people = models.PositiveIntegerField(_("people"), default=0)
    children_reached = models.PositiveIntegerField(_("children reached"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ContributionQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")

    def __str__(self) -> str:
        return f"{self.date:%d-%m-%Y} · {self.get_kind_display()} · {self.commitment}"

    def get_absolute_url(self) -> str:
        return reverse("partners:contribution_detail", args=[self.pk])

    @property
    def attachment_region(self) -> Region:
        return district_of(self.commitment.organisation)

    @property
    def attachments_locked(self) -> bool:
        return not (self.is_active and self.editable)
