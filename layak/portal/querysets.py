"""Who decides what a district shows on the public portal."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from layak import authz
from layak.accounts.models import User
from layak.organisations.roles import Role
from layak.regions.models import Region


def managed_districts(user: User) -> QuerySet[Region]:
    """The regencies and cities whose public page ``user`` decides: those of their district
    administrator grants. Publishing is the district's own decision, so the ministry's national
    grant does not carry it."""
    q = Q(pk__in=[])
    for grant in authz.grants(user):
        if grant.role == Role.DISTRICT_ADMIN and grant.allows(authz.Action.MANAGE):
            for path in grant.paths:
                q |= Q(path__startswith=path)
    return Region.objects.filter(q, level=Region.Level.REGENCY, is_active=True).order_by("name")


def get_district_to_publish(user: User, code: str) -> Region:
    """The district ``code`` if ``user`` decides its public page; 404 when the user cannot see
    the district at all, 403 when they see it but do not decide."""
    from django.core.exceptions import PermissionDenied

    visible = Region.objects.filter(
        authz.scope_q(user, authz.Action.VIEW, region=""), level=Region.Level.REGENCY
    )
    region = visible.filter(code=code).first()
    if region is None:
        raise Http404
    if not managed_districts(user).filter(pk=region.pk).exists():
        raise PermissionDenied
    return region
