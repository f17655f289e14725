"""An item the province sent back, corrected by the district's administrator for her own
office: the card says she reviews it herself and that accepting sends it back to the verifier."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from layak.evaluation import verification
from layak.evaluation.models import Stage
from layak.evaluation.tests.test_verification import move_to, submit_all
from layak.evaluation.tests.test_workflow import fresh

pytestmark = pytest.mark.django_db


def _card(html: str, pk: int) -> str:
    start = html.index(f'id="answer-{pk}"')
    return " ".join(re.sub(r"<[^>]+>", " ", html[start : html.index("</article>", start)]).split())


def test_the_administrator_is_told_she_reviews_a_returned_item_herself(
    client, personas, evaluation
):
    ev = evaluation
    submit_all(personas, ev)
    move_to(ev, Stage.Kind.PROVINCE)
    answer = ev.answers["T-1.1"]  # assigned to Dinkes and to DP3A, the administrator's office
    verification.verify_return(actor=personas.jabar, answer=answer, reason="Dokumen tidak terbaca")
    page = reverse("evaluation:indicator", args=[ev.bekasi.pk, answer.question.indicator_id])

    client.force_login(personas.bekasi_admin)
    card = _card(client.get(page).content.decode(), answer.pk)
    assert "Dikembalikan: Dokumen tidak terbaca" in card
    assert "Ajukan ke kabupaten/kota" in card
    assert "Anda sendiri yang menelaah butir ini" in card
    client.post(reverse("evaluation:answer_submit", args=[answer.pk]))
    card = _card(client.get(page).content.decode(), answer.pk)
    assert "Terima" in card
    assert "Dengan diterima, butir ini kembali ke verifikator untuk diperiksa ulang." in card
    accepted = client.post(
        reverse("evaluation:answer_accept", args=[answer.pk]), HTTP_HX_REQUEST="true"
    )
    assert fresh(answer).status == "accepted"
    card = _card(accepted.content.decode(), answer.pk)
    assert "Diterima; butir ini kembali ke verifikator untuk diperiksa ulang." in card

    # The office's operator, who does not review, is not told so.
    move_to(ev, Stage.Kind.PROVINCE)
    other = ev.answers["T-2.1"]
    verification.verify_return(actor=personas.jabar, answer=other, reason="Sumber data")
    client.force_login(personas["bekasi.disdukcapil"])
    page = reverse("evaluation:indicator", args=[ev.bekasi.pk, other.question.indicator_id])
    card = _card(client.get(page).content.decode(), other.pk)
    assert "Ajukan ke kabupaten/kota" in card
    assert "Anda sendiri yang menelaah" not in card
