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

import functools
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from layak.core.shapes import Shapes
from layak.core.statements import ANY_USER, UserStatement
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


_CACHE_ATTR = "_layak_reach"


@dataclass(frozen=True, slots=True)
class _Reach:
    """A user's grants as read at ``generation``, with what navigation asks of them."""

    generation: int
    grants: list[Grant]
    roles: frozenset[str]
    actions: frozenset[Action]


# Bumped whenever a membership, an assessor's districts or an organisation changes in this
# process (``watch_memberships``); a user object's cached grants read at an older generation
# are read again. Another process's change is seen from the next request, whose user object is
# new.
_generation = 0


def memberships_changed(**_kwargs: Any) -> None:
    """Make every cached set of grants in this process stale (a signal receiver)."""
    global _generation
    _generation += 1


def watch_memberships() -> None:
    """Connect ``memberships_changed`` to every write that can change a person's grants
    (called once from the organisations app's ``ready``). Plain cache invalidation: the writes
    themselves stay in the action functions."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from layak.organisations.models import Membership, Organisation

    uid = "layak.authz.memberships_changed"
    for model in (Membership, Organisation):
        post_save.connect(memberships_changed, sender=model, dispatch_uid=f"{uid}.save.{model}")
        post_delete.connect(memberships_changed, sender=model, dispatch_uid=f"{uid}.delete.{model}")
    m2m_changed.connect(
        memberships_changed, sender=Membership.assigned_regions.through, dispatch_uid=f"{uid}.m2m"
    )


def _reach(user: User | AnonymousUser) -> _Reach | None:
    if not user.is_authenticated or not user.is_active:
        return None
    cached: _Reach | None = getattr(user, _CACHE_ATTR, None)
    if cached is not None and cached.generation == _generation:
        return cached
    generation = _generation
    result = _load_grants(user)
    reach = _Reach(
        generation,
        result,
        frozenset(g.role for g in result),
        frozenset(a for g in result for a in ROLE_ACTIONS[g.role]),
    )
    setattr(user, _CACHE_ATTR, reach)
    return reach


@functools.cache
def _grants_statement() -> UserStatement:
    """The grants' SQL, compiled once (it depends on nothing but the user)."""
    from layak.organisations.models import Membership

    return UserStatement(
        Membership.objects.active()
        .filter(user_id=ANY_USER)
        .order_by("organisation__name", "pk", "assigned_regions__code")
        .values_list(
            "pk", "role", "organisation_id", "organisation__region__path", "assigned_regions__path"
        )
    )


def _load_grants(user: User) -> list[Grant]:
    """One query: each active membership with its organisation's region path, and an
    assessor's assigned districts as extra rows (in the memberships' usual order)."""
    rows = _grants_statement().rows(user.pk)
    found: dict[int, tuple[str, int, str | None, list[str]]] = {}
    for pk, role, organisation_id, region_path, assigned_path in rows:
        entry = found.setdefault(pk, (role, organisation_id, region_path, []))
        if assigned_path is not None:
            entry[3].append(assigned_path)
    result: list[Grant] = []
    for role_, organisation, path, assigned in found.values():
        if role_ == Role.ASSESSOR:
            result.append(Grant(role_, organisation, tuple(assigned), national=False))
        elif path is None:
            result.append(Grant(role_, organisation, (), national=True))
        else:
            result.append(Grant(role_, organisation, (path,), national=False))
    return result


def grants(user: User | AnonymousUser) -> list[Grant]:
    """The user's active grants, read once per user object (one query) and again only after a
    membership changed (``memberships_changed``). A request's user object is its own, so
    nothing carries over from one request to the next."""
    reach = _reach(user)
    return reach.grants if reach is not None else []


def scope_key(user: User | AnonymousUser) -> tuple[Grant, ...]:
    """What every filter of ``scope_q`` for ``user`` is decided by (their grants): a key under
    which a query filtered by it may be compiled once (``layak.core.shapes``)."""
    return tuple(grants(user))


def forget(user: Any) -> None:
    """Drop the cached grants after the user's memberships changed."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def roles(user: User | AnonymousUser) -> set[str]:
    reach = _reach(user)
    return set(reach.roles) if reach is not None else set()


def has_action(user: User | AnonymousUser, action: Action) -> bool:
    """Whether any of the user's grants carries ``action`` somewhere (for navigation)."""
    reach = _reach(user)
    return reach is not None and action in reach.actions


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


_ONE = Shapes(size=256)  # every page's own row, per set of grants


def get_for_user(
    build: Callable[[], Any], user: User | AnonymousUser, action: Action, pk: int
) -> Any:
    """``get_object_for_user(build(), user, action, pk=pk)`` with its statements compiled once
    per query and set of grants (``layak.core.shapes``). ``build`` returns a queryset with
    ``for_user`` whose SQL depends on nothing else (no values it captured)."""
    from django.http import Http404

    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    key = (build.__code__, scope_key(user))
    found = _ONE.fetch(
        (*key, Action.VIEW), lambda pk: build().for_user(user, Action.VIEW).filter(pk=pk), pk
    )
    if not found:
        raise Http404
    if action != Action.VIEW and not _ONE.fetch(
        (*key, action),
        lambda pk: build().for_user(user, action).filter(pk=pk).values_list("pk"),
        pk,
    ):
        raise PermissionDenied
    return found[0]


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
