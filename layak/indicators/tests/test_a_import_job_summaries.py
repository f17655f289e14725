"""What the job of an import check or apply says, as an Indonesian district reads it: a refused
file is refused and saves nothing, a file without rows of values says so, a checked file says
what applying would do and an applied file what was done, each count in its plural and in the
reader's way of writing numbers."""

from __future__ import annotations

import html
import re
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.utils import translation

from layak.indicators import actions, importfile
from layak.indicators.jobs import nothing_saved
from layak.indicators.models import DataImport, DataValue
from layak.indicators.tests.helpers import definitions
from layak.indicators.tests.test_import import GOOD, HEADER
from layak.regions.models import Region

pytestmark = pytest.mark.django_db

BAD = "births,99.99,2024,,100,,,,\n"


def text(content: bytes | str) -> str:
    content = content.decode() if isinstance(content, bytes) else content
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", content)).split())


def job_text(client, response) -> str:
    assert response.status_code == 302, response.content
    page = client.get(response.url)
    assert page.status_code == 200
    return text(page.content)


def upload(client, content: str | bytes, mode: str = "all", name: str = "data.csv") -> str:
    data = content.encode() if isinstance(content, str) else content
    response = client.post(
        "/data/imports/",
        {
            "district": Region.objects.get(code="32.16").pk,
            "mode": mode,
            "file": SimpleUploadedFile(name, data),
        },
    )
    return job_text(client, response)


def last() -> DataImport:
    return DataImport.objects.order_by("-pk")[0]


@pytest.fixture
def admin(client, personas):
    definitions()
    client.force_login(personas.bekasi_admin)
    return personas.bekasi_admin


def test_a_refused_all_or_nothing_check_says_it_is_refused_and_saves_nothing(client, admin):
    page = upload(client, GOOD + BAD + BAD)
    assert last().status == DataImport.Status.REFUSED
    assert (
        "Berkas ditolak: 2 baris bermasalah, sedangkan berkas ini disimpan dengan cara semua "
        "atau tidak sama sekali. Tidak ada yang akan disimpan." in page
    )
    # Nothing of what the valid rows would do is said as if it would happen.
    assert "baru" not in page and "Penerapan akan" not in page and "6 baris" not in page
    assert "Lihat hasil pemeriksaan" in page


def test_a_refused_row_by_row_check_says_why(client, admin):
    page = upload(client, HEADER + BAD, mode="rows")
    assert last().status == DataImport.Status.REFUSED
    assert (
        "Berkas ditolak: 1 baris bermasalah dan tidak ada baris lain yang mengubah nilai "
        "tersimpan. Tidak ada yang akan disimpan." in page
    )


def test_the_unchanged_template_says_it_has_no_rows_of_values(client, admin):
    template = importfile.template(language="id")
    page = upload(client, template, name="template.xlsx")
    assert last().status == DataImport.Status.REFUSED
    assert (
        "Berkas tidak memiliki baris nilai. Berkas ditolak; tidak ada yang akan disimpan." in page
    )
    assert "bermasalah" not in page and "0 baris" not in page


def test_a_checked_file_says_what_applying_would_do_and_the_apply_what_was_done(client, admin):
    page = upload(client, GOOD + BAD, mode="rows")
    imp = last()
    assert imp.status == DataImport.Status.CHECKED
    assert (
        "5 baris diperiksa. Penerapan akan mengubah 4 nilai: 4 baru, 0 diperbarui, "
        "0 dihapus. 1 baris bermasalah tidak akan disertakan." in page
    )
    assert not DataValue.objects.exists()
    page = job_text(client, client.post(f"/data/imports/{imp.pk}/apply/"))
    assert (
        "Tersimpan: 4 nilai berubah (4 baru, 0 diperbarui, 0 dihapus). "
        "1 baris bermasalah tidak disertakan." in page
    )
    assert DataValue.objects.count() == 4
    # The same file again changes nothing, and says so.
    page = upload(client, GOOD)
    assert (
        "4 baris diperiksa. Tidak ada yang perlu diterapkan: berkas ini tidak mengubah nilai "
        "yang" in page
    )
    assert "4 nilai sudah tersimpan dengan isi yang sama." in page


def test_the_summary_counts_in_the_readers_language_and_in_the_plural():
    result = {
        "rows": 1496,
        "created": 1,
        "updated": 1494,
        "removed": 0,
        "unchanged": 1,
        "changed": 1495,
        "errors": 0,
        "status": "checked",
        "mode": "all",
        "url": "/data/imports/1/",
    }
    job = SimpleNamespace(result=result)
    shown = text(render_to_string("jobs/result/data_import_check.html", {"job": job}))
    assert "1.496 baris diperiksa. Penerapan akan mengubah 1.495 nilai:" in shown
    assert ": 1 baru, 1.494 diperbarui, 0 dihapus. 1 nilai sudah tersimpan" in shown
    with translation.override("en"):
        shown = text(render_to_string("jobs/result/data_import_check.html", {"job": job}))
        assert "1,496 rows checked." in shown and "1 value is stored already as it is." in shown
        result |= {"rows": 1, "changed": 1, "created": 1, "updated": 0, "unchanged": 0}
        shown = text(render_to_string("jobs/result/data_import_check.html", {"job": job}))
        assert "1 row checked. Applying would change 1 value: 1 new," in shown


def test_an_apply_that_saves_nothing_says_why():
    problem = actions.Problem(3, "value", "x")
    rows = [actions.Problem(row, "value", "x") for row in range(2, 1003)]
    # A row with two problems counts once: rows are counted, not problems.
    refused = actions.Result(rows=1200, errors=[*rows, actions.Problem(2, "period", "y")])
    assert nothing_saved(refused) == (
        "Tidak ada yang disimpan: berkas ditolak karena 1.001 baris bermasalah."
    )
    gone = actions.Result(errors=[actions.Problem(0, "", "Berkas tidak memiliki baris nilai.")])
    assert nothing_saved(gone) == "Berkas tidak memiliki baris nilai. Tidak ada yang disimpan."
    with translation.override("en"):
        one = actions.Result(rows=2, errors=[problem])
        assert nothing_saved(one) == (
            "Nothing was saved: the file is refused because 1 row has a problem."
        )
