"""Organisations (offices, partners, the children's forum, province offices, the ministry) and
memberships: a membership is (user, organisation, role) and is all that gives a person rights."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from layak.organisations.offices import OfficeKind
from layak.organisations.querysets import MembershipQuerySet, OrganisationQuerySet
from layak.organisations.roles import OrganisationKind, Role


class Organisation(models.Model):
    Kind = OrganisationKind

    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("region"),
        help_text=_("Empty only for the ministry, which is national."),
    )
    name = models.CharField(_("name"), max_length=200)
    acronym = models.CharField(_("short name"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices)
    # What the office does; instruments' questions name offices by what they do.
    office_kind = models.CharField(
        _("office kind"), max_length=32, choices=OfficeKind.choices, blank=True
    )
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "name"], name="organisation_unique_name_per_region"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        return f"{self.acronym} — {self.name}" if self.acronym else self.name


class Membership(models.Model):
    Role = Role

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("user"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    # Independent assessors reach only the districts assigned to them.
    assigned_regions = models.ManyToManyField(
        "regions.Region",
        blank=True,
        related_name="assessor_memberships",
        verbose_name=_("assigned districts"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name", "user__full_name"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="membership_unique_role"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.organisation}"


class OfficeNameMapping(models.Model):
    """A district's own reading of an office name used by instruments ("Dinas PU" → public
    works): set once, it serves every later cycle. Without a row the national default holds."""

    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="office_name_mappings",
        verbose_name=_("district"),
    )
    name = models.CharField(_("office name in the instrument"), max_length=100)
    office_kind = models.CharField(
        _("office kind"),
        max_length=32,
        choices=OfficeKind.choices,
        blank=True,
        help_text=_("Empty: no organisation of the district supplies it."),
    )

    class Meta:
        ordering = ["region", "name"]
        verbose_name = _("office name mapping")
        verbose_name_plural = _("office name mappings")
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="office_name_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} → {self.get_office_kind_display()}"
