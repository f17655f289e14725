"""The card a save returns is built from the answer as the save left it (its question's options
and score bands already read with it), not read again: it is the same card as one read afresh,
for each kind of question, for the office and for the district administrator."""

from __future__ import annotations

import re

import pytest
from django.utils import translation
from django.utils.translation import gettext

from layak.evaluation import verification
from layak.evaluation.models import Answer, Stage
from layak.evaluation.tests.test_verification import move_to, submit_all
from layak.evaluation.views import answers as answer_views

pytestmark = pytest.mark.django_db
K = Stage.Kind

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def saved_and_fresh(client, answer, data: dict[str, object]) -> tuple[str, str]:
    """The card the save returned, and the card of the same answer read afresh for the same
    request (each form's token masked: every rendering masks it anew)."""
    response = client.post(f"/evaluation/answers/{answer.pk}/save/", data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    with translation.override("id"):
        fresh = answer_views._card(response.wsgi_request, answer.pk, message=gettext("Saved."))
    return (
        TOKEN.sub("TOKEN", response.content.decode()),
        TOKEN.sub("TOKEN", fresh.content.decode()),
    )


def test_the_card_after_a_save_is_the_card_read_afresh(client, personas, evaluation):
    answers = evaluation.answers
    client.force_login(personas.bekasi_dinkes)
    perda = answers["T-1.1"].question.options.get(label="Perda")
    saved, fresh = saved_and_fresh(client, answers["T-1.1"], {"revision": 0, "option": perda.pk})
    assert "Tersimpan." in saved and "Dokumen Perda" in saved  # the document still missing
    assert 'type="radio"' in saved  # still open for writing
    assert saved == fresh
    client.force_login(personas["bekasi.disdukcapil"])
    saved, fresh = saved_and_fresh(
        client, answers["T-2.1"], {"revision": 0, "number": "92,5", "note": "Data 2025"}
    )
    assert "92,5" in saved and "Data 2025" in saved
    assert saved == fresh
    cells = {"cell-0-0": "100", "cell-0-1": "90", "cell-1-0": "100", "cell-1-1": "0"}
    saved, fresh = saved_and_fresh(client, answers["T-2.2"], {"revision": 0, **cells})
    assert saved == fresh
    # The district administrator's card also offers to accept or return the item.
    client.force_login(personas.bekasi_admin)
    saved, fresh = saved_and_fresh(client, answers["T-2.1"], {"revision": 1, "number": "40"})
    assert "40" in saved
    assert saved == fresh


def test_the_card_of_an_item_sent_back_and_corrected_is_the_card_read_afresh(
    client, personas, evaluation
):
    """During the province stage an office corrects an item the verifier sent back: the card
    after the save stays open for it, as one read afresh; another item of the same office is
    not open."""
    submit_all(personas, evaluation)
    move_to(evaluation, K.PROVINCE)
    item, other = evaluation.answers["T-2.1"], evaluation.answers["T-2.2"]
    verification.verify_return(actor=personas.jabar, answer=item, reason="Pakai data 2025")
    client.force_login(personas["bekasi.disdukcapil"])
    saved, fresh = saved_and_fresh(
        client, item, {"revision": Answer.objects.get(pk=item.pk).revision, "number": "96"}
    )
    assert "Tersimpan." in saved and 'value="96"' in saved
    assert saved == fresh
    refused = client.post(
        f"/evaluation/answers/{other.pk}/save/",
        {"revision": Answer.objects.get(pk=other.pk).revision, "cell-0-0": "1"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert 'data-testid="field-error"' not in refused and "Tersimpan." not in refused


def test_a_save_reads_only_what_its_questions_kind_is_scored_from(client, personas, evaluation):
    """A choice is scored from its options, a number from its score bands: a save reads the
    one its question needs, never the other, and scores it as before."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    answers = evaluation.answers
    client.force_login(personas.bekasi_dinkes)
    perda = answers["T-1.1"].question.options.get(label="Perda")
    with CaptureQueriesContext(connection) as choice:
        client.post(
            f"/evaluation/answers/{answers['T-1.1'].pk}/save/",
            {"revision": 0, "option": perda.pk},
            HTTP_HX_REQUEST="true",
        )
    tables = " ".join(q["sql"] for q in choice.captured_queries)
    assert '"frameworks_option"' in tables and '"frameworks_scoreband"' not in tables
    client.force_login(personas["bekasi.disdukcapil"])
    with CaptureQueriesContext(connection) as number:
        client.post(
            f"/evaluation/answers/{answers['T-2.1'].pk}/save/",
            {"revision": 0, "number": "92,5"},
            HTTP_HX_REQUEST="true",
        )
    tables = " ".join(q["sql"] for q in number.captured_queries)
    assert '"frameworks_scoreband"' in tables and '"frameworks_option"' not in tables
    points = {
        a.question.code: a.scores.get(stage=K.SELF_ASSESSMENT).points
        for a in Answer.objects.filter(pk__in=[answers["T-1.1"].pk, answers["T-2.1"].pk])
    }
    assert points["T-1.1"] == 30 and points["T-2.1"] > 0
