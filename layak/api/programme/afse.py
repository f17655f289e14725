"""AFSE events (advocacy, facilitation, socialisation, education).

Reads go through the apps' ``for_user`` querysets, writes through their action functions.
"""

from __future__ import annotations

import datetime
from typing import Any, Literal

from django.db.models import Prefetch, Q
from django.http import HttpRequest
from ninja import Field, Query, Router

from layak import authz
from layak.afse.models import Event
from layak.api import programme_schemas as p
from layak.api.params import Id
from layak.api.programme.common import (
    ERRORS,
    PageQuery,
    in_region,
    page,
)
from layak.core.http import user_of as _user
from layak.organisations.models import Organisation

A = authz.Action
router = Router()

# ---- AFSE ---------------------------------------------------------------------------------


class EventQuery(PageQuery):
    kind: Literal["A", "F", "S", "E"] | None = None
    date_from: datetime.date | None = Field(None, alias="from")
    date_to: datetime.date | None = Field(None, alias="to")
    region: str = Field("", max_length=32, pattern=p.CODE)
    cancelled: bool = False


def _event(e: Event) -> dict[str, Any]:
    return {
        "id": e.pk,
        "region": e.region.code,
        "kind": e.kind,
        "topic": e.topic,
        "organiser_id": e.organiser_id,
        "organiser": e.organiser.name,
        "starts_on": e.starts_on,
        "ends_on": e.ends_on,
        "place": e.place.code if e.place else None,
        "place_name": e.place.name if e.place else "",
        "venue": e.venue,
        "boys": e.boys,
        "girls": e.girls,
        "men": e.men,
        "women": e.women,
        "total": e.total,
        "target_groups": [t.group for t in e.targets.all()],
        "is_active": e.is_active,
    }


@router.get(
    "/afse/events", response={200: p.EventPage, **ERRORS}, tags=["afse"], url_name="afse_events"
)
def afse_events(request: HttpRequest, filters: Query[EventQuery]) -> Any:
    """AFSE events (advocacy, facilitation, socialisation, education) in your reach:
    ``kind`` A, F, S or E; ``from``/``to`` dates the event overlaps; ``region`` a region and
    the regions below it; cancelled events only with ``cancelled=true``."""
    qs = (
        Event.objects.for_user(_user(request), A.VIEW)
        .select_related("region", "organiser", "place")
        .prefetch_related("targets")
    )
    if not filters.cancelled:
        qs = qs.filter(is_active=True)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.date_from:
        qs = qs.filter(
            Q(ends_on__gte=filters.date_from)
            | Q(ends_on__isnull=True, starts_on__gte=filters.date_from)
        )
    if filters.date_to:
        qs = qs.filter(starts_on__lte=filters.date_to)
    if filters.region:
        qs = qs.filter(in_region("place", filters.region) | in_region("region", filters.region))
    items, nxt = page(qs, filters.after, filters.limit)
    return {"items": [_event(e) for e in items], "next": nxt}


@router.get(
    "/afse/events/{pk}",
    response={200: p.EventDetailOut, **ERRORS},
    tags=["afse"],
    url_name="afse_event",
)
def afse_event(request: HttpRequest, pk: Id) -> Any:
    """One event with its materials, partner organisations and the indicators it serves."""
    event: Event = authz.get_object_for_user(
        Event.objects.select_related("region", "organiser", "place").prefetch_related(
            "targets",
            Prefetch("partners", queryset=Organisation.objects.order_by("name")),
            "indicators",
        ),
        _user(request),
        A.VIEW,
        pk=pk,
    )
    out = _event(event)
    out |= {
        "description": event.description,
        "materials": event.materials,
        "partners": [o.name for o in event.partners.all()],
        "indicators": sorted(i.code for i in event.indicators.all()),
    }
    return out
