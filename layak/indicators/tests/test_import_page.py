"""The indicator import page as an Indonesian district reads it: the columns under both their
names, a refused check that says only that nothing changed, and an unknown region code repeated
in its message."""

from __future__ import annotations

import html
import re

import pytest

from layak.indicators import importfile
from layak.indicators.models import DataImport, DataValue
from layak.indicators.tests.helpers import definitions, put
from layak.indicators.tests.test_import import GOOD, HEADER, upload
from layak.indicators.views import IMPORT_COLUMNS

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    assert response.status_code == 200
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def test_the_page_names_each_column_in_english_and_in_indonesian(client, personas):
    client.force_login(personas.bekasi_admin)
    page = text_of(client.get("/data/imports/"))
    assert (
        "elemen ( element ) kode_wilayah ( region ) periode ( period ) disagregasi "
        "( disaggregation ) nilai ( value ) opd ( organisation ) sumber_data ( dataset ) "
        "tanggal_sumber ( source_date ) catatan ( comment )" in page
    )
    # The names shown are the names the import reads.
    for name, indonesian in IMPORT_COLUMNS:
        assert importfile.ALIASES[name] == name
        if indonesian:
            assert importfile.ALIASES[indonesian] == name


def test_a_refused_check_does_not_say_what_applying_would_change(client, personas):
    definitions()
    client.force_login(personas.bekasi_admin)
    imp = upload(client, GOOD + "births,99.99,2024,,100,,,,\n")  # all or nothing: refused
    assert imp.status == DataImport.Status.REFUSED
    assert imp.summary["changed"] == 4  # what the check found, kept, not shown as a promise
    page = client.get(f"/data/imports/{imp.pk}/").content.decode()
    assert 'data-testid="import-summary"' not in page
    assert "jika diterapkan" not in text_of(client.get(f"/data/imports/{imp.pk}/"))
    assert "Tidak ada yang diubah." in text_of(client.get(f"/data/imports/{imp.pk}/"))
    assert not DataValue.objects.exists()
    # A checked file still says what applying would change.
    checked = upload(client, GOOD)
    assert checked.status == DataImport.Status.CHECKED
    assert (
        'data-testid="import-summary"'
        in client.get(f"/data/imports/{checked.pk}/").content.decode()
    )


def test_an_unknown_region_is_named_in_its_message(client, personas):
    definitions()
    client.force_login(personas.bekasi_admin)
    imp = upload(client, HEADER + "births,99.99,2024,,100,,,,\n")
    assert imp.errors == [
        {"row": 2, "column": "region", "message": "Tidak ada wilayah dengan kode “99.99”."}
    ]
    page = text_of(client.get(f"/data/imports/{imp.pk}/"))
    assert "2 region Tidak ada wilayah dengan kode “99.99”." in page


def test_a_row_by_row_file_with_no_valid_row_is_refused_and_offers_no_apply(client, personas):
    definitions()
    client.force_login(personas.bekasi_admin)
    bad = HEADER + "births,99.99,2024,,100,,,,\n" + "births,32.16,2024,,seratus,,,,\n"
    imp = upload(client, bad, mode="rows")
    assert imp.status == DataImport.Status.REFUSED
    page = text_of(client.get(f"/data/imports/{imp.pk}/"))
    assert "Terapkan berkas" not in page and "Tidak ada yang diubah." in page
    # A valid file whose every value is stored already has nothing to apply either.
    apply_all = upload(client, GOOD, mode="rows")
    client.post(f"/data/imports/{apply_all.pk}/apply/", follow=True)
    again = upload(client, GOOD, mode="rows")
    assert again.status == DataImport.Status.CHECKED and again.summary["changed"] == 0
    page = text_of(client.get(f"/data/imports/{again.pk}/"))
    assert "Terapkan berkas" not in page
    assert (
        "Tidak ada yang perlu diterapkan: berkas ini tidak mengubah nilai yang tersimpan." in page
    )
    # One valid row among bad ones is still offered, with the bad rows listed.
    mixed = upload(client, bad + "births,32.16,2023,,61250,,,,\n", mode="rows")
    assert mixed.status == DataImport.Status.CHECKED
    assert "Terapkan berkas" in text_of(client.get(f"/data/imports/{mixed.pk}/"))


def test_the_check_shows_the_values_applying_would_change(client, personas):
    """Before applying, the person sees the first values the file would change, read the
    Indonesian way, with what is stored now: "53.890" is fifty-three thousand eight hundred
    and ninety, and a changed value shows its stored one."""
    definitions()
    put(personas.bekasi_admin, "births", "32.16", "2024", 60000)
    client.force_login(personas.bekasi_admin)
    text = (
        "element,region,period,disaggregation,value,organisation,dataset,source_date,comment\n"
        'births,32.16,2024,,"61.250",Dinkes,Profil Kesehatan 2024,,\n'
        "children,32.16,2024,sex=F,612000,Disdukcapil,DKB,,\n"
    )
    imp = upload(client, text)
    assert imp.status == DataImport.Status.CHECKED
    page = text_of(client.get(f"/data/imports/{imp.pk}/"))
    assert "2 nilai pertama yang akan diubah jika diterapkan" in page
    assert "2 Jumlah kelahiran hidup Kabupaten Bekasi 2024 — 60.000 61.250" in page
    assert "3 Jumlah anak usia 0–17 tahun Kabupaten Bekasi 2024 Perempuan — 612.000" in page
