"""A framework without points (UNICEF CFCI) shows criteria met on every evaluation page, never a
score or a predicate, and every instrument text in the reader's language."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from layak.evaluation.models import Answer, Gate
from layak.evaluation.tests.test_criteria import answer, cfci_cycle
from layak.frameworks.models import Group, Option, PredicateBand
from layak.testing import BEKASI

pytestmark = pytest.mark.django_db

POINTS_WORDS = ("poin", "predikat", "nilai sementara")


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return str(response.content.decode())


def _main(page: str) -> str:
    """The page's content, without the navigation (which links to the scores of points
    frameworks)."""
    return page.split("<main", 1)[1].split("</main>", 1)[0]


def test_a_cfci_assessment_shows_criteria_met_and_no_score(client, personas):
    cycle = cfci_cycle(personas)
    answer(personas, cycle, "G4.1", True)
    answer(personas, cycle, "G1.1", False)
    bekasi = cycle.assessments.get(region__code=BEKASI)
    client.force_login(personas.bekasi_admin)
    page = _main(_page(client, f"/evaluation/assessments/{bekasi.pk}/"))
    assert "1 dari 8 kriteria terpenuhi." in page
    assert "Kriteria terpenuhi per bidang" in page
    for word in POINTS_WORDS:
        assert word not in page.lower(), word
    assert "0 / 0" not in page and "0,00" not in page


def test_a_points_assessment_keeps_its_score_and_predicate(client, personas, evaluation):
    client.force_login(personas.bekasi_admin)
    page = _main(_page(client, f"/evaluation/assessments/{evaluation.bekasi.pk}/"))
    assert "Predikat:" in page and "Nilai sementara" in page
    assert "kriteria terpenuhi" not in page


def test_the_cycle_page_lists_criteria_met_and_offers_no_cut_off_rule(client, personas):
    cycle = cfci_cycle(personas)
    answer(personas, cycle, "G2.1", True)
    client.force_login(personas.ministry)
    page = _main(_page(client, f"/evaluation/cycles/{cycle.pk}/"))
    assert "1 dari 8 kriteria terpenuhi." in page
    assert "0 dari 8 kriteria terpenuhi." in page  # Gunung Mas, nothing answered yet
    assert "Syarat batas" not in page and "Predikat tertinggi" not in page
    for word in POINTS_WORDS:
        assert word not in page.lower(), word
    listing = _main(_page(client, "/evaluation/"))
    assert "1 dari 8 kriteria terpenuhi." in listing and "Hasil" in listing


def test_a_cut_off_rule_cannot_be_posted_to_a_cfci_cycle(client, personas):
    cycle = cfci_cycle(personas)
    question = cycle.instrument.questions.get(code="G1.1")
    client.force_login(personas.ministry)
    response = client.post(
        f"/evaluation/cycles/{cycle.pk}/gates/",
        {"question": question.pk, "max_band": "", "reason": "Tidak berlaku"},
    )
    assert response.status_code == 404
    assert not Gate.objects.filter(cycle=cycle).exists()


def test_the_cfci_areas_are_fields_not_regions_in_indonesian(client, personas):
    cycle = cfci_cycle(personas)
    bekasi = cycle.assessments.get(region__code=BEKASI)
    client.force_login(personas.bekasi_admin)
    page = _main(_page(client, f"/evaluation/assessments/{bekasi.pk}/criteria/"))
    assert "<th>Bidang</th>" in page and "<th>Wilayah</th>" not in page
    for word in POINTS_WORDS:
        assert word not in page.lower(), word


def test_in_english_every_cfci_text_is_english(client, personas, english):
    cycle = cfci_cycle(personas)
    answer(personas, cycle, "G4.1", True)
    bekasi = cycle.assessments.get(region__code=BEKASI)
    client.force_login(personas.bekasi_admin)
    page = _main(_page(client, f"/evaluation/assessments/{bekasi.pk}/"))
    assert "1 of 8 criteria met." in page
    assert "Safe, secure and clean environment" in page  # the group and its question
    assert "Lingkungan yang aman" not in page
    assert "Results for children are demonstrated" in page
    for word in ("points", "predicate", "running score"):
        assert word not in page.lower(), word
    criteria_page = _main(_page(client, f"/evaluation/assessments/{bekasi.pk}/criteria/"))
    assert "<th>Area</th>" in criteria_page and ">Met<" in criteria_page
    g4 = Answer.objects.get(assessment=bekasi, question__code="G4.1").question.indicator
    question_page = _main(_page(client, f"/evaluation/assessments/{bekasi.pk}/indicators/{g4.pk}/"))
    assert "Results for children are demonstrated: Safe, secure and clean environment" in (
        question_page
    )
    assert "Not met" in question_page and "Terpenuhi" not in question_page
    assert "Hasil bagi anak terbukti" not in question_page


def test_in_indonesian_the_cfci_texts_stay_indonesian(client, personas):
    cycle = cfci_cycle(personas)
    bekasi = cycle.assessments.get(region__code=BEKASI)
    g4 = Answer.objects.get(assessment=bekasi, question__code="G4.1").question.indicator
    client.force_login(personas.bekasi_admin)
    page = _main(_page(client, f"/evaluation/assessments/{bekasi.pk}/indicators/{g4.pk}/"))
    assert "Hasil bagi anak terbukti: Lingkungan yang aman, terlindungi dan bersih" in page
    assert "Belum terpenuhi" in page and "Not met" not in page


def test_a_kla_assessment_names_its_predicate_in_english(client, personas, evaluation, english):
    client.force_login(personas.bekasi_admin)
    page = _main(_page(client, f"/evaluation/assessments/{evaluation.bekasi.pk}/"))
    assert "No predicate" in page and "Tidak mendapat predikat" not in page


def test_a_kla_assessment_names_its_predicate_in_indonesian(client, personas, evaluation):
    client.force_login(personas.bekasi_admin)
    page = _main(_page(client, f"/evaluation/assessments/{evaluation.bekasi.pk}/"))
    assert "Tidak mendapat predikat" in page and "No predicate" not in page


def test_instrument_objects_speak_the_readers_language(personas, evaluation):
    band = PredicateBand.objects.get(version=evaluation.cycle.instrument, code="NONE")
    cycle = cfci_cycle(personas)
    group = Group.objects.get(version=cycle.instrument, code="G4")
    met = Option.objects.filter(question__version=cycle.instrument, meets=True).first()
    assert met is not None
    with translation.override("id"):
        assert (band.display_name, str(met)) == ("Tidak mendapat predikat", "Terpenuhi")
        assert group.display_name == "Lingkungan yang aman, terlindungi dan bersih"
    with translation.override("en"):
        assert (band.display_name, str(met)) == ("No predicate", "Met")
        assert group.display_name == "Safe, secure and clean environment"


def test_the_bundled_kla_bands_carry_english_names():
    from layak.frameworks.kla2024 import kla2024

    names = {b.code: b.name_en for b in kla2024().bands}
    assert names["NONE"] == "No predicate"
    assert names["KLA"] == "Child-Friendly Regency/City"
    assert all(names.values())


def test_a_cfci_assessment_has_no_gap_analysis_toward_a_predicate(client, personas):
    cycle = cfci_cycle(personas)
    bekasi = cycle.assessments.get(region__code=BEKASI)
    client.force_login(personas.bekasi_admin)
    page = _main(_page(client, f"/evaluation/assessments/{bekasi.pk}/"))
    assert "Analisis kesenjangan" not in page and "Nilai setiap tahap" not in page
    assert client.get(f"/evaluation/assessments/{bekasi.pk}/gaps/").status_code == 404


def test_the_verification_page_of_a_cfci_assessment_shows_no_running_score(client, personas):
    cycle = cfci_cycle(personas)
    answer(personas, cycle, "G4.1", True)
    bekasi = cycle.assessments.get(region__code=BEKASI)
    client.force_login(personas.ministry)
    page = _main(_page(client, f"/evaluation/assessments/{bekasi.pk}/verify/province/"))
    assert "Analisis kesenjangan" not in page and "belum ada predikat" not in page
    assert "Lingkungan yang aman" in page


def test_a_workbook_keeps_the_english_names_of_bands_and_evidence(personas):
    from io import BytesIO

    from layak.frameworks import actions as frameworks
    from layak.frameworks.bundled import kla24
    from layak.frameworks.models import EvidenceRequirement
    from layak.frameworks.spec import build_version, spec_of
    from layak.frameworks.workbook import export_workbook

    version = build_version(kla24())
    english = EvidenceRequirement.objects.filter(question__version=version).exclude(name_en="")
    assert english.exists()
    problems, imported, _ = frameworks.instrument_import(
        actor=personas.ministry, data=BytesIO(export_workbook(spec_of(version))), dry_run=False
    )
    assert problems == [] and imported is not None
    assert imported.bands.get(code="NONE").name_en == "No predicate"
    first = english.first()
    assert first is not None
    copied = EvidenceRequirement.objects.get(
        question__version=imported, question__code=first.question.code, order=first.order
    )
    assert (copied.name, copied.name_en) == (first.name, first.name_en)


def test_the_provinces_page_names_each_predicate_in_the_readers_language(
    client, personas, evaluation
):
    from layak.evaluation import verification
    from layak.evaluation.models import Stage
    from layak.evaluation.tests.test_verification import submit_all
    from layak.testing import move_stages

    # The test instrument's bands have no English names; give its predicates theirs, as a
    # workbook with a name_en column does.
    bands = PredicateBand.objects.filter(version=evaluation.cycle.instrument)
    for band in bands:
        band.name_en = f"{band.name} (en)"
        band.save(update_fields=["name_en"])
    submit_all(personas, evaluation)
    for kind in (Stage.Kind.PROVINCE, Stage.Kind.MINISTRY, Stage.Kind.FIELD, Stage.Kind.FINAL):
        move_stages(evaluation.cycle, kind)
        verification.verify_agree_rest(
            actor=personas.ministry, assessment=evaluation.bekasi, stage=kind
        )
    verification.assessment_determine(actor=personas.ministry, assessment=evaluation.bekasi)
    evaluation.bekasi.refresh_from_db()
    band = evaluation.bekasi.final_band
    assert band is not None and band.rank > 0
    client.force_login(personas.ministry)
    page = _main(_page(client, "/evaluation/regions/32/"))
    assert f">{band.name}</span>" in page
    personas.ministry.language = "en"
    personas.ministry.save(update_fields=["language"])
    page = _main(_page(client, "/evaluation/regions/32/"))
    assert f">{band.name} (en)</span>" in page


def test_the_assignment_and_history_pages_speak_english_too(client, personas, english):
    cycle = cfci_cycle(personas)
    saved = answer(personas, cycle, "G4.1", True)
    bekasi = cycle.assessments.get(region__code=BEKASI)
    client.force_login(personas.bekasi_admin)
    assign = _main(_page(client, f"/evaluation/assessments/{bekasi.pk}/assign/"))
    assert "Safe, secure and clean environment" in assign
    assert "Lingkungan yang aman" not in assign
    history = _main(_page(client, f"/evaluation/answers/{saved.pk}/history/"))
    assert "Results for children are demonstrated: Safe, secure and clean environment" in history
    assert "Hasil bagi anak" not in history
    assert re.search(r">\s*Met\s*<", history)  # the answer after the change, in words
    assert "Terpenuhi" not in history


def test_a_cfci_item_is_verified_by_agreeing_or_returning_never_by_a_score(client, personas):
    from layak.evaluation import actions
    from layak.evaluation.models import Score
    from layak.testing import move_stages

    cycle = cfci_cycle(personas)
    for code in ("G1.1", "G2.1", "G3.1", "G4.1", "G5.1", "MIN-1.1", "MIN-2.1", "MIN-3.1"):
        saved = answer(personas, cycle, code, code != "G3.1")
        saved = actions.answer_submit(actor=personas.bekasi_admin, answer=saved)
        actions.answer_accept(actor=personas.bekasi_admin, answer=saved)
    bekasi = cycle.assessments.get(region__code=BEKASI)
    actions.assessment_submit(actor=personas.bekasi_admin, assessment=bekasi)
    saved = Answer.objects.get(assessment=bekasi, question__code="G4.1")
    move_stages(cycle, "province")
    client.force_login(personas.jabar)
    url = f"/evaluation/assessments/{saved.assessment_id}/verify/province/?indicator=all"
    page = _main(_page(client, url))
    assert "Setuju dengan tingkat sebelumnya" in page
    assert "Sesuaikan nilai" not in page and "Maksimum" not in page
    response = client.post(
        f"/evaluation/answers/{saved.pk}/verify/province/",
        {"decision": "adjust", "points": "5", "reason": "Coba"},
    )
    assert response.status_code == 400
    assert "Kriteria tidak memakai nilai: setujui atau kembalikan butir ini." in (
        response.content.decode()
    )
    assert not Score.objects.filter(answer=saved, stage="province").exists()
