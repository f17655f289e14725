"""Holes found in review, each closed and kept closed."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from layak.evaluation import actions, verification
from layak.evaluation.forms import value_from_post
from layak.evaluation.models import Answer, Score, Stage
from layak.evaluation.tests.test_verification import move_to, submit_all
from layak.evaluation.tests.test_workflow import fresh
from layak.frameworks.scoring import to_decimal

pytestmark = pytest.mark.django_db
K = Stage.Kind


def test_no_determination_while_items_are_back_and_no_edit_after_it(personas, evaluation):
    submit_all(personas, evaluation)
    move_to(evaluation, K.PROVINCE)
    verification.verify_return(actor=personas.jabar, answer=evaluation.answers["T-2.1"], reason="x")
    move_to(evaluation, K.FINAL)
    with pytest.raises(actions.EvaluationError, match="masih dikembalikan"):
        verification.assessment_determine(actor=personas.ministry, assessment=evaluation.bekasi)
    Answer.objects.filter(pk=evaluation.answers["T-2.1"].pk).update(
        status="accepted", returned_at_stage=""
    )
    verification.assessment_determine(actor=personas.ministry, assessment=evaluation.bekasi)
    answer = fresh(evaluation.answers["T-2.1"])
    Answer.objects.filter(pk=answer.pk).update(returned_at_stage=K.PROVINCE)
    with pytest.raises(actions.EvaluationError, match="Penetapan akhir telah dilakukan"):
        actions.answer_save(
            actor=personas["bekasi.disdukcapil"],
            answer=fresh(answer),
            value={},
            note="",
            revision=answer.revision,
        )
    with pytest.raises(actions.EvaluationError, match="Penetapan akhir telah dilakukan"):
        actions.stage_reopen(
            actor=personas.ministry,
            assessment=evaluation.bekasi,
            kind=K.SELF_ASSESSMENT,
            reason="x",
            until=timezone.now() + datetime.timedelta(days=2),
        )


def test_self_assessment_cannot_be_reopened_once_verification_started(personas, evaluation):
    submit_all(personas, evaluation)
    move_to(evaluation, K.PROVINCE)
    verification.verify_item(
        actor=personas.jabar, answer=evaluation.answers["T-1.1"], stage=K.PROVINCE
    )
    with pytest.raises(actions.EvaluationError, match="Verifikasi sudah dimulai"):
        actions.stage_reopen(
            actor=personas.ministry,
            assessment=evaluation.bekasi,
            kind=K.SELF_ASSESSMENT,
            reason="x",
            until=timezone.now() + datetime.timedelta(days=2),
        )
    with pytest.raises(actions.EvaluationError, match="tidak memiliki tahap"):
        actions.stage_reopen(
            actor=personas.ministry,
            assessment=evaluation.bekasi,
            kind=K.DISTRICT,
            reason="x",
            until=timezone.now() + datetime.timedelta(days=2),
        )


def test_agree_rest_rescores_an_item_corrected_after_its_return(personas, evaluation):
    submit_all(personas, evaluation)
    move_to(evaluation, K.PROVINCE)
    answer = evaluation.answers["T-2.1"]
    verification.verify_item(actor=personas.jabar, answer=answer, stage=K.PROVINCE)  # 30
    verification.verify_return(actor=personas.jabar, answer=answer, reason="Data lama")
    capil = personas["bekasi.disdukcapil"]
    a = fresh(answer)
    actions.answer_save(actor=capil, answer=a, value={"number": "60"}, note="", revision=a.revision)
    actions.answer_submit(actor=capil, answer=fresh(answer))
    actions.answer_accept(actor=personas.bekasi_admin, answer=fresh(answer))
    verification.verify_agree_rest(
        actor=personas.jabar, assessment=evaluation.bekasi, stage=K.PROVINCE
    )
    assert Score.objects.get(answer=answer, stage=K.PROVINCE).points == 15  # the corrected answer
    assert fresh(answer).returned_at_stage == ""


def test_computed_answers_cannot_be_overwritten_by_reuse(personas):
    from layak.evaluation.tests.test_lower_levels import regency_with_computed_share

    answer = regency_with_computed_share(personas)
    with pytest.raises(actions.EvaluationError, match="dihitung oleh Layak"):
        actions.answer_reuse_previous(actor=personas.bekasi_admin, answer=answer)


def test_absurd_numbers_are_refused_not_crashed_on(personas, evaluation):
    assert to_decimal("1e1000000") is None and to_decimal("1e-1000000") is None
    assert (
        to_decimal("NaN") is None and to_decimal("0") == 0 and to_decimal("87,5") == Decimal("87.5")
    )
    question = evaluation.answers["T-2.2"].question

    class Data(dict[str, str]):
        def getlist(self, key):
            return []

    value, errors = value_from_post(question, Data({"cell-0-0": "1e1000000"}))
    assert errors and value == {}


def test_bad_posted_values_give_messages_not_server_errors(client, personas, evaluation):
    submit_all(personas, evaluation)
    move_to(evaluation, K.PROVINCE)
    client.force_login(personas.jabar)
    answer = evaluation.answers["T-1.1"]
    response = client.post(
        f"/evaluation/answers/{answer.pk}/verify/province/",
        {"decision": "adjust", "points": "NaN", "reason": "x"},
    )
    # The page again, the item keeping what was typed, the message beside it.
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="verify-error"' in html and 'value="NaN"' in html
    client.force_login(personas.bekasi_dinkes)
    assert client.post("/evidence/attach/", {"answer": "²", "file": "²"}).status_code == 404
