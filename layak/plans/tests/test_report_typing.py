"""The RAD progress report keeps what the office typed when a number is refused, says so beside
the field, stores nothing; and every number on the report reads in the reader's language."""

from __future__ import annotations

import re
from decimal import Decimal as D

import pytest
from django.test import Client
from django.urls import reverse

from layak.audit.models import AuditEntry
from layak.plans.models import ProgressEntry, ProgressReport
from layak.plans.tests.helpers import make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(personas):
    world = make_plan(personas)
    # A second Dinkes sub-activity, added by the secretariat through the item form.
    admin = personas.bekasi_admin
    form = {
        "level": "sub_activity",
        "parent": world.activity.pk,
        "ref": "P1.A1.S3",
        "name": "Imunisasi dasar lengkap",
        "responsible": world.dinkes.pk,
        "performance_indicator": "Bayi diimunisasi",
        "unit": "bayi",
        "baseline": "",
        "combine": "sum",
    }
    for year in world.plan.years:
        for key in ("target", "apbd", "apbn", "village", "csr", "other"):
            form[f"{key}_{year}"] = "0"
        form[f"target_{year}"] = "12.100"
        form[f"apbd_{year}"] = "360.500.000"
    secretariat = Client()
    secretariat.force_login(admin)
    added = secretariat.post(reverse("plans:item_add", args=[world.plan.pk]), form)
    assert added.status_code == 302, added.content.decode()[:2000]
    return world


def _start(client, personas, world) -> tuple[ProgressReport, ProgressEntry, ProgressEntry]:
    client.force_login(personas.bekasi_dinkes)
    started = client.post(
        reverse("plans:report_create", args=[world.plan.pk]),
        {"organisation": world.dinkes.pk, "year": 2025, "period": 1},
    )
    assert started.status_code == 302
    report = world.plan.reports.get()
    clinic = report.entries.get(item=world.clinic)
    shots = report.entries.get(item__ref="P1.A1.S3")
    return report, clinic, shots


def _field(page: str, name: str) -> str:
    """The markup of the form field ``name``, from its wrapper to the next field."""
    start = page.rindex('<div class="field', 0, page.index(f'name="{name}"'))
    end = page.find('<div class="field', page.index(f'name="{name}"'))
    return page[start:end]


def test_a_refused_number_keeps_everything_typed_beside_the_field(client, personas, world):
    report, clinic, shots = _start(client, personas, world)
    url = reverse("plans:report", args=[report.pk])
    saved = {
        "revision": str(report.revision),
        f"e{clinic.pk}-output": "100",
        f"e{clinic.pk}-budget": "12.500.000",
        f"e{clinic.pk}-done": "Pelayanan akta di puskesmas.",
        f"e{shots.pk}-output": "1.790",
        f"e{shots.pk}-done": "Imunisasi di posyandu.",
    }
    assert client.post(url, saved).status_code == 302
    audits = AuditEntry.objects.count()

    typed = {
        **saved,
        "revision": "1",
        f"e{clinic.pk}-done": "TEKS BARU YANG SAYA KETIK",
        f"e{clinic.pk}-planned": "Lanjut triwulan 2",
        f"e{shots.pk}-budget": "192,500.000",
        f"e{shots.pk}-obstacles": "Vaksin datang terlambat",
        "submit": "1",
    }
    response = client.post(url, typed)
    assert response.status_code == 400
    page = response.content.decode()
    # What was typed is in the form again, in every entry.
    assert "TEKS BARU YANG SAYA KETIK</textarea>" in page
    assert "Lanjut triwulan 2</textarea>" in page
    assert "Vaksin datang terlambat</textarea>" in page
    assert "Imunisasi di posyandu.</textarea>" in page
    budget = _field(page, f"e{shots.pk}-budget")
    assert 'value="192,500.000"' in budget
    # The message is beside the wrong field, in Indonesian, and the other fields have none.
    assert "has-error" in budget and 'aria-invalid="true"' in budget
    assert "192,5 atau 192.500" in budget
    assert "titik memisahkan ribuan" in budget
    for name in (f"e{clinic.pk}-budget", f"e{shots.pk}-output", f"e{clinic.pk}-output"):
        assert "has-error" not in _field(page, name)
    # The top of the page says nothing was saved and links to the field.
    assert "Tidak ada yang disimpan maupun diajukan" in page
    assert f'href="#e{shots.pk}-budget">P1.A1.S3 · Realisasi anggaran' in page
    # Nothing changed: not the entries, not the status, no audit entry.
    report.refresh_from_db()
    clinic.refresh_from_db()
    shots.refresh_from_db()
    assert report.status == "draft" and report.revision == 1
    assert clinic.done == "Pelayanan akta di puskesmas." and clinic.planned == ""
    assert (shots.output, shots.budget, shots.obstacles) == (D(1790), None, "")
    assert AuditEntry.objects.count() == audits

    # Corrected, the same form saves and submits what was typed.
    assert 'name="revision" value="1"' in page
    typed.update({f"e{shots.pk}-budget": "192.500.000", "revision": "1"})
    assert client.post(url, typed).status_code == 302
    report.refresh_from_db()
    clinic.refresh_from_db()
    shots.refresh_from_db()
    assert report.status == "submitted"
    assert clinic.done == "TEKS BARU YANG SAYA KETIK"
    assert (shots.budget, shots.obstacles) == (D(192500000), "Vaksin datang terlambat")


