"""Verification by province, ministry and field assessors; final determination; gap analysis."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from layak.audit.models import AuditEntry
from layak.evaluation import actions, cycle_actions, gaps, scores, verification
from layak.evaluation.models import Answer, Score, Stage
from layak.evaluation.scores import results
from layak.evaluation.tests.test_workflow import PDF, attach_pdf, fresh, option
from layak.frameworks.models import Indicator
from layak.testing import move_stages

pytestmark = pytest.mark.django_db
K = Stage.Kind


def submit_all(personas, ev, *, perda="Perda", percent="92", evidence=True):
    """Bekasi answers everything, the administrator accepts, the district submits."""
    op, capil, admin = personas.bekasi_dinkes, personas["bekasi.disdukcapil"], personas.bekasi_admin
    a = ev.answers
    actions.answer_save(
        actor=op,
        answer=a["T-1.1"],
        value={"option": option(a["T-1.1"], perda)},
        note="",
        revision=0,
    )
    attach_pdf(op, a["T-1.1"])
    if evidence:
        attach_pdf(op, a["T-1.2"], name="sk.pdf", content=PDF + b"% sk\n")
    actions.answer_save(
        actor=capil, answer=a["T-2.1"], value={"number": percent}, note="", revision=0
    )
    actions.answer_save(
        actor=capil,
        answer=a["T-2.2"],
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
    for code, who in (("T-1.1", op), ("T-1.2", op), ("T-2.1", capil), ("T-2.2", capil)):
        if code == "T-1.2" and not evidence:
            continue
        actions.answer_submit(actor=who, answer=fresh(a[code]))
        actions.answer_accept(actor=admin, answer=fresh(a[code]))
    if evidence:
        actions.assessment_submit(actor=admin, assessment=ev.bekasi)


def move_to(ev, kind):
    """Open ``kind`` now and close every earlier stage."""
    move_stages(ev.cycle, kind)


def agree_and_determine(personas, ev, *, start=Stage.Kind.PROVINCE) -> None:
    """From the stage ``start`` on, each level in its own window agrees with the level before on
    every item of Bekasi's submitted assessment; then the ministry determines the result."""
    K = Stage.Kind
    verifiers = {K.PROVINCE: personas.jabar, K.MINISTRY: personas.ministry}
    verifiers[K.FIELD] = personas["assessor"]
    kinds = list(verifiers)
    for kind in kinds[kinds.index(start) :]:
        move_to(ev, kind)
        verification.verify_agree_rest(actor=verifiers[kind], assessment=ev.bekasi, stage=kind)
    move_to(ev, K.FINAL)
    verification.assessment_determine(actor=personas.ministry, assessment=ev.bekasi)


def test_three_levels_each_keep_their_own_score_and_reasons(personas, evaluation):
    ev = evaluation
    submit_all(personas, ev)
    move_to(ev, K.PROVINCE)
    t11 = ev.answers["T-1.1"]
    verification.verify_item(
        actor=personas.jabar,
        answer=t11,
        stage=K.PROVINCE,
        points=Decimal(15),
        reason="Baru SK, belum Perda",
    )
    n = verification.verify_agree_rest(actor=personas.jabar, assessment=ev.bekasi, stage=K.PROVINCE)
    assert n == 3
    move_to(ev, K.MINISTRY)
    verification.verify_agree_rest(actor=personas.ministry, assessment=ev.bekasi, stage=K.MINISTRY)
    move_to(ev, K.FIELD)
    verification.verify_item(
        actor=personas["assessor"],
        answer=ev.answers["T-2.1"],
        stage=K.FIELD,
        points=Decimal(15),
        reason="Data lapangan 85%",
    )
    verification.verify_agree_rest(actor=personas["assessor"], assessment=ev.bekasi, stage=K.FIELD)
    move_to(ev, K.FINAL)
    verification.assessment_determine(actor=personas.ministry, assessment=ev.bekasi)
    totals = {
        stage: results(ev.cycle, [ev.bekasi.pk], stage)[ev.bekasi.pk].total
        for stage in (K.SELF_ASSESSMENT, K.PROVINCE, K.MINISTRY, K.FIELD, K.FINAL)
    }
    assert totals == {
        K.SELF_ASSESSMENT: 100,
        K.PROVINCE: 85,
        K.MINISTRY: 85,
        K.FIELD: 70,
        K.FINAL: 70,
    }
    ev.bekasi.refresh_from_db()
    assert ev.bekasi.final_total == 70 and ev.bekasi.final_band.code == "MADYA"
    province = Score.objects.get(answer=t11, stage=K.PROVINCE)
    assert (
        province.decision == "adjusted"
        and province.reason == "Baru SK, belum Perda"
        and province.scored_by == personas.jabar
    )
    assert AuditEntry.objects.filter(action="assessment.determined").exists()
    with pytest.raises(actions.EvaluationError, match="Penetapan akhir telah dilakukan"):
        verification.verify_item(actor=personas.ministry, answer=t11, stage=K.FINAL)


