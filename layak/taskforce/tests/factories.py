"""Builders for the task force's tests."""

from __future__ import annotations

import datetime

from layak.organisations.models import Organisation
from layak.regions.models import Region
from layak.taskforce import actions
from layak.taskforce.models import Decree, Meeting, Member
from layak.testing import Personas

D = datetime.date


def office(name: str) -> Organisation:
    return Organisation.objects.get(name=name)


def decree(
    p: Personas,
    code: str = "32.16",
    start: datetime.date | None = None,
    number: str = "HK.02.02/Kep.15-DP3A/2024",
    **kwargs: object,
) -> Decree:
    start = start or D(2024, 1, 15)
    actor = p.bekasi_admin if code.startswith("32") else p.gm_admin
    return actions.decree_create(
        actor=actor,
        region=Region.objects.get(code=code),
        number=number,
        signed_on=start,
        signatory="Bupati Bekasi",
        period_start=start,
        **kwargs,
    )


def member(
    p: Personas, d: Decree, name: str, role: str, sub_team: str = "", **kw: object
) -> Member:
    kw.setdefault("served_from", d.period_start)
    return actions.member_add(
        actor=p.bekasi_admin if d.region.code.startswith("32") else p.gm_admin,
        decree=d,
        name=name,
        role=role,
        sub_team=sub_team,
        **kw,
    )


def meeting(
    p: Personas, code: str = "32.16", date: datetime.date | None = None, **kw: object
) -> Meeting:
    kw.setdefault("chair_name", "Dedi Supriatna")
    return actions.meeting_create(
        actor=p.bekasi_admin if code.startswith("32") else p.gm_admin,
        region=Region.objects.get(code=code),
        title="Rapat Koordinasi Gugus Tugas KLA Triwulan I",
        agenda="Persiapan evaluasi KLA",
        date=date or D(2025, 3, 13),
        start_time=datetime.time(9, 0),
        place="Aula DP3A",
        **kw,
    )
