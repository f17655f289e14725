"""The one place that decides who may do what, where.

A person's rights are the sum of their active memberships. Each membership is a grant of a role
over a reach: the whole country (ministry administrator), a region subtree (province verifier,
district administrator, reader), the districts assigned to an independent assessor, or one
organisation (office operator, partner contributor, children's forum facilitator).

Every read of region-owned rows goes through ``scope_q`` (usually via a queryset's
``for_user``); a row outside the reach answers 404, and an action the role does not carry
answers 403 (``require``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from layak.organisations.roles import ORGANISATION_SCOPED_ROLES, Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from layak.accounts.models import User


class Action(StrEnum):
    VIEW = "view"  # read
    EDIT = "edit"  # enter and change the organisation's or district's own data
    MANAGE = "manage"  # organisations, members, assignments
    VERIFY = "verify"  # review and score another level's work
    AUDIT = "audit"  # read the audit log


ROLE_ACTIONS: dict[str, frozenset[Action]] = {
    Role.MINISTRY_ADMIN: frozenset(Action),
    Role.PROVINCE_VERIFIER: frozenset({Action.VIEW, Action.VERIFY}),
    # The district verifies its kecamatan and villages.
    Role.DISTRICT_ADMIN: frozenset(
        {Action.VIEW, Action.EDIT, Action.MANAGE, Action.AUDIT, Action.VERIFY}
    ),
    Role.OFFICE_OPERATOR: frozenset({Action.VIEW, Action.EDIT}),
    Role.PARTNER_CONTRIBUTOR: frozenset({Action.VIEW, Action.EDIT}),
    Role.FORUM_FACILITATOR: frozenset({Action.VIEW, Action.EDIT}),
    Role.READER: frozenset({Action.VIEW}),
    Role.ASSESSOR: frozenset({Action.VIEW, Action.VERIFY}),
    # A kecamatan operator answers for the kecamatan and its villages; a village operator for
    # its village (Kecamatan / Desa-Kelurahan Layak Anak).
    Role.SUBDISTRICT_OPERATOR: frozenset({Action.VIEW, Action.EDIT}),
    Role.VILLAGE_OPERATOR: frozenset({Action.VIEW, Action.EDIT}),
}


@dataclass(frozen=True, slots=True)
class Grant:
    role: str
    organisation_id: int
    # Region paths this grant reaches; empty for a national grant.
    paths: tuple[str, ...]
    national: bool

    @property
    def organisation_scoped(self) -> bool:
        return self.role in ORGANISATION_SCOPED_ROLES

    def allows(self, action: Action) -> bool:
        return action in ROLE_ACTIONS[self.role]


_CACHE_ATTR = "_layak_grants"


def grants(user: User | AnonymousUser) -> list[Grant]:
    """The user's active grants, read once per user object (one query for each of two tables)."""
    if not user.is_authenticated or not user.is_active:
        return []
    cached: list[Grant] | None = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    from layak.organisations.models import Membership

    memberships = (
        Membership.objects.active()
        .filter(user=user)
        .select_related("organisation__region")
        .prefetch_related("assigned_regions")
    )
    result: list[Grant] = []
    for m in memberships:
        region = m.organisation.region
        if m.role == Role.ASSESSOR:
            paths = tuple(r.path for r in m.assigned_regions.all())
            result.append(Grant(m.role, m.organisation_id, paths, national=False))
        elif region is None:
            result.append(Grant(m.role, m.organisation_id, (), national=True))
        else:
            result.append(Grant(m.role, m.organisation_id, (region.path,), national=False))
    setattr(user, _CACHE_ATTR, result)
    return result


def forget(user: Any) -> None:
    """Drop the cached grants after the user's memberships changed."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def roles(user: User | AnonymousUser) -> set[str]:
    return {g.role for g in grants(user)}


def has_action(user: User | AnonymousUser, action: Action) -> bool:
    """Whether any of the user's grants carries ``action`` somewhere (for navigation)."""
    return any(g.allows(action) for g in grants(user))


_NOTHING = Q(pk__in=[])


def scope_q(
    user: User | AnonymousUser,
    action: Action,
    *,
    region: str | None,
    organisation: str | Callable[[int], Q] | None = None,
) -> Q:
    """A filter for the rows ``user`` may ``action``.

    ``region`` is the lookup from the row to its Region (``"region"``,
    ``"organisation__region"``, ``""`` for Region rows themselves); ``organisation`` the lookup
    to its owning Organisation, for rows that an office, partner or forum owns (or a function
    from an organisation id to a filter, where ownership is a relation such as an assignment).
    Organisation-scoped roles reach only rows of their own organisation; on rows without an
    owner they may read what lies in their district.
    """
    q = _NOTHING
    for grant in grants(user):
        if not grant.allows(action):
            continue
        if grant.national:
            return Q()
        if grant.organisation_scoped:
            if callable(organisation):
                q |= organisation(grant.organisation_id)
            elif organisation is not None:
                q |= Q(**{organisation: grant.organisation_id})
            elif action == Action.VIEW and region is not None:
                q |= _within(region, grant.paths)
        elif region is not None:
            q |= _within(region, grant.paths)
    return q


def _within(region: str, paths: tuple[str, ...]) -> Q:
    q = _NOTHING
    for path in paths:
        q |= Q(**{f"{region}__path__startswith" if region else "path__startswith": path})
    return q


def require(user: User | AnonymousUser, action: Action, allowed: bool | None = None) -> None:
    """Raise 403 unless the user holds ``action`` (and ``allowed``, a row-level check, is true)."""
    if not has_action(user, action) or allowed is False:
        raise PermissionDenied


def get_object_for_user(
    queryset: Any, user: User | AnonymousUser, action: Action, **lookup: Any
) -> Any:
    """The row matching ``lookup`` that ``user`` may see (404 otherwise), checked for ``action``
    (403 when the user may see the row but not do that to it). ``queryset`` must have
    ``for_user``."""
    from django.shortcuts import get_object_or_404

    obj = get_object_or_404(queryset.for_user(user, Action.VIEW), **lookup)
    if action != Action.VIEW and not queryset.for_user(user, action).filter(pk=obj.pk).exists():
        raise PermissionDenied
    return obj


def reaches(user: User | AnonymousUser, action: Action, region: Any) -> bool:
    """Whether a region-wide grant carrying ``action`` covers ``region`` (None: national).

    Organisation-scoped grants never reach a region as a whole."""
    for grant in grants(user):
        if not grant.allows(action) or grant.organisation_scoped:
            continue
        if grant.national:
            return True
        if region is not None and any(region.path.startswith(p) for p in grant.paths):
            return True
    return False
