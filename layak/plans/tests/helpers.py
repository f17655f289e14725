"""A small RAD KLA for tests: Bekasi, 2025–2029, one programme with an activity and two
sub-activities (Dinkes, Disdukcapil) under indicator K1-4 and a programme under KL-2."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal as D

from layak.frameworks.actions import bundled_load
from layak.frameworks.models import Indicator
from layak.organisations.models import Organisation
from layak.plans import actions
from layak.plans.models import Plan, PlanItem
from layak.regions.models import Region
from layak.testing import Personas


@dataclass
class World:
    plan: Plan
    programme: PlanItem
    activity: PlanItem
    birth: PlanItem  # sub-activity of Disdukcapil
    clinic: PlanItem  # sub-activity of Dinkes
    kl: PlanItem
    dinkes: Organisation
    capil: Organisation


def office(name: str) -> Organisation:
    return Organisation.objects.get(name=f"{name} Kabupaten Bekasi")


def years(plan: Plan, target: str, apbd: str, csr: str = "0") -> dict[int, dict[str, D | None]]:
    return {
        y: {
            "target": D(target),
            "apbd": D(apbd),
            "apbn": D(0),
            "village": D(0),
            "csr": D(csr),
            "other": D(0),
        }
        for y in plan.years
    }


def make_plan(personas: Personas) -> World:
    bundled_load()
    admin = personas.bekasi_admin
    bekasi = Region.objects.get(code="32.16")
    plan = actions.plan_create(actor=admin, region=bekasi, title="RAD KLA Uji", start_year=2025)
    version = plan.version
    k14 = Indicator.objects.get(version=version, code="K1-4")
    kl2 = Indicator.objects.get(version=version, code="KL-2")
    dinkes = office("Dinas Kesehatan")
    capil = office("Dinas Kependudukan dan Pencatatan Sipil")
    dp3a = office("Dinas Pemberdayaan Perempuan dan Perlindungan Anak")

    def item(**kw: object) -> PlanItem:
        base: dict[str, object] = {
            "actor": admin,
            "plan": plan,
            "item": None,
            "parent": None,
            "indicator": None,
            "budget_code": "",
            "partners": [],
            "baseline": None,
        }
        base.update(kw)
        return actions.item_save(**base)

    programme = item(
        level="programme",
        indicator=k14,
        ref="P1",
        name="Program pelayanan administrasi kependudukan",
        responsible=capil,
        performance_indicator="Cakupan akta kelahiran anak",
        unit="%",
        years={},
    )
    activity = item(
        level="activity",
        parent=programme,
        ref="P1.A1",
        name="Pelayanan pencatatan sipil",
        responsible=capil,
        performance_indicator="Akta terbit",
        unit="akta",
        years={},
    )
    birth = item(
        level="sub_activity",
        parent=activity,
        ref="P1.A1.S1",
        name="Jemput bola akta kelahiran di desa",
        responsible=capil,
        performance_indicator="Akta kelahiran terbit",
        unit="akta",
        years=years(plan, "1000", "200000000"),
    )
    clinic = item(
        level="sub_activity",
        parent=activity,
        ref="P1.A1.S2",
        name="Akta kelahiran di fasilitas kesehatan",
        responsible=dinkes,
        performance_indicator="Bayi lahir dengan akta",
        unit="bayi",
        years=years(plan, "400", "50000000", csr="25000000"),
    )
    kl = item(
        level="programme",
        indicator=kl2,
        ref="P2",
        name="Penguatan Gugus Tugas KLA",
        responsible=dp3a,
        performance_indicator="Rapat koordinasi",
        unit="rapat",
        years=years(plan, "6", "30000000"),
    )
    return World(plan, programme, activity, birth, clinic, kl, dinkes, capil)
