"""The RAD KLA reads numbers with the one number reader (layak.core.numbers), in Indonesian:
the workbook's text cells, the item form and the progress report."""

from __future__ import annotations

from decimal import Decimal as D
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from layak.plans.models import PlanImport, PlanYear
from layak.plans.tests.helpers import make_plan
from layak.plans.workbook import export_workbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(personas):
    return make_plan(personas)


def _workbook(world, cells: dict[tuple[int, str], str | float]) -> SimpleUploadedFile:
    wb = load_workbook(BytesIO(export_workbook(world.plan)))
    ws = wb["RAD"]
    header = [c.value for c in ws[1]]
    for (row, column), value in cells.items():
        ws.cell(row=row, column=header.index(column) + 1, value=value)
    out = BytesIO()
    wb.save(out)
    return SimpleUploadedFile("rad.xlsx", out.getvalue())


def test_workbook_text_cells_are_read_the_indonesian_way(client, personas, world):
    # Row 5 is P1.A1.S2, the clinic sub-activity.
    upload = _workbook(
        world,
        {
            (5, "apbd_2025"): "250.000",
            (5, "csr_2025"): "Rp 1.250.000,50",
            (5, "target_2025"): 98.5,  # a cell holding a number is taken as it is
            (5, "baseline"): "12,5",
        },
    )
    client.force_login(personas.bekasi_admin)
    client.post(reverse("plans:import", args=[world.plan.pk]), {"file": upload})
    imp = PlanImport.objects.get()
    assert imp.status == "checked", imp.errors
    client.post(reverse("plans:import_apply", args=[imp.pk]))
    year = PlanYear.objects.get(item=world.clinic, year=2025)
    assert year.apbd == D(250000)
    assert year.csr == D("1250000.50")
    assert year.target == D("98.5")
    world.clinic.refresh_from_db()
    assert world.clinic.baseline == D("12.5")


def test_workbook_refuses_what_could_be_read_two_ways_naming_row_and_column(
    client, personas, world
):
    before = PlanYear.objects.get(item=world.clinic, year=2026).apbd
    upload = _workbook(world, {(5, "apbd_2026"): "1.2", (4, "target_2027"): "12,345"})
    client.force_login(personas.bekasi_admin)
    client.post(reverse("plans:import", args=[world.plan.pk]), {"file": upload})
    imp = PlanImport.objects.get()
    assert imp.status == "refused"
    found = {(e["row"], e["column"]): e["message"] for e in imp.errors}
    assert "12 atau 1,2" in found[(5, "apbd_2026")]
    assert "2 angka desimal" in found[(4, "target_2027")]
    page = client.get(reverse("plans:import_detail", args=[imp.pk])).content.decode()
    assert "apbd_2026" in page and "12 atau 1,2" in page
    assert PlanYear.objects.get(item=world.clinic, year=2026).apbd == before


def test_item_form_reads_and_shows_rupiah_the_indonesian_way(client, personas, world):
    client.force_login(personas.bekasi_admin)
    url = reverse("plans:item_edit", args=[world.clinic.pk])
    page = client.get(url).content.decode()
    stored = PlanYear.objects.get(item=world.clinic, year=2027).csr
    assert stored == D(25000000)
    assert 'value="25.000.000"' in page  # shown the way it is typed
    assert "titik memisahkan ribuan" in page  # the convention is said beside the field
    form = {
        "level": "sub_activity",
        "parent": world.activity.pk,
        "ref": world.clinic.ref,
        "name": world.clinic.name,
        "responsible": world.clinic.responsible_id,
        "performance_indicator": world.clinic.performance_indicator,
        "unit": world.clinic.unit,
        "baseline": "",
        "combine": "sum",
    }
    for year in world.plan.years:
        for key in ("target", "apbd", "apbn", "village", "csr", "other"):
            form[f"{key}_{year}"] = "0"
    form["apbd_2025"] = "120.000.000"
    form["target_2025"] = "98,5"
    form["csr_2026"] = "1.2"
    refused = client.post(url, form)
    assert refused.status_code == 200
    content = refused.content.decode()
    assert "12 atau 1,2" in content and 'value="120.000.000"' in content
    form["csr_2026"] = "1.200"
    response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert PlanYear.objects.get(item=world.clinic, year=2025).apbd == D(120000000)
    assert PlanYear.objects.get(item=world.clinic, year=2025).target == D("98.5")
    assert PlanYear.objects.get(item=world.clinic, year=2026).csr == D(1200)


