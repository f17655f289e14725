"""The district's targets and publication of its indicators on the public portal (by the KLA
secretariat only; every change audited)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from layak import authz
from layak.audit.log import record
from layak.indicators import completeness as comp
from layak.indicators.checks import MAX_VALUE, A, IndicatorDataError
from layak.indicators.models import Indicator, IndicatorTarget, Publication
from layak.regions.models import Region

if TYPE_CHECKING:
    from layak.accounts.models import User


def _require_secretariat(actor: User, region: Region) -> None:
    if region.level != Region.Level.REGENCY:
        raise IndicatorDataError(_("Targets and publication are decided by a district."))
    if not authz.reaches(actor, A.MANAGE, region):
        raise IndicatorDataError(
            _("Only the district's KLA secretariat can set targets and publish indicators.")
        )


@transaction.atomic
def target_set(
    *, actor: User, region: Region, indicator: Indicator, year: int, value: Decimal
) -> IndicatorTarget:
    """Set the district's target for the indicator in ``year`` (changed, never removed: the
    audit log keeps every earlier target)."""
    _require_secretariat(actor, region)
    if not value.is_finite() or abs(value) >= MAX_VALUE:
        raise IndicatorDataError(_("The target is not a valid number."))
    current = (
        IndicatorTarget.objects.select_for_update(of=("self",))
        .filter(region=region, indicator=indicator, year=year)
        .first()
    )
    before = {"value": str(current.value), "year": year} if current else None
    if current is None:
        current = IndicatorTarget.objects.create(
            region=region, indicator=indicator, year=year, value=value
        )
    elif current.value == value:
        return current
    else:
        current.value = value
        current.save(update_fields=["value"])
    record(
        actor=actor,
        action="indicators.target_set",
        obj=current,
        region=region,
        before=before,
        after={"value": str(value), "year": year},
    )
    return current


def unpublishable(value: Decimal | None) -> str | None:
    """Why the figure of an indicator-year cannot be published, or None: a figure without a
    value (nothing reported, or a denominator of zero) has nothing to show on the portal. The
    publication page says it instead of offering to publish; ``publish`` refuses it."""
    if value is None:
        return _("There is no value to publish yet.")
    return None


@transaction.atomic
def publish(
    *,
    actor: User,
    region: Region,
    indicator: Indicator,
    year: int,
    confirm_partial: bool = False,
) -> Publication:
    """Publish the district's indicator-year on the public portal. A figure without a value is
    refused (``unpublishable``). A partial figure (fewer
    reports than ``completeness.THRESHOLD`` of those expected) is published only when the
    secretariat confirms it; the portal then shows how complete it is, and the audit entry
    keeps the completeness at the time."""
    _require_secretariat(actor, region)
    if not indicator.is_active:
        raise IndicatorDataError(_("This indicator is no longer in use."))
    if year > timezone.localdate().year:
        raise IndicatorDataError(_("A year that has not begun cannot be published."))
    # The figure as the publication page shows it (``summary`` reaches back here through
    # ``actions``: imported when used).
    from layak.indicators.summary import indicator_rows

    figure = indicator_rows(region, year, [indicator])[1][0]
    if (refusal := unpublishable(figure["value"])) is not None:
        raise IndicatorDataError(refusal)
    completeness: comp.Completeness = figure["completeness"]
    if completeness.partial and not confirm_partial:
        raise IndicatorDataError(
            _(
                "Only %(reported)s of the %(expected)s expected reports are in: this is a "
                "partial figure. Confirm that it is to be published as it is."
            )
            % {"reported": completeness.reported, "expected": completeness.expected}
        )
    publication = (
        Publication.objects.select_for_update(of=("self",))
        .filter(region=region, indicator=indicator, year=year)
        .first()
    )
    if publication is not None and publication.is_active:
        raise IndicatorDataError(_("This indicator-year is already published."))
    now = timezone.now()
    if publication is None:
        publication = Publication.objects.create(
            region=region, indicator=indicator, year=year, published_by=actor, published_at=now
        )
    else:
        publication.is_active = True
        publication.published_by = actor
        publication.published_at = now
        publication.save(update_fields=["is_active", "published_by", "published_at"])
    record(
        actor=actor,
        action="indicators.published",
        obj=publication,
        region=region,
        before={"published": False},
        after={
            "published": True,
            "year": year,
            "reported": completeness.reported,
            "expected": completeness.expected,
            "partial_confirmed": completeness.partial,
        },
    )
    return publication


@transaction.atomic
def unpublish(*, actor: User, region: Region, indicator: Indicator, year: int) -> Publication:
    """Take the indicator-year off the public portal (the row stays, inactive)."""
    _require_secretariat(actor, region)
    publication = (
        Publication.objects.select_for_update(of=("self",))
        .filter(region=region, indicator=indicator, year=year, is_active=True)
        .first()
    )
    if publication is None:
        raise IndicatorDataError(_("This indicator-year is not published."))
    publication.is_active = False
    publication.save(update_fields=["is_active"])
    record(
        actor=actor,
        action="indicators.unpublished",
        obj=publication,
        region=region,
        before={"published": True},
        after={"published": False, "year": year},
    )
    return publication
