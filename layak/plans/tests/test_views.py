"""RAD KLA pages, the workbook round trip and the import's dry run."""

from __future__ import annotations

from decimal import Decimal as D
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from layak.jobs.models import Job
from layak.plans import workbook
from layak.plans.models import PlanImport, PlanItem, PlanYear
from layak.plans.tests.helpers import make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(english, personas):
    """Messages and pages are compared in English."""
    from layak.accounts.models import User

    User.objects.update(language="en")


@pytest.fixture
def world(personas):
    return make_plan(personas)


def test_pages_render_for_the_secretariat(client, personas, world, english):
    client.force_login(personas.bekasi_admin)
    plan = world.plan
    for name, args in [
        ("plans:list", []),
        ("plans:create", []),
        ("plans:detail", [plan.pk]),
        ("plans:edit", [plan.pk]),
        ("plans:item_add", [plan.pk]),
        ("plans:item_edit", [world.clinic.pk]),
        ("plans:import", [plan.pk]),
        ("plans:reports", []),
        ("plans:budget", [plan.pk]),
    ]:
        response = client.get(reverse(name, args=args), {"year": 2025})
        assert response.status_code == 200, name
    page = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert "Jemput bola akta kelahiran di desa" in page
    assert "Rp 275,000,000" in page  # the activity's budget, the sum of its parts


def test_office_starts_fills_and_submits_a_report_in_pages(client, personas, world, english):
    client.force_login(personas.bekasi_dinkes)
    listing = client.get(reverse("plans:reports")).content.decode()
    assert "Start the report" in listing
    response = client.post(
        reverse("plans:report_create", args=[world.plan.pk]),
        {"organisation": world.dinkes.pk, "year": 2025, "period": 1},
    )
    assert response.status_code == 302
    report = world.plan.reports.get()
    entry = report.entries.get()
    url = reverse("plans:report", args=[report.pk])
    bad = client.post(url, {"revision": "0", f"e{entry.pk}-output": "banyak", "submit": "1"})
    assert "is not a number" in bad.content.decode()
    report.refresh_from_db()
    assert report.status == "draft"
    client.post(
        url,
        {
            "revision": "0",
            f"e{entry.pk}-output": "120",
            f"e{entry.pk}-budget": "1000000",
            "submit": "1",
        },
    )
    report.refresh_from_db()
    assert report.status == "submitted"
    # The office cannot review its own report.
    assert (
        client.post(
            reverse("plans:report_review", args=[report.pk]), {"decision": "accept"}
        ).status_code
        == 403
    )


def test_workbook_round_trip(personas, world):
    data = workbook.export_workbook(world.plan)
    rows, problems = workbook.read_workbook(world.plan, BytesIO(data))
    assert problems == []
    assert [r.ref for r in rows] == ["P1", "P1.A1", "P1.A1.S1", "P1.A1.S2", "P2"]
    clinic = next(r for r in rows if r.ref == "P1.A1.S2")
    assert clinic.years[2027]["csr"] == D(25000000)
    assert clinic.responsible == world.dinkes
    summary = workbook.apply_rows(actor=personas.bekasi_admin, plan=world.plan, rows=rows)
    assert summary == {"created": 0, "changed": 0, "removed": 0}  # the plan as it stands
    assert PlanYear.objects.get(item=world.clinic, year=2027).csr == D(25000000)


def _sheet(world):
    wb = load_workbook(BytesIO(workbook.export_workbook(world.plan)))
    return wb


def _upload(wb) -> SimpleUploadedFile:
    out = BytesIO()
    wb.save(out)
    return SimpleUploadedFile("rad.xlsx", out.getvalue())


def test_import_dry_run_lists_row_errors_and_changes_nothing(client, personas, world, english):
    wb = _sheet(world)
    ws = wb["RAD"]
    header = [c.value for c in ws[1]]
    ws.cell(row=3, column=header.index("level") + 1, value="bogus")
    ws.cell(row=4, column=header.index("apbd_2026") + 1, value="lots")
    ws.cell(row=5, column=header.index("responsible") + 1, value="Dinas Entah")
    ws.append(
        [
            "P9",
            "",
            "programme",
            "K9-99",
            "",
            "Baru",
            "Dinas Kesehatan Kabupaten Bekasi",
            "",
            "x",
            "x",
        ]
    )
    client.force_login(personas.bekasi_admin)
    before = PlanItem.objects.filter(plan=world.plan, is_active=True).count()
    response = client.post(reverse("plans:import", args=[world.plan.pk]), {"file": _upload(wb)})
    imp = PlanImport.objects.get()
    # The check ran as a background job; its page links to the result.
    job = Job.objects.get(kind="plan_import_check")
    assert response.url == reverse("jobs:detail", args=[job.pk])
    assert job.status == "done" and job.result["url"] == reverse(
        "plans:import_detail", args=[imp.pk]
    )
    response = client.get(response.url)
    assert reverse("plans:import_detail", args=[imp.pk]) in response.content.decode()
    assert imp.status == "refused"
    found = {(e["row"], e["column"]) for e in imp.errors}
    assert {(3, "level"), (4, "apbd_2026"), (5, "responsible"), (7, "indicator")} <= found
    page = client.get(reverse("plans:import_detail", args=[imp.pk])).content.decode()
    assert "apbd_2026" in page and "lots" in page
    # Applying a refused check changes nothing.
    client.post(reverse("plans:import_apply", args=[imp.pk]))
    assert PlanItem.objects.filter(plan=world.plan, is_active=True).count() == before
    assert not PlanItem.objects.filter(ref="P9").exists()