def test_province_returns_an_item_the_district_corrects_within_the_stage(personas, evaluation):
    ev = evaluation
    submit_all(personas, ev)
    move_to(ev, K.PROVINCE)
    answer = ev.answers["T-2.1"]
    verification.verify_return(
        actor=personas.jabar, answer=answer, reason="Sumber data tidak jelas"
    )
    with pytest.raises(actions.EvaluationError, match="dikembalikan ke kabupaten/kota"):
        verification.verify_item(actor=personas.jabar, answer=answer, stage=K.PROVINCE)
    capil = personas["bekasi.disdukcapil"]
    answer = fresh(answer)
    actions.answer_save(
        actor=capil,
        answer=answer,
        value={"number": "93"},
        note="Data Dinkes 2026",
        revision=answer.revision,
    )
    actions.answer_submit(actor=capil, answer=fresh(answer))
    actions.answer_accept(actor=personas.bekasi_admin, answer=fresh(answer))
    score = verification.verify_item(actor=personas.jabar, answer=answer, stage=K.PROVINCE)
    assert score.points == 30 and fresh(answer).returned_at_stage == ""
    # Other answers stay locked: the self-assessment is submitted.
    other = fresh(ev.answers["T-1.1"])
    with pytest.raises(actions.EvaluationError):
        actions.answer_save(
            actor=personas.bekasi_dinkes, answer=other, value={}, note="", revision=other.revision
        )


@pytest.mark.parametrize(
    ("who", "stage"),
    [
        ("gunungmas.admin", K.PROVINCE),
        ("bekasi.admin", K.PROVINCE),
        ("verifier.jabar", K.MINISTRY),
        ("verifier.jabar", K.FIELD),
        ("assessor", K.PROVINCE),
        ("bekasi.regent", K.PROVINCE),
    ],
)
def test_only_the_right_level_verifies(personas, evaluation, who, stage):
    submit_all(personas, evaluation)
    move_to(evaluation, stage)
    with pytest.raises(actions.EvaluationError, match="bukan verifikator"):
        verification.verify_item(
            actor=personas[who], answer=evaluation.answers["T-1.1"], stage=stage
        )


def test_closed_stage_and_unsubmitted_district_refuse_verification(personas, evaluation):
    with pytest.raises(actions.EvaluationError, match="belum mengajukan"):
        verification.verify_item(
            actor=personas.jabar, answer=evaluation.answers["T-1.1"], stage=K.PROVINCE
        )
    submit_all(personas, evaluation)
    with pytest.raises(actions.EvaluationError, match="tidak sedang dibuka"):
        verification.verify_item(
            actor=personas.jabar, answer=evaluation.answers["T-1.1"], stage=K.PROVINCE
        )


def test_adjusting_needs_a_reason_and_a_score_within_the_maximum(personas, evaluation):
    submit_all(personas, evaluation)
    move_to(evaluation, K.PROVINCE)
    answer = evaluation.answers["T-1.1"]
    with pytest.raises(actions.EvaluationError, match="alasan"):
        verification.verify_item(
            actor=personas.jabar, answer=answer, stage=K.PROVINCE, points=Decimal(10)
        )
    with pytest.raises(actions.EvaluationError, match="antara 0 dan 30"):
        verification.verify_item(
            actor=personas.jabar, answer=answer, stage=K.PROVINCE, points=Decimal(31), reason="x"
        )
    assert not Score.objects.filter(answer=answer, stage=K.PROVINCE).exists()


