"""Factories for the participation tests."""

from __future__ import annotations

import datetime
from typing import Any

from layak.accounts.models import User
from layak.organisations.models import Organisation
from layak.participation.actions import ProposalData, proposal_create
from layak.participation.models import Proposal
from layak.regions.models import Region


def forum(slug: str = "Bekasi") -> Organisation:
    return Organisation.objects.get(name=f"Forum Anak Kabupaten {slug}")


def make_proposal(actor: User, on: Organisation | None = None, **fields: Any) -> Proposal:
    on = on or forum()
    assert on.region is not None
    fields.setdefault("topic", "Taman bermain ramah anak di setiap desa")
    fields.setdefault("region", on.region)
    fields.setdefault("proposed_on", datetime.date(2025, 3, 15))
    fields.setdefault("source", "musrenbang")
    fields.setdefault("proposers", [("Putri", "13-15"), ("A.R.", "10-12")])
    return proposal_create(actor=actor, forum=on, data=ProposalData(**fields))


def make_plan_item(region_code: str, actor: User, name: str = "Pembangunan RBRA") -> Any:
    """A RAD KLA with one activity in the district (rows made directly: the plans app's own
    actions are tested there)."""
    from layak.frameworks.actions import version_publish
    from layak.frameworks.models import InstrumentVersion
    from layak.frameworks.spec import build_version
    from layak.plans.models import Plan, PlanItem
    from layak.testing import small_spec

    version = InstrumentVersion.objects.filter(framework__code="rad-uji").first()
    if version is None:
        ministry = User.objects.get(email="ministry@demo.layak.id")
        version = version_publish(actor=ministry, version=build_version(small_spec("rad-uji")))
    region = Region.objects.get(code=region_code)
    plan = Plan.objects.create(
        region=region,
        version=version,
        title=f"RAD KLA {region.name} 2025–2029",
        start_year=2025,
        end_year=2029,
        created_by=actor,
    )
    return PlanItem.objects.create(
        plan=plan,
        level=PlanItem.Level.ACTIVITY,
        ref="P1.A1",
        indicator=version.indicators.get(code="T-1"),
        name=name,
        responsible=Organisation.objects.filter(region=region, acronym="DPUPR").get(),
        performance_indicator="Jumlah RBRA terbangun",
        unit="unit",
    )
