"""RAD KLA: plan and item rules, progress reports through the shared workflow, progress and
the child-responsive budget computed in the database."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from layak.plans import actions, progress
from layak.plans.actions import PlanError
from layak.plans.models import PlanItem, ProgressReport
from layak.plans.tests.helpers import make_plan, office, years
from layak.regions.models import Region
from layak.testing import make_membership, make_user
from layak.workflow import Status

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(english):
    """Messages are compared in English."""


@pytest.fixture
def world(personas):
    return make_plan(personas)


def capil_operator():
    user = make_user(email="capil@example.id")
    make_membership(user, office("Dinas Kependudukan dan Pencatatan Sipil"), "office_operator")
    return user


def test_plan_spans_five_years_and_cannot_overlap(personas, world):
    assert world.plan.years == [2025, 2026, 2027, 2028, 2029]
    with pytest.raises(PlanError):
        actions.plan_create(
            actor=personas.bekasi_admin,
            region=Region.objects.get(code="32.16"),
            title="",
            start_year=2027,
        )


def test_only_the_secretariat_writes_the_plan(personas, world):
    for who in ("bekasi.dinkes", "bekasi.regent", "verifier.jabar", "gunungmas.admin"):
        with pytest.raises(PlanError):
            actions.plan_create(
                actor=personas[who],
                region=Region.objects.get(code="32.16"),
                title="",
                start_year=2030,
            )


def test_item_levels_follow_the_tree(personas, world):
    base = dict(
        actor=personas.bekasi_admin,
        plan=world.plan,
        item=None,
        indicator=None,
        ref="X",
        name="x",
        budget_code="",
        responsible=world.dinkes,
        partners=[],
        performance_indicator="x",
        unit="x",
        baseline=None,
        years={},
    )
    with pytest.raises(PlanError, match="part of a programme"):
        actions.item_save(**base, level="activity", parent=None)
    with pytest.raises(PlanError, match="part of a programme"):
        actions.item_save(**base, level="sub_activity", parent=world.programme)
    with pytest.raises(PlanError, match="not part of another"):
        actions.item_save(**base, level="programme", parent=world.programme)
    with pytest.raises(PlanError, match="reference"):
        actions.item_save(**{**base, "ref": "P1"}, level="activity", parent=world.programme)
    gm_office = office("Dinas Kesehatan").__class__.objects.get(
        name="Dinas Kesehatan Kabupaten Gunung Mas"
    )
    with pytest.raises(PlanError, match="government office of the district"):
        actions.item_save(
            **{**base, "responsible": gm_office}, level="activity", parent=world.programme
        )
    with pytest.raises(PlanError, match="999 trillion"):
        actions.item_save(
            **{**base, "years": years(world.plan, "1", "-5")},
            level="activity",
            parent=world.programme,
        )
    # A part counts for its programme's indicator.
    assert world.clinic.indicator.code == "K1-4"


def test_removing_keeps_the_item_and_refuses_a_parent_with_parts(personas, world):
    with pytest.raises(PlanError):
        actions.item_remove(actor=personas.bekasi_admin, item=world.activity)
    actions.item_remove(actor=personas.bekasi_admin, item=world.clinic)
    world.clinic.refresh_from_db()
    assert world.clinic.is_active is False
    assert PlanItem.objects.filter(pk=world.clinic.pk).exists()


def _report(personas, world, period=1, user=None):
    return actions.report_create(
        actor=user or personas.bekasi_dinkes,
        plan=world.plan,
        organisation=world.dinkes,
        year=2025,
        period=period,
    )


def _fill(report, user, output, budget="0"):
    entries = {
        e.pk: {
            "output": D(output),
            "budget": D(budget),
            "done": "x",
            "planned": "",
            "obstacles": "",
        }
        for e in report.entries.all()
    }
    return actions.report_save(actor=user, report=report, entries=entries)


def test_an_office_reports_only_its_own_leaf_items(personas, world):
    report = _report(personas, world)
    assert [e.item.ref for e in report.entries.all()] == ["P1.A1.S2"]
    with pytest.raises(PlanError):
        actions.report_create(
            actor=personas.bekasi_dinkes,
            plan=world.plan,
            organisation=world.capil,
            year=2025,
            period=1,
        )
    with pytest.raises(PlanError, match="period"):
        _report(personas, world, period=5)
    with pytest.raises(PlanError, match="already"):
        _report(personas, world)


def test_report_workflow_is_the_shared_one(personas, world):
    dinkes, admin = personas.bekasi_dinkes, personas.bekasi_admin
    report = _report(personas, world)
    with pytest.raises(PlanError, match="output"):
        actions.report_submit(actor=dinkes, report=report)
    _fill(report, dinkes, "80", "10000000")
    with pytest.raises(PlanError, match="Only a submitted item can be accepted"):
        actions.report_accept(actor=admin, report=report)
    actions.report_submit(actor=dinkes, report=report)
    with pytest.raises(PlanError, match="cannot be changed"):
        _fill(report, dinkes, "90")
    with pytest.raises(PlanError, match="secretariat"):
        actions.report_accept(actor=dinkes, report=report)
    with pytest.raises(PlanError, match="Say why"):
        actions.report_return(actor=admin, report=report, reason=" ")
    report = actions.report_return(actor=admin, report=report, reason="Lampirkan bukti")
    assert report.status == Status.RETURNED and report.return_reason == "Lampirkan bukti"
    _fill(report, dinkes, "90", "10000000")
    report = actions.report_submit(actor=dinkes, report=report)
    assert report.return_reason == ""
    report = actions.report_accept(actor=admin, report=report)
    assert report.status == Status.ACCEPTED and report.reviewed_by == admin
    with pytest.raises(PlanError):
        actions.report_return(actor=personas.gm_admin, report=report, reason="x")


def test_progress_counts_accepted_reports_and_flags_items_behind(personas, world):
    dinkes, admin = personas.bekasi_dinkes, personas.bekasi_admin
    q1 = _report(personas, world, 1)
    _fill(q1, dinkes, "90", "10000000")
    actions.report_submit(actor=dinkes, report=q1)
    # Not accepted yet: nothing realised.
    nodes = dict(
        (n.item.ref, n) for _d, n in progress.flatten(progress.plan_progress(world.plan, 2025))
    )
    assert nodes["P1.A1.S2"].output is None
    actions.report_accept(actor=admin, report=q1)
    q2 = _report(personas, world, 2)
    _fill(q2, dinkes, "60", "5000000")
    actions.report_submit(actor=dinkes, report=q2)
    actions.report_accept(actor=admin, report=q2)
    nodes = dict(
        (n.item.ref, n) for _d, n in progress.flatten(progress.plan_progress(world.plan, 2025))
    )
    clinic = nodes["P1.A1.S2"]
    # 150 realised by Q2 of a target of 400: 200 expected, so behind.
    assert clinic.output == D(150) and clinic.expected == D(200) and clinic.behind
    assert clinic.spent == D(15000000)
    # Budgets roll up: the activity holds both sub-activities'.
    assert nodes["P1.A1"].budget == D(200000000) + D(75000000)
    assert nodes["P1"].budget == nodes["P1.A1"].budget
    assert not nodes["P1.A1.S1"].behind  # nothing reported, nothing expected yet


def test_child_budget_by_source_cluster_office_and_share(personas, world):
    result = progress.child_budget(world.plan.region, 2026)
    assert result.sources["apbd"] == D(280000000)
    assert result.sources["csr"] == D(25000000)
    assert result.apbd_share is None
    actions.budget_total_set(
        actor=personas.bekasi_admin, region=world.plan.region, year=2026, total=D("5600000000")
    )
    result = progress.child_budget(world.plan.region, 2026)
    assert result.apbd_share == D("5.00")
    clusters = {r["code"]: r["total"] for r in result.by_cluster}
    assert clusters == {"KL": D(30000000), "K1": D(275000000)}
    offices = {r["office"]: r["apbd"] for r in result.by_office}
    assert offices["Dinas Kesehatan Kabupaten Bekasi"] == D(50000000)
    # A removed item no longer counts.
    actions.item_remove(actor=personas.bekasi_admin, item=world.kl)
    assert progress.child_budget(world.plan.region, 2026).sources["apbd"] == D(250000000)


def test_gap_hook_finds_items_by_indicator_code(personas, world):
    found = progress.for_indicators(world.plan.region, ["K1-4", "K2-9"], 2025)
    assert sorted(n.item.ref for n in found["K1-4"]) == ["P1.A1.S1", "P1.A1.S2"]
    assert "K2-9" not in found


def test_reports_are_scoped(personas, world):
    report = _report(personas, world)
    capil = capil_operator()
    assert not ProgressReport.objects.for_user(capil, "view").filter(pk=report.pk).exists()
    assert (
        ProgressReport.objects.for_user(personas.bekasi_admin, "view").filter(pk=report.pk).exists()
    )
    assert (
        not ProgressReport.objects.for_user(personas.gm_admin, "view").filter(pk=report.pk).exists()
    )
    assert ProgressReport.objects.for_user(personas.jabar, "view").filter(pk=report.pk).exists()


@pytest.mark.parametrize(
    ("combine", "realised", "percent", "behind"),
    [
        ("sum", D(291), D(297), False),  # counted things add up
        ("latest", D(96), D(98), True),  # a rate is the latest period's: below its 98 %
        ("average", D(97), D(99), True),
    ],
)
def test_a_percentage_target_is_never_summed(personas, world, combine, realised, percent, behind):
    """A 98 % delivery target reported quarterly as 97, 98 and 96 is 96 % (latest) or 97 %
    (average), not 291; progress and "behind" follow the item's rule."""
    from layak.plans.models import PlanItem, PlanYear

    dinkes, admin = personas.bekasi_dinkes, personas.bekasi_admin
    PlanItem.objects.filter(pk=world.clinic.pk).update(combine=combine)
    PlanYear.objects.filter(item=world.clinic, year=2025).update(target=D(98))
    for period, output in ((1, "97"), (2, "98"), (3, "96")):
        report = _report(personas, world, period)
        _fill(report, dinkes, output)
        actions.report_submit(actor=dinkes, report=report)
        actions.report_accept(actor=admin, report=report)
    nodes = dict(
        (n.item.ref, n) for _d, n in progress.flatten(progress.plan_progress(world.plan, 2025))
    )
    clinic = nodes["P1.A1.S2"]
    assert (clinic.output, clinic.percent, clinic.behind) == (realised, percent, behind)


