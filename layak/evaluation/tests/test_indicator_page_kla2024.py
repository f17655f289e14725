"""The indicator page and the assignment page at the national KLA 2024 size: KL-1 alone has 63
questions. The indicator page is filtered by status, office and the reader's own items like the
assessment page, paged, with the district's evidence library given once; a fixed number of
queries and under 200 KB. The assignment page names questions in full and warns before a
change is dropped; totals and maxima share one number format."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from layak.evaluation.models import Answer
from layak.evaluation.tests.test_kla2024_lists import (
    assign_cluster,
    assign_url,
    fill,
    group,
    kla,  # noqa: F401 - fixture
    office,
    page_url,
)
from layak.evaluation.views.answers import INDICATOR_PAGE
from layak.frameworks.models import Indicator, Question

pytestmark = pytest.mark.django_db

LIBRARY = 24


def kl1(kla) -> Indicator:
    return Indicator.objects.get(version=kla.version, code="KL-1")


def indicator_url(kla, indicator: Indicator) -> str:
    return f"/evaluation/assessments/{kla.bekasi.pk}/indicators/{indicator.pk}/"


def cards(html: str) -> list[str]:
    return re.findall(r'data-testid="answer-([^"]+)"', html)


def kl1_answers(kla):
    return Answer.objects.filter(assessment=kla.bekasi, question__indicator=kl1(kla)).order_by(
        "question__order"
    )


def choosable(answers):
    return [
        a
        for a in answers.select_related("question")
        if a.question.kind in (Question.Kind.SINGLE, Question.Kind.YES_NO)
        and not a.question.computed
    ]


@pytest.fixture
def kl_to_dinkes(client, personas, kla):  # noqa: F811 - the fixture above
    """The KL cluster given to Dinkes on the assignment page; Dinkes uploads the district's
    evidence library (24 files) through a question's upload form and answers two questions."""
    client.force_login(personas.bekasi_admin)
    assert assign_cluster(client, kla.bekasi, group(kla.version, "KL"), office("Dinas Kesehatan"))
    client.force_login(personas.bekasi_dinkes)
    first = kl1_answers(kla).first()
    for n in range(LIBRARY):
        upload = SimpleUploadedFile(
            f"dokumen-{n:02}.pdf",
            b"%PDF-1.4\n1 0 obj<<>>endobj\n%" + str(n).encode() + b"\ntrailer<<>>\n%%EOF\n",
            content_type="application/pdf",
        )
        client.post("/evidence/upload/", {"answer": first.pk, "file": upload})
    answered = choosable(kl1_answers(kla))[:2]
    for answer in answered:
        fill(client, answer)
    return answered


def test_kl1_is_paged_light_and_costs_a_fixed_number_of_queries(
    client, personas, kla, kl_to_dinkes, django_assert_max_num_queries
):
    client.force_login(personas.bekasi_admin)
    total = kl1_answers(kla).count()
    assert total == 63
    url = indicator_url(kla, kl1(kla))
    with django_assert_max_num_queries(60):
        response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert len(response.content) < 200_000, len(response.content)
    shown = cards(html)
    assert len(shown) == INDICATOR_PAGE
    assert f"Pertanyaan 1–{INDICATOR_PAGE} dari {total}" in html
    # The library's 24 files are given once for the page, not in a picker of every card.
    (library,) = re.findall(r'<template id="evidence-library">(.*?)</template>', html, re.S)
    assert library.count("<option") == LIBRARY
    pickers = html.count('data-library="evidence-library"')
    assert pickers == INDICATOR_PAGE
    assert html.count(">dokumen-05.pdf</option>") == 1
    print(len(response.content))
    # The last page holds the rest; a page further on costs the same queries.
    with CaptureQueriesContext(connection) as first_page:
        client.get(url)
    with CaptureQueriesContext(connection) as last_page:
        html = client.get(url, {"page": 5}).content.decode()
    assert len(cards(html)) == total - 4 * INDICATOR_PAGE
    assert len(last_page) <= len(first_page)
    assert "Halaman 5 dari 5" in html
