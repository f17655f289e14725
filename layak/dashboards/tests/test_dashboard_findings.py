"""The district dashboard's cheapest path names each question and the step that earns its
points, says what its figure is (the result as it stands), and a cycle on a framework without
points shows criteria met, never a score or a predicate, on every dashboard."""

from __future__ import annotations

import html
import re

import pytest
from django.utils import translation

from layak.dashboards import figures
from layak.evaluation.tests.test_criteria import answer as cfci_answer
from layak.evaluation.tests.test_criteria import cfci_cycle
from layak.regions.models import Region
from layak.reports.tests.test_report_gaps import choose

pytestmark = pytest.mark.django_db

DISTRICT = "/dashboards/district/?region=32.16"


def text_of(response) -> str:
    assert response.status_code == 200
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def test_the_cheapest_path_gives_each_questions_text_and_its_step(client, personas, evaluation):
    choose(personas, evaluation, "T-1.1", "SK")  # 15 of 30 points
    client.force_login(personas.bekasi_admin)
    page = text_of(client.get(f"{DISTRICT}&cycle={evaluation.cycle.pk}"))
    path = page[page.index("Jalur termudah") :]
    assert "Langkah yang memberi poin" in path
    assert "T-1.2 Unggah SK Gugus Tugas T-1 20,00 Unggah dokumen pendukung" in path
    assert "T-2.1 Persalinan di fasilitas kesehatan (%) T-2 30,00 Capai paling sedikit 90%" in path
    # The figure is the result as it stands, with how far the review is.
    assert "0 dari 4 jawaban diterima" in page
    assert "telah menilai semua butir" not in page


def test_the_step_is_the_option_or_the_value_that_earns_the_points(personas, evaluation):
    from layak.dashboards.figures._district import path_steps
    from layak.evaluation import gaps

    choose(personas, evaluation, "T-1.1", "SK")  # 15 of 30: Perda earns the rest
    items = [i for i in gaps._gaps(evaluation.bekasi, "self")[1] if i.gain > 0]
    with translation.override("id"):
        steps = {i.answer.question.code: s for i in items for s in [path_steps(items)[i.answer.pk]]}
    assert steps == {
        "T-1.1": "Pilih “Perda”",
        "T-1.2": "Unggah dokumen pendukung",
        "T-2.1": "Capai paling sedikit 90%",
        "T-2.2": "Capai paling sedikit 80",
    }


def test_a_cfci_cycle_shows_criteria_met_on_every_dashboard(client, personas, evaluation):
    cycle = cfci_cycle(personas)
    for code, met in {"G1.1": True, "G2.1": True, "G3.1": False}.items():
        cfci_answer(personas, cycle, code, met)
    client.force_login(personas.bekasi_admin)
    page = text_of(client.get(f"{DISTRICT}&cycle={cycle.pk}"))
    assert "2 dari 8 kriteria terpenuhi" in page
    assert "Nilai dan predikat" not in page and "Jalur termudah" not in page
    assert "Kriteria terpenuhi per bidang" in page
    # The province: criteria per regency and city, no predicate.
    jabar = Region.objects.get(code="32")
    districts = next(t for t in figures.province(jabar, cycle).tables if t.key == "districts")
    assert [str(c.label) for c in districts.columns] == [
        "Kabupaten/kota",
        "Kriteria terpenuhi",
        "Kriteria belum terpenuhi",
    ]
    assert districts.rows == [["Kabupaten Bekasi", 2, 6]]
    # Predicate counts leave the cycle out; the points cycle stays.
    distribution = next(t for t in figures.national(None).tables if t.key == "distribution")
    assert [r[0] for r in distribution.rows] == [evaluation.cycle.name]


def test_the_gap_analysis_link_is_offered_only_to_whoever_may_open_it(client, personas, evaluation):
    """The gap analysis is the whole district's: the secretariat's dashboard links to it; an
    office's does not offer a page that would refuse it."""
    choose(personas, evaluation, "T-1.1", "SK")
    url = f"{DISTRICT}&cycle={evaluation.cycle.pk}"
    gaps = f"/evaluation/assessments/{evaluation.bekasi.pk}/gaps/"
    client.force_login(personas.bekasi_admin)
    page = client.get(url).content.decode()
    assert gaps in page
    assert client.get(f"{gaps}?stage=self").status_code == 200
    client.force_login(personas.bekasi_dinkes)
    page = client.get(url).content.decode()
    assert gaps not in page
    assert client.get(f"{gaps}?stage=self").status_code == 403
