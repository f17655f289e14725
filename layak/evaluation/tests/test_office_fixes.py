"""The office's card and "My items" write what the rest of Layak writes: points with two
decimals in the option list and the badge alike, and items nobody answered yet counted as
"belum diisi", apart from the drafts."""

from __future__ import annotations

import re

import pytest

from layak.frameworks.models import Option

pytestmark = pytest.mark.django_db


def _badge(body: str) -> str:
    found = re.search(r'data-testid="points">([^<]*)<', body)
    assert found, body
    return found.group(1)


def test_a_cards_options_and_badge_write_points_alike(client, personas, evaluation):
    answer = evaluation.answers["T-1.1"]
    sk = Option.objects.get(question=answer.question, label="SK")
    client.force_login(personas.bekasi_dinkes)
    body = client.post(
        f"/evaluation/answers/{answer.pk}/save/",
        {"revision": 0, "option": sk.pk},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    # The badge and the option list both give two decimals, as the scores and gaps pages do.
    assert _badge(body) == "15,00 / 30,00 poin"
    assert 'SK <span class="muted">(15,00)</span>' in body
    assert 'Perda <span class="muted">(30,00)</span>' in body
    page = client.get(
        f"/evaluation/assessments/{evaluation.bekasi.pk}/indicators/{answer.question.indicator_id}/"
    ).content.decode()
    assert "15,00 / 30,00 poin" in page and "(15,00)" in page and "(15)" not in page


def test_a_cards_points_follow_the_readers_language(client, personas, evaluation):
    answer = evaluation.answers["T-2.1"]
    capil = personas["bekasi.disdukcapil"]
    type(capil).objects.filter(pk=capil.pk).update(language="en")
    client.force_login(capil)
    body = client.post(
        f"/evaluation/answers/{answer.pk}/save/",
        {"revision": 0, "number": "75.5"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert _badge(body) == "15.00 / 30.00 points"


def test_my_items_counts_unanswered_items_apart_from_drafts(client, personas, evaluation):
    client.force_login(personas.bekasi_dinkes)
    body = client.get("/evaluation/my-items/").content.decode()
    # T-1's two questions: nobody has answered them yet.
    assert re.search(r'data-testid="empty">2 belum diisi<', body)
    assert "draf</span>" not in body
    answer = evaluation.answers["T-1.1"]
    sk = Option.objects.get(question=answer.question, label="SK")
    client.post(f"/evaluation/answers/{answer.pk}/save/", {"revision": 0, "option": sk.pk})
    body = client.get("/evaluation/my-items/").content.decode()
    assert re.search(r'data-testid="empty">1 belum diisi<', body)
    assert re.search(r">1 draf</span>", body)


def test_my_items_lists_the_returned_items_with_how_many_there_are(client, personas, evaluation):
    from layak.evaluation import actions
    from layak.evaluation.models import Answer

    capil, admin = personas["bekasi.disdukcapil"], personas.bekasi_admin
    client.force_login(capil)
    for code, data in (
        ("T-2.1", {"number": "75"}),
        ("T-2.2", {"cell-0-0": "100", "cell-0-1": "90", "cell-1-0": "50", "cell-1-1": "40"}),
    ):
        answer = evaluation.answers[code]
        client.post(f"/evaluation/answers/{answer.pk}/save/", {"revision": 0, **data})
        answer = Answer.objects.get(pk=answer.pk)
        actions.answer_submit(actor=capil, answer=answer)
        actions.answer_return(actor=admin, answer=answer, reason=f"Lengkapi {code}")
    body = client.get("/evaluation/my-items/").content.decode()
    assert "2 butir dikembalikan untuk diperbaiki" in body
    assert "Lengkapi T-2.1" in body and "Lengkapi T-2.2" in body
    assert re.search(r">2 dikembalikan</span>", body)
