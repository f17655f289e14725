"""The indicator page and the assignment page at the national KLA 2024 size: KL-1 alone has 63
questions. The indicator page is filtered by status, office and the reader's own items like the
assessment page, paged, with the district's evidence library given once; a fixed number of
queries and under 200 KB. The assignment page names questions in full and warns before a
change is dropped; totals and maxima share one number format."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from layak.evaluation import listing, proposal
from layak.evaluation.models import Answer
from layak.evaluation.tests.test_kla2024_lists import (
    assign_cluster,
    assign_url,
    fill,
    group,
    new_cycle,
    office,
    page_url,
)
from layak.evaluation.views.answers import INDICATOR_PAGE
from layak.frameworks.actions import version_publish
from layak.frameworks.kla2024 import kla2024
from layak.frameworks.models import Indicator, Question
from layak.frameworks.spec import build_version

pytestmark = pytest.mark.django_db

LIBRARY = 24


@pytest.fixture
def kla(personas):
    """A KLA 2024 cycle with Bekasi and Gunung Mas, the self-assessment open."""
    version = version_publish(actor=personas.ministry, version=build_version(kla2024()))
    bekasi, gm = new_cycle(personas, version, "Evaluasi KLA 2026")
    return SimpleNamespace(version=version, bekasi=bekasi, gm=gm)


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
def kl_to_dinkes(client, personas, kla):
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
    with django_assert_max_num_queries(30):
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
    # The last page holds the rest; a page further on costs the same queries.
    listing.forget()  # drawn afresh, as on a first visit
    with CaptureQueriesContext(connection) as first_page:
        client.get(url)
    listing.forget()  # drawn afresh, as on a first visit
    with CaptureQueriesContext(connection) as last_page:
        html = client.get(url, {"page": 5}).content.decode()
    assert len(cards(html)) == total - 4 * INDICATOR_PAGE
    assert len(last_page) <= len(first_page)
    # A small indicator costs as much as KL-1.
    kl2 = Indicator.objects.get(version=kla.version, code="KL-2")
    listing.forget()  # drawn afresh, as on a first visit
    with CaptureQueriesContext(connection) as small:
        client.get(indicator_url(kla, kl2))
    assert len(small) == len(first_page)
    assert "Halaman 5 dari 5" in html


def test_kl1_is_filtered_by_status_office_and_own_items_with_counts_kept_in_links(
    client, personas, kla, kl_to_dinkes
):
    answers = kl1_answers(kla)
    total = answers.count()
    url = indicator_url(kla, kl1(kla))
    dinkes = office("Dinas Kesehatan")
    client.force_login(personas.bekasi_admin)
    html = client.get(url).content.decode()
    # The assessment page's status words, with counts, and the offices with theirs.
    empty = answers.filter(status=Answer.Status.DRAFT, value={}).count()
    assert f"Belum diisi ({empty})" in html and "Draf (2)" in html
    assert f'<option value="{dinkes.pk}">Dinkes ({total})</option>' in html
    assert "Belum ditugaskan ke perangkat daerah mana pun (0)" in html
    # The administrator has no "own items" box.
    assert 'name="mine"' not in html
    # By status: the two drafts only.
    html = client.get(url, {"status": "draft"}).content.decode()
    assert sorted(cards(html)) == sorted(a.question.code for a in kl_to_dinkes)
    assert "2 pertanyaan cocok dengan saringan." in html
    # By office: none unassigned; Dinkes has them all, paged with the filter kept.
    assert cards(client.get(url, {"office": "none"}).content.decode()) == []
    html = client.get(url, {"office": dinkes.pk, "status": "empty"}).content.decode()
    assert f"Pertanyaan 1–{INDICATOR_PAGE} dari {empty}" in html
    assert f"?office={dinkes.pk}&amp;status=empty&amp;page=2" in html
    # Status links keep the office.
    assert f"?status=draft&amp;office={dinkes.pk}" in html
    # Another district's administrator does not reach the page.
    client.force_login(personas.gm_admin)
    assert client.get(url).status_code == 404
    # The operator filters their own items; a question on a later page opens where it is.
    client.force_login(personas.bekasi_dinkes)
    html = client.get(url, {"mine": "1"}).content.decode()
    assert 'name="mine" value="1" checked' in html
    assert f"Pertanyaan 1–{INDICATOR_PAGE} dari {total}" in html
    last = answers.last()
    html = client.get(url, {"at": last.pk}).content.decode()
    assert last.question.code in cards(html) and "Halaman 5 dari 5" in html


def test_a_save_returns_to_the_filtered_page_holding_the_answer(
    client, personas, kla, kl_to_dinkes
):
    client.force_login(personas.bekasi_dinkes)
    url = indicator_url(kla, kl1(kla))
    target = choosable(kl1_answers(kla).filter(value={}))[-1]
    option = target.question.options.order_by("-points").first()
    response = client.post(
        f"/evaluation/answers/{target.pk}/save/",
        {"revision": target.revision, "option": option.pk},
        HTTP_REFERER=f"http://testserver{url}?status=empty&page=3",
    )
    assert response.status_code == 302
    assert response["Location"] == f"{url}?status=empty&at={target.pk}#answer-{target.pk}"
    target.refresh_from_db()
    assert target.value
    # Saved, it is a draft now: the page with the filter says where it went in its counts.
    html = client.get(url, {"status": "draft"}).content.decode()
    assert target.question.code in cards(html) and "Draf (3)" in html


def test_the_assessment_page_links_keep_its_filter_and_reads_its_total_in_one_format(
    client, personas, kla, kl_to_dinkes
):
    client.force_login(personas.bekasi_admin)
    indicator = kl1(kla)
    html = client.get(page_url(kla.bekasi), {"status": "draft"}).content.decode()
    assert (
        f'href="{indicator_url(kla, indicator)}?status=draft" data-testid="open-indicator"' in html
    )
    first = kl_to_dinkes[0]
    assert (
        f"{indicator_url(kla, indicator)}?status=draft&amp;at={first.pk}#answer-{first.pk}" in html
    )
    # The score and its maximum: the same number format (1.000, not 1000 beside 9,00).
    (total,) = re.findall(r'data-testid="total">(.*?)</p>', html, re.S)
    assert "/ 1.000<" in total
    (standing,) = re.findall(r'data-testid="standing-total">(.*?)<', html)
    assert total.startswith(standing + " ")


def test_the_assignment_page_names_questions_in_full_and_warns_before_dropping_ticks(
    client, personas, kla
):
    client.force_login(personas.bekasi_admin)
    html = client.get(assign_url(kla.bekasi)).content.decode()
    # The form that drops unsaved ticks says so; the proposal says it reloads the page.
    assert 'data-testid="assign-form"' in html and "data-unsaved-warning=" in html
    assert html.count("data-leaves-unsaved") >= 1
    assert "belum disimpan akan hilang" in html
    # The proposal names each question by code and text, and each office by its name.
    organisation, proposed = proposal.propose(kla.bekasi).by_organisation[0]
    for answer in proposed[:3]:
        shown = escape(answer.question.text[:40])
        assert f"<strong>{answer.question.code}</strong> {shown}" in html
    assert f"{escape(organisation.label)} di " in html
    k2 = Answer.objects.filter(
        assessment=kla.bekasi, question__code__in=["K2-7.1", "K2-7.2"]
    ).select_related("question")
    # An indicator's own form gives every question's full text, a long one folded.
    indicator = k2[0].question.indicator_id
    html = client.get(assign_url(kla.bekasi), {"indicator": indicator}).content.decode()
    for answer in k2:
        assert f"<legend><strong>{answer.question.code}</strong></legend>" in html
        assert f"<p>{escape(answer.question.text)}</p>" in html
    long = [a for a in k2 if len(a.question.text) > 160]
    assert html.count('<details class="question-text">') >= len(long) > 0


def test_an_upload_sends_the_library_again_for_every_picker_and_a_save_does_not(
    client, personas, kla, kl_to_dinkes
):
    client.force_login(personas.bekasi_dinkes)
    answer = kl_to_dinkes[0]
    upload = SimpleUploadedFile(
        "perbup-kla.pdf",
        b"%PDF-1.4\n1 0 obj<<>>endobj\n%perbup\ntrailer<<>>\n%%EOF\n",
        content_type="application/pdf",
    )
    html = client.post(
        "/evidence/upload/", {"answer": answer.pk, "file": upload}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert f'id="answer-{answer.pk}"' in html
    (box,) = re.findall(r'<div id="evidence-library-box" hx-swap-oob="true">(.*?)</div>', html)
    assert box.count("<option") == LIBRARY + 1 and ">perbup-kla.pdf</option>" in box
    answer.refresh_from_db()
    html = client.post(
        f"/evaluation/answers/{answer.pk}/save/",
        {"revision": answer.revision, "option": answer.value["option"], "note": "Perbup 2025"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "Tersimpan." in html
    assert "evidence-library-box" not in html
