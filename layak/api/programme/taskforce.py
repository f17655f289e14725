"""Task force decrees, meetings and follow-ups.

Reads go through the apps' ``for_user`` querysets, writes through their action functions.
"""

from __future__ import annotations

import datetime
from typing import Any, Literal

from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router

from layak import authz
from layak.api import programme_schemas as p
from layak.api.params import Id
from layak.api.programme.common import (
    ERRORS,
    PageQuery,
    in_region,
    page,
)
from layak.core.http import user_of as _user
from layak.regions.models import Region
from layak.taskforce.models import Decree, FollowUp, Meeting, Sex
from layak.taskforce.querysets import serving_q

A = authz.Action
router = Router()

# ---- task force ---------------------------------------------------------------------------


class DecreeQuery(PageQuery):
    region: str = Field("", max_length=32, pattern=p.CODE)


def _decree(d: Decree, serving: int) -> dict[str, Any]:
    return {
        "id": d.pk,
        "region": d.region.code,
        "number": d.number,
        "title": d.title,
        "signed_on": d.signed_on,
        "signatory": d.signatory,
        "period_start": d.period_start,
        "period_end": d.period_end,
        "superseded_by_id": d.superseded_by_id,
        "superseded_on": d.superseded_on,
        "in_force": d.in_force_on(timezone.localdate()),
        "members_serving": serving,
    }


@router.get(
    "/taskforce/decrees",
    response={200: p.DecreePage, **ERRORS},
    tags=["taskforce"],
    url_name="taskforce_decrees",
)
def taskforce_decrees(request: HttpRequest, filters: Query[DecreeQuery]) -> Any:
    """Task force decrees (SK) in your reach, superseded ones included; ``region`` narrows to a
    region and the regions below it."""
    today = timezone.localdate()
    qs = (
        Decree.objects.for_user(_user(request), A.VIEW)
        .select_related("region")
        .annotate(serving=Count("members", filter=serving_q(today, "members__")))
    )
    if filters.region:
        qs = qs.filter(in_region("region", filters.region))
    items, nxt = page(qs, filters.after, filters.limit)
    return {"items": [_decree(d, d.serving) for d in items], "next": nxt}


@router.get(
    "/taskforce/decrees/{pk}",
    response={200: p.DecreeDetailOut, **ERRORS},
    tags=["taskforce"],
    url_name="taskforce_decree",
)
def taskforce_decree(request: HttpRequest, pk: Id) -> Any:
    """One decree with the people serving under it, past and present."""
    decree: Decree = authz.get_object_for_user(
        Decree.objects.select_related("region"), _user(request), A.VIEW, pk=pk
    )
    today = timezone.localdate()
    members = list(
        decree.members.select_related("organisation").order_by(
            "sub_team", "role", "served_from", "name", "pk"
        )
    )
    out = _decree(decree, sum(1 for m in members if m.serving_on(today)))
    out["members"] = [
        {
            "id": m.pk,
            "name": m.name,
            "position": m.position,
            "organisation_id": m.organisation_id,
            "organisation": m.organisation.name if m.organisation else "",
            "role": m.role,
            "sub_team": m.sub_team,
            "served_from": m.served_from,
            "served_until": m.served_until,
            "end_reason": m.end_reason,
            "serving": m.serving_on(today),
        }
        for m in members
    ]
    return out


class MeetingQuery(PageQuery):
    region: str = Field("", max_length=32, pattern=p.CODE)
    year: int | None = Field(None, ge=2000, le=2100)


def _meeting(m: Meeting, listed: int, present: int, open_follow_ups: int) -> dict[str, Any]:
    return {
        "id": m.pk,
        "region": m.region.code,
        "decree_id": m.decree_id,
        "title": m.title,
        "date": m.date,
        "start_time": m.start_time,
        "place": m.place,
        "chair": m.chair_label,
        "is_active": m.is_active,
        "listed": listed,
        "present": present,
        "open_follow_ups": open_follow_ups,
    }


