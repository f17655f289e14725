"""The district's KLA 2024 KELANA/DEKELA shares computed from its kecamatan and village
evaluations on the KELANA/DEKELA 2024 instruments (Indikator 25 and 26)."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

import pytest

from layak.accounts.models import User
from layak.audit.display import describe
from layak.audit.models import AuditEntry
from layak.evaluation import actions, computed, cycle_actions, verification
from layak.evaluation.demo import windows_open_at
from layak.evaluation.models import Answer, AnswerRevision, Assessment, Stage
from layak.evidence.actions import evidence_attach, evidence_upload
from layak.frameworks.actions import bundled_load
from layak.frameworks.models import InstrumentVersion
from layak.regions.loading import SourceRegion, load_regions
from layak.regions.models import Region
from layak.testing import move_stages

pytestmark = pytest.mark.django_db
K = Stage.Kind
D = Decimal
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
GUNUNG_MAS = "62.10"


def three_kecamatan() -> list[Region]:
    """An official list update leaves Gunung Mas with three kecamatan (the others and their
    villages are no longer listed and become inactive)."""
    district = Region.objects.get(code=GUNUNG_MAS)
    kept = list(
        Region.objects.filter(parent=district, level=3)
        .order_by("code")
        .values_list("code", flat=True)[:3]
    )
    source = [
        SourceRegion(code, name, kind)
        for code, name, kind in Region.objects.values_list("code", "name", "kind")
        if not code.startswith(GUNUNG_MAS + ".") or code[:8] in kept
    ]
    load_regions(source)
    assert Region.objects.below(district).filter(level=3, is_active=True).count() == 3
    return list(Region.objects.filter(code__in=kept).order_by("code"))


def district_self_assessment(personas, district: Region) -> Assessment:
    """The ministry opens the KLA 2024 cycle and adds the district."""
    version = InstrumentVersion.objects.get(framework__code="kla2024")
    cycle = actions.cycle_create(
        actor=personas.ministry,
        name="KLA 2026",
        instrument=version,
        windows=windows_open_at(K.SELF_ASSESSMENT),
    )
    (assessment,) = actions.cycle_add_districts(
        actor=personas.ministry, cycle=cycle, regions=[district]
    )
    return assessment


def lower_cycle(admin, district: Region, code: str, regions: list[Region]) -> list[Assessment]:
    """The district starts its own KELANA or DEKELA cycle and adds its regions."""
    version = InstrumentVersion.objects.get(framework__code=code)
    cycle = cycle_actions.district_cycle_create(
        actor=admin,
        district=district,
        name=f"{code.upper()} {district.name}",
        instrument=version,
        windows=windows_open_at(K.SELF_ASSESSMENT, level=version.framework.region_level),
    )
    return actions.cycle_add_districts(actor=admin, cycle=cycle, regions=regions)


def answer(user, assessment: Assessment, yes: set[str]) -> None:
    """Answer every question ("Ya" for the codes in ``yes``), attach the required documents,
    submit each item and the evaluation."""
    for item in Answer.objects.filter(assessment=assessment).select_related("question"):
        label = "Ya" if item.question.code in yes else "Tidak"
        option = str(item.question.options.get(label=label).pk)
        item = actions.answer_save(
            actor=user, answer=item, value={"option": option}, note="", revision=item.revision
        )
        for requirement in item.question.evidence_requirements.filter(required=True):
            content = PDF + item.question.code.encode()
            evidence, _created = evidence_upload(
                actor=user,
                region=assessment.region,
                data=BytesIO(content),
                name=f"{item.question.code}.pdf",
                size=len(content),
            )
            evidence_attach(actor=user, answer=item, evidence=evidence, requirement=requirement)
        actions.answer_submit(actor=user, answer=Answer.objects.get(pk=item.pk))
    actions.assessment_submit(actor=user, assessment=assessment)


def determine(admin, assessment: Assessment) -> None:
    move_stages(assessment.cycle, K.DISTRICT)
    verification.verify_agree_rest(actor=admin, assessment=assessment, stage=K.DISTRICT)
    verification.assessment_determine(actor=admin, assessment=assessment)


def value(assessment: Assessment, code: str) -> Answer:
    return Answer.objects.select_related("question").get(assessment=assessment, question__code=code)


def self_points(item: Answer) -> Decimal:
    return item.scores.get(stage=K.SELF_ASSESSMENT).points


@pytest.fixture
def gunung_mas(personas) -> tuple[User, Region, list[Region], Assessment]:
    """Gunung Mas with three active kecamatan and its KLA 2024 self-assessment open."""
    bundled_load()
    district = Region.objects.get(code=GUNUNG_MAS)
    kecamatan = three_kecamatan()
    return personas.gm_admin, district, kecamatan, district_self_assessment(personas, district)


def test_the_kecamatan_share_is_the_part_of_active_kecamatan_that_answered_yes(gunung_mas):
    admin, district, kecamatan, kla = gunung_mas
    # Before any kecamatan is determined, none counts.
    forum = value(kla, "KD-25.2")
    assert forum.value == {"number": "0.00"}
    assert forum.note == (
        "Dihitung otomatis oleh Layak: 0 dari 3 kecamatan menjawab “Ya” pada evaluasi "
        "terakhir yang ditetapkan."
    )
    assert self_points(forum) == 0

    first, second, third = lower_cycle(admin, district, "kelana2024", kecamatan)
    answer(admin, first, yes={"KD-25.2", "KD-25.3"})
    answer(admin, second, yes={"KD-25.2"})
    # The third answers "Ya" everywhere but is not determined: it counts as "not yet".
    answer(admin, third, yes={"KD-25.2", "KD-25.3", "KD-25.4"})
    determine(admin, first)
    determine(admin, second)

    forum = value(kla, "KD-25.2")
    assert forum.value == {"number": "66.67"}
    assert forum.note == (
        "Dihitung otomatis oleh Layak: 2 dari 3 kecamatan menjawab “Ya” pada evaluasi "
        "terakhir yang ditetapkan."
    )
    # 60–80 % earns 0.8 of the 1.25 points.
    assert self_points(forum) == D("1.00")
    groups = value(kla, "KD-25.3")
    assert groups.value == {"number": "33.33"}
    assert self_points(groups) == D("0.50")  # 20–40 %: 0.4 of 1.25
    assert value(kla, "KD-25.4").value == {"number": "0.00"}
    # Shares the recap does not flag for kecamatan stay typed by their offices.
    assert value(kla, "KD-25.6").value == {}
    assert value(kla, "KD-25.7a").value == {}

    # Each change is a revision and an audit entry, told in words.
    assert AnswerRevision.objects.filter(answer=forum, action="computed").count() == 3
    entry = AuditEntry.objects.filter(action="answer.computed", object_id=str(forum.pk)).latest(
        "pk"
    )
    words = str(describe([entry]))
    assert "66,67" in words and "{" not in words, words


def test_a_later_determination_counts_only_the_latest_result(gunung_mas):
    admin, district, kecamatan, kla = gunung_mas
    (first,) = lower_cycle(admin, district, "kelana2024", kecamatan[:1])
    answer(admin, first, yes={"KD-25.2"})
    determine(admin, first)
    assert value(kla, "KD-25.2").value == {"number": "33.33"}
    # The next year's evaluation of the same kecamatan answers "Tidak".
    (again,) = lower_cycle(admin, district, "kelana2024", kecamatan[:1])
    answer(admin, again, yes=set())
    determine(admin, again)
    assert value(kla, "KD-25.2").value == {"number": "0.00"}


def test_a_yes_whose_points_the_district_took_does_not_count(gunung_mas):
    admin, district, kecamatan, kla = gunung_mas
    (first,) = lower_cycle(admin, district, "kelana2024", kecamatan[:1])
    answer(admin, first, yes={"KD-25.2", "KD-25.3"})
    move_stages(first.cycle, K.DISTRICT)
    verification.verify_item(
        actor=admin,
        answer=value(first, "KD-25.2"),
        stage=K.DISTRICT,
        points=D(0),
        reason="SK Forum Anak Kecamatan belum ada",
    )
    determine(admin, first)
    assert value(kla, "KD-25.2").value == {"number": "0.00"}
    assert value(kla, "KD-25.3").value == {"number": "33.33"}


def test_the_village_share_comes_from_the_dekela_evaluations(personas):
    bundled_load()
    admin = personas.bekasi_admin
    district = Region.objects.get(code="32.16")
    kla = district_self_assessment(personas, district)
    villages = Region.objects.below(district).filter(level=4, is_active=True).count()
    village = Region.objects.filter(parent__code="32.16.09").order_by("code")[0]
    (assessment,) = lower_cycle(admin, district, "dekela2024", [village])
    answer(admin, assessment, yes={"KD-26.7", "KD-26.17"})
    determine(admin, assessment)
    marriage = value(kla, "KD-26.7")
    assert marriage.value == {"number": str((D(100) / villages).quantize(D("0.01")))}
    assert f"1 dari {villages} desa/kelurahan" in marriage.note
    assert value(kla, "KD-26.2").value == {"number": "0.00"}
    # PAUD-HI and family counselling stay with their offices; 26.17/26.18 stay typed.
    for code in ("KD-26.13", "KD-26.11", "KD-26.18"):
        assert value(kla, code).value == {}, code
    # The kecamatan shares are untouched by village results.
    assert value(kla, "KD-25.2").value == {"number": "0.00"}


def test_the_shares_cost_two_queries_whatever_the_number_of_kecamatan(
    personas, django_assert_num_queries
):
    bundled_load()
    admin = personas.gm_admin
    district = Region.objects.get(code=GUNUNG_MAS)
    kecamatan = list(Region.objects.filter(parent=district, level=3).order_by("code"))
    assert len(kecamatan) > 3
    assessments = lower_cycle(admin, district, "kelana2024", kecamatan[:2])
    for assessment in assessments:
        answer(admin, assessment, yes={"KD-25.2"})
    for assessment in assessments:
        determine(admin, assessment)
    with django_assert_num_queries(2):
        shares = computed.yes_shares(district, "kelana_yes")
    assert shares.yes == {"KD-25.2": 2}
    assert shares.regions == len(kecamatan)


def test_computed_shares_are_still_proposed_to_their_offices_for_the_evidence(personas):
    from layak.evaluation import proposal

    bundled_load()
    kla = district_self_assessment(personas, Region.objects.get(code="32.16"))
    proposed = {
        answer.question.code: organisation.acronym
        for organisation, answers in proposal.propose(kla).by_organisation
        for answer in answers
    }
    # Kawasan Tanpa Rokok in villages: computed, and Dinkes still attaches its evidence.
    assert value(kla, "KD-26.12").question.computed == "dekela_yes"
    assert proposed["KD-26.12"] in {"Dinkes", "Satpol PP"}
