"""The answer workflow, stage locking, edit conflicts and scope."""

from __future__ import annotations

import datetime
from io import BytesIO

import pytest
from django.utils import timezone

from layak.audit.models import AuditEntry
from layak.evaluation import actions
from layak.evaluation.models import Answer, AnswerRevision, Assessment, Stage
from layak.evaluation.scores import result_for
from layak.evidence.actions import evidence_attach, evidence_upload
from layak.testing import make_cycle

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def option(answer, label):
    return str(answer.question.options.get(label=label).pk)


def fresh(answer):
    return Answer.objects.select_related("question").get(pk=answer.pk)


def attach_pdf(user, answer, name="perda.pdf", content=PDF):
    evidence, _ = evidence_upload(
        actor=user,
        region=answer.assessment.region,
        data=BytesIO(content),
        name=name,
        size=len(content),
    )
    requirement = answer.question.evidence_requirements.first()
    return evidence_attach(
        actor=user, answer=fresh(answer), evidence=evidence, requirement=requirement
    )


def test_full_workflow_draft_submit_return_correct_accept(personas, evaluation):
    operator, admin = personas.bekasi_dinkes, personas.bekasi_admin
    answer = evaluation.answers["T-1.1"]
    answer = actions.answer_save(
        actor=operator, answer=answer, value={"option": option(answer, "SK")}, note="", revision=0
    )
    assert answer.scores.get(stage="self").points == 15
    attach_pdf(operator, answer)
    actions.answer_submit(actor=operator, answer=answer)
    actions.answer_return(
        actor=admin, answer=answer, reason="Lampirkan Perda yang sudah diundangkan"
    )
    answer = fresh(answer)
    assert answer.status == "returned" and "Perda" in answer.return_reason
    answer = actions.answer_save(
        actor=operator,
        answer=answer,
        value={"option": option(answer, "Perda")},
        note="Diperbaiki",
        revision=answer.revision,
    )
    actions.answer_submit(actor=operator, answer=answer)
    actions.answer_accept(actor=admin, answer=answer)
    answer = fresh(answer)
    assert answer.status == "accepted"
    assert answer.scores.get(stage="self").points == 30
    actions_logged = list(
        AuditEntry.objects.for_object(answer).order_by("at", "pk").values_list("action", flat=True)
    )
    assert actions_logged == [
        "answer.saved",
        "evidence.attached",
        "answer.submitted",
        "answer.returned",
        "answer.saved",
        "answer.submitted",
        "answer.accepted",
    ]
    assert AnswerRevision.objects.filter(answer=answer).count() == 7


@pytest.mark.parametrize(
    ("step", "message"),
    [
        ("accept_draft", "Only a submitted item"),
        ("return_draft", "Only a submitted or accepted"),
        ("submit_empty", "Answer the question"),
        ("submit_without_evidence", "required evidence"),
        ("return_without_reason", "Say why"),
        ("submit_twice", "Only a draft or returned item"),
        ("save_submitted", "cannot be changed"),
        ("operator_accepts", "district administrator"),
    ],
)
def test_every_illegal_transition_is_refused_with_a_clear_error(
    personas, evaluation, step, message, settings
):
    settings.LANGUAGE_CODE = "en"
    operator, admin = personas.bekasi_dinkes, personas.bekasi_admin
    answer = evaluation.answers["T-1.1"]
    with timezone.override("UTC"):
        from django.utils import translation

        with translation.override("en"):
            if step in {
                "submit_twice",
                "save_submitted",
                "return_without_reason",
                "operator_accepts",
            }:
                answer = actions.answer_save(
                    actor=operator,
                    answer=answer,
                    value={"option": option(answer, "SK")},
                    note="",
                    revision=0,
                )
                attach_pdf(operator, answer)
                actions.answer_submit(actor=operator, answer=answer)
            if step == "submit_without_evidence":
                actions.answer_save(
                    actor=operator,
                    answer=answer,
                    value={"option": option(answer, "SK")},
                    note="",
                    revision=0,
                )
            status_before = fresh(answer).status
            with pytest.raises(actions.EvaluationError, match=message):
                if step == "accept_draft" or step == "operator_accepts":
                    actions.answer_accept(
                        actor=admin if step == "accept_draft" else operator, answer=answer
                    )
                elif step == "return_draft":
                    actions.answer_return(actor=admin, answer=answer, reason="x")
                elif step in {"submit_empty", "submit_without_evidence", "submit_twice"}:
                    actions.answer_submit(actor=operator, answer=answer)
                elif step == "return_without_reason":
                    actions.answer_return(actor=admin, answer=answer, reason="  ")
                elif step == "save_submitted":
                    a = fresh(answer)
                    actions.answer_save(
                        actor=operator, answer=a, value={}, note="", revision=a.revision
                    )
    assert fresh(answer).status == status_before