def test_gap_analysis_and_cheapest_path_against_hand_computed_numbers(personas, evaluation):
    ev = evaluation
    # SK (15 of 30), no SK Gugus Tugas document (0 of 20), 60 % (15 of 30), 80 % certificates (20).
    submit_all(personas, ev, perda="SK", percent="60", evidence=False)
    analysis = {g.indicator.code: g for g in gaps.gap_analysis(ev.bekasi)}
    assert (analysis["T-1"].points, analysis["T-1"].max_points) == (15, 50)
    assert (analysis["T-2"].points, analysis["T-2"].max_points) == (35, 50)
    assert [i.answer.question.code for i in analysis["T-1"].not_yet] == ["T-1.1", "T-1.2"]
    assert [i.answer.question.code for i in analysis["T-2"].done] == ["T-2.2"]
    assert analysis["T-1"].offices == {"Dinkes", "DP3A"}
    # Shown in alphabetical order, the same on every page load.
    assert analysis["T-1"].office_names == ["Dinkes", "DP3A"]
    path = gaps.cheapest_path(ev.bekasi)
    # Total 50 = Pratama; Madya needs 61: 11 more. The missing document (+20, effort 1) comes first.
    assert path.total == 50 and path.current.code == "PRATAMA" and path.target.code == "MADYA"
    assert path.needed == 11
    assert [(i.answer.question.code, i.gain) for i in path.items] == [("T-1.2", 20)]
    assert path.reached


def test_a_gate_below_the_next_band_is_put_first(personas, evaluation):
    ev = evaluation
    submit_all(personas, ev, perda="SK", percent="60", evidence=False)
    bands = {b.code: b for b in ev.version.bands.all()}
    question = Answer.objects.get(pk=ev.answers["T-2.1"].pk).question
    cycle_actions.gate_add(
        actor=personas.ministry,
        cycle=ev.cycle,
        question=question,
        max_band=bands["PRATAMA"],
        reason="Larangan iklan rokok",
    )
    path = gaps.cheapest_path(ev.bekasi)
    assert path.items[0].answer.question.code == "T-2.1"
    assert [g.reason for g in path.gates] == ["Larangan iklan rokok"]


