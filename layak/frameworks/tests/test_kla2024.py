"""The bundled national KLA 2024 instrument against its recap (``data/kla-2024.csv``)."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

import pytest
from django.db.models import Sum
from django.forms import ModelChoiceField
from openpyxl import load_workbook

from layak.audit.models import AuditEntry
from layak.evaluation import actions as evaluation
from layak.evaluation import cycle_actions, scores
from layak.evaluation.demo import windows_open_at
from layak.evaluation.forms import CycleForm
from layak.evaluation.models import Answer, Score, Stage
from layak.frameworks import actions, kla2024
from layak.frameworks.models import EvidenceRequirement, Framework, InstrumentVersion, Question
from layak.frameworks.scoring import points_for
from layak.frameworks.spec import spec_of, validate
from layak.frameworks.workbook import export_workbook
from layak.regions.models import Region
from layak.testing import BEKASI

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def version() -> InstrumentVersion:
    actions.bundled_load()
    return InstrumentVersion.objects.get(framework__code="kla2024")


def test_the_instrument_has_the_recaps_clusters_indicators_and_questions(version):
    assert version.is_frozen and version.reconstructed and not version.is_default_scheme
    assert version.scale_max == 1000
    assert version.indicators.count() == 31
    assert version.questions.count() == 274
    # A group's maximum is the sum of its indicators' maxima (Klaster I: 115, not the 150 stated).
    by_group = dict(
        version.indicators.values_list("group__code")
        .annotate(points=Sum("max_points"))
        .values_list("group__code", "points")
    )
    assert by_group == {
        "KL": 164,
        "K1": 115,
        "K2": 156,
        "K3": 150,
        "K4": 110,
        "K5": 205,
        "KD": 100,
    }
    assert sum(by_group.values()) == 1000
    # The questions add up to 1004: Indikator 19 (54 against 51) and 21 B (18 against 17).
    assert version.questions.aggregate(s=Sum("max_points"))["s"] == 1004
    over = {
        i.code: (i.max_points, i.total)
        for i in version.indicators.annotate(total=Sum("questions__max_points"))
        if i.total != i.max_points
    }
    assert over == {"K4-19": (51, 54), "K5-21B": (17, 18)}
    assert version.questions.filter(indicator__code="KL-1").count() == 63
    assert version.questions.filter(indicator__code="KD-26").count() == 20


def test_texts_are_cleaned_of_extraction_breaks(version):
    texts = " ".join(version.questions.values_list("text", flat=True))
    for broken in ("Pengembanga n", "kegi atan", "ApakaKLASh", "\\", "  "):
        assert broken not in texts
    assert "Pengembangan Anak Usia Dini" in texts
    assert not version.questions.filter(code__contains=" ").exists()


def test_option_and_band_points_stay_within_each_questions_maximum(version):
    questions = version.questions.prefetch_related("options", "score_bands")
    for q in questions:
        points = [o.points for o in q.options.all()] + [b.points for b in q.score_bands.all()]
        assert points, q.code
        assert all(0 <= p <= q.max_points for p in points), q.code
        # The best answer earns the whole maximum.
        assert max(points) == q.max_points, q.code


def _fractions(question: Question) -> list[Decimal]:
    return [o.points / question.max_points for o in question.options.all()]


def test_options_follow_the_national_scales_hints(version):
    """Quarter steps for the policy questions, thirds for the budget questions (written 0.66
    and 0.33, as the recap scores them), fifths elsewhere."""
    policy = version.questions.get(code="KL-1.2a")
    assert _fractions(policy) == [1, D("0.75"), D("0.5"), D("0.25"), 0]
    budget = version.questions.get(code="KL-1.3a")
    assert [o.points for o in budget.options.all()] == [2, D("1.32"), D("0.66"), 0]
    other = version.questions.get(code="K1-4.4")
    assert _fractions(other) == [1, D("0.8"), D("0.6"), D("0.4"), D("0.2"), 0]
    # Every recap score of a policy or budget question is one of its options' points.
    recap = {
        kla2024.question_code("KL-1", r["question_code"]): D(r["ogan_ilir_2024_score"])
        for r in kla2024.rows()
        if r["indicator_code"] == "Indikator 1"
    }
    options = {
        q.code: {o.points for o in q.options.all()}
        for q in version.questions.filter(indicator__code="KL-1").prefetch_related("options")
    }
    assert all(score in options[code] for code, score in recap.items())


def test_tobacco_advertising_is_worth_its_two_points_and_no_earns_them(version):
    q = version.questions.get(code="K3-17.5")
    assert "iklan, promosi dan sponsor rokok" in q.text
    assert q.kind == "yes_no" and q.max_points == 2
    assert {o.label: o.points for o in q.options.all()} == {"Tidak": 2, "Ya": 0}


def test_shares_of_kecamatan_and_villages_score_by_bands_of_the_percentage(version):
    patbm = version.questions.get(code="KD-26.15")
    assert patbm.kind == "percentage" and patbm.max_points == 10

    def points(q: Question, value: str) -> Decimal:
        return points_for(
            q,
            {"number": value},
            options=list(q.options.all()),
            bands=list(q.score_bands.all()),
        )

    assert points(patbm, "85") == 10
    assert points(patbm, "80") == 10
    assert points(patbm, "79,9") == 8
    assert points(patbm, "45") == 6
    assert points(patbm, "5") == 2
    assert points(patbm, "0") == 0
    # Fewer kecamatan with malnutrition cases is better.
    stunting = version.questions.get(code="KD-25.7d")
    assert stunting.direction == "lower"
    assert points(stunting, "0") == D("0.5")
    assert points(stunting, "100") == 0
    assert version.questions.filter(kind="percentage").count() == 33
    # What the question's hint says is what its bands give.
    assert "di bawah 20% nilai penuh, lalu turun per 20%; 100% tanpa nilai" in stunting.help_text
    assert points(stunting, "12,5") == points(stunting, "19,9") == D("0.5")
    assert points(stunting, "20") == D("0.4") and points(stunting, "99") == D("0.1")
    assert "80% ke atas nilai penuh, lalu turun per 20%" in patbm.help_text


def test_evidence_requirements_come_from_the_texts_and_the_recaps_flags(version):
    reqs = EvidenceRequirement.objects.filter(question__version=version)
    # The 58 questions whose attachment the recap makes compulsory require their first item.
    assert reqs.filter(required=True).count() == 58
    assert reqs.filter(kind="matrix").count() == 74
    assert reqs.filter(kind="budget").values("question").distinct().count() == 34
    kinds = set(
        version.questions.get(code="KL-3.1a").evidence_requirements.values_list("kind", flat=True)
    )
    assert kinds == {"matrix", "document", "photo"}
    # A policy question needs the regulation itself even where its text does not say so.
    assert version.questions.get(code="KL-1.2b").evidence_requirements.get().kind == "regulation"


def test_offices_are_kept_per_question(version):
    q = version.questions.get(code="KL-1.2a")
    assert q.offices == ["JDIH", "Bagian Hukum", "Disdukcapil"]
    names = {o for offices in version.questions.values_list("offices", flat=True) for o in offices}
    assert len(names) == 32
    assert version.questions.filter(offices=[]).count() == 9


@pytest.mark.usefixtures("english")
def test_an_indicator_maximum_above_its_questions_is_refused():
    spec = kla2024.kla2024()
    assert validate(spec) == []
    spec.indicators[1].max_points = D(999)
    messages = [p.message for p in validate(spec)]
    assert any("above the sum of its questions" in m for m in messages)
    assert any("add up to" in m for m in messages)


def test_workbook_round_trip_keeps_maxima_offices_evidence_kinds_and_the_flag(personas, version):
    data = export_workbook(spec_of(version))
    sheet = load_workbook(BytesIO(data))["Indicators"]
    assert [c.value for c in sheet[1]][-2:] == ["max_points", "name_en"]
    problems, imported, _ = actions.instrument_import(
        actor=personas.ministry, data=BytesIO(data), dry_run=False
    )
    assert problems == []
    assert imported.reconstructed and imported.source == version.source
    assert imported.indicators.get(code="K4-19").max_points == 51
    assert imported.questions.get(code="KL-1.2a").offices == ["JDIH", "Bagian Hukum", "Disdukcapil"]
    assert (
        imported.questions.get(code="KL-3.1a").evidence_requirements.filter(kind="matrix").exists()
    )


@pytest.mark.usefixtures("english")
def test_a_workbook_without_the_new_columns_still_loads(personas, version):
    wb = load_workbook(BytesIO(export_workbook(spec_of(version))))
    wb["Groups"].delete_cols(4)
    wb["Indicators"].delete_cols(7, 2)
    wb["Questions"].delete_cols(14, 2)
    wb["Options"].delete_cols(5, 2)
    wb["Evidence"].delete_cols(5)
    out = BytesIO()
    wb.save(out)
    out.seek(0)
    problems, imported, _ = actions.instrument_import(
        actor=personas.ministry, data=out, dry_run=True
    )
    # Without the indicator maxima the questions add up to 1004: said, nothing made.
    assert imported is None
    assert [p.message for p in problems] == ["The maximum points add up to 1004, not 1000."]


def test_ogan_ilir_2024_recap_gives_nindya(personas, version):
    """One district's 2024 recap, loaded as the self-assessment's scores: by hand from the CSV,
    the questions' scores add up to 771.81 (no indicator above its maximum: Indikator 19 has
    42.6 of 51, 21 B 14.4 of 17), which is Nindya (701–800)."""
    cycle, assessment = _cycle(personas, version)
    recap = _recap()
    answers = Answer.objects.filter(assessment=assessment).select_related("question")
    assert answers.count() == 274
    Score.objects.bulk_create(
        (
            Score(answer=a, stage=Stage.Kind.SELF_ASSESSMENT, points=recap[a.question.code])
            for a in answers
        ),
        # The computed KELANA/DEKELA shares were scored when the assessment was opened.
        update_conflicts=True,
        unique_fields=["answer", "stage"],
        update_fields=["points"],
    )
    result = scores.results(cycle)[assessment.pk]
    assert result.total == D("771.81")
    assert result.predicate.band.code == "NINDYA"
    assert result.by_group["KD"] == D("68.5")
    # Had Indikator 19 scored all 54 of its questions' points, it would count 51.
    for answer in answers.filter(question__indicator__code="K4-19"):
        Score.objects.filter(answer=answer).update(points=answer.question.max_points)
    indicator = version.indicators.get(code="K4-19")
    assert scores.indicator_points(assessment)[indicator.pk] == 51
    assert scores.results(cycle)[assessment.pk].total == D("771.81") - D("42.6") + 51


def _cycle(personas, version):
    windows = windows_open_at(Stage.Kind.SELF_ASSESSMENT)
    cycle = evaluation.cycle_create(
        actor=personas.ministry, name="Evaluasi KLA 2024", instrument=version, windows=windows
    )
    (assessment,) = evaluation.cycle_add_districts(
        actor=personas.ministry, cycle=cycle, regions=Region.objects.filter(code=BEKASI)
    )
    return cycle, assessment


def test_a_new_cycle_offers_kla_2024_first_and_its_pages_say_the_levels_are_reconstructed(
    client, personas, version
):
    field = CycleForm(level=2).fields["instrument"]
    assert isinstance(field, ModelChoiceField)
    instruments = list(field.queryset)
    assert instruments[0] == version
    assert "kla24" in {v.framework.code for v in instruments}
    cycle, assessment = _cycle(personas, version)
    client.force_login(personas.bekasi_admin)
    for url in (f"/evaluation/cycles/{cycle.pk}/", f"/evaluation/assessments/{assessment.pk}/"):
        page = client.get(url).content.decode()
        assert "direkonstruksi" in page, url


def _recap() -> dict[str, Decimal]:
    """Ogan Ilir's 2024 score of each question, by the question's code in Layak."""
    return {
        kla2024.question_code(
            kla2024.indicator_code(_group(r["cluster_name"]), r["indicator_code"]),
            r["question_code"],
        ): D(r["ogan_ilir_2024_score"])
        for r in kla2024.rows()
    }


def _group(recap_name: str) -> str:
    return next(code for code, name, _ in kla2024.GROUPS if name == recap_name)


def test_loading_again_refreshes_the_bundled_frameworks_texts(version):
    Framework.objects.filter(code="kla24").update(name="old", description="LOCAL notes")
    assert actions.bundled_load() == []
    kla24 = Framework.objects.get(code="kla24")
    assert kla24.name.startswith("Indikator KLA") and "LOCAL" not in kla24.description
    assert kla24.name_en and kla24.description_en
    assert AuditEntry.objects.filter(action="framework.texts_updated").count() == 1


def test_loading_again_refreshes_the_bundled_questions_guidance(client, personas, version):
    """A hint corrected in the bundled data reaches a database loaded before: its old wording
    is replaced, the change audited in words; the guidance already current is left alone."""
    from layak.audit.display import describe

    question = version.questions.filter(direction=Question.Direction.LOWER).order_by("pk")[0]
    current = question.help_text
    assert current
    Question.objects.filter(pk=question.pk).update(help_text="0% terbaik")
    assert actions.bundled_load() == []
    assert Question.objects.get(pk=question.pk).help_text == current
    entry = AuditEntry.objects.get(action="instrument.guidance_updated")
    assert entry.before == {question.code: "0% terbaik"}
    [said] = describe([entry])
    assert said.action == "Panduan butir bawaan diperbarui"
    assert [(c.label, c.before, c.after) for c in said.changes] == [
        (question.code, "0% terbaik", current)
    ]
    actions.bundled_load()
    assert AuditEntry.objects.filter(action="instrument.guidance_updated").count() == 1


def test_version_page_says_the_levels_are_reconstructed_and_offers_the_matrix(
    client, personas, version
):
    client.force_login(personas.bekasi_admin)
    page = client.get(f"/frameworks/versions/{version.pk}/").content.decode()
    assert "direkonstruksi" in page
    assert "Ogan Ilir" in page
    question = version.questions.get(code="KL-3.1a")
    response = client.get(f"/frameworks/versions/{version.pk}/questions/{question.pk}/matrix.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    assert sheet["A2"].value.startswith("KL-3.1a")
    assert sheet["B5"].value == "Program atau kegiatan"
    # A question that asks for no matrix has none.
    plain = version.questions.get(code="KL-1.2b")
    url = f"/frameworks/versions/{version.pk}/questions/{plain.pk}/matrix.xlsx"
    assert client.get(url).status_code == 404


def test_accepting_tobacco_advertising_costs_its_2_points_and_the_cycles_gate_caps_the_predicate(
    personas, version
):
    """The instrument gives the item its 2 points; the cap on the predicate is a rule the
    ministry adds to the cycle, shown with its reason."""
    cycle, assessment = _cycle(personas, version)
    cycle_actions.gate_add(
        actor=personas.ministry,
        cycle=cycle,
        question=version.questions.get(code="K3-17.5"),
        max_band=version.bands.get(code="PRATAMA"),
        reason="Masih menerima iklan, promosi dan sponsor rokok",
    )
    recap = _recap()
    answers = Answer.objects.filter(assessment=assessment).select_related("question")
    Score.objects.bulk_create(
        (
            Score(answer=a, stage=Stage.Kind.SELF_ASSESSMENT, points=recap[a.question.code])
            for a in answers
        ),
        # The computed KELANA/DEKELA shares were scored when the assessment was opened.
        update_conflicts=True,
        unique_fields=["answer", "stage"],
        update_fields=["points"],
    )
    assert scores.results(cycle)[assessment.pk].predicate.band.code == "NINDYA"  # 2 of 2 points
    # The district says it still accepts tobacco advertising: the answer earns nothing.
    tobacco = answers.get(question__code="K3-17.5")
    yes = tobacco.question.options.get(label="Ya")
    evaluation.answer_save(
        actor=personas.bekasi_admin,
        answer=tobacco,
        value={"option": yes.pk},
        note="",
        revision=tobacco.revision,
    )
    result = scores.results(cycle)[assessment.pk]
    assert result.total == D("769.81")
    assert result.predicate.band.code == "PRATAMA"
    assert result.predicate.capped_by == ("Masih menerima iklan, promosi dan sponsor rokok",)


def test_an_indicator_is_named_with_its_part_letter():
    """Parts A, B and C of one number are three indicators: each says which."""
    from layak.frameworks.models import Indicator

    a = Indicator(code="K5-21A", number=21, name="Anak korban kekerasan")
    plain = Indicator(code="K3-13", number=13, name="Status gizi balita")
    other = Indicator(code="IND-7", number=70, name="Lain")
    assert str(a) == "21A. Anak korban kekerasan"
    assert str(plain) == "13. Status gizi balita"
    assert str(other) == "70. Lain"
