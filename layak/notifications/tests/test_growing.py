"""Items handed off one after another, each in its own request, make one notice that grows
(the district's administrator hears "2 butir … dikirim untuk diperiksa oleh …", not once per
item), while it is unread; once read, the next hand-off is a new notice. Through the pages,
in Indonesian."""

from __future__ import annotations

import re

import pytest

from layak.evaluation import actions
from layak.evaluation.tests.test_workflow import PDF, attach_pdf, option
from layak.notifications.models import Notice

pytestmark = pytest.mark.django_db
K = Notice.Kind


def _ready(personas, evaluation) -> None:
    answers, dinkes, capil = (
        evaluation.answers,
        personas.bekasi_dinkes,
        personas["bekasi.disdukcapil"],
    )
    saved = actions.answer_save(
        actor=dinkes,
        answer=answers["T-1.1"],
        value={"option": option(answers["T-1.1"], "Perda")},
        note="",
        revision=0,
    )
    attach_pdf(dinkes, saved)
    attach_pdf(dinkes, answers["T-1.2"], name="sk.pdf", content=PDF + b"% sk\n")
    actions.answer_save(
        actor=capil, answer=answers["T-2.1"], value={"number": "92"}, note="", revision=0
    )


def _submit(client, answer) -> None:
    response = client.post(f"/evaluation/answers/{answer.pk}/submit/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200


def _words(client) -> str:
    page = client.get("/notifications/").content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def test_items_submitted_one_by_one_grow_one_notice_until_it_is_read(client, personas, evaluation):
    _ready(personas, evaluation)
    admin, answers = personas.bekasi_admin, evaluation.answers
    client.force_login(personas.bekasi_dinkes)
    _submit(client, answers["T-1.1"])
    _submit(client, answers["T-1.2"])
    waiting = Notice.objects.filter(kind=K.ITEM_SUBMITTED, recipient=admin)
    assert waiting.count() == 1
    assert waiting.get().read_at is None
    # Another office's hand-off is its own notice.
    client.force_login(personas["bekasi.disdukcapil"])
    _submit(client, answers["T-2.1"])
    assert waiting.count() == 2
    client.force_login(admin)
    # The newest item first: a grown notice lists what came last.
    inbox = _words(client)
    assert (
        "2 butir Kabupaten Bekasi (Evaluasi Uji) dikirim untuk diperiksa oleh Dewi Anggraini: "
        "T-1.2, T-1.1" in inbox
    )
    # Read, the grown notice stays as it is: the next item is a new notice.
    client.post("/notifications/read-all/")
    actions.answer_return(actor=admin, answer=answers["T-1.2"], reason="SK belum sah")
    client.force_login(personas.bekasi_dinkes)
    _submit(client, answers["T-1.2"])
    assert waiting.count() == 3
    assert waiting.filter(read_at__isnull=True).count() == 1


def test_a_grown_notice_of_several_indicators_leads_to_the_items_waiting(personas, evaluation):
    """Items of two indicators submitted one after another: the notice leads to the
    assessment's list of items waiting for review, and that list shows them."""
    from django.test import Client

    from layak.evaluation import notices

    answers, admin = evaluation.answers, personas.bekasi_admin
    for code in ("T-1.1", "T-2.1"):
        notices.submitted(actor=personas.bekasi_dinkes, answer=answers[code])
    (notice,) = Notice.objects.filter(kind=K.ITEM_SUBMITTED, recipient=admin)
    assert notice.url == f"/evaluation/assessments/{evaluation.bekasi.pk}/?status=submitted"
    client = Client()
    client.force_login(admin)
    assert client.get(notice.url).status_code == 200
