"""Kecamatan and village evaluations, their verification by the district, the KELANA/DEKELA
shares computed for the district, and Provila."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from layak.evaluation import actions, computed, verification
from layak.evaluation.models import Answer, Stage
from layak.frameworks.actions import bundled_load, version_publish
from layak.frameworks.spec import QuestionSpec, build_version
from layak.regions.models import Region
from layak.testing import make_village_cycle, move_stages, small_spec

pytestmark = pytest.mark.django_db
K = Stage.Kind


def answer_all(user, assessment, label="Ada dan berjalan"):
    for answer in Answer.objects.filter(assessment=assessment).select_related("question"):
        option = str(answer.question.options.get(label=label).pk)
        answer = actions.answer_save(
            actor=user, answer=answer, value={"option": option}, note="", revision=answer.revision
        )
        actions.answer_submit(actor=user, answer=answer)
    actions.assessment_submit(actor=user, assessment=assessment)


def regency_with_computed_share(personas):
    spec = small_spec(code="uji-kla")
    spec.questions.append(
        QuestionSpec(
            "T-1.3",
            "T-1",
            "percentage",
            "% DEKELA",
            Decimal(0),
            required=False,
            computed="dekela_share",
        )
    )
    version = version_publish(actor=personas.ministry, version=build_version(spec))
    now = timezone.now()
    windows = {
        k: (
            now - datetime.timedelta(days=1) + i * datetime.timedelta(days=30),
            now + datetime.timedelta(days=29) + i * datetime.timedelta(days=30),
        )
        for i, k in enumerate(Stage.ORDER)
    }
    cycle = actions.cycle_create(
        actor=personas.ministry, name="KLA", instrument=version, windows=windows
    )
    (assessment,) = actions.cycle_add_districts(
        actor=personas.ministry, cycle=cycle, regions=[Region.objects.get(code="32.16")]
    )
    return Answer.objects.get(assessment=assessment, question__code="T-1.3")


def test_kecamatan_operator_answers_for_its_villages_and_the_district_determines(personas):
    ev = make_village_cycle(personas)
    share_answer = regency_with_computed_share(personas)
    assert share_answer.value == {"number": "0.00"}
    operator = personas["bekasi.kecamatan"]
    first, second, third = ev.assessments
    answer_all(operator, first)
    answer_all(operator, second, label="Belum ada")
    # The village operator reaches only its own village.
    village_operator = personas["bekasi.village"]
    other = Answer.objects.filter(assessment=third).first()
    own_village = village_operator.memberships.get().organisation.region
    assert own_village == first.region
    with pytest.raises(actions.EvaluationError):
        actions.answer_save(actor=village_operator, answer=other, value={}, note="x", revision=0)
    # A district outside cannot verify; the district verifies once its stage opens.
    move_stages(ev.cycle, K.DISTRICT)
    with pytest.raises(actions.EvaluationError, match="bukan verifikator"):
        verification.verify_agree_rest(actor=personas.gm_admin, assessment=first, stage=K.DISTRICT)
    with pytest.raises(actions.EvaluationError, match="bukan verifikator"):
        verification.verify_agree_rest(actor=personas.jabar, assessment=first, stage=K.PROVINCE)
    for assessment in (first, second):
        verification.verify_agree_rest(
            actor=personas.bekasi_admin, assessment=assessment, stage=K.DISTRICT
        )
        verification.assessment_determine(actor=personas.bekasi_admin, assessment=assessment)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.final_band.code == "LAYAK" and first.final_total == 100
    assert second.final_band.code == "NONE"
    bekasi = Region.objects.get(code="32.16")
    villages = Region.objects.below(bekasi).filter(level=4).count()
    assert computed.share(bekasi, 4) == (Decimal(100) / villages).quantize(Decimal("0.01"))
    share_answer.refresh_from_db()
    assert share_answer.value == {"number": str(computed.share(bekasi, 4))}
    with pytest.raises(actions.EvaluationError, match="dihitung oleh Layak"):
        actions.answer_save(
            actor=personas.bekasi_admin,
            answer=share_answer,
            value={"number": "90"},
            note="",
            revision=share_answer.revision,
        )


def test_district_returns_a_village_item_which_is_corrected_in_its_stage(personas):
    ev = make_village_cycle(personas)
    operator = personas["bekasi.kecamatan"]
    first = ev.assessments[0]
    answer_all(operator, first)
    move_stages(ev.cycle, K.DISTRICT)
    item = Answer.objects.filter(assessment=first).select_related("question").first()
    verification.verify_return(
        actor=personas.bekasi_admin, answer=item, reason="Lampirkan SK Forum Anak Desa"
    )
    item = Answer.objects.get(pk=item.pk)
    assert item.returned_at_stage == K.DISTRICT
    actions.answer_save(
        actor=operator, answer=item, value=item.value, note="SK terlampir", revision=item.revision
    )
    actions.answer_submit(actor=operator, answer=Answer.objects.get(pk=item.pk))
    score = verification.verify_item(actor=personas.bekasi_admin, answer=item, stage=K.DISTRICT)
    assert score.points == 50


def test_bundled_village_and_kecamatan_instruments_load(db):
    bundled_load()
    from layak.frameworks.models import InstrumentVersion

    dekela = InstrumentVersion.objects.get(framework__code="dekela")
    kelana = InstrumentVersion.objects.get(framework__code="kelana")
    assert dekela.framework.region_level == 4 and kelana.framework.region_level == 3
    assert dekela.is_default_scheme and "bukan kebijakan nasional" in dekela.label
    assert list(dekela.bands.values_list("code", flat=True)) == ["NONE", "LAYAK"]


def test_provila_needs_every_regency_of_the_province_to_hold_a_predicate(
    client, personas, evaluation
):
    from layak.evaluation.tests.test_verification import submit_all

    client.force_login(personas.jabar)
    assert client.get("/evaluation/regions/32/").context["provila"] is False
    submit_all(personas, evaluation)
    for kind in (K.PROVINCE, K.MINISTRY, K.FIELD, K.FINAL):
        move_stages(evaluation.cycle, kind)
        verification.verify_agree_rest(
            actor=personas.ministry, assessment=evaluation.bekasi, stage=kind
        )
    verification.assessment_determine(actor=personas.ministry, assessment=evaluation.bekasi)
    # In the test data Jawa Barat has one regency loaded: Bekasi.
    assert Region.objects.filter(parent__code="32", level=2).count() == 1
    client.force_login(personas.ministry)
    response = client.get("/evaluation/regions/32/")
    assert response.context["provila"] is True
    client.force_login(personas.gm_admin)
    assert client.get("/evaluation/regions/32/").status_code == 404
