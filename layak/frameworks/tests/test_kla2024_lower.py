"""The KELANA and DEKELA 2024 instruments, made from the KLA 2024 rows the recap flags for
kecamatan and villages, and the district questions they feed."""

from __future__ import annotations

from decimal import Decimal
from importlib import import_module
from typing import Any

import pytest
from django.apps import apps
from django.db.models import Sum

from layak.frameworks import actions, kla2024
from layak.frameworks.models import InstrumentVersion, Question

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def versions() -> dict[str, InstrumentVersion]:
    actions.bundled_load()
    return {
        v.framework.code: v
        for v in InstrumentVersion.objects.filter(
            framework__code__in=["kla2024", "kelana2024", "dekela2024"]
        ).select_related("framework")
    }


def _flagged(flag: str) -> dict[str, dict[str, str]]:
    rows = kla2024.rows()
    return {
        kla2024.question_code(
            kla2024.indicator_code("KD", r["indicator_code"]), r["question_code"]
        ): r
        for r in rows
        if r[flag] == "true"
    }


@pytest.mark.parametrize(
    ("code", "level", "flag", "count"),
    [("kelana2024", 3, "for_kecamatan", 9), ("dekela2024", 4, "for_desa", 13)],
)
def test_each_instrument_holds_the_questions_the_recap_flags(versions, code, level, flag, count):
    version = versions[code]
    flagged = _flagged(flag)
    assert len(flagged) == count
    assert version.framework.region_level == level
    assert version.is_frozen and version.reconstructed
    assert version.scale_max == 100
    # The same question codes as the district questions they feed.
    assert set(version.questions.values_list("code", flat=True)) == set(flagged)
    assert version.questions.aggregate(s=Sum("max_points"))["s"] == 100
    assert list(version.indicators.values_list("max_points", flat=True)) == [100]
    district = versions["kla2024"].questions.filter(code__in=flagged)
    assert district.count() == count
    # Offices where the recap gives them; English texts everywhere.
    for q in version.questions.all():
        assert q.offices == [o for o in flagged[q.code]["offices"].split(";") if o], q.code
        assert q.text_en and q.text_en != q.text, q.code
    assert version.framework.name_en and version.label_en and version.framework.description_en


@pytest.mark.parametrize(
    ("code", "flag"), [("kelana2024", "for_kecamatan"), ("dekela2024", "for_desa")]
)
def test_points_keep_the_national_weights_proportions_on_a_scale_of_100(versions, code, flag):
    flagged = _flagged(flag)
    weight = sum(D(r["question_max"]) for r in flagged.values())
    points = dict(versions[code].questions.values_list("code", "max_points"))
    for qcode, row in flagged.items():
        exact = D(row["question_max"]) * 100 / weight
        assert abs(points[qcode] - exact) < D("0.1"), qcode
    # Equal national weights, equal points (the cents left over go to the heaviest).
    if code == "kelana2024":
        assert points["KD-25.2"] == points["KD-25.3"] == D("9.09")
        assert points["KD-25.4"] == D("29.10")
    else:
        assert points["KD-26.2"] == points["KD-26.7"] == D("10.34")
        assert points["KD-26.15"] == D("17.31")
        assert points["KD-26.17"] == 0


def test_share_questions_become_questions_about_the_kecamatan_or_village(versions):
    kelana = dict(versions["kelana2024"].questions.values_list("code", "text"))
    dekela = dict(versions["dekela2024"].questions.values_list("code", "text"))
    assert kelana["KD-25.2"] == (
        "Apakah kecamatan memiliki Forum Anak Kecamatan? (Lampirkan MATRIKS dan dokumen pendukung)"
    )
    assert kelana["KD-25.9"].startswith("Apakah kecamatan memiliki ruang baca anak")
    assert dekela["KD-26.7"] == "Apakah di desa/kelurahan tidak ada perkawinan anak?"
    # The count the district gives in its note is not asked of a village.
    assert dekela["KD-26.15"] == (
        "Apakah desa/kelurahan melaksanakan fungsi Perlindungan Anak Terpadu Berbasis "
        "Masyarakat (PATBM) atau sejenisnya? (LAMPIRKAN DOKUMEN PENDUKUNG)"
    )
    # The village questions that already ask yes or no keep their text.
    rows = _flagged("for_desa")
    assert dekela["KD-26.17"] == rows["KD-26.17"]["question_text"]
    assert dekela["KD-26.18"] == rows["KD-26.18"]["question_text"]
    # The guidance says which district question a "yes" counts in; 26.17/26.18 feed none.
    guidance = dict(versions["dekela2024"].questions.values_list("code", "help_text"))
    assert "persentase desa/kelurahan pada pertanyaan KD-26.7" in guidance["KD-26.7"]
    assert guidance["KD-26.18"] == ""
    assert not any("persentase" in t.lower() for t in [*kelana.values(), *dekela.values()])


