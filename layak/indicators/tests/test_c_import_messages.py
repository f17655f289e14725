"""The import's messages as a Dinkes office reads them (in Indonesian): a disaggregation names
the category and its options, a date is shown by example and read day first too, and a value
given twice names the row that gave it first."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from layak.accounts.models import User
from layak.indicators import actions
from layak.indicators.models import DataImport, DataValue
from layak.indicators.tests.helpers import definitions
from layak.regions.models import Region

pytestmark = pytest.mark.django_db

HEADER = "elemen,kode_wilayah,periode,disagregasi,nilai,opd,sumber_data,tanggal_sumber,catatan\n"


@pytest.fixture
def defs(personas):
    User.objects.update(language="id")
    return definitions()


def row(element="births", period="2024", disaggregation="", source_date=""):
    return {
        "element": element,
        "region": "32.16",
        "period": period,
        "disaggregation": disaggregation,
        "value": "10",
        "source_date": source_date,
    }


def messages(actor, rows):
    result = actions.import_rows(
        actor=actor, rows=rows, mode=actions.Mode.ROW_BY_ROW, dry_run=True, language="id"
    )
    return [(p.row, p.column, p.message) for p in result.errors]


def upload(client, content: bytes, name="data.csv") -> DataImport:
    district = Region.objects.get(code="32.16")
    response = client.post(
        "/data/imports/",
        {"district": district.pk, "mode": "rows", "file": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 302, response.content
    assert client.get(response.url).status_code == 200
    return DataImport.objects.order_by("-pk")[0]


def apply(client, imp: DataImport) -> DataImport:
    response = client.post(f"/data/imports/{imp.pk}/apply/")
    assert response.status_code == 302
    assert client.get(response.url).status_code == 200
    imp.refresh_from_db()
    return imp


def test_disagregasi_yang_kurang_menyebut_nama_kategori_dan_cara_menulis_pilihannya(personas, defs):
    expected = (
        "Disagregasi harus menyebutkan Jenis kelamin (sex=M untuk Laki-laki, "
        "sex=F untuk Perempuan)."
    )
    got = messages(
        personas.bekasi_admin,
        [row("children"), row("children", disaggregation="age=1-5")],
    )
    assert got == [(2, "disaggregation", expected), (3, "disaggregation", expected)]


def test_disagregasi_menyebut_semua_kategori_yang_kurang_menurut_urutannya(personas, defs):
    children = defs["children"]
    children.categories.set(children.categories.model.objects.filter(code__in=["sex", "age"]))
    ((_row, _column, message),) = messages(personas.bekasi_admin, [row("children")])
    assert message == (
        "Disagregasi harus menyebutkan Jenis kelamin (sex=M untuk Laki-laki, sex=F untuk "
        "Perempuan); Kelompok umur (age=0-1 untuk 0–<1 tahun, age=1-5 untuk 1–<5 tahun, "
        "age=5-12 untuk 5–<12 tahun, age=12-18 untuk 12–<18 tahun)."
    )


def test_pilihan_yang_tidak_dikenal_disebut_bersama_pilihan_yang_ada(personas, defs):
    # The categories carry no Indonesian aliases: L and P are refused, with the options listed.
    got = messages(
        personas.bekasi_admin,
        [row("children", disaggregation="sex=P"), row("children", disaggregation="sex=L")],
    )
    assert got == [
        (
            2,
            "disaggregation",
            "“P” bukan pilihan Jenis kelamin; pilihannya: M (Laki-laki), F (Perempuan).",
        ),
        (
            3,
            "disaggregation",
            "“L” bukan pilihan Jenis kelamin; pilihannya: M (Laki-laki), F (Perempuan).",
        ),
    ]


def test_tanggal_sumber_dibaca_juga_dengan_tanggal_lebih_dulu():
    read = {
        "2025-12-31": datetime.date(2025, 12, 31),
        "31/12/2025": datetime.date(2025, 12, 31),
        "31-12-2025": datetime.date(2025, 12, 31),
        "1/2/2025": datetime.date(2025, 2, 1),
        "05-06-2025": datetime.date(2025, 6, 5),
    }
    assert {text: actions.source_date_of(text) for text in read} == read
    # A two-digit year, a month past 12, a day the month lacks, mixed separators: refused.
    for text in ["31/12/25", "12/31/2025", "31/02/2025", "31.12.2025", "31/12-2025"]:
        with pytest.raises(ValueError):
            actions.source_date_of(text)


def test_berkas_dengan_tanggal_cara_indonesia_tersimpan(client, personas, defs):
    client.force_login(personas.bekasi_admin)
    text = (
        HEADER
        + "births,32.16,2024,,61250,Dinkes,Profil Kesehatan 2024,31/12/2024,\n"
        + "births_facility,32.16,2024,,59800,Dinkes,Profil Kesehatan 2024,1-3-2025,\n"
        + "marriages,32.16,2024,,100,Dinkes,Profil Kesehatan 2024,31/12/24,\n"
    )
    imp = upload(client, text.encode())
    assert imp.errors == [
        {
            "row": 4,
            "column": "tanggal_sumber",
            "message": "“31/12/24” bukan tanggal: tulis seperti 2025-12-31 (tahun-bulan-tanggal) "
            "atau 31/12/2025 (tanggal/bulan/tahun).",
        }
    ]
    apply(client, imp)
    dates = dict(DataValue.objects.values_list("element__code", "source_date"))
    assert dates == {
        "births": datetime.date(2024, 12, 31),
        "births_facility": datetime.date(2025, 3, 1),
    }


def test_sel_tanggal_xlsx_dan_teks_tanggal_cara_indonesia_terbaca(client, personas, defs):
    client.force_login(personas.bekasi_admin)
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.strip().split(","))
    sheet.append(
        ["births", "32.16", "2024", None, 61250, "Dinkes", "Profil", datetime.date(2025, 3, 1)]
    )
    sheet.append(["marriages", "32.16", "2024", None, 100, "Dinkes", "Profil", "31/12/2024"])
    content = io.BytesIO()
    book.save(content)
    imp = apply(client, upload(client, content.getvalue(), name="data.xlsx"))
    assert imp.errors == []
    assert dict(DataValue.objects.values_list("element__code", "source_date")) == {
        "births": datetime.date(2025, 3, 1),
        "marriages": datetime.date(2024, 12, 31),
    }


def test_nilai_yang_diisikan_dua_kali_menyebut_baris_pertamanya(client, personas, defs):
    client.force_login(personas.bekasi_admin)
    text = (
        HEADER
        + "children,32.16,2024,sex=F,612000,Disdukcapil,DKB,,\n"
        + "children,32.16,2024,sex=M,640100,Disdukcapil,DKB,,\n"
        + "\n"
        + "children,32.16,2024, sex = F ,612500,Disdukcapil,DKB,,\n"
        + "children,32.16,2024,sex=M,640100,Disdukcapil,DKB,,\n"
    )
    imp = upload(client, text.encode())
    again = (
        "Nilai ini sudah diisikan di baris %d (elemen, wilayah, periode dan disagregasi yang sama)."
    )
    assert [(e["row"], e["column"], e["message"]) for e in imp.errors] == [
        (5, "", again % 2),
        (6, "", again % 3),
    ]
