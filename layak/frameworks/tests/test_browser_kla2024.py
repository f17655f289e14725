"""A cycle on the KLA 2024 instrument taken through to the final determination, in Chromium:
the proposed assignment, an office's answer, the district's submission, the three verification
levels and the determination, whose total is capped at the indicators' own maxima."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from layak.evaluation import actions
from layak.evaluation.demo import windows_open_at
from layak.evaluation.models import Answer, Assessment, Stage
from layak.evaluation.tests.test_workflow import attach_pdf
from layak.frameworks.actions import bundled_load
from layak.frameworks.models import InstrumentVersion
from layak.organisations.actions import office_kinds_set
from layak.organisations.models import Organisation
from layak.regions.models import Region
from layak.testing import BEKASI, make_personas, move_stages, sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
K = Stage.Kind


def best_value(answer: Answer) -> dict[str, object]:
    """The answer that earns the question's maximum."""
    question = answer.question
    if question.kind == "percentage":
        return {"number": "0" if question.direction == "lower" else "100"}
    best = max(question.options.all(), key=lambda o: (o.points, -o.order))
    return {"option": best.pk}


def agree_rest(page):
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("form[action$='agree-rest/'] button").click()
    page.wait_for_load_state()


def test_a_kla_2024_cycle_from_the_proposed_assignment_to_the_final_determination(page):
    personas = make_personas()
    bundled_load()
    version = InstrumentVersion.objects.get(framework__code="kla2024")
    cycle = actions.cycle_create(
        actor=personas.ministry,
        name="Evaluasi KLA 2024",
        instrument=version,
        windows=windows_open_at(K.SELF_ASSESSMENT),
    )
    (bekasi,) = actions.cycle_add_districts(
        actor=personas.ministry, cycle=cycle, regions=Region.objects.filter(code=BEKASI)
    )
    dinkes = Organisation.objects.get(name="Dinas Kesehatan Kabupaten Bekasi")
    office_kinds_set(
        actor=personas.bekasi_admin,
        region=bekasi.region,
        names={},
        organisations={dinkes.pk: "health"},
    )
    base = f"/evaluation/assessments/{bekasi.pk}"

    # The administrator confirms the proposed assignment.
    sign_in(page, personas.bekasi_admin.email)
    page.goto(f"{base}/assign/")
    page.get_by_role("button", name="Tugaskan sesuai usulan").click()
    expect(page.locator(".message.success")).to_contain_text("ditugaskan sesuai usulan")
    sign_out(page)

    # Dinkes answers a question assigned to it: met for the most part, 0.8 of its 3 points.
    question = Answer.objects.get(assessment=bekasi, question__code="K3-12.1")
    assert question.assignments.filter(organisation=dinkes, is_active=True).exists()
    sign_in(page, personas.bekasi_dinkes.email)
    page.goto(f"{base}/indicators/{question.question.indicator_id}/")
    card = page.get_by_test_id("answer-K3-12.1")
    card.get_by_label("Sebagian besar terpenuhi").check()
    expect(card.locator(".message.success")).to_be_visible()
    sign_out(page)

    # Every other answer earns its maximum; required evidence is attached; all accepted.
    admin = personas.bekasi_admin
    answers = (
        Answer.objects.filter(assessment=bekasi)
        .select_related("question")
        .prefetch_related("question__options", "question__evidence_requirements")
    )
    for answer in answers:
        if answer.question.code != "K3-12.1" and not answer.question.computed:
            answer = actions.answer_save(
                actor=admin,
                answer=answer,
                value=best_value(answer),
                note="",
                revision=answer.revision,
            )
        if any(r.required for r in answer.question.evidence_requirements.all()):
            attach_pdf(admin, answer)
        answer = actions.answer_submit(actor=admin, answer=Answer.objects.get(pk=answer.pk))
        actions.answer_accept(actor=admin, answer=answer)

    # The district submits its self-assessment.
    sign_in(page, admin.email)
    page.goto(f"{base}/")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Ajukan ke provinsi").click()
    expect(page.locator(".message.success")).to_be_visible()
    sign_out(page)

    # The province, the ministry and the field assessor agree.
    for kind, persona in (
        (K.PROVINCE, personas.jabar),
        (K.MINISTRY, personas.ministry),
        (K.FIELD, personas["assessor"]),
    ):
        move_stages(cycle, kind)
        sign_in(page, persona.email)
        page.goto(f"{base}/verify/{kind}/")
        agree_rest(page)
        sign_out(page)

    # The final determination: 1004 points of questions, capped at 1000 by Indikator 19 (54
    # against 51) and 21 B (18 against 17), less the 0.6 of K3-12.1 (3 points × 0.8 = 2.4)
    # and the 67.75 of the KELANA/DEKELA shares computed from kecamatan and village results
    # (13.75 in Indikator 25, 54 in 26; none is determined, so each share is 0 %).
    move_stages(cycle, K.FINAL)
    sign_in(page, personas.ministry.email)
    page.goto(f"{base}/scores/")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("form[action$='determine/'] button").click()
    expect(page.get_by_test_id("final")).to_contain_text(re.compile(r"931[.,]65"))
    expect(page.get_by_test_id("final")).to_contain_text("Kabupaten/Kota Layak Anak")
    assessment = Assessment.objects.get(pk=bekasi.pk)
    assert assessment.final_total == Decimal("931.65")
    assert assessment.final_band.code == "KLA"
