"""Serving a stored evidence file: always as an attachment, under its served name (the
extension of the kind its content was recognised as), with the type recognised at upload, and
with headers that keep a browser from running anything in it."""

from __future__ import annotations

from django.http import FileResponse

from layak.evidence.models import EvidenceFile


def evidence_response(evidence: EvidenceFile) -> FileResponse:
    """The file's response; the caller has checked that the reader may see it."""
    response = FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.download_name,
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
