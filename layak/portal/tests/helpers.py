"""Rows the portal's tests need."""

from __future__ import annotations

import datetime
from io import BytesIO
from typing import Any

from layak.evidence.attachments import attachment_add
from layak.evidence.models import EvidenceFile
from layak.organisations.models import Organisation
from layak.portal import actions
from layak.regions.models import Region
from layak.testing import Personas

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def publish(personas: Personas, *sections: str, code: str = "32.16") -> None:
    admin = personas.bekasi_admin if code == "32.16" else personas.gm_admin
    region = Region.objects.get(code=code)
    for section in sections:
        actions.section_set(actor=admin, region=region, section=section, publish=True)


def decree(
    personas: Personas, *, number: str = "188.45/Kep.100-DP3A/2016", year: int = 2016
) -> Any:
    """An old Bekasi decree (of 2016 by default), so it does not supersede the decrees other
    tests keep in force."""
    from layak.taskforce.actions import decree_create

    return decree_create(
        actor=personas.bekasi_admin,
        region=Region.objects.get(code="32.16"),
        number=number,
        signed_on=datetime.date(year, 1, 4),
        signatory="Bupati Bekasi",
        period_start=datetime.date(year, 1, 11),
        period_end=datetime.date(year, 12, 31),
    )


def attach(personas: Personas, owner: Any, *, name: str, public: bool) -> EvidenceFile:
    content = PDF + name.encode()
    attachment = attachment_add(
        actor=personas.bekasi_admin,
        owner=owner,
        data=BytesIO(content),
        name=name,
        size=len(content),
    )
    EvidenceFile.objects.filter(pk=attachment.file_id).update(is_public=public)
    return attachment.file


def public_decree(personas: Personas, *, name: str) -> EvidenceFile:
    """A Bekasi decree with a public document, the task force section published."""
    evidence = attach(personas, decree(personas), name=name, public=True)
    publish(personas, "taskforce")
    return evidence


def current_decree(personas: Personas, *, on: datetime.date) -> Any:
    """A Bekasi decree in force on ``on`` with two people of Dinkes serving and one outsider."""
    from layak.taskforce.actions import decree_create, member_add
    from layak.taskforce.models import TaskForceRole

    admin = personas.bekasi_admin
    d = decree_create(
        actor=admin,
        region=Region.objects.get(code="32.16"),
        number="463/Kep.15-DP3A/2024",
        signed_on=on - datetime.timedelta(days=40),
        signatory="Bupati Bekasi",
        period_start=on - datetime.timedelta(days=30),
    )
    dinkes = Organisation.objects.get(name="Dinas Kesehatan Kabupaten Bekasi")
    for name, role in (("Dr. Rahmat Hidayat", TaskForceRole.CHAIR), ("Siti Aminah", "member")):
        member_add(
            actor=admin,
            decree=d,
            name=name,
            role=role,
            organisation=dinkes,
            sub_team="" if role == TaskForceRole.CHAIR else "K3",
            served_from=d.period_start,
        )
    member_add(
        actor=admin,
        decree=d,
        name="Yohanes Wibisono",
        role="member",
        served_from=d.period_start,
        sub_team="K5",
        position="Tokoh masyarakat",
    )
    return d
