"""URL cases of this app for the URL x role matrix (see layak/core/tests/test_url_matrix.py)."""

from __future__ import annotations

from layak.core.tests.matrix import SIGNED_IN, Case, as_post
from layak.testing import Personas

TOPIC = "Sosialisasi pencegahan perkawinan anak (matriks)"


def event(p: Personas) -> dict[str, object]:
    from layak.afse.models import Event

    return {"pk": Event.objects.get(topic=TOPIC).pk}


# An event of Dinas Kesehatan Kabupaten Bekasi: read by everyone who reaches Bekasi, changed by
# Dinkes, the district administrator and the ministry.
EVENT_VIEW = {"gunungmas.admin": 404}
EVENT_EDIT = {r: 403 for r in SIGNED_IN} | {
    "ministry": 200,
    "bekasi.admin": 200,
    "bekasi.dinkes": 200,
    "gunungmas.admin": 404,
}
# Recording needs an organisation to record for.
RECORDERS = {"verifier.jabar": 403, "assessor": 403, "bekasi.regent": 403}

CASES: dict[str, Case] = {
    "afse:list": Case(),
    "afse:calendar": Case(),
    "afse:create": Case(only=RECORDERS),
    "afse:detail": Case(kwargs=event, only=EVENT_VIEW),
    "afse:edit": Case(kwargs=event, only=EVENT_EDIT),
    "afse:set_active": Case(
        method="post", kwargs=event, data={"active": "1"}, only=as_post(EVENT_EDIT)
    ),
}


def setup(personas: Personas) -> None:
    """Rows the cases need, created once per test in the matrix world."""
    import datetime

    from layak.afse.actions import EventData, event_create
    from layak.organisations.models import Organisation

    event_create(
        actor=personas.bekasi_dinkes,
        data=EventData(
            kind="S",
            topic=TOPIC,
            organiser=Organisation.objects.get(name="Dinas Kesehatan Kabupaten Bekasi"),
            starts_on=datetime.date(2026, 3, 10),
            target_groups=["schools"],
            boys=10,
            girls=12,
        ),
    )
