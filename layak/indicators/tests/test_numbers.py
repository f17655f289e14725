"""Indicator values go through the one number reader (layak.core.numbers) on every path: CSV and
XLSX files (the Indonesian way, whoever uploads them), the entry grid and the target (the
person's language) and the API rows (plain machine format)."""

from __future__ import annotations

import io
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from layak.accounts.models import User
from layak.core.numbers import PLAIN
from layak.indicators import actions
from layak.indicators.models import DataElement, DataImport, IndicatorTarget
from layak.indicators.tests.helpers import definitions, indicator, stored
from layak.regions.models import Region

pytestmark = pytest.mark.django_db

HEADER = "element,region,period,disaggregation,value,organisation,dataset,source_date,comment\n"


@pytest.fixture
def defs(personas):
    return definitions()


def _upload(client, content: bytes, name: str) -> DataImport:
    district = Region.objects.get(code="32.16")
    response = client.post(
        "/data/imports/",
        {"district": district.pk, "mode": "all", "file": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 302, response.content
    return DataImport.objects.order_by("-pk")[0]


def _apply(client, imp: DataImport) -> DataImport:
    client.post(f"/data/imports/{imp.pk}/apply/")
    imp.refresh_from_db()
    return imp


def test_csv_reads_thousands_with_dots_and_decimals_with_a_comma(client, personas, defs):
    client.force_login(personas.bekasi_admin)
    text = (
        HEADER
        + "births,32.16,2024,,1.200,Dinkes,,,\n"
        + 'births_facility,32.16,2024,,"1.150",Dinkes,,,\n'
    )
    imp = _apply(client, _upload(client, text.encode(), "data.csv"))
    assert imp.status == DataImport.Status.APPLIED, imp.errors
    assert stored("births", "32.16", "2024") == D(1200)
    assert stored("births_facility", "32.16", "2024") == D(1150)


def test_semicolon_csv_keeps_the_decimal_comma(client, personas, defs):
    client.force_login(personas.bekasi_admin)
    # A count: the decimal comma is read as such (",00"), the dot groups thousands.
    text = HEADER.replace(",", ";") + "births;32.16;2024;;12.345,00;Dinkes;;;\n"
    imp = _apply(client, _upload(client, text.encode(), "data.csv"))
    assert imp.status == DataImport.Status.APPLIED, imp.errors
    assert stored("births", "32.16", "2024") == D("12345")


def test_a_file_refuses_what_could_be_read_two_ways_naming_row_and_column(client, personas, defs):
    client.force_login(personas.bekasi_admin)
    text = HEADER + "births,32.16,2024,,800,Dinkes,,,\n" + "births_facility,32.16,2024,,1.2,,,,\n"
    imp = _upload(client, text.encode(), "data.csv")
    assert imp.status == DataImport.Status.REFUSED
    assert [(e["row"], e["column"]) for e in imp.errors] == [(3, "value")]
    assert "12 atau 1,2" in imp.errors[0]["message"]
    page = client.get(f"/data/imports/{imp.pk}/").content.decode()
    assert "12 atau 1,2" in page
    assert stored("births", "32.16", "2024") is None


def test_an_english_speaker_uploads_the_same_file_with_the_same_meaning(client, personas, defs):
    User.objects.filter(pk=personas.bekasi_admin.pk).update(language="en")
    client.force_login(personas.bekasi_admin)
    imp = _apply(
        client, _upload(client, (HEADER + "births,32.16,2024,,1.200,,,,\n").encode(), "d.csv")
    )
    assert imp.status == DataImport.Status.APPLIED, imp.errors
    assert stored("births", "32.16", "2024") == D(1200)


def test_xlsx_numbers_are_taken_as_they_are_and_text_the_indonesian_way(client, personas, defs):
    book = Workbook()
    sheet = book.active
    sheet.append(actions.COLUMNS)
    sheet.append(["births", "32.16", 2024, None, 1200.0, "Dinkes"])
    sheet.append(["births_facility", "32.16", 2024, None, "1.150", "Dinkes"])
    out = io.BytesIO()
    book.save(out)
    client.force_login(personas.bekasi_admin)
    imp = _apply(client, _upload(client, out.getvalue(), "data.xlsx"))
    assert imp.status == DataImport.Status.APPLIED, imp.errors
    assert stored("births", "32.16", "2024") == D(1200)
    assert stored("births_facility", "32.16", "2024") == D(1150)


def test_the_entry_grid_reads_and_shows_indonesian_numbers(client, personas, defs):
    client.force_login(personas.bekasi_dinkes)
    births = DataElement.objects.get(code="births")
    region = Region.objects.get(code="32.16")
    name = f"v-{births.pk}-{region.pk}-0"
    form = {"area": "32.16", "cluster": "K3", "period": "2024", name: "1.2"}
    refused = client.post("/data/entry/", form)
    assert refused.status_code == 400
    assert "12 atau 1,2" in refused.content.decode()
    assert stored("births", "32.16", "2024") is None
    form[name] = "1.200"
    client.post("/data/entry/", form)
    assert stored("births", "32.16", "2024") == D(1200)
    page = client.get("/data/entry/", {"area": "32.16", "cluster": "K3", "period": "2024"})
    assert f'name="{name}" value="1.200"' in page.content.decode()


def test_the_target_reads_the_decimal_comma(client, personas, defs):
    client.force_login(personas.bekasi_admin)
    facility = indicator("facility_births")
    post = {"region": "32.16", "year": "2024", "indicator": facility.pk, "op": "target"}
    client.post("/data/publish/", {**post, "target": "97,5"})
    assert IndicatorTarget.objects.get(indicator=facility, year=2024).value == D("97.5")
    page = client.get("/data/publish/", {"region": "32.16", "year": "2024"}).content.decode()
    assert 'value="97,5"' in page


def test_api_rows_are_read_in_plain_machine_format(personas, defs):
    def run(value: object):
        return actions.import_rows(
            actor=personas.bekasi_admin,
            rows=[{"element": "births", "region": "32.16", "period": "2024", "value": value}],
            mode=actions.Mode.ALL_OR_NOTHING,
            dry_run=True,
            language=PLAIN,
        )

    assert not run("1200.00").errors
    # A count is whole, read plainly: 1200.5 is refused for that reason, not misread.
    assert "bilangan bulat" in run("1200.5").errors[0].message
    assert not run(1200).errors
    for grouped in ("1.200,5", "1,200"):
        assert run(grouped).errors[0].column == "value"
