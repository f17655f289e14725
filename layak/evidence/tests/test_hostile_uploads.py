"""Hostile uploads on every evidence path: archives that inflate without bound are refused
doing bounded work (what the sniffer reads is counted, what a request allocates traced; nothing
is timed), and a file is downloaded under a name whose extension follows its content."""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable
from io import BytesIO
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from layak.core.tests.zipbombs import MIB, archive, counting, plain, zeros
from layak.evaluation.tests.test_workflow import PDF
from layak.evidence.actions import evidence_upload
from layak.evidence.models import Attachment, EvidenceFile
from layak.evidence.sniff import UploadRefused, served_name, sniff

pytestmark = pytest.mark.django_db
ODT = "application/vnd.oasis.opendocument.text"
GIB = 1024


def odt(mimetype_megabytes: int = 0, *, declared: int | None = None) -> bytes:
    """An ODF text whose ``mimetype`` is a gigabyte of zeros (``declared``: the size it
    claims), or a proper one."""
    mimetype = (
        zeros("mimetype", mimetype_megabytes, declared=declared)
        if mimetype_megabytes
        else plain("mimetype", ODT.encode())
    )
    return archive(mimetype, plain("content.xml", b"<office:document-content/>"))


def test_a_proper_odf_text_is_still_recognised():
    data = odt()
    assert sniff(BytesIO(data), "notulen.odt", len(data), 1_000_000).content_type == ODT


def test_the_sniffer_reads_a_few_bytes_of_a_manifest_that_inflates_to_a_gigabyte():
    """The manifest claims 39 bytes and inflates to 1 GiB: the sniffer reads its first bytes
    only, so it reads a small part of the file and allocates next to nothing."""
    data = odt(GIB, declared=39)
    upload = counting(data)
    tracemalloc.start()
    try:
        with pytest.raises(UploadRefused, match="bukan jenis yang diterima"):
            sniff(upload, "laporan.odt", len(data), 20_000_000)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(data) > 1_000_000 and upload.bytes_read < 20_000
    assert peak < 2 * MIB


def test_a_manifest_declaring_a_gigabyte_is_refused_naming_the_limit():
    data = odt(GIB)
    upload = counting(data)
    with pytest.raises(UploadRefused) as caught:
        sniff(upload, "laporan.odt", len(data), 20_000_000)
    assert str(caught.value) == (
        "Berkas “laporan.odt” ditolak: Satu bagian berkas (“mimetype”) terurai menjadi lebih "
        "dari 200 MB; paling banyak 200 MB yang diterima."
    )
    assert upload.bytes_read < 5_000


def test_an_archive_of_too_many_parts_is_refused():
    from layak.core.tests.zipbombs import many_members

    data = many_members(5_001)
    with pytest.raises(UploadRefused, match=r"lebih dari 5\.000 bagian"):
        sniff(BytesIO(data), "arsip.docx", len(data), 20_000_000)


# Every page and API endpoint that takes evidence, as (who posts, how); each returns the page
# or message the person sees.


def _library(client: Client, personas: Any, evaluation: Any, upload: SimpleUploadedFile) -> str:
    client.force_login(personas.bekasi_admin)
    response = client.post(
        reverse("evidence:upload"), {"region": "32.16", "file": upload}, follow=True
    )
    return response.content.decode()


def _answer(client: Client, personas: Any, evaluation: Any, upload: SimpleUploadedFile) -> str:
    client.force_login(personas.bekasi_dinkes)
    answer = evaluation.answers["T-1.1"]
    response = client.post(
        reverse("evidence:upload"), {"answer": answer.pk, "file": upload}, HTTP_HX_REQUEST="true"
    )
    assert not answer.evidence_links.exists()
    return response.content.decode()


