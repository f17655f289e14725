"""The self-assessment PDF's gap analysis: not done means not answered, answers short of
their maximum are listed with their text and points, missing documents are named once per
question; table headers repeat on every page and wrap between words only."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from layak.core.pdf import render_document
from layak.evaluation import actions as ev
from layak.reports import documents
from layak.reports.tests.test_pdf_layout import _walk

pytestmark = pytest.mark.django_db


def choose(personas, evaluation, code: str, label: str):
    answer = evaluation.answers[code]
    option = next(o for o in answer.question.options.all() if o.label == label)
    return ev.answer_save(
        actor=personas.bekasi_dinkes,
        answer=answer,
        value={"option": option.pk},
        note="",
        revision=answer.revision,
    )


def html(evaluation) -> str:
    with translation.override("id"):
        context = documents.self_assessment(evaluation.bekasi)
        return render_to_string("reports/pdf/self_assessment.html", context)


def test_not_answered_and_short_of_the_maximum_are_told_apart(personas, evaluation):
    choose(personas, evaluation, "T-1.1", "SK")  # 15 of 30 points, its Perda not linked
    with translation.override("id"):
        gaps = {g.indicator.code: g for g in documents.self_assessment(evaluation.bekasi)["gaps"]}
    t1, t2 = gaps["T-1"], gaps["T-2"]
    assert [i.answer.question.code for i in t1.partial] == ["T-1.1"]
    assert [i.answer.question.code for i in t1.not_answered] == ["T-1.2"]
    assert [i.answer.question.code for i in t2.not_answered] == ["T-2.1", "T-2.2"]
    assert t2.partial == []
    assert [(i.answer.question.code, i.missing_evidence) for i in t1.missing_by_question] == [
        ("T-1.1", ["Dokumen Perda"])
    ]
    page = " ".join(html(evaluation).split())
    # One row per question: answered short of the maximum, or not answered yet.
    assert (
        "<tr data-partial><td><strong>T-1.1</strong> Bentuk peraturan</td>"
        '<td class="num">15,00 / 30,00</td><td>Belum mencapai nilai maksimal</td>'
    ) in page
    assert (
        "<tr data-not-answered><td><strong>T-2.1</strong> Persalinan di fasilitas kesehatan (%)"
        '</td><td class="num">— / 30,00</td><td>Belum dijawab</td>'
    ) in page
    assert page.count("data-not-answered") == 3 and page.count("data-partial") == 1
    assert page.count("Dokumen Perda") == 1
    assert "<strong>T-1.1</strong> Bentuk peraturan</td><td>Dokumen Perda</td>" in page
    assert "Belum dijawab" in page and "Belum mencapai nilai maksimal" in page


def test_table_headers_repeat_and_wrap_between_words(personas, evaluation):
    choose(personas, evaluation, "T-1.1", "SK")
    page = html(evaluation)
    assert page.count("<thead>") >= 4
    with translation.override("id"):
        context = documents.self_assessment(evaluation.bekasi)
        document = render_document("reports/pdf/self_assessment.html", context, None)
    css = render_to_string("core/pdf/base.html", {})
    assert "thead { display: table-header-group; }" in css
    split = []
    for page_ in document.pages:
        for box, _parents in _walk(page_._page_box):
            element = getattr(box, "element", None)
            if type(box).__name__ != "TableCellBox" or element is None or element.tag != "th":
                continue
            words = "".join(element.itertext()).split()
            for line, _ in _walk(box):
                if type(line).__name__ != "LineBox":
                    continue
                text = "".join(
                    getattr(t, "text", "") or "" for t, _ in _walk(line) if hasattr(t, "text")
                )
                split += [w for w in text.split() if w not in words]
    assert split == []


def test_an_indicators_offices_are_listed_in_alphabetical_order(personas, evaluation):
    """The same order on the page and in the PDF, whatever order the set of offices has."""
    with translation.override("id"):
        gaps = {g.indicator.code: g for g in documents.self_assessment(evaluation.bekasi)["gaps"]}
    assert len(gaps["T-1"].offices) > 1
    names = "<br>".join(gaps["T-1"].office_names)  # each office on a line of its own
    assert names == "<br>".join(sorted(gaps["T-1"].offices, key=str.casefold))
    page = " ".join(html(evaluation).split())
    assert f"<td></td><td>{names}</td></tr>" in page


def test_no_missing_document_is_said_in_words_not_an_empty_table(client, personas, evaluation):
    """Items still short of their points but none missing a required document: section IV
    says so, rather than showing a table with a header and no rows."""
    from layak.reports.tests.test_reports import answered, pdf_text, start

    answered(personas, evaluation)
    job = start(
        client, personas.bekasi_admin, "self_assessment", {"assessment": evaluation.bekasi.pk}
    )
    text = " ".join(pdf_text(job).split())
    section = text[text.index("IV. Dokumen yang kurang") : text.index("V. Indeks")]
    assert "Tidak ada dokumen wajib yang kurang." in section