def test_progress_report_reads_indonesian_numbers(client, personas, world):
    client.force_login(personas.bekasi_dinkes)
    client.post(
        reverse("plans:report_create", args=[world.plan.pk]),
        {"organisation": world.dinkes.pk, "year": 2025, "period": 1},
    )
    report = world.plan.reports.get()
    entry = report.entries.get()
    url = reverse("plans:report", args=[report.pk])
    bad = client.post(url, {"revision": "0", f"e{entry.pk}-output": "2.5"}).content.decode()
    assert "25 atau 2,5" in bad
    client.post(
        url,
        {"revision": "0", f"e{entry.pk}-output": "1.250", f"e{entry.pk}-budget": "12.500.000"},
    )
    entry.refresh_from_db()
    assert entry.output == D(1250) and entry.budget == D(12500000)
    page = client.get(url).content.decode()
    assert 'value="1.250"' in page and 'value="12.500.000"' in page


def test_an_unchanged_workbook_changes_nothing_and_says_so(client, personas, world):
    client.force_login(personas.bekasi_admin)
    client.post(reverse("plans:import", args=[world.plan.pk]), {"file": _workbook(world, {})})
    imp = PlanImport.objects.get()
    assert imp.status == "checked", imp.errors
    assert imp.summary["changed"] == 0 and imp.summary["unchanged"] == 5
    assert imp.summary["changes"] == []
    page = client.get(reverse("plans:import_detail", args=[imp.pk])).content.decode()
    assert 'data-testid="import-nothing"' in page


def test_the_dry_run_shows_each_changed_cell_and_the_audit_keeps_it(client, personas, world):
    from layak.audit.models import AuditEntry

    upload = _workbook(world, {(5, "apbd_2025"): "250.000", (5, "name"): "Posyandu ramah anak"})
    client.force_login(personas.bekasi_admin)
    client.post(reverse("plans:import", args=[world.plan.pk]), {"file": upload})
    imp = PlanImport.objects.get()
    before = PlanYear.objects.get(item=world.clinic, year=2025).apbd
    assert imp.summary["changed"] == 1 and imp.summary["unchanged"] == 4
    [change] = imp.summary["changes"]
    assert change["ref"] == world.clinic.ref and change["kind"] == "changed"
    cells = {c["column"]: (c["before"], c["after"]) for c in change["cells"]}
    assert cells == {
        "name": (world.clinic.name, "Posyandu ramah anak"),
        "apbd_2025": (format(before.normalize(), "f"), "250000"),
    }
    page = client.get(reverse("plans:import_detail", args=[imp.pk])).content.decode()
    assert "apbd_2025" in page and "250.000" in page and "Posyandu ramah anak" in page
    client.post(reverse("plans:import_apply", args=[imp.pk]))
    entry = AuditEntry.objects.filter(action="plan.imported").get()
    assert entry.after["changed"] == 1 and entry.after["changes"] == imp.summary["changes"]
    history = client.get(reverse("audit:list"), {"q": ""}).content.decode()
    assert "apbd_2025" in history and "→ 250.000" in history


def test_the_parent_list_names_each_item_by_its_reference(client, personas, world):
    client.force_login(personas.bekasi_admin)
    page = client.get(reverse("plans:item_edit", args=[world.clinic.pk])).content.decode()
    parents = page[page.index('name="parent"') :]
    parents = parents[: parents.index("</select>")]
    assert f">P1 · {world.programme.name} (Program)</option>" in parents
    assert f">P1.A1 · {world.activity.name} (Kegiatan)</option>" in parents
