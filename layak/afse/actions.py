"""Every change to AFSE events goes through these functions, each in one transaction with its
audit entry. Views, commands and the API call the same functions."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from layak import authz
from layak.afse.models import Event, EventTarget, TargetGroup, current_indicators
from layak.audit.log import record, snapshot
from layak.organisations.models import Organisation
from layak.regions.models import Region

if TYPE_CHECKING:
    from layak.accounts.models import User
    from layak.frameworks.models import Indicator


class AfseError(Exception):
    """A change the rules refuse; the message is shown to the user."""


EVENT_FIELDS = (
    "kind",
    "topic",
    "description",
    "organiser",
    "partners",
    "starts_on",
    "ends_on",
    "place",
    "venue",
    "boys",
    "girls",
    "men",
    "women",
    "materials",
    "indicators",
    "is_active",
)
# The most participants one event may count, to catch a typing slip (an extra zero or two).
MAX_PARTICIPANTS = 100_000


@dataclass
class EventData:
    """What a person enters about an event."""

    kind: str
    topic: str
    organiser: Organisation
    starts_on: datetime.date
    description: str = ""
    ends_on: datetime.date | None = None
    place: Region | None = None
    venue: str = ""
    boys: int = 0
    girls: int = 0
    men: int = 0
    women: int = 0
    materials: str = ""
    target_groups: list[str] = field(default_factory=list)
    partners: list[Organisation] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)


def district_of(region: Region | None) -> Region | None:
    """The regency or city that ``region`` lies in (itself at level 2; None above)."""
    if region is None or region.level < Region.Level.REGENCY:
        return None
    if region.level == Region.Level.REGENCY:
        return region
    code = ".".join(region.code.split(".")[:2])
    return Region.objects.get(code=code)


def _snapshot(event: Event) -> dict[str, Any]:
    data = snapshot(event, EVENT_FIELDS)
    data["target_groups"] = sorted(event.targets.values_list("group", flat=True))
    return data


def _check(actor: User, data: EventData) -> Region:
    """Refuse what the rules forbid; return the event's district."""
    if data.kind not in Event.Kind.values:
        raise AfseError(_("Choose the kind of event."))
    if not data.topic.strip():
        raise AfseError(_("Give the topic of the event."))
    if not data.organiser.is_active:
        raise AfseError(_("The organiser is no longer active."))
    district = district_of(data.organiser.region)
    if district is None:
        raise AfseError(_("The organiser must be an organisation of a regency or city."))
    if (
        not Organisation.objects.for_user(actor, authz.Action.EDIT)
        .filter(pk=data.organiser.pk)
        .exists()
    ):
        raise AfseError(_("You can only record events that your organisation organises."))
    if data.ends_on is not None and data.ends_on < data.starts_on:
        raise AfseError(_("The end date cannot be before the start date."))
    if data.place is not None and (
        data.place.level not in (Region.Level.SUBDISTRICT, Region.Level.VILLAGE)
        or not data.place.path.startswith(district.path)
    ):
        raise AfseError(
            _("The place must be a kecamatan or village of %(district)s.")
            % {"district": district.name}
        )
    counts = (data.boys, data.girls, data.men, data.women)
    if any(n < 0 for n in counts):
        raise AfseError(_("Participant counts cannot be negative."))
    if sum(counts) > MAX_PARTICIPANTS:
        raise AfseError(_("That is more participants than one event can have; check the counts."))
    unknown = set(data.target_groups) - set(TargetGroup.values)
    if unknown:
        raise AfseError(_("Unknown target group."))
    for partner in data.partners:
        if partner.pk == data.organiser.pk:
            raise AfseError(_("The organiser cannot also be a partner."))
        if partner.region is None or not partner.region.path.startswith(district.path):
            raise AfseError(
                _("Partner organisations must be of %(district)s.") % {"district": district.name}
            )
    if data.indicators:
        allowed = set(current_indicators().values_list("pk", flat=True))
        if any(i.pk not in allowed for i in data.indicators):
            raise AfseError(_("Link only indicators of the KLA instrument in force."))
    return district


def _write(event: Event, data: EventData, district: Region) -> None:
    event.region = district
    event.kind = data.kind
    event.topic = data.topic.strip()
    event.description = data.description.strip()
    event.organiser = data.organiser
    event.starts_on = data.starts_on
    event.ends_on = data.ends_on
    event.place = data.place
    event.venue = data.venue.strip()
    event.boys, event.girls, event.men, event.women = data.boys, data.girls, data.men, data.women
    event.materials = data.materials.strip()
    event.save()
    event.partners.set(data.partners)
    event.indicators.set(data.indicators)
    _set_targets(event, data.target_groups)


def _set_targets(event: Event, groups: Iterable[str]) -> None:
    wanted = set(groups)
    event.targets.exclude(group__in=wanted).delete()
    have = set(event.targets.values_list("group", flat=True))
    EventTarget.objects.bulk_create(
        [EventTarget(event=event, group=g) for g in sorted(wanted - have)]
    )


@transaction.atomic
def event_create(*, actor: User, data: EventData) -> Event:
    """Record an event organised by ``data.organiser``, which ``actor`` must be able to edit
    for (its own organisation, or any of the district for the district administrator)."""
    district = _check(actor, data)
    event = Event(created_by=actor)
    _write(event, data, district)
    record(
        actor=actor,
        action="afse.created",
        obj=event,
        region=district,
        after=_snapshot(event),
    )
    return event


@transaction.atomic
def event_update(*, actor: User, event: Event, data: EventData) -> Event:
    """Change an event ``actor`` may edit; moving it to another organiser needs the right to
    edit for that organiser too."""
    event = Event.objects.select_for_update(of=("self",)).get(pk=event.pk)
    if not Event.objects.for_user(actor, authz.Action.EDIT).filter(pk=event.pk).exists():
        raise AfseError(_("You cannot change this event."))
    before = _snapshot(event)
    district = _check(actor, data)
    _write(event, data, district)
    record(
        actor=actor,
        action="afse.updated",
        obj=event,
        region=district,
        before=before,
        after=_snapshot(event),
    )
    return event


@transaction.atomic
def event_set_active(*, actor: User, event: Event, active: bool) -> Event:
    """Cancel an event (it stays, marked inactive, with its history) or restore it."""
    event = Event.objects.select_for_update(of=("self",)).get(pk=event.pk)
    if not Event.objects.for_user(actor, authz.Action.EDIT).filter(pk=event.pk).exists():
        raise AfseError(_("You cannot change this event."))
    if event.is_active == active:
        return event
    event.is_active = active
    event.save(update_fields=["is_active", "updated_at"])
    record(
        actor=actor,
        action="afse.restored" if active else "afse.cancelled",
        obj=event,
        region=event.region,
        before={"is_active": not active},
        after={"is_active": active},
    )
    return event
