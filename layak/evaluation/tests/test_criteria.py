"""A cycle on a framework without points (UNICEF CFCI): criteria met per area, no predicate,
its own report in Indonesian and English."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from layak.evaluation import actions, criteria
from layak.evaluation.demo import windows_open_at
from layak.evaluation.forms import CycleForm
from layak.evaluation.models import Answer, Stage
from layak.frameworks.actions import version_publish
from layak.frameworks.bundled import kla31, unicef_cfci
from layak.frameworks.models import InstrumentVersion, Option
from layak.frameworks.spec import build_version, validate
from layak.regions.loading import SourceRegion, load_regions
from layak.regions.models import Region
from layak.testing import BEKASI, GUNUNG_MAS

pytestmark = pytest.mark.django_db


def cfci_cycle(personas, name: str = "Kota Ramah Anak 2026"):
    """The bundled CFCI framework published and run for Bekasi and Gunung Mas, the
    self-assessment open."""
    version = version_publish(actor=personas.ministry, version=build_version(unicef_cfci()))
    windows = windows_open_at(Stage.Kind.SELF_ASSESSMENT)
    cycle = actions.cycle_create(
        actor=personas.ministry, name=name, instrument=version, windows=windows
    )
    actions.cycle_add_districts(
        actor=personas.ministry,
        cycle=cycle,
        regions=Region.objects.filter(code__in=[BEKASI, GUNUNG_MAS]).order_by("code"),
    )
    return cycle


def answer(personas, cycle, code: str, met: bool) -> Answer:
    found = Answer.objects.get(
        assessment__cycle=cycle, assessment__region__code=BEKASI, question__code=code
    )
    option = Option.objects.get(question=found.question, meets=met)
    return actions.answer_save(
        actor=personas.bekasi_admin,
        answer=found,
        value={"option": option.pk},
        note="",
        revision=found.revision,
    )


def test_a_cycle_can_run_on_a_framework_without_points_but_not_on_one_without_questions(
    personas,
):
    cfci = version_publish(actor=personas.ministry, version=build_version(unicef_cfci()))
    indicators_only = version_publish(actor=personas.ministry, version=build_version(kla31()))
    field = CycleForm(level=2).fields["instrument"]
    offered = set(field.queryset)  # type: ignore[attr-defined]
    assert cfci in offered and indicators_only not in offered


def test_criteria_met_are_counted_per_area_without_points_or_predicate(personas):
    cycle = cfci_cycle(personas)
    for code, met in {"G1.1": True, "G2.1": True, "G3.1": False, "MIN-1.1": True}.items():
        answer(personas, cycle, code, met)
    bekasi = cycle.assessments.get(region__code=BEKASI)
    result = criteria.assessment_result(bekasi)
    areas = {a.group.code: (a.met, a.not_met, a.open) for a in result.areas}
    assert areas == {
        "G1": (1, 0, 0),
        "G2": (1, 0, 0),
        "G3": (0, 1, 0),
        "G4": (0, 0, 1),
        "G5": (0, 0, 1),
        "MIN": (1, 0, 2),
    }
    assert (result.met, result.criteria, result.all_met) == (3, 8, False)
    for code in ("G3.1", "G4.1", "G5.1", "MIN-2.1", "MIN-3.1"):
        answer(personas, cycle, code, True)
    assert criteria.assessment_result(bekasi).all_met
    # The points engine has nothing to say: no total, no predicate.
    from layak.evaluation import scores

    standing = scores.results(cycle)[bekasi.pk]
    assert standing.total == 0 and standing.predicate.band is None


def test_the_criteria_of_a_whole_cycle_cost_one_query(personas):
    cycle = cfci_cycle(personas)
    ids = list(cycle.assessments.values_list("pk", flat=True))

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            criteria.results(cycle, ids)
        return len(ctx.captured_queries)

    few = count()
    load_regions(
        [SourceRegion("99", "Provinsi Uji", "provinsi")]
        + [SourceRegion(f"99.{i:02d}", f"Kabupaten Uji {i}", "kabupaten") for i in range(1, 9)],
        deactivate_missing=False,
    )
    actions.cycle_add_districts(
        actor=personas.ministry, cycle=cycle, regions=Region.objects.filter(code__startswith="99.")
    )
    ids = list(cycle.assessments.values_list("pk", flat=True))
    assert count() == few == 2  # the areas, the counts


def test_the_report_speaks_the_readers_language(client, personas):
    cycle = cfci_cycle(personas)
    answer(personas, cycle, "G4.1", True)
    bekasi = cycle.assessments.get(region__code=BEKASI)
    client.force_login(personas.bekasi_admin)
    page = client.get(f"/evaluation/assessments/{bekasi.pk}/criteria/").content.decode()
    assert "1 dari 8 kriteria terpenuhi" in page
    assert "Lingkungan yang aman, terlindungi dan bersih" in page
    assert "Terpenuhi" in page
    cycle_page = client.get(f"/evaluation/cycles/{cycle.pk}/criteria/").content.decode()
    assert re.search(r"Kabupaten Bekasi</a></td>\s*(<td[^>]*>[^<]*</td>\s*){3}", cycle_page)
    assert "Gunung Mas" not in cycle_page  # only the regions the person reaches
    # The same report in English.
    personas.bekasi_admin.language = "en"
    personas.bekasi_admin.save(update_fields=["language"])
    page = client.get(f"/evaluation/assessments/{bekasi.pk}/criteria/").content.decode()
    assert "1 of 8 criteria met" in page
    assert "Safe, secure and clean environment" in page and ">Met<" in page


def test_a_points_instruments_cycle_has_no_criteria_report(client, personas, evaluation):
    client.force_login(personas.bekasi_admin)
    assert client.get(f"/evaluation/cycles/{evaluation.cycle.pk}/criteria/").status_code == 404


def test_without_points_a_choice_needs_an_option_that_meets_the_criterion():
    spec = unicef_cfci()
    assert validate(spec) == []
    for option in spec.questions[0].options:
        option.meets = False
    assert [p.column for p in validate(spec)] == ["kind"]


def test_the_cfci_texts_exist_in_both_languages(personas):
    version = version_publish(actor=personas.ministry, version=build_version(unicef_cfci()))
    assert not version.groups.filter(name_en="").exists()
    assert not version.indicators.filter(name_en="").exists()
    assert not version.questions.filter(text_en="").exists()
    assert not Option.objects.filter(question__version=version, label_en="").exists()
    assert version.framework.name_en and version.framework.description_en
    assert InstrumentVersion.objects.get(pk=version.pk).label_en


@pytest.mark.usefixtures("english")
def test_the_workbook_keeps_both_languages_and_the_met_options(personas):
    from io import BytesIO

    from layak.frameworks.actions import instrument_import
    from layak.frameworks.spec import spec_of
    from layak.frameworks.tests.test_instruments import canonical
    from layak.frameworks.workbook import export_workbook

    version = version_publish(actor=personas.ministry, version=build_version(unicef_cfci()))
    problems, imported, _ = instrument_import(
        actor=personas.ministry, data=BytesIO(export_workbook(spec_of(version))), dry_run=False
    )
    assert problems == []
    assert canonical(spec_of(imported)) == canonical(spec_of(version))
    assert imported.questions.get(code="G4.1").options.get(meets=True).label_en == "Met"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_district_answers_a_cfci_criterion_and_reads_its_report_in_the_browser(page, personas):
    from playwright.sync_api import expect

    from layak.frameworks.models import Indicator
    from layak.testing import sign_in

    cycle = cfci_cycle(personas)
    bekasi = cycle.assessments.get(region__code=BEKASI)
    g4 = Indicator.objects.get(version=cycle.instrument, code="G4")
    sign_in(page, personas.bekasi_admin.email)
    page.goto(f"/evaluation/assessments/{bekasi.pk}/indicators/{g4.pk}/")
    card = page.get_by_test_id("answer-G4.1")
    card.get_by_label("Terpenuhi", exact=True).check()
    expect(card.locator(".message.success")).to_be_visible()
    page.goto(f"/evaluation/assessments/{bekasi.pk}/")
    page.get_by_role("link", name="Kriteria terpenuhi per bidang").click()
    expect(page.get_by_test_id("criteria-total")).to_contain_text("1 dari 8 kriteria terpenuhi")
    expect(page.get_by_test_id("criteria")).to_contain_text("Lingkungan yang aman")
    page.get_by_role("link", name="Kriteria terpenuhi", exact=True).click()
    expect(page.get_by_test_id("criteria")).to_contain_text("1 / 8")
