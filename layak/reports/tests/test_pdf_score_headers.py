"""The self-assessment PDF's table of scores per stage, with all five stages: each header stays
inside its own column (a long word is hyphenated, never run into the next column), every
points value is written as the pages write it, and each office in the gap table has a line of
its own, so no comma is parted from a name."""

from __future__ import annotations

from typing import Any

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from layak.core.pdf import render_document
from layak.organisations.models import Organisation
from layak.reports import documents
from layak.reports.tests.test_pdf_layout import EPSILON, _walk

pytestmark = pytest.mark.django_db


def determined(personas, evaluation) -> None:
    """Bekasi goes through every stage and its result is determined."""
    from layak.evaluation.tests.test_verification import agree_and_determine, submit_all

    submit_all(personas, evaluation)
    agree_and_determine(personas, evaluation)
    evaluation.bekasi.refresh_from_db()


def _text(box: Any) -> str:
    return "".join(getattr(t, "text", "") or "" for t, _ in _walk(box))


def _context(personas, evaluation) -> dict[str, Any]:
    from layak.evaluation import actions

    determined(personas, evaluation)
    # T-2's questions are given to three offices: a list wider than its column.
    offices = [
        Organisation.objects.get(name=f"{name} Kabupaten Bekasi")
        for name in (
            "Dinas Kesehatan",
            "Dinas Kependudukan dan Pencatatan Sipil",
            "Dinas Pemberdayaan Perempuan dan Perlindungan Anak",
        )
    ]
    actions.assignments_set(
        actor=personas.bekasi_admin,
        assessment=evaluation.bekasi,
        answers=[evaluation.answers["T-2.1"], evaluation.answers["T-2.2"]],
        organisations=offices,
    )
    with translation.override("id"):
        return documents.self_assessment(evaluation.bekasi)


def test_stage_headers_stay_in_their_columns_and_no_comma_is_alone(personas, evaluation):
    context = _context(personas, evaluation)
    with translation.override("id"):
        document = render_document("reports/pdf/self_assessment.html", context, None)
    assert len(context["stages"]) == 5, "every stage has a column"
    headers: list[tuple[str, float, float, float, float]] = []  # text, cell and text extents
    lone = []
    for page in document.pages:
        for box, parents in _walk(page._page_box):
            kind = type(box).__name__
            if kind == "LineBox" and _text(box).strip()[:1] in (",", ";"):
                lone.append(_text(box))  # a comma parted from the word before it
            element = getattr(box, "element", None)
            if kind != "TableCellBox" or element is None or element.tag != "th":
                continue
            if parents[-2].element.tag != "thead":
                continue
            left, right = box.border_box_x(), box.border_box_x() + box.border_width()
            for text, _ in _walk(box):
                if type(text).__name__ == "TextBox" and text.text.strip():
                    x = text.position_x
                    headers.append((text.text, left, right, x, x + text.width))
    assert lone == []
    assert {"Telaah", "lapangan", "akhir"} <= {w for h in headers for w in h[0].split()}
    outside = [h for h in headers if h[3] < h[1] - EPSILON or h[4] > h[2] + EPSILON]
    assert outside == [], outside


def test_every_points_value_has_two_decimals(personas, evaluation):
    context = _context(personas, evaluation)
    with translation.override("id"):
        page = " ".join(render_to_string("reports/pdf/self_assessment.html", context).split())
    # The cluster's maximum, the total maximum and the indicator's maximum as the pages say them.
    assert '<td>KL · Kelembagaan</td><td class="num">50,00</td>' in page
    assert '<th>Jumlah</th><th class="num">100,00</th>' in page
    assert ": 100,00 / 100,00</td>" in page
    assert "<strong>50,00 / 50,00</strong>" in page