def test_import_applies_whole_adding_changing_and_taking_out(client, personas, world):
    wb = _sheet(world)
    ws = wb["RAD"]
    header = [c.value for c in ws[1]]
    ws.delete_rows(6)  # P2 goes
    ws.cell(row=5, column=header.index("target_2025") + 1, value=500)
    ws.append(
        ["P3", "", "program", "K3-14", "", "Kelas ibu balita", "Dinkes", "", "Kelas", "kelas", 0]
    )
    client.force_login(personas.bekasi_admin)
    client.post(reverse("plans:import", args=[world.plan.pk]), {"file": _upload(wb)})
    imp = PlanImport.objects.get()
    assert imp.status == "checked", imp.errors
    assert imp.summary["new"] == 1 and imp.summary["removed"] == 1
    response = client.post(reverse("plans:import_apply", args=[imp.pk]))
    job = Job.objects.get(kind="plan_import_apply")
    assert response.url == job.get_absolute_url()
    assert job.status == "done" and job.result["created"] == 1 and job.result["removed"] == 1
    imp.refresh_from_db()
    assert imp.status == "applied"
    world.kl.refresh_from_db()
    assert world.kl.is_active is False
    assert PlanYear.objects.get(item=world.clinic, year=2025).target == D(500)
    p3 = PlanItem.objects.get(plan=world.plan, ref="P3")
    assert p3.indicator.code == "K3-14" and p3.responsible == world.dinkes
    # Applying twice is refused.
    client.post(reverse("plans:import_apply", args=[imp.pk]))
    assert PlanItem.objects.filter(plan=world.plan, ref="P3").count() == 1


def test_not_a_workbook_is_refused(client, personas, world, english):
    client.force_login(personas.bekasi_admin)
    client.post(
        reverse("plans:import", args=[world.plan.pk]),
        {"file": SimpleUploadedFile("rad.xlsx", b"%PDF-1.4 not a workbook")},
    )
    imp = PlanImport.objects.get()
    assert imp.status == "refused"
    assert imp.errors[0]["row"] == 0 and "XLSX" in imp.errors[0]["message"]


def test_budget_total_form(client, personas, world, english):
    client.force_login(personas.bekasi_admin)
    url = reverse("plans:budget", args=[world.plan.pk])
    client.post(url, {"year": 2026, "total": "5600000000"})
    page = client.get(url, {"year": 2026}).content.decode()
    # The share in the reader's language: 280.000.000 of 5.600.000.000 rupiah.
    assert 'data-testid="budget-share">5%<' in page
    client.force_login(personas.bekasi_dinkes)
    assert client.post(url, {"year": 2026, "total": "1"}).status_code == 403


def test_gap_analysis_shows_the_plans_activities_of_weak_indicators(client, personas, world):
    from layak.evaluation import actions as ev
    from layak.evaluation.demo import windows_open_at
    from layak.evaluation.models import Stage

    cycle = ev.cycle_create(
        actor=personas.ministry,
        name="Evaluasi uji",
        instrument=world.plan.version,
        windows=windows_open_at(Stage.Kind.SELF_ASSESSMENT),
    )
    (assessment,) = ev.cycle_add_districts(
        actor=personas.ministry, cycle=cycle, regions=[world.plan.region]
    )
    client.force_login(personas.bekasi_admin)
    page = client.get(reverse("evaluation:gaps", args=[assessment.pk])).content.decode()
    start = page.index('data-testid="plan-K1-4"')
    row = page[start : page.index("</td>", start)]
    assert "Jemput bola akta kelahiran di desa" in row and "P1.A1.S2" in row
    assert "Penguatan Gugus Tugas KLA" in page[page.index('data-testid="plan-KL-2"') :]
