"""Each import of a workbook (indicator data, the RAD KLA, an instrument) states its limits and
refuses a workbook past them before openpyxl reads it: 400,000 rows in some 40 KB, or two
million rows (52 MB unpacked) in some 170 KB, are refused with a message naming the limit. What
is bounded is checked by the work done (openpyxl never opens the file; what the request
allocates is traced), never by time."""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable
from io import BytesIO
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from layak.core.tests.zipbombs import MIB, sheet, xlsx_with
from layak.regions.models import Region

pytestmark = pytest.mark.django_db


def _cell(text: str) -> bytes:
    return b'<c t="inlineStr"><is><t>' + text.encode() + b"</t></is></c>"


HEADER = b"<row>" + b"".join(_cell(c) for c in ("element", "region", "period", "value")) + b"</row>"
# A row of one number: 26 bytes unpacked, about a tenth of a byte packed.
ROW = b"<row><c><v>1</v></c></row>"


def bomb(rows: int) -> bytes:
    return xlsx_with(sheet=sheet(ROW, rows, first=HEADER))


def _indicators(client: Any, personas: Any, data: bytes) -> str:
    from layak.indicators.models import DataImport

    client.force_login(personas.bekasi_admin)
    district = Region.objects.get(code="32.16")
    client.post(
        "/data/imports/",
        {"district": district.pk, "mode": "all", "file": SimpleUploadedFile("data.xlsx", data)},
    )
    imp = DataImport.objects.get()
    assert imp.status == DataImport.Status.REFUSED
    return str(imp.errors[0]["message"])


def _rad(client: Any, personas: Any, data: bytes) -> str:
    from layak.plans.models import PlanImport
    from layak.plans.tests.helpers import make_plan

    plan = make_plan(personas).plan
    client.force_login(personas.bekasi_admin)
    client.post(
        reverse("plans:import", args=[plan.pk]), {"file": SimpleUploadedFile("rad.xlsx", data)}
    )
    imp = PlanImport.objects.get()
    assert imp.status == PlanImport.Status.REFUSED
    return str(imp.errors[0]["message"])


def _instrument(client: Any, personas: Any, data: bytes) -> str:
    from layak.frameworks import actions
    from layak.frameworks.models import InstrumentVersion

    before = InstrumentVersion.objects.count()
    problems, version, _counts = actions.instrument_import(
        actor=personas.ministry, data=BytesIO(data), dry_run=False
    )
    assert version is None and InstrumentVersion.objects.count() == before
    return str(problems[0].message)


IMPORTS: dict[str, tuple[Callable[[Any, Any, bytes], str], str]] = {
    "indicator data": (_indicators, "20.001"),
    "RAD KLA": (_rad, "5.001"),
    "instrument": (_instrument, "10.000"),
}


@pytest.fixture
def openpyxl_never_opens(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("openpyxl opened a workbook past the limits")

    monkeypatch.setattr("layak.core.workbooks.load_workbook", refuse)


@pytest.mark.parametrize("name", IMPORTS)
def test_400_000_rows_are_refused_naming_the_row_limit(
    client, personas, openpyxl_never_opens, name
):
    post, rows = IMPORTS[name]
    data = bomb(400_000)
    assert len(data) < 50_000
    tracemalloc.start()
    try:
        message = post(client, personas, data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert message == f"Satu lembar kerja berisi lebih dari {rows} baris; paling banyak {rows}."
    assert peak < 40 * MIB


@pytest.mark.parametrize("name", IMPORTS)
def test_two_million_rows_are_refused_naming_the_unpacked_size(
    client, personas, openpyxl_never_opens, name
):
    post, _rows = IMPORTS[name]
    data = bomb(2_000_000)
    assert len(data) < 200_000
    message = post(client, personas, data)
    assert message == (
        "Satu bagian berkas (“xl/worksheets/sheet1.xml”) terurai menjadi lebih dari 50 MB; "
        "paling banyak 50 MB yang diterima."
    )