def test_two_people_saving_the_same_answer_the_second_is_told(personas, evaluation):
    first, second = personas.bekasi_dinkes, personas.bekasi_admin
    answer = evaluation.answers["T-1.1"]
    opened = answer.revision
    actions.answer_save(
        actor=first,
        answer=answer,
        value={"option": option(answer, "Perda")},
        note="",
        revision=opened,
    )
    with pytest.raises(actions.AnswerConflict) as caught:
        actions.answer_save(
            actor=second,
            answer=answer,
            value={"option": option(answer, "Belum")},
            note="",
            revision=opened,
        )
    assert caught.value.answer.updated_by == first
    assert str(first) in str(caught.value)
    assert fresh(answer).value == {"option": option(answer, "Perda")}


def test_closed_stage_locks_answers_until_the_ministry_reopens(personas):
    ev = make_cycle(personas, open_self=False)
    answer = ev.answers["T-2.1"]
    with pytest.raises(actions.EvaluationError, match=r"ditutup"):
        actions.answer_save(
            actor=personas.bekasi_admin, answer=answer, value={"number": "95"}, note="", revision=0
        )
    with pytest.raises(actions.EvaluationError):
        actions.stage_reopen(
            actor=personas.bekasi_admin,
            assessment=ev.bekasi,
            kind=Stage.Kind.SELF_ASSESSMENT,
            reason="x",
            until=timezone.now() + datetime.timedelta(days=3),
        )
    with pytest.raises(actions.EvaluationError):
        actions.stage_reopen(
            actor=personas.ministry,
            assessment=ev.bekasi,
            kind=Stage.Kind.SELF_ASSESSMENT,
            reason=" ",
            until=timezone.now() + datetime.timedelta(days=3),
        )
    actions.stage_reopen(
        actor=personas.ministry,
        assessment=ev.bekasi,
        kind=Stage.Kind.SELF_ASSESSMENT,
        reason="Banjir di kantor Disdukcapil",
        until=timezone.now() + datetime.timedelta(days=3),
    )
    actions.answer_save(
        actor=personas.bekasi_admin, answer=answer, value={"number": "95"}, note="", revision=0
    )
    entry = AuditEntry.objects.get(action="stage.reopened")
    assert (
        entry.after["reason"] == "Banjir di kantor Disdukcapil" and entry.actor == personas.ministry
    )
    # Only Bekasi was reopened.
    gm_answer = Answer.objects.get(assessment=ev.gm, question__code="T-2.1")
    with pytest.raises(actions.EvaluationError):
        actions.answer_save(
            actor=personas.gm_admin, answer=gm_answer, value={"number": "95"}, note="", revision=0
        )


def test_operator_writes_only_its_assigned_answers(personas, evaluation):
    capil = personas["bekasi.disdukcapil"]
    with pytest.raises(actions.EvaluationError, match=r"tidak ditugaskan"):
        actions.answer_save(
            actor=capil, answer=evaluation.answers["T-1.1"], value={}, note="x", revision=0
        )
    gm = Answer.objects.get(assessment=evaluation.gm, question__code="T-1.1")
    with pytest.raises(actions.EvaluationError):
        actions.answer_save(actor=personas.bekasi_dinkes, answer=gm, value={}, note="x", revision=0)