def test_yes_earns_the_points_and_no_option_exceeds_the_maximum(versions):
    for code in ("kelana2024", "dekela2024"):
        for q in versions[code].questions.prefetch_related("options"):
            assert q.kind == "yes_no"
            options = {o.label: o.points for o in q.options.all()}
            assert options == {"Ya": q.max_points, "Tidak": 0}, q.code
            assert {o.label_en for o in q.options.all()} == {"Yes", "No"}
    lead_in = versions["dekela2024"].questions.get(code="KD-26.17")
    assert lead_in.max_points == 0 and not lead_in.required


def test_evidence_follows_the_same_text_rules_as_the_district_instrument(versions):
    def evidence(code: str, qcode: str) -> list[tuple[str, bool]]:
        q = versions[code].questions.get(code=qcode)
        return list(q.evidence_requirements.order_by("order").values_list("kind", "required"))

    assert evidence("kelana2024", "KD-25.2") == [("matrix", True), ("document", False)]
    assert evidence("kelana2024", "KD-25.11") == [("document", True), ("photo", False)]
    assert evidence("dekela2024", "KD-26.3") == [("budget", False)]
    assert evidence("dekela2024", "KD-26.7") == []


def test_bands_say_belum_layak_and_layak_from_70(versions):
    for code in ("kelana2024", "dekela2024"):
        bands = list(versions[code].bands.order_by("rank").values_list("name", "min_score"))
        assert bands == [("Belum layak", 0), ("Layak", 70)]


def test_flagged_district_shares_are_computed_and_the_others_stay_typed(versions):
    district = versions["kla2024"]
    computed = dict(district.questions.exclude(computed="").values_list("code", "computed"))
    assert computed == {
        **{c: "kelana_yes" for c in _flagged("for_kecamatan")},
        **{c: "dekela_yes" for c in _flagged("for_desa") if c not in ("KD-26.17", "KD-26.18")},
    }
    # Nutrition, child marriage in kecamatan, schooling, PAUD-HI, family counselling in villages.
    for code in ("KD-25.6", "KD-25.7a", "KD-25.8", "KD-26.8d", "KD-26.9", "KD-26.11", "KD-26.13"):
        q = district.questions.get(code=code)
        assert q.kind == "percentage" and q.computed == "", code
    # A computed question keeps its bands, its evidence and its offices.
    forum = district.questions.get(code="KD-25.2")
    assert forum.kind == "percentage" and forum.score_bands.count() == 6
    assert forum.offices == ["DPPPAPPKB"]
    assert forum.evidence_requirements.filter(kind="matrix", required=True).exists()
    assert "Dihitung otomatis" in forum.help_text
    assert forum.get_computed_display() == "persentase kecamatan yang evaluasinya menjawab ya"


def test_a_kla2024_loaded_before_has_its_flagged_shares_marked_computed(versions):
    district = versions["kla2024"]
    Question.objects.filter(version=district).exclude(computed="").update(computed="")
    migration = import_module("layak.frameworks.migrations.0008_computed_kecamatan_village_yes")
    migration.mark(apps, None)
    kinds = dict(district.questions.exclude(computed="").values_list("code", "computed"))
    assert len(kinds) == 20
    assert kinds["KD-25.13"] == "kelana_yes" and kinds["KD-26.16"] == "dekela_yes"
    assert "KD-26.13" not in kinds


def test_the_api_links_each_lower_question_to_the_district_question_in_words(
    client, personas, versions
):
    from layak.api.actions import token_create

    _token, secret = token_create(actor=personas.bekasi_dinkes, name="instrumen", days=30)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    def questions(version: InstrumentVersion, indicator: str) -> dict[str, dict[str, Any]]:
        url = f"/api/v1/instruments/{version.pk}/questions?indicator={indicator}&limit=100"
        return {q["code"]: q for q in client.get(url, **auth).json()["items"]}

    district = questions(versions["kla2024"], "KD-25")
    kelana = questions(versions["kelana2024"], "KD-25")
    assert set(kelana) <= set(district)
    assert district["KD-25.2"]["computed"] == "kelana_yes"
    assert district["KD-25.2"]["computed_label"] == (
        "persentase kecamatan yang evaluasinya menjawab ya"
    )
    assert district["KD-25.6"]["computed"] == district["KD-25.6"]["computed_label"] == ""
    assert kelana["KD-25.2"]["kind"] == "yes_no" and kelana["KD-25.2"]["computed"] == ""
