"""Figures about the task force that the evaluation uses.

The KLA instrument asks whether the task force is formed by decree with its full structure
(Kelembagaan and the five clusters) and how often it met in a year (more than four meetings vs
one to four).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Exists, OuterRef
from django.utils import timezone

from layak.regions.models import Region
from layak.taskforce.models import LEADERSHIP_ROLES, Attendance, Decree, Meeting, SubTeam


def meetings_held(region: Region, year: int) -> int:
    """Meetings of ``region``'s task force dated in ``year`` at which someone's presence was
    recorded (a meeting only planned, or without an attendance list, does not count). One
    query."""
    return (
        Meeting.objects.filter(region=region, is_active=True, date__year=year)
        .filter(Exists(Attendance.objects.filter(meeting=OuterRef("pk"), present=True)))
        .count()
    )


def structure_summary(region: Region, on: datetime.date | None = None) -> dict[str, Any]:
    """Whether a decree is in force on ``on`` (today by default) and whether the people serving
    under it cover the leadership, Kelembagaan and all five clusters. Two queries.

    Keys: ``decree`` (the decree in force or None), ``in_force``, ``members`` (people serving),
    ``leadership`` (role → whether someone holds it), ``sub_teams`` (code → number of people
    serving), ``missing_sub_teams`` (codes with nobody), ``covers_all_sub_teams``,
    ``complete`` (decree, chair, secretary and every sub-team)."""
    on = on or timezone.localdate()
    decree = Decree.objects.filter(region=region).in_force(on).first()
    rows: list[tuple[str, str]] = []
    if decree is not None:
        rows = list(decree.members.serving(on).values_list("role", "sub_team"))
    leadership = {str(role): any(r == role for r, _s in rows) for role in LEADERSHIP_ROLES}
    sub_teams = {code: sum(1 for _r, s in rows if s == code) for code in SubTeam.values}
    missing = [code for code, n in sub_teams.items() if n == 0]
    return {
        "decree": decree,
        "in_force": decree is not None,
        "members": len(rows),
        "leadership": leadership,
        "sub_teams": sub_teams,
        "missing_sub_teams": missing,
        "covers_all_sub_teams": decree is not None and not missing,
        "complete": decree is not None
        and not missing
        and leadership["chair"]
        and leadership["secretary"],
    }
