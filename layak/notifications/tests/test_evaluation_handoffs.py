"""Every evaluation hand-off tells the people who act next, linking to where they act."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse

from layak.evaluation import actions, verification
from layak.evaluation.models import Stage
from layak.evaluation.tests.test_verification import move_to, submit_all
from layak.evaluation.tests.test_workflow import attach_pdf, fresh, option
from layak.notifications.models import Notice
from layak.testing import Personas

pytestmark = pytest.mark.django_db
K = Notice.Kind


def told(kind: str) -> set[str]:
    return set(Notice.objects.filter(kind=kind).values_list("recipient__email", flat=True))


def indicator_page(answer) -> str:
    return reverse(
        "evaluation:indicator", args=[answer.assessment_id, answer.question.indicator_id]
    )


def submit_t11(personas: Personas, evaluation):
    a = evaluation.answers["T-1.1"]
    actions.answer_save(
        actor=personas.bekasi_dinkes,
        answer=a,
        value={"option": option(a, "SK")},
        note="",
        revision=0,
    )
    attach_pdf(personas.bekasi_dinkes, a)
    return actions.answer_submit(actor=personas.bekasi_dinkes, answer=fresh(a))


def test_assignment_tells_the_offices_people_not_the_administrator(personas, evaluation):
    notice = Notice.objects.get(kind=K.ITEM_ASSIGNED, recipient=personas.bekasi_dinkes)
    assert notice.url == indicator_page(evaluation.answers["T-1.1"])
    assert "T-1.1, T-1.2" in notice.text
    assert personas.bekasi_admin.email not in told(K.ITEM_ASSIGNED)
    assert personas["bekasi.disdukcapil"].email in told(K.ITEM_ASSIGNED)


def test_submission_waits_for_the_district_administrator_only(personas, evaluation):
    submit_t11(personas, evaluation)
    assert told(K.ITEM_SUBMITTED) == {personas.bekasi_admin.email}
    notice = Notice.objects.get(kind=K.ITEM_SUBMITTED)
    t11 = evaluation.answers["T-1.1"]
    assert notice.url == f"{indicator_page(t11)}#answer-{t11.pk}"  # the item itself
    assert notice.region is not None and notice.region.code == "32.16"


def test_acceptance_and_return_tell_the_office_with_the_reason(personas, evaluation):
    submit_t11(personas, evaluation)
    actions.answer_return(
        actor=personas.bekasi_admin, answer=evaluation.answers["T-1.1"], reason="SK belum sah"
    )
    notice = Notice.objects.get(kind=K.ITEM_RETURNED, recipient=personas.bekasi_dinkes)
    assert "SK belum sah" in notice.text and "T-1.1" in notice.text
    assert personas.bekasi_admin.email not in told(K.ITEM_RETURNED)
    actions.answer_submit(actor=personas.bekasi_dinkes, answer=fresh(evaluation.answers["T-1.1"]))
    actions.answer_accept(actor=personas.bekasi_admin, answer=fresh(evaluation.answers["T-1.1"]))
    assert personas.bekasi_dinkes.email in told(K.ITEM_ACCEPTED)
    assert not Notice.objects.filter(kind=K.ITEM_CORRECTED).exists()  # not a verifier's return


def test_verifier_return_tells_office_and_secretariat_then_the_verifier_rechecks(
    personas, evaluation
):
    submit_all(personas, evaluation)
    move_to(evaluation, Stage.Kind.PROVINCE)
    answer = evaluation.answers["T-2.1"]
    verification.verify_return(actor=personas.jabar, answer=answer, reason="Sumber data")
    capil = personas["bekasi.disdukcapil"]
    assert told(K.ITEM_RETURNED_BY_VERIFIER) == {capil.email, personas.bekasi_admin.email}
    assert "Sumber data" in Notice.objects.filter(kind=K.ITEM_RETURNED_BY_VERIFIER)[0].text
    answer = fresh(answer)
    actions.answer_save(
        actor=capil, answer=answer, value={"number": "93"}, note="", revision=answer.revision
    )
    actions.answer_submit(actor=capil, answer=fresh(answer))
    assert not Notice.objects.filter(kind=K.ITEM_CORRECTED).exists()  # not accepted yet
    actions.answer_accept(actor=personas.bekasi_admin, answer=fresh(answer))
    assert told(K.ITEM_CORRECTED) == {personas.jabar.email}
    notice = Notice.objects.get(kind=K.ITEM_CORRECTED)
    page = reverse("evaluation:verify", args=[answer.assessment_id, "province"])
    assert notice.url == f"{page}?indicator={answer.question.indicator_id}#item-{answer.pk}"


def test_a_refused_hand_off_leaves_no_notice(personas, evaluation):
    submit_t11(personas, evaluation)
    with pytest.raises(actions.EvaluationError):
        actions.answer_return(
            actor=personas.bekasi_dinkes,
            answer=evaluation.answers["T-1.1"],
            reason="bukan hak saya",
        )
    assert not Notice.objects.filter(kind=K.ITEM_RETURNED).exists()


def test_a_rolled_back_hand_off_leaves_no_notice(personas, evaluation):
    submit_t11(personas, evaluation)
    with pytest.raises(RuntimeError), transaction.atomic():
        actions.answer_return(
            actor=personas.bekasi_admin, answer=evaluation.answers["T-1.1"], reason="x"
        )
        assert Notice.objects.filter(kind=K.ITEM_RETURNED).exists()
        raise RuntimeError("a later step of the same change failed")
    assert not Notice.objects.filter(kind=K.ITEM_RETURNED).exists()
    assert fresh(evaluation.answers["T-1.1"]).status == "submitted"


def test_a_village_item_corrected_goes_back_to_the_district_once(personas):
    """Below the regency the district verifies: the village's correction reaches the district
    administrator as one "waits for re-check" notice, not also as "waits for review"."""
    from layak.evaluation.models import Answer
    from layak.evaluation.tests.test_lower_levels import answer_all
    from layak.testing import make_village_cycle, move_stages

    ev = make_village_cycle(personas)
    operator = personas["bekasi.kecamatan"]
    first = ev.assessments[0]
    answer_all(operator, first)
    move_stages(ev.cycle, Stage.Kind.DISTRICT)
    item = Answer.objects.filter(assessment=first).select_related("question").first()
    assert item is not None
    verification.verify_return(actor=personas.bekasi_admin, answer=item, reason="SK Forum Anak")
    assert operator.email in told(K.ITEM_RETURNED_BY_VERIFIER)
    Notice.objects.all().delete()
    item = Answer.objects.get(pk=item.pk)
    actions.answer_save(
        actor=operator, answer=item, value=item.value, note="SK terlampir", revision=item.revision
    )
    actions.answer_submit(actor=operator, answer=Answer.objects.get(pk=item.pk))
    assert told(K.ITEM_CORRECTED) == {personas.bekasi_admin.email}
    assert not Notice.objects.filter(kind=K.ITEM_SUBMITTED).exists()
    notice = Notice.objects.get(kind=K.ITEM_CORRECTED)
    page = reverse("evaluation:verify", args=[first.pk, "district"])
    assert notice.url == f"{page}?indicator={item.question.indicator_id}#item-{item.pk}"
