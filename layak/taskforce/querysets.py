"""Scoped querysets of the task force.

Decrees, members and meetings belong to a region: the district administrator (and the ministry)
changes them, everyone with a reach over the region reads them. A follow-up action is owned by
an office: besides the region's readers and editors, the owner office's operators may change it
(mark it done), and they reach it even when nothing else of the meeting is theirs.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q

from layak import authz

if TYPE_CHECKING:
    from layak.accounts.models import User
    from layak.taskforce.models import (  # noqa: F401
        Attendance,
        Decree,
        FollowUp,
        Meeting,
        Member,
    )


def in_force_q(on: datetime.date, prefix: str = "") -> Q:
    """Decrees in force on ``on``: started, not yet expired, not yet superseded."""
    return (
        Q(**{f"{prefix}period_start__lte": on})
        & (Q(**{f"{prefix}period_end__isnull": True}) | Q(**{f"{prefix}period_end__gte": on}))
        & (Q(**{f"{prefix}superseded_on__isnull": True}) | Q(**{f"{prefix}superseded_on__gt": on}))
    )


def serving_q(on: datetime.date, prefix: str = "") -> Q:
    """Members serving on ``on``."""
    return Q(**{f"{prefix}served_from__lte": on}) & (
        Q(**{f"{prefix}served_until__isnull": True}) | Q(**{f"{prefix}served_until__gte": on})
    )


class DecreeQuerySet(models.QuerySet["Decree"]):
    def for_user(self, user: User, action: authz.Action) -> DecreeQuerySet:
        return self.filter(authz.scope_q(user, action, region="region"))

    def in_force(self, on: datetime.date) -> DecreeQuerySet:
        return self.filter(in_force_q(on)).order_by("-period_start", "-pk")


class MemberQuerySet(models.QuerySet["Member"]):
    def for_user(self, user: User, action: authz.Action) -> MemberQuerySet:
        return self.filter(authz.scope_q(user, action, region="decree__region"))

    def serving(self, on: datetime.date) -> MemberQuerySet:
        return self.filter(serving_q(on))


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def for_user(self, user: User, action: authz.Action) -> MeetingQuerySet:
        return self.filter(authz.scope_q(user, action, region="region"))


class AttendanceQuerySet(models.QuerySet["Attendance"]):
    def for_user(self, user: User, action: authz.Action) -> AttendanceQuerySet:
        return self.filter(authz.scope_q(user, action, region="meeting__region"))


class FollowUpQuerySet(models.QuerySet["FollowUp"]):
    def for_user(self, user: User, action: authz.Action) -> FollowUpQuerySet:
        """The meeting's readers and editors, plus the owner office for its own follow-ups."""
        return self.filter(
            authz.scope_q(user, action, region="meeting__region")
            | authz.scope_q(user, action, region="meeting__region", organisation="owner")
        )

    def overdue(self, today: datetime.date) -> FollowUpQuerySet:
        from layak.taskforce.models import FollowUp

        return self.filter(status=FollowUp.Status.OPEN, due_date__lt=today, meeting__is_active=True)


def overdue_follow_ups(user: User) -> FollowUpQuerySet:
    """Open follow-ups past their due date owned by an organisation ``user`` is an active
    member of: what the core home page shows to the owner office's people."""
    from django.utils import timezone

    from layak.organisations.models import Membership
    from layak.taskforce.models import FollowUp

    if not user.is_authenticated:
        return FollowUp.objects.none()
    mine = Membership.objects.active().filter(user=user).values("organisation_id")
    return (
        FollowUp.objects.for_user(user, authz.Action.VIEW)
        .overdue(timezone.localdate())
        .filter(owner__in=mine)
        .select_related("meeting__region", "owner")
        .order_by("due_date", "pk")
    )
