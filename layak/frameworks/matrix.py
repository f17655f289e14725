"""The matrix template of a question whose evidence includes a matrix ("Lampirkan MATRIKS"):
an XLSX sheet with the question at the top and one row per programme, activity or partner that
the district fills in and attaches as the matrix."""

from __future__ import annotations

from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from layak.frameworks.models import Question

ROWS = 20


def columns() -> list[str]:
    return [
        _("No."),
        _("Programme or activity"),
        _("Office or organisation carrying it out"),
        _("Role"),
        _("When"),
        _("Children reached"),
        _("Budget (Rp)"),
        _("Source of funds"),
        _("Evidence and remarks"),
    ]


def matrix_workbook(question: Question) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = _("Matrix")[:31]
    version = question.version
    ws.append([str(version)])
    ws.append([f"{question.code} · {question.indicator.code} {question.indicator.name}"])
    ws.append([question.text])
    ws["C3"].alignment = Alignment(wrap_text=True)
    ws.append([])
    ws.append(columns())
    for cell in ws[5]:
        cell.font = Font(bold=True)
    for n in range(1, ROWS + 1):
        ws.append([n])
    ws.column_dimensions["B"].width = 40
    ws.column_dimensions["C"].width = 32
    ws.column_dimensions["I"].width = 40
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
