from __future__ import annotations

import re
import zipfile
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from layak.evidence.actions import evidence_upload
from layak.evidence.models import EvidenceFile
from layak.evidence.sniff import UploadRefused, sniff
from layak.jobs.models import Job

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def xlsx_bytes() -> bytes:
    out = BytesIO()
    Workbook().save(out)
    return out.getvalue()


def docx_like() -> bytes:
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


@pytest.mark.parametrize(
    ("content", "name", "extension"),
    [
        (PDF, "perda.pdf", "pdf"),
        (b"\xff\xd8\xff\xe0" + b"0" * 20, "foto.jpeg", "jpg"),
        (b"\x89PNG\r\n\x1a\n" + b"0" * 20, "foto.png", "png"),
        (xlsx_bytes(), "data.xlsx", "xlsx"),
        (docx_like(), "laporan.docx", "docx"),
        (b"umur,jumlah\n0-1,120\n", "data.csv", "csv"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"0" * 20, "lama.xls", "xls"),
    ],
)
def test_accepted_kinds_are_recognised_by_content(content, name, extension):
    assert sniff(BytesIO(content), name, len(content), 1_000_000).extension == extension


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (
            b"<html><body><script>alert(1)</script></body></html>",
            "surat.pdf",
            "not of an accepted kind",
        ),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "logo.svg",
            "not of an accepted kind",
        ),
        (b"", "kosong.pdf", "empty"),
        (PDF + b"0" * 2000, "besar.pdf", "larger than"),
        (PDF, "../../etc/passwd.pdf", "not allowed"),
        (b"PK\x03\x04" + b"0" * 40, "arsip.docx", "not of an accepted kind"),
        (b"<table><tr><td>1</td></tr></table>", "tabel.csv", "not of an accepted kind"),
    ],
)
def test_bad_uploads_are_refused_with_a_clear_message(content, name, message, english):
    with pytest.raises(UploadRefused, match=message):
        sniff(BytesIO(content), name, len(content), 1000)


def test_refused_upload_leaves_existing_evidence_untouched(personas, settings):
    settings.EVIDENCE_MAX_BYTES = 1000
    region = personas.bekasi_admin.memberships.get().organisation.region
    kept, created = evidence_upload(
        actor=personas.bekasi_admin,
        region=region,
        data=BytesIO(PDF),
        name="perda.pdf",
        size=len(PDF),
    )
    assert created
    for content, name in (
        (b"<html>", "perda.pdf"),
        (b"", "x.pdf"),
        (PDF + b"0" * 5000, "x.pdf"),
        (PDF, "../x.pdf"),
    ):
        with pytest.raises(UploadRefused):
            evidence_upload(
                actor=personas.bekasi_admin,
                region=region,
                data=BytesIO(content),
                name=name,
                size=len(content),
            )
    assert list(EvidenceFile.objects.all()) == [kept]
    with kept.file.open("rb") as fh:
        assert fh.read() == PDF


def test_same_content_is_stored_once_per_district(personas):
    region = personas.bekasi_admin.memberships.get().organisation.region
    first, created = evidence_upload(
        actor=personas.bekasi_admin, region=region, data=BytesIO(PDF), name="a.pdf", size=len(PDF)
    )
    again, created_again = evidence_upload(
        actor=personas.bekasi_dinkes, region=region, data=BytesIO(PDF), name="b.pdf", size=len(PDF)
    )
    assert created and not created_again and again == first
    # Stored under a generated name, never the uploaded one.
    assert re.fullmatch(r"evidence/32\.16/[0-9a-f]{32}\.pdf", first.file.name)


def test_upload_outside_ones_district_is_refused(personas):
    gm = personas.gm_admin.memberships.get().organisation.region
    with pytest.raises(UploadRefused):
        evidence_upload(
            actor=personas.bekasi_admin, region=gm, data=BytesIO(PDF), name="a.pdf", size=len(PDF)
        )


def test_download_is_scoped_and_served_as_an_attachment(client, personas, evaluation):
    from layak.evaluation.tests.test_workflow import attach_pdf

    link = attach_pdf(personas.bekasi_dinkes, evaluation.answers["T-1.1"])
    url = f"/evidence/{link.file_id}/download/"
    client.force_login(personas.bekasi_dinkes)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF
    for outsider in (personas.gm_admin, personas["bekasi.disdukcapil"], personas["bekasi.partner"]):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
    client.force_login(personas.jabar)
    assert client.get(url).status_code == 200


def test_upload_view_refuses_and_keeps_the_answer(client, personas, evaluation):
    answer = evaluation.answers["T-1.1"]
    client.force_login(personas.bekasi_dinkes)
    fake = SimpleUploadedFile(
        "perda.pdf", b"<html><script>x</script></html>", content_type="application/pdf"
    )
    response = client.post(
        "/evidence/upload/", {"answer": answer.pk, "file": fake}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "perda.pdf" in response.content.decode()
    assert not EvidenceFile.objects.exists()
    assert not answer.evidence_links.exists()


def test_zip_has_folders_by_group_and_indicator(client, personas, evaluation):
    from layak.evaluation.tests.test_workflow import attach_pdf

    attach_pdf(personas.bekasi_dinkes, evaluation.answers["T-1.1"])
    client.force_login(personas.bekasi_admin)
    url = f"/evaluation/assessments/{evaluation.bekasi.pk}/evidence.zip"
    assert client.get(url).status_code == 200
    # Prepared by a background job, downloaded from the job's page.
    response = client.post(url)
    job = Job.objects.get(kind="evidence_zip")
    assert response.url == job.get_absolute_url() and job.status == "done"
    assert job.result == {"files": 1}
    response = client.get(f"/jobs/{job.pk}/download/")
    assert response.status_code == 200
    archive = zipfile.ZipFile(BytesIO(b"".join(response.streaming_content)))
    (name,) = archive.namelist()
    assert name.startswith("KL kelembagaan/T-1/T-1.1 - perda.pdf")
    assert archive.read(name) == PDF


def test_a_failure_after_writing_the_file_leaves_nothing_behind(personas, settings, monkeypatch):
    from pathlib import Path

    def broken(**kwargs):
        raise RuntimeError("disk or database failed")

    monkeypatch.setattr("layak.evidence.actions.record", broken)
    region = personas.bekasi_admin.memberships.get().organisation.region
    with pytest.raises(RuntimeError):
        evidence_upload(
            actor=personas.bekasi_admin,
            region=region,
            data=BytesIO(PDF),
            name="a.pdf",
            size=len(PDF),
        )
    assert not EvidenceFile.objects.exists()
    assert [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()] == []


def test_only_the_district_administrator_makes_a_file_public(client, personas, evaluation):
    from layak.audit.models import AuditEntry
    from layak.evaluation.tests.test_workflow import attach_pdf

    attach_pdf(personas.bekasi_dinkes, evaluation.answers["T-1.1"])
    evidence = EvidenceFile.objects.get()
    client.force_login(personas.bekasi_dinkes)
    assert client.post(f"/evidence/{evidence.pk}/public/", {"public": "1"}).status_code == 403
    client.force_login(personas.gm_admin)
    assert client.post(f"/evidence/{evidence.pk}/public/", {"public": "1"}).status_code == 404
    evidence.refresh_from_db()
    assert evidence.is_public is False
    client.force_login(personas.bekasi_admin)
    assert client.post(f"/evidence/{evidence.pk}/public/", {"public": "1"}).status_code == 302
    evidence.refresh_from_db()
    assert evidence.is_public is True
    entry = AuditEntry.objects.get(action="evidence.made_public")
    assert entry.after == {"is_public": True}
