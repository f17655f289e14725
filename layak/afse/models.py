"""AFSE events: advocacy, facilitation, socialisation and education (advokasi, fasilitasi,
sosialisasi, edukasi), which the Gugus Tugas KLA coordinates (Permen PPPA 12/2022).

An event belongs to the district of its organiser; it takes place in one of the district's
kecamatan or villages, counts its participants by sex and by child/adult, and may be linked to
the indicators of the KLA instrument in force that it works towards. Documentation (photos,
attendance lists, materials) is attached from the district's evidence library; this app has no
public page, so photos of children never leave the signed-in, scoped pages.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from layak.afse.querysets import EventQuerySet

if TYPE_CHECKING:
    from layak.frameworks.models import Indicator
    from layak.regions.models import Region


class Kind(models.TextChoices):
    ADVOCACY = "A", _("Advocacy (Advokasi)")
    FACILITATION = "F", _("Facilitation (Fasilitasi)")
    SOCIALISATION = "S", _("Socialisation (Sosialisasi)")
    EDUCATION = "E", _("Education (Edukasi)")


class TargetGroup(models.TextChoices):
    OFFICES = "offices", _("Government offices")
    VILLAGE_OFFICIALS = "village_officials", _("Village officials")
    SCHOOLS = "schools", _("Schools")
    PARENTS = "parents", _("Parents")
    CHILDREN = "children", _("Children")
    RELIGIOUS_LEADERS = "religious_leaders", _("Religious leaders")
    BUSINESS = "business", _("Business")


class Event(models.Model):
    Kind = Kind

    # The district the event belongs to: the organiser's regency or city.
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="afse_events",
        verbose_name=_("district"),
    )
    kind = models.CharField(_("kind"), max_length=1, choices=Kind.choices)
    topic = models.CharField(_("topic"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    organiser = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="afse_events",
        verbose_name=_("organiser"),
    )
    partners = models.ManyToManyField(
        "organisations.Organisation",
        blank=True,
        related_name="afse_partner_events",
        verbose_name=_("partner organisations"),
    )
    starts_on = models.DateField(_("date"))
    ends_on = models.DateField(_("end date"), null=True, blank=True)
    place = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("place"),
        help_text=_("The kecamatan or village; empty for an event of the whole district."),
    )
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    boys = models.PositiveIntegerField(_("boys"), default=0)
    girls = models.PositiveIntegerField(_("girls"), default=0)
    men = models.PositiveIntegerField(_("men"), default=0)
    women = models.PositiveIntegerField(_("women"), default=0)
    materials = models.TextField(_("materials"), blank=True)
    indicators = models.ManyToManyField(
        "frameworks.Indicator",
        blank=True,
        related_name="afse_events",
        verbose_name=_("indicators"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = EventQuerySet.as_manager()

    # Documentation is attached from the district's evidence library.
    attachable = True

    class Meta:
        ordering = ["-starts_on", "-pk"]
        verbose_name = _("AFSE event")
        verbose_name_plural = _("AFSE events")
        indexes = [models.Index(fields=["region", "starts_on"], name="afse_event_region_date")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="afse_event_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.topic}"

    def get_absolute_url(self) -> str:
        return reverse("afse:detail", args=[self.pk])

    @property
    def attachment_region(self) -> Region:
        return self.region

    @property
    def children(self) -> int:
        return self.boys + self.girls

    @property
    def adults(self) -> int:
        return self.men + self.women

    @property
    def male(self) -> int:
        return self.boys + self.men

    @property
    def female(self) -> int:
        return self.girls + self.women

    @property
    def total(self) -> int:
        return self.children + self.adults

    @property
    def last_day(self) -> datetime.date:
        return self.ends_on or self.starts_on


class EventTarget(models.Model):
    """One target group of an event (a row each, so lists filter on them in the database)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="targets")
    group = models.CharField(_("target group"), max_length=32, choices=TargetGroup.choices)

    class Meta:
        ordering = ["event", "group"]
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")
        constraints = [
            models.UniqueConstraint(fields=["event", "group"], name="afse_target_unique"),
        ]

    def __str__(self) -> str:
        return str(self.get_group_display())


def current_indicators() -> models.QuerySet[Indicator]:
    """The indicators of the current KLA instrument (``layak.frameworks.current``), the one
    events are linked to (Perpres 25/2021)."""
    from layak.frameworks.current import current_kla_versions
    from layak.frameworks.models import Indicator

    return Indicator.objects.filter(
        version__in=current_kla_versions().values("pk")[:1]
    ).select_related("group")
