"""A CSV file's lines are read straight into the cells an import checks
(``importfile._csv_cells``): the same cells, row numbers and skipped lines as reading each line
into a row of named columns first (``importfile._rows``, ``actions.cells_of``)."""

from __future__ import annotations

import io

import pytest

from layak.indicators import actions, importfile

HEADER = "element,region,period,disaggregation,value,organisation,dataset,source_date,comment\n"
FILES = {
    "full": HEADER
    + "births,32.16,2024,,61250,Dinkes,Profil Kesehatan 2024,2025-03-01,\n"
    + " children , 32.16 ,2024, sex=F , 612.000 ,Disdukcapil,DKB,,a note \n",
    "few columns": "element,region,period,value\r\nbirths,32.16,2024,12\r\nbirths,32.16,2023,\r\n",
    "short and long lines": HEADER + "births,32.16\n" + "births,32.16,2024,,5,,,,,extra,more\n",
    "blank lines": HEADER + "\n,,,,,,,,\n  ,\t, \nbirths,32.16,2024,,1,,,,\n,,,,,,,,x\n",
    "indonesian names": "elemen;kode_wilayah;periode;nilai;opd;catatan\n"
    + "births;32.16;2024;1.250;Dinkes;\n",
    "named twice": "element,region,period,value,nilai\n"
    + "births,32.16,2024,7\nbirths,32.16,2023,7,8\n",
    "unnamed columns": "element,x,region,period,value,\nbirths,?,32.16,2024,3,y\n",
    "quoted": HEADER
    + 'births,32.16,2024,,"4",,"a, b","","line one\nline two"\n'
    + "births,32.16,2023,,5,,,,\n",
}


@pytest.mark.parametrize("name", list(FILES))
def test_lines_read_as_cells_are_the_rows_cells(name):
    data = FILES[name].encode()
    rows, own = importfile._read("data.csv", io.BytesIO(data))
    cells, own_too = importfile._read("data.csv", io.BytesIO(data), cells=True)
    assert cells == actions.cells_of(rows)
    assert own_too == own
    assert cells, "each file has rows"


def test_cells_hold_the_texts_value_and_line():
    cells, _own = importfile._read(
        "data.csv", io.BytesIO(FILES["blank lines"].encode()), cells=True
    )
    assert cells == [
        ["births", "32.16", "2024", "", "", "", "", "", "1", 5],
        ["", "", "", "", "", "", "", "x", "", 6],
    ]