@router.get(
    "/taskforce/meetings",
    response={200: p.MeetingPage, **ERRORS},
    tags=["taskforce"],
    url_name="taskforce_meetings",
)
def taskforce_meetings(request: HttpRequest, filters: Query[MeetingQuery]) -> Any:
    """Coordination meetings in your reach (cancelled ones left out), with the number of
    people listed and present and the open follow-ups."""
    qs = (
        Meeting.objects.for_user(_user(request), A.VIEW)
        .filter(is_active=True)
        .select_related("region", "chair_member")
        .annotate(
            listed=Count("attendances", distinct=True),
            present=Count("attendances", filter=Q(attendances__present=True), distinct=True),
            open_follow_ups=Count(
                "follow_ups", filter=Q(follow_ups__status=FollowUp.Status.OPEN), distinct=True
            ),
        )
    )
    if filters.region:
        qs = qs.filter(in_region("region", filters.region))
    if filters.year:
        qs = qs.filter(date__year=filters.year)
    items, nxt = page(qs, filters.after, filters.limit)
    return {
        "items": [_meeting(m, m.listed, m.present, m.open_follow_ups) for m in items],
        "next": nxt,
    }


def _follow_up(f: FollowUp, region: Region, today: datetime.date) -> dict[str, Any]:
    return {
        "id": f.pk,
        "meeting_id": f.meeting_id,
        "region": region.code,
        "description": f.description,
        "owner_id": f.owner_id,
        "owner": f.owner.name,
        "due_date": f.due_date,
        "status": f.status,
        "completion_note": f.completion_note,
        "closed_at": f.closed_at,
        "overdue": f.is_overdue(today),
    }


@router.get(
    "/taskforce/meetings/{pk}",
    response={200: p.MeetingDetailOut, **ERRORS},
    tags=["taskforce"],
    url_name="taskforce_meeting",
)
def taskforce_meeting(request: HttpRequest, pk: Id) -> Any:
    """One meeting: agenda, minutes, decisions, attendance totals (people present by sex) and
    the follow-up actions with their responsible offices."""
    meeting: Meeting = authz.get_object_for_user(
        Meeting.objects.select_related("region", "chair_member"), _user(request), A.VIEW, pk=pk
    )
    present = Q(present=True)
    counts = meeting.attendances.aggregate(
        n_listed=Count("pk"),
        n_invited=Count("pk", filter=Q(invited=True)),
        n_present=Count("pk", filter=present),
        n_male=Count("pk", filter=present & Q(sex=Sex.MALE)),
        n_female=Count("pk", filter=present & Q(sex=Sex.FEMALE)),
    )
    totals = {key.removeprefix("n_"): n for key, n in counts.items()}
    follow_ups = list(meeting.follow_ups.select_related("owner").order_by("due_date", "pk"))
    today = timezone.localdate()
    out = _meeting(
        meeting,
        totals["listed"],
        totals["present"],
        sum(1 for f in follow_ups if f.status == FollowUp.Status.OPEN),
    )
    out |= {
        "agenda": meeting.agenda,
        "minutes": meeting.minutes,
        "decisions": [str(d) for d in meeting.decisions or []],
        "attendance": totals,
        "follow_ups": [_follow_up(f, meeting.region, today) for f in follow_ups],
    }
    return out


class FollowUpQuery(PageQuery):
    status: Literal["open", "done", "dropped"] | None = None
    overdue: bool | None = None


@router.get(
    "/taskforce/follow-ups",
    response={200: p.FollowUpPage, **ERRORS},
    tags=["taskforce"],
    url_name="taskforce_follow_ups",
)
def taskforce_follow_ups(request: HttpRequest, filters: Query[FollowUpQuery]) -> Any:
    """Follow-up actions of meetings in your reach (an office: also those it owns);
    ``overdue=true`` gives the open ones past their due date."""
    today = timezone.localdate()
    qs = (
        FollowUp.objects.for_user(_user(request), A.VIEW)
        .filter(meeting__is_active=True)
        .select_related("meeting__region", "owner")
    )
    if filters.status:
        qs = qs.filter(status=filters.status)
    late = Q(status=FollowUp.Status.OPEN, due_date__lt=today)
    if filters.overdue is True:
        qs = qs.filter(late)
    elif filters.overdue is False:
        qs = qs.exclude(late)
    items, nxt = page(qs, filters.after, filters.limit)
    return {"items": [_follow_up(f, f.meeting.region, today) for f in items], "next": nxt}
