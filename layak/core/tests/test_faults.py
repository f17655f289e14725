"""Faults while storing uploads: a disk that fills up half-way through writing a file.

The storage is patched to write part of the file and then fail with ENOSPC, as a full disk
does, so "nothing partial" is checked on the disk itself: the half-written file is gone, no row
points to it, no audit entry claims it, and the person is told what happened in their language.
"""

from __future__ import annotations

import errno
import os
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from layak.audit.models import AuditEntry
from layak.evidence.models import Attachment, EvidenceFile
from layak.evidence.storage import StorageFull, store

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n" + b"%" * 4000 + b"\n%%EOF\n"
FULL_EN = "The server's storage is full; the file was not saved."
FULL_HTML = FULL_EN.replace("'", "&#x27;")


class DiskFull:
    """Replaces ``FileSystemStorage._save``: writes the first half of the file, then fails."""

    def __init__(self) -> None:
        self.partial: list[Path] = []

    def __call__(self, storage: FileSystemStorage, name: str, content: Any) -> str:
        path = Path(storage.path(name))
        path.parent.mkdir(parents=True, exist_ok=True)
        content.seek(0)
        data = content.read()
        path.write_bytes(data[: max(1, len(data) // 2)])
        self.partial.append(path)
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))


@pytest.fixture
def disk_full(monkeypatch: pytest.MonkeyPatch) -> DiskFull:
    fault = DiskFull()

    def _save(storage: FileSystemStorage, name: str, content: Any) -> str:
        return fault(storage, name, content)

    monkeypatch.setattr(FileSystemStorage, "_save", _save)
    return fault


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def assert_nothing_partial(fault: DiskFull) -> None:
    assert fault.partial, "the fault was never reached"
    assert not any(p.exists() for p in fault.partial)
    assert stored_files() == []


def test_store_removes_the_partial_file_and_says_the_disk_is_full(disk_full, english):
    from django.core.files.storage import default_storage

    with pytest.raises(StorageFull, match=FULL_EN):
        store(default_storage, "evidence/x/a.pdf", BytesIO(PDF))
    assert_nothing_partial(disk_full)


def test_other_write_errors_also_leave_nothing_but_are_not_called_disk_full(monkeypatch):
    from django.core.files.storage import default_storage

    fault = DiskFull()

    def broken(storage: FileSystemStorage, name: str, content: Any) -> str:
        try:
            return fault(storage, name, content)
        except OSError as exc:
            raise OSError(errno.EIO, "I/O error", exc.filename) from None

    monkeypatch.setattr(FileSystemStorage, "_save", broken)
    with pytest.raises(OSError) as caught:
        store(default_storage, "evidence/x/a.pdf", BytesIO(PDF))
    assert not isinstance(caught.value, StorageFull) and caught.value.errno == errno.EIO
    assert_nothing_partial(fault)


def test_library_upload_on_a_full_disk(client, personas, disk_full, english):
    client.force_login(personas.bekasi_admin)
    audit_before = AuditEntry.objects.count()
    response = client.post(
        reverse("evidence:upload"),
        {"region": "32.16", "file": SimpleUploadedFile("perda.pdf", PDF)},
        follow=True,
    )
    assert FULL_HTML in response.content.decode()
    assert not EvidenceFile.objects.exists()
    assert AuditEntry.objects.count() == audit_before
    assert_nothing_partial(disk_full)


def test_library_upload_message_is_in_the_persons_language(client, personas, disk_full):
    type(personas.bekasi_admin).objects.filter(pk=personas.bekasi_admin.pk).update(language="id")
    client.force_login(personas.bekasi_admin)
    response = client.post(
        reverse("evidence:upload"),
        {"region": "32.16", "file": SimpleUploadedFile("perda.pdf", PDF)},
        follow=True,
    )
    body = response.content.decode()
    with translation.override("id"):
        message = str(StorageFull())
    assert '<html lang="id">' in body and escape(message) in body
    assert not EvidenceFile.objects.exists()


def test_answer_evidence_upload_on_a_full_disk_keeps_the_answer(
    client, personas, evaluation, disk_full, english
):
    answer = evaluation.answers["T-1.1"]
    revision = answer.revision
    client.force_login(personas.bekasi_admin)
    response = client.post(
        reverse("evidence:upload"),
        {"answer": answer.pk, "file": SimpleUploadedFile("akta.pdf", PDF)},
        HTTP_HX_REQUEST="true",
    )
    assert FULL_HTML in response.content.decode()
    answer.refresh_from_db()
    assert answer.revision == revision and not answer.evidence_links.exists()
    assert not EvidenceFile.objects.exists()
    assert_nothing_partial(disk_full)


def test_api_evidence_upload_on_a_full_disk(client, personas, evaluation, disk_full, english):
    from layak.api.actions import token_create

    # The API speaks the token owner's language.
    personas.bekasi_admin.language = "en"
    personas.bekasi_admin.save(update_fields=["language"])
    token = token_create(actor=personas.bekasi_admin, name="sync", days=30)[1]
    answer = evaluation.answers["T-1.1"]
    response = client.post(
        f"/api/v1/answers/{answer.pk}/evidence",
        {"file": SimpleUploadedFile("akta.pdf", PDF)},
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 422
    assert FULL_EN in response.json()["message"]
    assert not EvidenceFile.objects.exists() and not answer.evidence_links.exists()
    assert_nothing_partial(disk_full)


def test_decree_with_its_file_on_a_full_disk_keeps_the_form(client, personas, disk_full, english):
    from layak.taskforce.models import Decree

    client.force_login(personas.bekasi_admin)
    response = client.post(
        reverse("taskforce:decree_create", args=["32.16"]),
        {
            "number": "188/Kep.77-DP3A/2026",
            "title": "Pembentukan Gugus Tugas KLA",
            "signed_on": "2026-01-05",
            "signatory": "Bupati Bekasi",
            "period_start": "2026-01-05",
            "decree_file": SimpleUploadedFile("sk.pdf", PDF),
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert FULL_HTML in body
    # The rest of what was typed is still in the form.
    assert 'value="188/Kep.77-DP3A/2026"' in body and 'value="Bupati Bekasi"' in body
    assert not Decree.objects.filter(number="188/Kep.77-DP3A/2026").exists()
    assert not Attachment.objects.exists() and not EvidenceFile.objects.exists()
    assert_nothing_partial(disk_full)


def test_rad_workbook_import_on_a_full_disk(client, personas, disk_full, english):
    from layak.jobs.models import Job
    from layak.plans.models import PlanImport
    from layak.plans.tests.helpers import make_plan

    plan = make_plan(personas).plan
    client.force_login(personas.bekasi_admin)
    response = client.post(
        reverse("plans:import", args=[plan.pk]),
        {"file": SimpleUploadedFile("rad.xlsx", b"PK\x03\x04" + b"x" * 3000)},
        follow=True,
    )
    assert FULL_HTML in response.content.decode()
    assert not PlanImport.objects.exists() and not Job.objects.exists()
    assert not AuditEntry.objects.filter(action="plan.workbook_uploaded").exists()
    assert_nothing_partial(disk_full)


def test_instrument_workbook_import_on_a_full_disk(client, personas, disk_full, english):
    from layak.jobs.models import Job

    client.force_login(personas.ministry)
    response = client.post(
        reverse("frameworks:import"),
        {"file": SimpleUploadedFile("kla.xlsx", b"PK\x03\x04" + b"x" * 3000), "dry_run": "on"},
    )
    assert response.status_code == 200
    assert FULL_HTML in response.content.decode()
    assert not Job.objects.exists()
    assert_nothing_partial(disk_full)