def test_an_item_taken_out_reads_as_taken_out_not_erased(personas, world):
    """The audit tells that the item left the plan, not that each of its fields was emptied."""
    from django.utils import translation

    from layak.audit import display
    from layak.audit.models import AuditEntry

    actions.item_remove(actor=personas.bekasi_admin, item=world.kl)
    entry = AuditEntry.objects.get(action="plan.item_removed")
    with translation.override("id"):
        (row,) = display.describe([entry])
    assert row.action == "Butir dikeluarkan dari rencana; kemajuan yang dilaporkan tetap disimpan"
    assert [(c.label, c.before, c.after) for c in row.changes] == [("Dalam rencana", "ya", "tidak")]


def test_the_item_form_names_indicators_by_their_code(client, personas, world):
    client.force_login(personas.bekasi_admin)
    page = client.get(f"/plans/{world.plan.pk}/items/new/").content.decode()
    assert ">K1-4 " in page and ">KL-2 " in page


def test_the_demo_activities_serve_the_kla_2024_indicator_of_their_code():
    """The demo plan's activities are keyed by KLA 2024's codes: Klaster II's indicator 9 is
    PAUD-HI, its indicator 10 alternative care (the instrument's own order)."""
    import csv
    from pathlib import Path

    from layak.frameworks import kla2024
    from layak.plans.demo import ROWS

    data = Path(kla2024.__file__).parent / "data" / "kla-2024.csv"
    names = {
        row["indicator_code"]: row["indicator_name"]
        for row in csv.DictReader(data.open(encoding="utf-8"))
        if row["cluster_name"].startswith("KLASTER II ") or row["cluster_name"] == "KLASTER II"
    }
    assert "PAUD-HI" in names["Indikator 9"] and "PAUD-HI" in ROWS["K2-9"][2]
    assert "Pengasuhan Alternatif" in names["Indikator 10"]
    assert "Pengasuhan alternatif" in ROWS["K2-10"][2]
