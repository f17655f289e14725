"""Every change to what the public portal shows goes through these functions, each in one
transaction with its audit entry."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from layak.accounts.models import User
from layak.audit.log import record, snapshot
from layak.portal.models import PortalSection, Section
from layak.portal.querysets import managed_districts
from layak.regions.models import Region

FIELDS = ("is_published", "published_by", "published_at")


class PortalError(Exception):
    """A change the rules refuse; the message is shown to the user."""


@transaction.atomic
def section_set(*, actor: User, region: Region, section: str, publish: bool) -> PortalSection:
    """Publish (or withdraw) one section of the district's public page.

    Only the district's administrator decides; a withdrawn section disappears from the portal
    at once (the portal's cache is keyed by the sections' last change)."""
    if section not in Section.values:
        raise PortalError(_("Unknown section of the public page."))
    if region.level != Region.Level.REGENCY:
        raise PortalError(_("Only a regency or city has a public page."))
    if not managed_districts(actor).filter(pk=region.pk).exists():
        raise PortalError(_("Only the district administrator decides what the district publishes."))
    row, _new = PortalSection.objects.select_for_update(of=("self",)).get_or_create(
        region=region, section=section
    )
    if row.is_published == publish:
        raise PortalError(
            _("This section is already public.") if publish else _("This section is not public.")
        )
    before = snapshot(row, FIELDS)
    row.is_published = publish
    if publish:
        row.published_by = actor
        row.published_at = timezone.now()
    row.save(update_fields=[*FIELDS, "updated_at"])
    record(
        actor=actor,
        action="portal.published" if publish else "portal.withdrawn",
        obj=row,
        region=region,
        before=before,
        after=snapshot(row, FIELDS),
    )
    return row