def _api(client: Client, personas: Any, evaluation: Any, upload: SimpleUploadedFile) -> str:
    from layak.api.actions import token_create

    token = token_create(actor=personas.bekasi_admin, name="sync", days=30)[1]
    answer = evaluation.answers["T-1.1"]
    response = client.post(
        f"/api/v1/answers/{answer.pk}/evidence",
        {"file": upload},
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 422
    return escape(response.json()["message"])


def _attachment(client: Client, personas: Any, evaluation: Any, upload: SimpleUploadedFile) -> str:
    from layak.afse.tests.helpers import make_event

    event = make_event(personas.bekasi_dinkes)
    client.force_login(personas.bekasi_dinkes)
    response = client.post(
        reverse("evidence:attachment_add"),
        {"owner": "afse.event", "object": event.pk, "caption": "Daftar hadir", "file": upload},
        follow=True,
    )
    return response.content.decode()


def _follow_up(client: Client, personas: Any, evaluation: Any, upload: SimpleUploadedFile) -> str:

    from layak.taskforce.models import FollowUp
    from layak.taskforce.tests.test_actions import _follow_up as follow_up

    item = follow_up(personas, timezone.localdate())
    client.force_login(personas.bekasi_dinkes)
    response = client.post(
        reverse("taskforce:follow_up_done", args=[item.pk]),
        {"note": "Rekap dikirim", "evidence": upload},
        follow=True,
    )
    item.refresh_from_db()
    assert item.status == FollowUp.Status.OPEN
    return response.content.decode()


def _decree(client: Client, personas: Any, evaluation: Any, upload: SimpleUploadedFile) -> str:
    from layak.taskforce.models import Decree

    client.force_login(personas.bekasi_admin)
    response = client.post(
        reverse("taskforce:decree_create", args=["32.16"]),
        {
            "number": "188/Kep.77-DP3A/2026",
            "title": "Pembentukan Gugus Tugas KLA",
            "signed_on": "05/01/2026",
            "signatory": "Bupati Bekasi",
            "period_start": "05/01/2026",
            "decree_file": upload,
        },
    )
    assert response.status_code == 200
    assert 'value="Bupati Bekasi"' in response.content.decode()
    assert not Decree.objects.filter(number="188/Kep.77-DP3A/2026").exists()
    return response.content.decode()


PATHS: dict[str, Callable[[Client, Any, Any, SimpleUploadedFile], str]] = {
    "library": _library,
    "answer page": _answer,
    "api": _api,
    "attachment": _attachment,
    "follow-up": _follow_up,
    "decree": _decree,
}


@pytest.mark.parametrize("path", PATHS)
def test_every_evidence_path_refuses_an_archive_bomb_and_keeps_nothing(
    client, personas, evaluation, path
):
    post = PATHS[path]
    body = post(client, personas, evaluation, SimpleUploadedFile("laporan.odt", odt(GIB)))
    with translation.override("id"):
        assert escape("Satu bagian berkas (“mimetype”) terurai menjadi lebih dari 200 MB") in body
    assert not EvidenceFile.objects.exists() and not Attachment.objects.exists()


@pytest.mark.parametrize("path", PATHS)
def test_every_evidence_path_refuses_a_lying_bomb_without_inflating_it(
    client, personas, evaluation, path
):
    """A gigabyte behind a manifest that claims 39 bytes: the request as a whole allocates a
    few megabytes (the upload itself), never the gigabyte."""
    post = PATHS[path]
    upload = SimpleUploadedFile("laporan.odt", odt(GIB, declared=39))
    tracemalloc.start()
    try:
        body = post(client, personas, evaluation, upload)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "bukan jenis yang diterima" in body
    assert peak < 64 * MIB
    assert not EvidenceFile.objects.exists() and not Attachment.objects.exists()


# Item: names served.


@pytest.mark.parametrize(
    ("name", "extension", "served"),
    [
        ("poly.html", "pdf", "poly.pdf"),
        ("laporan\u202eexe.pdf", "pdf", "laporanexe.pdf"),
        ("laporan\u202efdp.exe", "pdf", "laporanfdp.pdf"),
        ("foto.JPEG", "jpg", "foto.jpeg"),
        ("foto.png", "jpg", "foto.jpg"),
        ("rekap", "csv", "rekap.csv"),
        ("data.tahun.2025.XLSX", "xlsx", "data.tahun.2025.xlsx"),
        ("a\x00b\tc\u200b.docx", "docx", "abc.docx"),
        ("\u202e.pdf", "pdf", "berkas.pdf"),
        ("..\\..\\x.pdf", "pdf", "_.._x.pdf"),
    ],
)
def test_the_served_name_takes_the_extension_of_the_content(name, extension, served):
    with translation.override("id"):
        assert served_name(name, extension) == served


def test_direction_and_control_characters_are_removed_from_uploaded_names(personas):
    region = personas.bekasi_admin.memberships.get().organisation.region
    evidence, _created = evidence_upload(
        actor=personas.bekasi_admin,
        region=region,
        data=BytesIO(PDF),
        name="laporan\u202efdp.exe",
        size=len(PDF),
    )
    assert evidence.name == "laporanfdp.exe"
    assert evidence.download_name == "laporanfdp.pdf"


def test_a_pdf_uploaded_as_html_downloads_as_pdf_from_the_library_and_attachments(client, personas):
    from layak.afse.tests.helpers import make_event

    event = make_event(personas.bekasi_dinkes)
    client.force_login(personas.bekasi_dinkes)
    client.post(
        reverse("evidence:attachment_add"),
        {"owner": "afse.event", "object": event.pk, "file": SimpleUploadedFile("poly.html", PDF)},
    )
    attachment = Attachment.objects.select_related("file").get()
    assert attachment.file.name == "poly.html"
    for url in (
        reverse("evidence:download", args=[attachment.file_id]),
        reverse("evidence:attachment_download", args=[attachment.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == 'attachment; filename="poly.pdf"'
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content) == PDF


def test_the_portal_and_the_api_serve_a_file_under_the_name_of_its_content(client, personas):
    from layak.api.actions import token_create
    from layak.portal.tests.helpers import public_decree

    evidence = public_decree(personas, name="poly.html")
    token = token_create(actor=personas.bekasi_admin, name="sync", days=30)[1]
    for response in (
        client.get(reverse("portal:file", args=[evidence.pk])),
        client.get(
            f"/api/v1/evidence/{evidence.pk}/download", HTTP_AUTHORIZATION=f"Bearer {token}"
        ),
    ):
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == 'attachment; filename="poly.pdf"'


def test_the_evidence_zip_names_each_file_after_its_content(client, personas, evaluation):
    import zipfile

    from layak.evaluation.tests.test_workflow import attach_pdf
    from layak.jobs.models import Job

    attach_pdf(personas.bekasi_dinkes, evaluation.answers["T-1.1"], name="laporan\u202efdp.exe")
    client.force_login(personas.bekasi_admin)
    client.post(f"/evaluation/assessments/{evaluation.bekasi.pk}/evidence.zip")
    job = Job.objects.get(kind="evidence_zip")
    response = client.get(f"/jobs/{job.pk}/download/")
    (name,) = zipfile.ZipFile(BytesIO(b"".join(response.streaming_content))).namelist()
    assert name.endswith("T-1.1 - laporanfdp.pdf")
