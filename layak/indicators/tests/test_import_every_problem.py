"""An uploaded file's check names every problem of a row, each under its row and column, not
only the first one found (as a district administrator reads it, in Indonesian), and its counts
tell the rows with problems from the problems."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from layak.accounts.models import User
from layak.indicators.models import DataImport, DataValue
from layak.indicators.tests.helpers import definitions
from layak.regions.models import Region

pytestmark = pytest.mark.django_db

HEADER = ["elemen", "kode_wilayah", "periode", "disagregasi", "nilai", "opd", "sumber_data"]
HEADER += ["tanggal_sumber", "catatan"]
ROWS = [
    # row 2: a value that reads two ways and a two-digit year
    ["births", "32.16", "2024", "", "1.25", "Dinkes", "Profil", "31/12/25", ""],
    # row 3: valid
    ["births_facility", "32.16", "2024", "", "59800", "Dinkes", "Profil", "", ""],
    # row 4: a month for a yearly element, and no number
    ["births", "32.16", "2026-13", "", "abc", "Dinkes", "Profil", "", ""],
    # row 5: an unknown option, an unknown office and a day the month lacks
    ["children", "32.16", "2024", "sex=X", "10", "Dinas Entah", "Profil", "32/12/2025", ""],
    # row 6: an unknown element stops its period and breakdown checks, not the others
    ["tidak_ada", "32.16", "bukan", "sex=X", "-abc", "Dinkes", "Profil", "kemarin", ""],
    # row 7: an unknown region stops its office check, not the period's
    ["births", "99.99", "2026-13", "", "5", "Dinas Entah", "Profil", "", ""],
]


def date_problem(typed: str) -> str:
    return (
        f"“{typed}” bukan tanggal: tulis seperti 2025-12-31 (tahun-bulan-tanggal) atau "
        "31/12/2025 (tanggal/bulan/tahun)."
    )


PERIOD = "“2026-13”: untuk elemen ini, periode harus ditulis seperti 2025."
CONVENTION = "Dalam bahasa Indonesia, titik memisahkan ribuan dan koma menandai desimal: 1.200,5."
EXPECTED = [
    (
        2,
        "nilai",
        "“1.25” dapat berarti 125 atau 1,25. " + CONVENTION,
    ),
    (2, "tanggal_sumber", date_problem("31/12/25")),
    (4, "periode", PERIOD),
    (4, "nilai", "“abc” bukan angka. " + CONVENTION),
    (
        5,
        "disagregasi",
        "“X” bukan pilihan Jenis kelamin; pilihannya: M (Laki-laki), F (Perempuan).",
    ),
    (5, "opd", "Tidak ada organisasi di kabupaten/kota ini bernama “Dinas Entah”."),
    (5, "tanggal_sumber", date_problem("32/12/2025")),
    (6, "elemen", "Tidak ada elemen data aktif dengan kode ini."),
    (6, "nilai", "“-abc” bukan angka. " + CONVENTION),
    (6, "tanggal_sumber", date_problem("kemarin")),
    (7, "kode_wilayah", "Tidak ada wilayah dengan kode “99.99”."),
    (7, "periode", PERIOD),
]


@pytest.fixture
def admin(client, personas):
    User.objects.update(language="id")
    definitions()
    client.force_login(personas.bekasi_admin)
    return personas.bekasi_admin


def csv_file() -> tuple[str, bytes]:
    lines = [",".join(HEADER)] + [",".join(row) for row in ROWS]
    return "data.csv", ("\n".join(lines) + "\n").encode()


def xlsx_file() -> tuple[str, bytes]:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    for row in ROWS:
        sheet.append([cell or None for cell in row])
    out = io.BytesIO()
    book.save(out)
    return "data.xlsx", out.getvalue()


def upload(client, name: str, content: bytes, mode: str = "rows") -> tuple[DataImport, str]:
    district = Region.objects.get(code="32.16")
    response = client.post(
        "/data/imports/",
        {"district": district.pk, "mode": mode, "file": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 302, response.content
    job_page = client.get(response.url)
    assert job_page.status_code == 200
    return DataImport.objects.order_by("-pk")[0], job_page.content.decode()


@pytest.mark.parametrize("make", [csv_file, xlsx_file], ids=["csv", "xlsx"])
def test_pemeriksaan_menyebut_setiap_masalah_setiap_baris(client, admin, make):
    imp, job_page = upload(client, *make())
    assert [(e["row"], e["column"], e["message"]) for e in imp.errors] == EXPECTED
    assert imp.status == DataImport.Status.CHECKED
    # Five rows with twelve problems between them; the valid row is applied, alone.
    assert imp.summary["problem_rows"] == 5
    assert imp.summary["errors"] == 12
    assert "5 baris bermasalah tidak akan disertakan." in job_page
    page = client.get(f"/data/imports/{imp.pk}/").content.decode()
    assert "Baris bermasalah: 5. Masalah: 12." in page
    response = client.post(f"/data/imports/{imp.pk}/apply/")
    assert response.status_code == 302
    assert "5 baris bermasalah tidak disertakan." in client.get(response.url).content.decode()
    assert list(DataValue.objects.values_list("element__code", flat=True)) == ["births_facility"]


def test_berkas_semua_atau_tidak_sama_sekali_menghitung_baris_bukan_masalah(client, admin):
    imp, job_page = upload(client, *csv_file(), mode="all")
    assert imp.status == DataImport.Status.REFUSED
    assert len(imp.errors) == 12
    assert (
        "Berkas ditolak: 5 baris bermasalah, sedangkan berkas ini disimpan dengan cara semua "
        "atau tidak sama sekali."
    ) in job_page
    page = client.get(f"/data/imports/{imp.pk}/").content.decode()
    assert "Baris bermasalah: 5. Masalah: 12." in page