def test_district_submits_only_when_every_required_answer_is_accepted(personas, evaluation):
    admin, operator = personas.bekasi_admin, personas.bekasi_dinkes
    with pytest.raises(actions.EvaluationError) as caught:
        actions.assessment_submit(actor=admin, assessment=evaluation.bekasi)
    for code in ("T-1.1", "T-1.2", "T-2.1", "T-2.2"):
        assert code in str(caught.value)
    answers = evaluation.answers
    a = actions.answer_save(
        actor=operator,
        answer=answers["T-1.1"],
        value={"option": option(answers["T-1.1"], "Perda")},
        note="",
        revision=0,
    )
    attach_pdf(operator, a)
    attach_pdf(operator, answers["T-1.2"], name="sk.pdf", content=PDF + b"% sk\n")
    capil = personas["bekasi.disdukcapil"]
    actions.answer_save(
        actor=capil, answer=answers["T-2.1"], value={"number": "92"}, note="", revision=0
    )
    actions.answer_save(
        actor=capil,
        answer=answers["T-2.2"],
        value={
            "cells": {
                "0-<5|Anak": "100",
                "0-<5|Berakta": "90",
                "5-<18|Anak": "100",
                "5-<18|Berakta": "70",
            }
        },
        note="",
        revision=0,
    )
    for code, who in (("T-1.1", operator), ("T-1.2", operator), ("T-2.1", capil), ("T-2.2", capil)):
        actions.answer_submit(actor=who, answer=fresh(answers[code]))
        actions.answer_accept(actor=admin, answer=fresh(answers[code]))
    result = result_for(evaluation.bekasi)
    # 30 (Perda) + 20 (evidence) + 30 (92 %) + 20 (80 % of children have a certificate)
    assert result.total == 100
    assert result.by_group == {"KL": 50, "K3": 50}
    assert result.predicate.band.code == "KLA"
    actions.assessment_submit(actor=admin, assessment=evaluation.bekasi)
    assert Assessment.objects.get(pk=evaluation.bekasi.pk).status == "submitted"
    with pytest.raises(actions.EvaluationError, match=r"diajukan"):
        actions.answer_return(actor=admin, answer=fresh(answers["T-1.1"]), reason="late")


def test_reuse_of_last_cycles_answer_and_evidence(personas, client):
    first = make_cycle(personas)
    op = personas.bekasi_dinkes
    a = actions.answer_save(
        actor=op,
        answer=first.answers["T-1.1"],
        value={"option": option(first.answers["T-1.1"], "Perda")},
        note="2025",
        revision=0,
    )
    link = attach_pdf(op, a)
    from layak.evaluation.models import Cycle
    from layak.frameworks.actions import version_copy, version_publish

    new_version = version_copy(actor=personas.ministry, version=first.version)
    new_version = version_publish(actor=personas.ministry, version=new_version)
    now = timezone.now()
    windows = {
        k: (
            now - datetime.timedelta(days=1) + i * datetime.timedelta(days=30),
            now + datetime.timedelta(days=29) + i * datetime.timedelta(days=30),
        )
        for i, k in enumerate(Stage.ORDER)
    }
    cycle = actions.cycle_create(
        actor=personas.ministry, name="Berikutnya", instrument=new_version, windows=windows
    )
    Cycle.objects.filter(pk=cycle.pk).update(
        created_at=first.cycle.created_at + datetime.timedelta(seconds=5)
    )
    (assessment,) = actions.cycle_add_districts(
        actor=personas.ministry, cycle=cycle, regions=[first.bekasi.region]
    )
    answer = Answer.objects.select_related("question").get(
        assessment=assessment, question__code="T-1.1"
    )
    assert actions.previous_answer(answer).pk == a.pk
    # The card names the cycle of that answer (read as rows): on the indicator page and on
    # the card a save returns; an answer with no earlier one has none.
    other = Answer.objects.select_related("question").get(
        assessment=assessment, question__code="T-2.1"
    )
    assert actions.previous_cycles([answer, other]) == {answer.pk: first.cycle.name}
    client.force_login(personas.bekasi_admin)
    page = client.get(
        f"/evaluation/assessments/{assessment.pk}/indicators/{answer.question.indicator_id}/"
    )
    offer = f"Tersedia jawaban dari {first.cycle.name}."
    assert page.content.decode().count(offer) == 1
    card = client.post(
        f"/evaluation/answers/{answer.pk}/save/",
        {"revision": 0, "note": "Belum"},
        HTTP_HX_REQUEST="true",
    )
    assert offer in card.content.decode()
    actions.answer_reuse_previous(actor=personas.bekasi_admin, answer=answer)
    answer = fresh(answer)
    assert answer.value == {"option": str(answer.question.options.get(label="Perda").pk)}
    assert answer.evidence_links.get().file_id == link.file_id  # the same file, no new upload


def test_a_reopening_holds_until_its_moment_and_not_after(personas):
    ev = make_cycle(personas, open_self=False)
    until = timezone.now() + datetime.timedelta(days=3)
    actions.stage_reopen(
        actor=personas.ministry,
        assessment=ev.bekasi,
        kind=Stage.Kind.SELF_ASSESSMENT,
        reason="Banjir di kantor Disdukcapil",
        until=until,
    )
    kind = Stage.Kind.SELF_ASSESSMENT
    second = datetime.timedelta(seconds=1)
    assert actions.stage_open_for(ev.bekasi, kind, now=until - second)
    assert not actions.stage_open_for(ev.bekasi, kind, now=until + second)
    assert not actions.stage_open_for(ev.gm, kind, now=until - second)  # Bekasi's alone
