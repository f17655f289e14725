"""Who is told of a hand-off: the active people of an organisation, or a district's KLA
secretariat (its district administrators). One query each."""

from __future__ import annotations

from collections.abc import Iterable

from layak.accounts.models import User
from layak.organisations.models import Membership
from layak.organisations.roles import Role
from layak.regions.models import Region


def members_of(organisation_id: int | None, roles: Iterable[str] | None = None) -> list[User]:
    """The active people of an organisation (with one of ``roles``, when given)."""
    if organisation_id is None:
        return []
    memberships = Membership.objects.active().filter(organisation_id=organisation_id)
    if roles is not None:
        memberships = memberships.filter(role__in=list(roles))
    return list(User.objects.filter(pk__in=memberships.values("user_id")).order_by("pk"))


def secretariat_of(region: Region) -> list[User]:
    """The district administrators of ``region``'s regency or city (the region itself, or the
    district a kecamatan or village lies in)."""
    code = region.code if region.level <= Region.Level.REGENCY else region.regency_code
    memberships = Membership.objects.active().filter(
        role=Role.DISTRICT_ADMIN, organisation__region__code=code
    )
    return list(User.objects.filter(pk__in=memberships.values("user_id")).order_by("pk"))
