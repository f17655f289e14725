"""A new cycle proposes every question to the district's matching offices; the district
administrator reviews and confirms; nothing is assigned before that."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from layak.audit.display import describe
from layak.audit.models import AuditEntry
from layak.evaluation import actions, proposal
from layak.evaluation.demo import windows_open_at
from layak.evaluation.models import Answer, Assignment, Stage
from layak.frameworks.actions import bundled_load
from layak.frameworks.models import InstrumentVersion, Question
from layak.organisations.actions import office_kinds_set
from layak.organisations.models import OfficeNameMapping, Organisation
from layak.regions.models import Region
from layak.testing import BEKASI

pytestmark = pytest.mark.django_db


def office(name: str) -> Organisation:
    return Organisation.objects.get(name=f"{name} Kabupaten Bekasi")


@pytest.fixture
def assessment(personas):
    bundled_load()
    version = InstrumentVersion.objects.get(framework__code="kla2024")
    windows = windows_open_at(Stage.Kind.SELF_ASSESSMENT)
    cycle = actions.cycle_create(
        actor=personas.ministry, name="Evaluasi KLA 2024", instrument=version, windows=windows
    )
    (bekasi,) = actions.cycle_add_districts(
        actor=personas.ministry, cycle=cycle, regions=Region.objects.filter(code=BEKASI)
    )
    # The district says what its offices do, as on its office mapping page.
    office_kinds_set(
        actor=personas.bekasi_admin,
        region=bekasi.region,
        names={},
        organisations={
            office("Dinas Kesehatan").pk: "health",
            office("Dinas Pemberdayaan Perempuan dan Perlindungan Anak").pk: "women_children",
            office("Dinas Kependudukan dan Pencatatan Sipil").pk: "civil_registry",
        },
    )
    return bekasi


def naming(office_name: str) -> set[int]:
    """The KLA 2024 questions that name this office (counted by hand in the recap)."""
    return {
        pk
        for pk, offices in Question.objects.filter(version__framework__code="kla2024").values_list(
            "pk", "offices"
        )
        if office_name in offices
    }


def proposed(p: proposal.Proposal) -> dict[str, int]:
    return {o.acronym: len(answers) for o, answers in p.by_organisation}


def test_questions_are_proposed_to_the_offices_of_the_kind_the_instrument_names(assessment):
    p = proposal.propose(assessment)
    counts = proposed(p)
    assert counts["Dinkes"] == len(naming("Dinkes")) == 94
    assert counts["Disdukcapil"] == len(naming("Disdukcapil")) == 22
    # The children's forum and the businesses are recognised by their kind of organisation.
    assert counts["Forum Anak"] == len(naming("Forum Anak Daerah (FAD)")) == 4
    assert counts["PT SCS"] == counts["APSAI"] == len(naming("Dunia Usaha")) == 3
    # Names no office of the district stands for are listed with their questions.
    unmatched = dict(p.unmatched)
    assert len(unmatched["Kemenag"]) == 35 and "Dinkes" not in unmatched
    assert p.already_assigned == 0
    # Proposing assigns nothing.
    assert not Assignment.objects.exists()


def test_the_districts_own_mapping_is_kept_and_used(personas, assessment):
    office_kinds_set(
        actor=personas.bekasi_admin,
        region=assessment.region,
        names={"Kemenag": "women_children"},
        organisations={},
    )
    assert OfficeNameMapping.objects.get(region=assessment.region, name="Kemenag").office_kind == (
        "women_children"
    )
    entry = AuditEntry.objects.get(action="office_names.mapped")
    assert (entry.before, entry.after) == ({"Kemenag": "religion"}, {"Kemenag": "women_children"})
    (described,) = describe([entry])
    assert described.action == "Nama perangkat daerah dipetakan ke jenis perangkat daerah"
    change = described.changes[0]
    assert (change.label, change.before, change.after) == (
        "Kemenag",
        "Agama (Kemenag)",
        "Pemberdayaan perempuan dan perlindungan anak (DP3A)",
    )
    p = proposal.propose(assessment)
    dp3a = next(answers for o, answers in p.by_organisation if o.acronym == "DP3A")
    assert {a.question_id for a in dp3a} >= naming("Kemenag")
    assert "Kemenag" not in dict(p.unmatched)


def test_confirming_assigns_to_the_offices_kept_and_leaves_assigned_questions(personas, assessment):
    first = Answer.objects.get(assessment=assessment, question__code="KL-1.2a")
    actions.assignments_set(
        actor=personas.bekasi_admin,
        assessment=assessment,
        answers=[first],
        organisations=[office("Badan Perencanaan Pembangunan Daerah")],
    )
    p = proposal.propose(assessment)
    assert p.already_assigned == 1
    kept = [o.pk for o, _answers in p.by_organisation if o.acronym != "Dinkes"]
    n = proposal.proposal_confirm(
        actor=personas.bekasi_admin, assessment=assessment, organisations=kept
    )
    active = Assignment.objects.filter(answer__assessment=assessment, is_active=True)
    assert not active.filter(organisation__acronym="Dinkes").exists()
    assert active.filter(organisation__acronym="Disdukcapil").count() == 21  # KL-1.2a kept
    assert set(active.filter(answer=first).values_list("organisation__acronym", flat=True)) == {
        "Bappeda"
    }
    assert n == active.exclude(answer=first).values("answer").distinct().count()
    # Dinkes was left out: its questions stay waiting; the others are no longer proposed.
    again = proposal.propose(assessment)
    assert set(proposed(again)) == {"Dinkes"}
    assert AuditEntry.objects.filter(action="assignment.changed").count() > 1


def test_only_the_district_administrator_confirms(personas, assessment):
    with pytest.raises(actions.EvaluationError):
        proposal.proposal_confirm(
            actor=personas.bekasi_dinkes,
            assessment=assessment,
            organisations=[office("Dinas Kesehatan").pk],
        )
    assert not Assignment.objects.exists()


def test_a_proposal_costs_the_same_queries_whatever_is_assigned(personas, assessment):
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            proposal.propose(assessment)
        return len(ctx.captured_queries)

    assessment.region  # noqa: B018 (loaded once, as the page does)
    before = count()
    proposal.proposal_confirm(
        actor=personas.bekasi_admin,
        assessment=assessment,
        organisations=[o.pk for o, _a in proposal.propose(assessment).by_organisation],
    )
    # The mapping, the organisations, the answers with their assignment state.
    assert count() == before == 3


def test_the_assignment_page_offers_the_proposal_and_confirms_it(client, personas, assessment):
    client.force_login(personas.bekasi_admin)
    url = f"/evaluation/assessments/{assessment.pk}/assign/"
    page = client.get(url).content.decode()
    assert "Usulan penugasan" in page and "Dinas Kesehatan Kabupaten Bekasi" in page
    assert not Assignment.objects.exists()
    dinkes = office("Dinas Kesehatan")
    response = client.post(url, {"proposal": "1", "proposed": [str(dinkes.pk)]})
    assert response.status_code == 302
    assigned = Assignment.objects.filter(answer__assessment=assessment, is_active=True)
    assert set(assigned.values_list("organisation", flat=True)) == {dinkes.pk}
    assert assigned.count() == 94
    # Another district's administrator does not reach it.
    client.force_login(personas.gm_admin)
    assert client.post(url, {"proposal": "1", "proposed": [str(dinkes.pk)]}).status_code == 404


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_administrator_reviews_the_proposal_and_confirms_it_in_the_browser(page, personas):
    from playwright.sync_api import expect

    from layak.testing import sign_in

    bundled_load()
    version = InstrumentVersion.objects.get(framework__code="kla2024")
    cycle = actions.cycle_create(
        actor=personas.ministry,
        name="Evaluasi KLA 2024",
        instrument=version,
        windows=windows_open_at(Stage.Kind.SELF_ASSESSMENT),
    )
    (bekasi,) = actions.cycle_add_districts(
        actor=personas.ministry, cycle=cycle, regions=Region.objects.filter(code=BEKASI)
    )
    sign_in(page, personas.bekasi_admin.email)
    # The administrator says what the offices do, keeping the kinds their names suggest.
    page.goto(f"/organisations/office-kinds/{BEKASI}/")
    page.get_by_role("button", name="Simpan pemetaan").click()
    expect(page.locator(".message.success")).to_contain_text("Pemetaan perangkat daerah disimpan")
    # The assignment page proposes; the administrator leaves Dinas Sosial out and confirms.
    page.goto(f"/evaluation/assessments/{bekasi.pk}/assign/")
    proposal_list = page.get_by_test_id("proposal")
    expect(proposal_list).to_contain_text("Dinas Kesehatan Kabupaten Bekasi")
    proposal_list.get_by_label(re.compile("Dinas Sosial")).uncheck()
    page.get_by_role("button", name="Tugaskan sesuai usulan").click()
    expect(page.locator(".message.success")).to_contain_text("ditugaskan sesuai usulan")
    active = Assignment.objects.filter(answer__assessment=bekasi, is_active=True)
    assert active.filter(organisation=office("Dinas Kesehatan")).count() == 94
    assert not active.filter(organisation=office("Dinas Sosial")).exists()
    # Dinas Sosial's questions are still proposed, nothing else.
    expect(proposal_list).to_contain_text("Dinas Sosial Kabupaten Bekasi")
    expect(proposal_list).not_to_contain_text("Dinas Kesehatan Kabupaten Bekasi")


def test_offices_are_proposed_before_any_mapping_is_saved(personas):
    """A new district administrator who has not saved the office mapping yet still gets the
    questions proposed to its offices, read from their names; never to a kecamatan's forum."""
    bundled_load()
    version = InstrumentVersion.objects.get(framework__code="kla2024")
    cycle = actions.cycle_create(
        actor=personas.ministry,
        name="Evaluasi KLA 2026",
        instrument=version,
        windows=windows_open_at(Stage.Kind.SELF_ASSESSMENT),
    )
    (bekasi,) = actions.cycle_add_districts(
        actor=personas.ministry, cycle=cycle, regions=Region.objects.filter(code=BEKASI)
    )
    assert not Organisation.objects.filter(region=bekasi.region).exclude(office_kind="").exists()
    found = proposal.propose(bekasi)
    proposed = {o.name: len(answers) for o, answers in found.by_organisation}
    assert proposed.get("Dinas Kesehatan Kabupaten Bekasi", 0) > 20
    assert all(o.region_id == bekasi.region_id for o, _answers in found.by_organisation)
