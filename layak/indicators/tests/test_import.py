"""Bulk import: dry run with row errors, the two modes, idempotency, refused files."""

from __future__ import annotations

import io
from decimal import Decimal as D

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from layak.indicators import actions, importfile
from layak.indicators.models import DataImport, DataValue
from layak.indicators.tests.helpers import definitions, put, stored
from layak.regions.models import Region

pytestmark = pytest.mark.django_db

HEADER = "element,region,period,disaggregation,value,organisation,dataset,source_date,comment\n"
GOOD = (
    HEADER
    + "births,32.16,2024,,61250,Dinkes,Profil Kesehatan 2024,2025-03-01,\n"
    + "births_facility,32.16,2024,,59800,Dinkes,Profil Kesehatan 2024,2025-03-01,\n"
    + "children,32.16,2024,sex=F,612000,Disdukcapil,DKB Semester II,,\n"
    + "children,32.16,2024,sex=M,640100,Disdukcapil,DKB Semester II,,\n"
)
BAD_ROW = "births,32.16,2024Q5,,12,,,,\n"


@pytest.fixture(autouse=True)
def _english(english, personas):
    """Messages are compared in English, also those written by the import jobs (which speak
    the language of the person who started them)."""
    from layak.accounts.models import User

    User.objects.update(language="en")


@pytest.fixture
def defs(personas):
    return definitions()


