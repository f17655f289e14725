"""PDF documents in the official layout (letterhead with the government's name), rendered with
WeasyPrint from Django templates that extend ``core/pdf/base.html``.

No resource is fetched while rendering: styles are inline, and any URL in a document is refused,
so a value typed by a user cannot make the server request anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from layak.regions.models import Region


@dataclass(frozen=True)
class Letterhead:
    government: str  # "PEMERINTAH KABUPATEN BEKASI"
    office: str  # "DINAS PEMBERDAYAAN PEREMPUAN DAN PERLINDUNGAN ANAK"
    address: str = ""


def letterhead(region: Region | None, office: str = "", address: str = "") -> Letterhead:
    if region is None:
        government = "KEMENTERIAN PEMBERDAYAAN PEREMPUAN DAN PERLINDUNGAN ANAK"
    else:
        government = f"PEMERINTAH {region.name.upper()}"
    return Letterhead(government=government, office=office.upper(), address=address)


def _refuse(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    raise ValueError(f"PDF documents fetch nothing: {url[:40]}")


def render_document(
    template_name: str, context: dict[str, Any], request: HttpRequest | None
) -> Any:
    """The laid-out document (WeasyPrint's ``Document``: its pages and their boxes)."""
    from weasyprint import HTML

    html = render_to_string(template_name, context, request=request)
    return HTML(string=html, url_fetcher=_refuse).render()


def render_pdf_string(html: str) -> bytes:
    """A PDF of ``html`` (fetching nothing), without a template."""
    from weasyprint import HTML

    pdf: bytes = HTML(string=html, url_fetcher=_refuse).write_pdf()
    return pdf


def render_pdf(template_name: str, context: dict[str, Any], request: HttpRequest | None) -> bytes:
    pdf: bytes = render_document(template_name, context, request).write_pdf()
    return pdf


def pdf_response(
    template_name: str, context: dict[str, Any], request: HttpRequest, filename: str
) -> HttpResponse:
    response = HttpResponse(
        render_pdf(template_name, context, request), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
