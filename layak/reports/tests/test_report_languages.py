"""Reports in the language of the person who asks, and the report of a framework without
points (criteria met per area, the same figures as the criteria page)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from layak.evaluation import criteria
from layak.evaluation.tests.test_criteria import answer, cfci_cycle
from layak.jobs.models import Job
from layak.reports.tests.test_reports import answered, pdf_text, start
from layak.testing import BEKASI

pytestmark = pytest.mark.django_db


def switch_language(client, language: str) -> None:
    """The language switch every page offers."""
    client.post(reverse("accounts:set_language"), {"language": language, "next": "/"})


def words(text: str) -> str:
    return " ".join(text.split())


def test_a_cfci_report_says_which_criteria_are_met_in_indonesian(client, personas):
    cycle = cfci_cycle(personas)
    for code, met in {"G1.1": True, "G2.1": True, "G3.1": False}.items():
        answer(personas, cycle, code, met)
    bekasi = cycle.assessments.get(region__code=BEKASI)
    job = start(client, personas.bekasi_admin, "self_assessment", {"assessment": bekasi.pk})
    assert job.status == Job.Status.DONE, job.error
    text = words(pdf_text(job))
    result = criteria.assessment_result(bekasi)
    assert (result.met, result.criteria) == (2, 8)
    assert "LAPORAN PEMENUHAN KRITERIA" in text
    assert "2 dari 8 kriteria terpenuhi" in text  # the criteria page's figures
    assert "Lingkungan yang aman, terlindungi dan bersih" in text
    assert "Belum terpenuhi" in text and "belum dijawab" in text
    # Not a points report.
    assert "LAPORAN EVALUASI" not in text and "Jumlah nilai" not in text and "/ 0" not in text
    assert job.result["met"] == 2 and job.result["criteria"] == 8


def test_a_report_asked_in_english_is_english_and_another_job(client, personas):
    cycle = cfci_cycle(personas)
    answer(personas, cycle, "G4.1", True)
    bekasi = cycle.assessments.get(region__code=BEKASI)
    data = {"assessment": bekasi.pk}
    indonesian = start(client, personas.bekasi_admin, "self_assessment", data)
    switch_language(client, "en")
    english = start(client, personas.bekasi_admin, "self_assessment", data)
    assert english.pk != indonesian.pk
    assert english.params["language"] == "en" and indonesian.params["language"] == "id"
    text = words(pdf_text(english))
    assert "CRITERIA MET REPORT" in text
    assert "1 of 8 criteria met" in text
    assert "Safe, secure and clean environment" in text
    assert "Regency/city" in text and "Kabupaten/kota" not in text
    assert "terpenuhi" not in text.lower()
    # Asked again in English: the same job; back in Indonesian: the Indonesian one.
    assert start(client, personas.bekasi_admin, "self_assessment", data).pk == english.pk
    switch_language(client, "id")
    assert start(client, personas.bekasi_admin, "self_assessment", data).pk == indonesian.pk
    assert "1 dari 8 kriteria terpenuhi" in words(pdf_text(indonesian))


def test_a_points_report_asked_in_english_is_english(client, personas, evaluation):
    answered(personas, evaluation)
    data = {"assessment": evaluation.bekasi.pk}
    indonesian = words(pdf_text(start(client, personas.bekasi_admin, "self_assessment", data)))
    assert "LAPORAN EVALUASI" in indonesian and "Analisis" in indonesian
    switch_language(client, "en")
    english = words(pdf_text(start(client, personas.bekasi_admin, "self_assessment", data)))
    assert "CHILD-FRIENDLY REGENCY/CITY EVALUATION REPORT" in english
    assert "Gap analysis" in english and "Total score" in english
    assert "LAPORAN EVALUASI" not in english
