"""The workbook guard: an import's limits on rows, columns, cells and unpacked size hold
before openpyxl reads the file. The bombs are tens of kilobytes; what the guard reads is
counted and what it allocates traced, never timed."""

from __future__ import annotations

import io
import tracemalloc

import pytest
from django.utils import translation

from layak.core.archives import MB, ArchiveRefused
from layak.core.tests.zipbombs import MIB, counting, plain, sheet, xlsx_with
from layak.core.workbooks import (
    NotAWorkbook,
    WorkbookLimits,
    WorkbookRefused,
    check_workbook,
    open_workbook,
)

LIMITS = WorkbookLimits(rows=1_000, columns=20, cells=5_000, size=5 * MB)
HEADER = (
    b'<row><c t="inlineStr"><is><t>kode</t></is></c>'
    b'<c t="inlineStr"><is><t>nilai</t></is></c></row>'
)
ROW = b"<row><c><v>1</v></c><c><v>2.5</v></c></row>"


def refusal(data: bytes, limits: WorkbookLimits = LIMITS) -> str:
    with translation.override("id"), pytest.raises(ArchiveRefused) as caught:
        check_workbook(io.BytesIO(data), limits)
    return str(caught.value)


def test_a_workbook_within_its_limits_opens_with_every_row():
    data = xlsx_with(sheet=sheet(ROW, 998, first=HEADER))
    book = open_workbook(io.BytesIO(data), LIMITS)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert len(rows) == 999 and rows[0] == ("kode", "nilai") and rows[1] == (1, 2.5)


def test_400_000_rows_in_a_few_kilobytes_are_refused_at_the_first_row_past_the_limit():
    data = xlsx_with(sheet=sheet(ROW, 400_000, first=HEADER))
    assert len(data) < 100_000
    upload = counting(data)
    refusal(xlsx_with(sheet=sheet(ROW, 1_001)))  # the messages' catalogue, loaded once
    tracemalloc.start()
    try:
        with translation.override("id"), pytest.raises(WorkbookRefused) as caught:
            check_workbook(upload, WorkbookLimits(rows=1_000, columns=20, cells=5_000))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert str(caught.value) == (
        "Satu lembar kerja berisi lebih dari 1.000 baris; paling banyak 1.000."
    )
    # The archive check inflates the 18 MB sheet in steps; the scan stops at row 1,001.
    assert peak < 2 * MIB
    assert upload.bytes_read < 2 * len(data)


def test_two_million_rows_are_refused_by_what_they_unpack_to():
    data = xlsx_with(sheet=sheet(ROW, 2_000_000, first=HEADER))
    assert len(data) < 400_000
    upload = counting(data)
    with translation.override("id"), pytest.raises(ArchiveRefused) as caught:
        check_workbook(upload, LIMITS)
    assert "terurai menjadi lebih dari 5 MB; paling banyak 5 MB" in str(caught.value)
    # Inflation stopped at the limit: a small part of the compressed sheet was read.
    assert upload.bytes_read < len(data) / 4


@pytest.mark.parametrize(
    ("member", "message"),
    [
        # The dimension a sheet declares is checked before any row.
        (sheet(ROW, 3, dimension="A1:B1048576"), "lebih dari 1.000 baris"),
        (sheet(ROW, 3, dimension="A1:XFD3"), "lebih dari 20 kolom"),
        # A row number far down (openpyxl would fill the rows between).
        (sheet(first=b'<row r="999999"><c r="A999999"><v>1</v></c></row>'), "1.000 baris"),
        # One cell far to the right (openpyxl would fill the row up to it).
        (sheet(first=b'<row r="1"><c r="XFD1"><v>1</v></c></row>'), "lebih dari 20 kolom"),
        # Cells without references count one after the other.
        (sheet(b"<row>" + b"<c><v>1</v></c>" * 21 + b"</row>"), "lebih dari 20 kolom"),
        (sheet(b"<row>" + b"<c><v>1</v></c>" * 20 + b"</row>", 300), "lebih dari 5.000 sel"),
    ],
)
def test_rows_columns_and_cells_are_checked_however_they_are_written(member, message):
    assert message in refusal(xlsx_with(sheet=member))


def test_shared_strings_count_as_cells():
    strings = plain(
        "xl/sharedStrings.xml",
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + b"<si><t>a</t></si>" * 6_000
        + b"</sst>",
    )
    assert "lebih dari 5.000 sel" in refusal(xlsx_with(strings))


def test_a_document_type_declaration_is_refused():
    entities = plain(
        "xl/worksheets/sheet2.xml",
        b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]><x>&b;</x>',
    )
    assert "deklarasi tipe dokumen" in refusal(xlsx_with(entities))


@pytest.mark.parametrize(
    "data", [b"PK\x03\x04 bukan buku kerja", xlsx_with(plain("xl/styles.xml", b"<a><b></a>"))]
)
def test_what_is_not_a_workbook_is_left_to_the_import_to_say(data):
    with pytest.raises(NotAWorkbook):
        open_workbook(io.BytesIO(data), LIMITS)
