"""URL cases of this app for the URL x role matrix (see layak/core/tests/test_url_matrix.py).

Bekasi's task force is read by everyone with a reach over Bekasi (its offices, partner and
forum included) and changed only by its administrator and the ministry; Gunung Mas's
administrator gets 404. The follow-up belongs to Dinas Kesehatan Kabupaten Bekasi, whose
operator may mark it done.
"""

from __future__ import annotations

import datetime

from layak.core.tests.matrix import SIGNED_IN, Case, as_post
from layak.testing import Personas

NUMBER = "MATRIX/SK/2024"
VIEW = {"gunungmas.admin": 404}
EDIT = {r: 403 for r in SIGNED_IN} | {"ministry": 200, "bekasi.admin": 200} | VIEW
CLOSE = as_post(EDIT) | {"bekasi.dinkes": 302}


def _decree():
    from layak.taskforce.models import Decree

    return Decree.objects.get(number=NUMBER)


def decree(p: Personas) -> dict[str, object]:
    return {"pk": _decree().pk}


def member(p: Personas) -> dict[str, object]:
    return {"pk": _decree().members.get(name="Matriks Sekretaris").pk}


def meeting(p: Personas) -> dict[str, object]:
    return {"pk": _decree().meetings.get().pk}


def follow_up(p: Personas) -> dict[str, object]:
    return {"pk": _decree().meetings.get().follow_ups.get().pk}


def bekasi(p: Personas) -> dict[str, object]:
    return {"code": "32.16"}


CASES: dict[str, Case] = {
    "taskforce:home": Case(),
    "taskforce:meetings": Case(),
    "taskforce:my_follow_ups": Case(),
    "taskforce:region": Case(kwargs=bekasi, only=VIEW),
    "taskforce:decrees": Case(kwargs=bekasi, only=VIEW),
    "taskforce:decree_create": Case(kwargs=bekasi, only=EDIT),
    "taskforce:meeting_create": Case(kwargs=bekasi, only=EDIT),
    "taskforce:decree": Case(kwargs=decree, only=VIEW),
    "taskforce:decree_edit": Case(kwargs=decree, only=EDIT),
    "taskforce:member_create": Case(kwargs=decree, only=EDIT),
    "taskforce:member_edit": Case(kwargs=member, only=EDIT),
    "taskforce:member_end": Case(
        method="post",
        kwargs=member,
        data={"served_until": "2025-12-31", "reason": "Mutasi"},
        only=as_post(EDIT),
    ),
    "taskforce:meeting": Case(kwargs=meeting, only=VIEW),
    "taskforce:meeting_pdf": Case(kwargs=meeting, only=VIEW),
    "taskforce:meeting_edit": Case(kwargs=meeting, only=EDIT),
    "taskforce:meeting_invite": Case(method="post", kwargs=meeting, only=as_post(EDIT)),
    "taskforce:attendance": Case(method="post", kwargs=meeting, only=as_post(EDIT)),
    "taskforce:attendee_add": Case(
        method="post",
        kwargs=meeting,
        data={"guest-name": "Tamu", "guest-sex": "F", "guest-present": "on"},
        only=as_post(EDIT),
    ),
    "taskforce:follow_up_create": Case(method="post", kwargs=meeting, only=as_post(EDIT)),
    "taskforce:follow_up_edit": Case(kwargs=follow_up, only=EDIT),
    "taskforce:follow_up_done": Case(
        method="post", kwargs=follow_up, data={"note": "Selesai"}, only=CLOSE
    ),
    "taskforce:follow_up_drop": Case(
        method="post", kwargs=follow_up, data={"reason": "Digabung"}, only=as_post(EDIT)
    ),
    "taskforce:follow_up_reopen": Case(method="post", kwargs=follow_up, only=as_post(EDIT)),
}


def setup(personas: Personas) -> None:
    """Rows the cases need, created once per test in the matrix world."""
    from layak.organisations.models import Organisation
    from layak.regions.models import Region
    from layak.taskforce import actions
    from layak.taskforce.models import TaskForceRole

    admin = personas.bekasi_admin
    d = actions.decree_create(
        actor=admin,
        region=Region.objects.get(code="32.16"),
        number=NUMBER,
        signed_on=datetime.date(2024, 1, 10),
        signatory="Bupati Bekasi",
        period_start=datetime.date(2024, 1, 15),
        period_end=datetime.date(2028, 12, 31),
    )
    chair = actions.member_add(
        actor=admin,
        decree=d,
        name="Matriks Ketua",
        role=TaskForceRole.CHAIR,
        served_from=d.period_start,
    )
    actions.member_add(
        actor=admin,
        decree=d,
        name="Matriks Sekretaris",
        role=TaskForceRole.SECRETARY,
        served_from=d.period_start,
    )
    m = actions.meeting_create(
        actor=admin,
        region=d.region,
        title="Rapat Koordinasi Matriks",
        agenda="Uji",
        date=datetime.date(2025, 3, 13),
        start_time=datetime.time(9),
        place="Aula DP3A",
        chair_member=chair,
    )
    actions.follow_up_add(
        actor=admin,
        meeting=m,
        description="Rekap data",
        owner=Organisation.objects.get(name="Dinas Kesehatan Kabupaten Bekasi"),
        due_date=datetime.date(2025, 4, 30),
    )