def upload(client, text: str | bytes, name="data.csv", mode="all") -> DataImport:
    content = text.encode() if isinstance(text, str) else text
    district = Region.objects.get(code="32.16")
    response = client.post(
        "/data/imports/",
        {"district": district.pk, "mode": mode, "file": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 302, response.content
    job = client.get(response.url)
    assert job.status_code == 200 and b"job-result-link" in job.content
    return DataImport.objects.order_by("-pk")[0]


def apply(client, imp: DataImport) -> DataImport:
    response = client.post(f"/data/imports/{imp.pk}/apply/")
    assert response.status_code == 302
    assert client.get(response.url).status_code == 200
    imp.refresh_from_db()
    return imp


def test_dry_run_then_apply_then_same_file_changes_nothing(client, personas, defs):
    client.force_login(personas.bekasi_admin)
    imp = upload(client, GOOD)
    assert imp.status == DataImport.Status.CHECKED
    assert imp.summary["created"] == 4 and imp.summary["changed"] == 4
    assert not DataValue.objects.exists()  # a check writes nothing
    imp = apply(client, imp)
    assert imp.status == DataImport.Status.APPLIED
    assert stored("children", "32.16", "2024", "sex=M") == D(640100)
    value = DataValue.objects.get(element__code="births")
    assert value.organisation.acronym == "Dinkes" and value.dataset == "Profil Kesehatan 2024"
    again = upload(client, GOOD)
    assert again.summary["changed"] == 0 and again.summary["unchanged"] == 4
    again = apply(client, again)
    assert again.summary["changed"] == 0
    page = client.get(f"/data/imports/{again.pk}/")
    assert b"0 changed" in page.content
    # A file can be applied once only.
    client.post(f"/data/imports/{imp.pk}/apply/")
    imp.refresh_from_db()
    assert imp.status == DataImport.Status.APPLIED


def test_all_or_nothing_refuses_the_whole_file(client, personas, defs):
    client.force_login(personas.bekasi_admin)
    imp = upload(client, GOOD + BAD_ROW)
    assert imp.status == DataImport.Status.REFUSED
    assert imp.errors == [{"row": 6, "column": "period", "message": imp.errors[0]["message"]}]
    assert "2025" in imp.errors[0]["message"]
    client.post(f"/data/imports/{imp.pk}/apply/")
    assert not DataValue.objects.exists()


def test_row_by_row_saves_the_valid_rows(client, personas, defs):
    client.force_login(personas.bekasi_admin)
    imp = upload(client, GOOD + BAD_ROW, mode="rows")
    assert imp.status == DataImport.Status.CHECKED
    assert len(imp.errors) == 1
    imp = apply(client, imp)
    assert imp.status == DataImport.Status.APPLIED
    assert DataValue.objects.count() == 4


def test_refused_file_leaves_existing_values_untouched(client, personas, defs):
    client.force_login(personas.bekasi_admin)
    apply(client, upload(client, GOOD))
    changed = GOOD.replace("61250", "70000") + "births_facility,32.16,2023,,99,Nowhere,,,\n"
    imp = upload(client, changed)
    assert imp.status == DataImport.Status.REFUSED
    assert imp.errors[0]["column"] == "organisation"
    assert stored("births", "32.16", "2024") == D(61250)


def test_xlsx_and_unreadable_files(client, personas, defs):
    client.force_login(personas.bekasi_admin)
    book = Workbook()
    sheet = book.active
    sheet.append(actions.COLUMNS)
    sheet.append(["births", "32.16", 2024, None, 61250, "Dinkes", None, None, "angka sementara"])
    out = io.BytesIO()
    book.save(out)
    imp = apply(client, upload(client, out.getvalue(), name="data.xlsx"))
    assert imp.status == DataImport.Status.APPLIED
    assert DataValue.objects.get().comment == "angka sementara"
    broken = upload(client, b"not a workbook", name="data.xlsx")
    assert broken.status == DataImport.Status.REFUSED
    missing = upload(client, "element,value\nbirths,1\n")
    assert "missing" in missing.errors[0]["message"]


def test_rows_outside_the_district_are_refused(client, personas, defs):
    client.force_login(personas.bekasi_admin)
    imp = upload(client, HEADER + "births,62.10,2024,,100,,,,\n")
    assert "outside" in imp.errors[0]["message"]


def test_problems_name_the_columns_as_the_file_writes_them(client, personas, defs):
    client.force_login(personas.bekasi_admin)
    header = "element,Kode Wilayah,Periode,Disagregasi,Nilai,OPD,dataset,tanggal_sumber,catatan\n"
    good = "births,32.16,2024,,61250,Dinkes,Profil,,\n"
    imp = upload(client, header + good + "births,99.99,2024,,100,Dinkes,Profil,,\n", mode="rows")
    assert [(e["row"], e["column"]) for e in imp.errors] == [(3, "Kode Wilayah")]
    page = client.get(f"/data/imports/{imp.pk}/").content.decode()
    assert "<td>Kode Wilayah</td>" in page
    # Applying the checked file keeps the file's own names.
    imp = apply(client, imp)
    assert [(e["row"], e["column"]) for e in imp.errors] == [(3, "Kode Wilayah")]


def example_rows(
    content: bytes, sheet: str = "Example", columns: list[str] = actions.COLUMNS
) -> list[dict[str, object]]:
    """The template's example rows (sheet "Contoh" in Indonesian), read as a file holding
    them would be."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["Data", sheet]
    assert [c.value for c in book["Data"][1]] == columns
    assert book["Data"].max_row == 1  # the sheet an import reads holds the columns alone
    lines = [[c if c is not None else "" for c in r] for r in book[sheet].values]
    text = "\n".join(",".join(str(c) for c in line) for line in lines)
    return importfile.read("contoh.csv", io.BytesIO(text.encode()))


def test_the_template_uploaded_unchanged_adds_nothing(client, personas, defs, monkeypatch):
    monkeypatch.setattr("layak.accounts.middleware.language_for", lambda request: "id")
    put(personas.gm_admin, "births", "62.10", "2025", 2450)
    client.force_login(personas.gm_admin)
    content = client.get("/data/imports/template.xlsx").content
    # Its columns are named in Indonesian, and the import reads them.
    indonesian = [
        "elemen",
        "kode_wilayah",
        "periode",
        "disagregasi",
        "nilai",
        "opd",
        "sumber_data",
        "tanggal_sumber",
        "catatan",
    ]
    rows = example_rows(content, "Contoh", indonesian)
    assert len(rows) == 2 and {row["region"] for row in rows} == {"62.10"}
    assert rows[0]["element"] == "birth_certificates" and rows[0]["dataset"]
    result = actions.import_rows(actor=personas.gm_admin, rows=rows, mode="all", dry_run=True)
    assert not result.errors and result.created + result.updated == 2
    district = Region.objects.get(code="62.10")
    response = client.post(
        "/data/imports/",
        {
            "district": district.pk,
            "mode": "rows",
            "file": SimpleUploadedFile("layak-indicator-data.xlsx", content),
        },
    )
    assert response.status_code == 302
    client.get(response.url)
    imp = DataImport.objects.order_by("-pk")[0]
    assert imp.status == DataImport.Status.REFUSED
    assert [e["message"] for e in imp.errors] == ["The file has no rows of values."]
    assert stored("births", "62.10", "2025") == D(2450)


def test_the_template_examples_are_in_the_persons_own_codes(client, personas, defs):
    client.force_login(personas.gm_admin)
    rows = example_rows(client.get("/data/imports/template.xlsx").content)
    assert {row["region"] for row in rows} == {"62.10"}
    result = actions.import_rows(actor=personas.gm_admin, rows=rows, mode="all", dry_run=True)
    assert not result.errors and result.created == 2
    # An office operator's examples name their own office.
    client.force_login(personas.bekasi_dinkes)
    rows = example_rows(client.get("/data/imports/template.xlsx").content)
    assert {row["organisation"] for row in rows} == {"Dinkes"}
    assert {row["region"] for row in rows} == {"32.16"}
    # The general template's examples are Bekasi's and import there.
    rows = example_rows(importfile.template())
    result = actions.import_rows(actor=personas.bekasi_admin, rows=rows, mode="all", dry_run=True)
    assert not result.errors and result.created == 2


def test_import_pages_are_for_those_who_enter_data(client, personas, defs):
    client.force_login(personas.bekasi_admin)
    imp = upload(client, GOOD)
    client.force_login(personas.gm_admin)
    assert client.get(f"/data/imports/{imp.pk}/").status_code == 404
    client.force_login(personas.bekasi_regent)
    assert client.get("/data/imports/").status_code == 403
    client.force_login(personas.bekasi_dinkes)
    assert client.get(f"/data/imports/{imp.pk}/").status_code == 200


def test_blank_lines_are_skipped_and_rows_keep_their_line_numbers(client, personas, defs):
    client.force_login(personas.bekasi_admin)
    lines = GOOD.splitlines(keepends=True)
    text = "".join([lines[0], lines[1], "\n", ",,,,,,,,\n", *lines[2:], "\n", BAD_ROW])
    imp = upload(client, text, mode="rows")
    assert imp.summary["created"] == 4
    # The header is line 1, two blank lines and the four rows come before the bad one.
    assert [(e["row"], e["column"]) for e in imp.errors] == [(9, "period")]
    imp = apply(client, imp)
    assert DataValue.objects.count() == 4