def test_a_plain_save_with_a_bad_number_says_nothing_was_saved(client, personas, world):
    report, clinic, _shots = _start(client, personas, world)
    url = reverse("plans:report", args=[report.pk])
    response = client.post(
        url, {"revision": "0", f"e{clinic.pk}-output": "banyak", f"e{clinic.pk}-done": "Baru"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Tidak ada yang disimpan: perbaiki angka yang ditandai di bawah." in page
    assert "“banyak” bukan angka" in _field(page, f"e{clinic.pk}-output")
    assert 'value="banyak"' in page and "Baru</textarea>" in page
    clinic.refresh_from_db()
    assert (clinic.output, clinic.done) == (None, "")


def _numbers(page: str, ref: str) -> str:
    card = page[page.index(f'data-testid="entry-{ref}"') :]
    return re.sub(r"\s+", " ", card[: card.index("</section>")])


def test_the_reports_numbers_are_grouped_in_the_readers_language(client, personas, world):
    report, clinic, shots = _start(client, personas, world)
    url = reverse("plans:report", args=[report.pk])
    client.post(
        url,
        {
            "revision": "0",
            f"e{shots.pk}-output": "1.790,5",
            f"e{shots.pk}-budget": "192.500.000",
        },
    )
    card = _numbers(client.get(url).content.decode(), "P1.A1.S3")
    assert "Target 2025: 12.100" in card
    assert "Anggaran 2025: Rp 360.500.000" in card
    # Quarterly: a quarter of 12.100 is expected by the first quarter.
    assert "<strong>1.790,5</strong> / yang diharapkan saat ini 3.025" in card
    assert 'value="1.790,5"' in card and 'value="192.500.000"' in card

    # The secretariat, who reads the submitted report, sees the same grouping.
    submitted = client.post(
        url,
        {
            "revision": "1",
            f"e{clinic.pk}-output": "100",
            f"e{shots.pk}-output": "1.790,5",
            f"e{shots.pk}-budget": "192.500.000",
            "submit": "1",
        },
    )
    assert submitted.status_code == 302
    reader = Client()
    reader.force_login(personas.bekasi_admin)
    card = _numbers(reader.get(url).content.decode(), "P1.A1.S3")
    assert "<dd>1.790,5</dd>" in card and "<dd>Rp 192.500.000</dd>" in card


def test_in_english_the_reports_numbers_are_grouped_the_english_way(
    client, personas, world, english
):
    report, _clinic, shots = _start(client, personas, world)
    url = reverse("plans:report", args=[report.pk])
    saved = client.post(
        url,
        {"revision": "0", f"e{shots.pk}-output": "1,790.5", f"e{shots.pk}-budget": "192,500,000"},
    )
    assert saved.status_code == 302
    card = _numbers(client.get(url).content.decode(), "P1.A1.S3")
    assert "Target 2025: 12,100" in card
    assert "<strong>1,790.5</strong> / expected by now 3,025" in card
    assert 'value="1,790.5"' in card and 'value="192,500,000"' in card