def test_assessor_adds_field_photos_only_images_only_in_the_field_stage(
    client, personas, evaluation
):
    from io import BytesIO

    from layak.evaluation.models import FieldPhoto
    from layak.evidence.sniff import UploadRefused

    submit_all(personas, evaluation)
    answer = evaluation.answers["T-1.1"]
    jpeg = b"\xff\xd8\xff\xe0" + b"0" * 100
    with pytest.raises(actions.EvaluationError, match="tidak sedang dibuka"):
        verification.field_photo_add(
            actor=personas["assessor"],
            answer=answer,
            data=BytesIO(jpeg),
            name="a.jpg",
            size=len(jpeg),
            note="",
        )
    move_to(evaluation, K.FIELD)
    with pytest.raises(UploadRefused):
        verification.field_photo_add(
            actor=personas["assessor"],
            answer=answer,
            data=BytesIO(PDF),
            name="a.pdf",
            size=len(PDF),
            note="",
        )
    with pytest.raises(actions.EvaluationError, match="bukan verifikator"):
        verification.field_photo_add(
            actor=personas.jabar,
            answer=answer,
            data=BytesIO(jpeg),
            name="a.jpg",
            size=len(jpeg),
            note="",
        )
    photo = verification.field_photo_add(
        actor=personas["assessor"],
        answer=answer,
        data=BytesIO(jpeg),
        name="ruang-bermain.jpg",
        size=len(jpeg),
        note="Ruang bermain belum ada",
    )
    assert FieldPhoto.objects.get() == photo
    client.force_login(personas.ministry)
    response = client.get(f"/evaluation/photos/{photo.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == jpeg
    for outsider in (personas.gm_admin, personas["verifier.kalteng"]):
        client.force_login(outsider)
        assert client.get(f"/evaluation/photos/{photo.pk}/").status_code == 404
        assert (
            client.get(
                f"/evaluation/assessments/{evaluation.bekasi.pk}/verify/province/"
            ).status_code
            == 404
        )


def test_scores_page_shows_indicator_subtotals_per_stage(client, personas, evaluation):
    submit_all(personas, evaluation)
    move_to(evaluation, K.PROVINCE)
    verification.verify_item(
        actor=personas.jabar,
        answer=evaluation.answers["T-1.1"],
        stage=K.PROVINCE,
        points=Decimal(15),
        reason="SK",
    )
    client.force_login(personas.bekasi_admin)
    response = client.get(f"/evaluation/assessments/{evaluation.bekasi.pk}/scores/")
    subtotals = response.context["subtotals"]
    # As the points stand at each stage: at the province, T-1.1's 15 and T-1.2's 20 carried
    # from the self-assessment (not yet verified); T-2 entirely carried. The same figures as
    # the scoring's own per-indicator points and the cluster total on the same page.
    assert subtotals["T-1"][:2] == [50, 35]
    assert subtotals["T-2"][:2] == [50, 50]
    assert subtotals["T-2"][2:] == [None] * (len(subtotals["T-2"]) - 2)  # not reached yet
    at_province = scores.indicator_points(evaluation.bekasi, K.PROVINCE)
    assert {code: sums[1] for code, sums in subtotals.items()} == {
        i.code: at_province[i.pk]
        for i in Indicator.objects.filter(code__in=subtotals, version=evaluation.version)
    }
    group_totals = dict(response.context["group_rows"])
    assert sum(sums[1] for sums in subtotals.values()) == sum(
        values[1] for values in group_totals.values()
    )
    assert 'title="SK">SK</span>' in response.content.decode()  # the reason
    # Each item's cell at the province: T-1.1's own 15, T-1.2's 20 carried, in brackets, as
    # its indicator's subtotal (35) counts it; nothing at the stages not reached.
    page = response.content.decode()
    rows = {
        m.group(1): re.findall(r'<td class="num[^"]*"[^>]*>(.*?)</td>', m.group(2), re.S)
        for m in re.finditer(r"<tr[^>]*><td>(T-\d\.\d) .*?</td>(.*?)</tr>", page, re.S)
    }
    assert rows["T-1.1"][1].startswith("15,00")
    assert re.sub(r"<[^>]+>", "", rows["T-1.2"][1]) == "(20,00)"
    assert rows["T-1.2"][2:] == ["—"] * (len(rows["T-1.2"]) - 2)
    assert "Angka dalam kurung: butir belum dinilai pada tahap itu" in page


def test_gates_are_fixed_once_a_result_of_the_cycle_is_determined(client, personas, evaluation):
    """A gate added after a result was determined would cap the others but not it: once one is
    determined, the cycle page offers no new gate and the action refuses one."""
    ev = evaluation
    client.force_login(personas.ministry)
    page = client.get(f"/evaluation/cycles/{ev.cycle.pk}/").content.decode()
    assert "Tambahkan syarat batas" in page and 'data-testid="gates-fixed"' not in page
    submit_all(personas, ev)
    agree_and_determine(personas, ev)
    page = client.get(f"/evaluation/cycles/{ev.cycle.pk}/").content.decode()
    assert "Tambahkan syarat batas" not in page
    assert "syarat batasnya tidak dapat diubah lagi" in page
    question = Answer.objects.get(pk=ev.answers["T-2.1"].pk).question
    band = ev.version.bands.get(code="PRATAMA")
    response = client.post(
        f"/evaluation/cycles/{ev.cycle.pk}/gates/",
        {"question": question.pk, "max_band": band.pk, "reason": "Larangan iklan rokok"},
        follow=True,
    )
    assert "syarat batasnya tidak dapat diubah lagi" in response.content.decode()
    assert not ev.cycle.gates.exists()
