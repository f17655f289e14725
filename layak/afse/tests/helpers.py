"""Factories for AFSE tests."""

from __future__ import annotations

import datetime
from typing import Any

from layak.accounts.models import User
from layak.afse.actions import EventData, event_create
from layak.afse.models import Event
from layak.organisations.models import Organisation
from layak.regions.models import Region


def org(name: str) -> Organisation:
    return Organisation.objects.get(name=name)


def dinkes(slug: str = "Bekasi") -> Organisation:
    return org(f"Dinas Kesehatan Kabupaten {slug}")


def make_event(actor: User, organiser: Organisation | None = None, **fields: Any) -> Event:
    organiser = organiser or dinkes()
    assert organiser.region is not None
    fields.setdefault("kind", Event.Kind.SOCIALISATION)
    fields.setdefault("topic", "Sosialisasi pencegahan perkawinan anak")
    fields.setdefault("starts_on", datetime.date(2026, 3, 10))
    fields.setdefault("target_groups", ["schools", "children"])
    if "place" not in fields:
        fields["place"] = (
            Region.objects.filter(level=3, parent=organiser.region).order_by("code").first()
        )
    return event_create(actor=actor, data=EventData(organiser=organiser, **fields))


def kla24_version(personas: Any) -> Any:
    """A small published instrument of the framework ``kla24`` (the one events link to)."""
    from layak.frameworks.actions import version_publish
    from layak.frameworks.spec import build_version
    from layak.testing import small_spec

    return version_publish(actor=personas.ministry, version=build_version(small_spec("kla24")))
