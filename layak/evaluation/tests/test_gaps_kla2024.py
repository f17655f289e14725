"""The gap analysis and the cheapest path on the national KLA 2024 instrument: an indicator never
counts more than its own maximum, so one already at its maximum offers no gain, and questions of
one indicator share the room it has left.

KLA 2024's Indikator 19 (K4-19, sekolah ramah anak) is worth 51 points while its 13 questions add
up to 54 (4 + 5 × 3.2 + 2 + 6 + 5 + 6 + 4 × 5)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from layak.evaluation import actions, cycle_actions, gaps
from layak.evaluation.demo import windows_open_at
from layak.evaluation.models import Answer, Stage
from layak.frameworks.actions import bundled_load
from layak.frameworks.models import InstrumentVersion
from layak.organisations.models import Organisation
from layak.regions.models import Region
from layak.testing import BEKASI

pytestmark = pytest.mark.django_db


def kla2024_bekasi(personas):
    """A KLA 2024 cycle with Kabupaten Bekasi's self-assessment open, made by the ministry."""
    bundled_load()
    version = InstrumentVersion.objects.get(framework__code="kla2024")
    cycle = actions.cycle_create(
        actor=personas.ministry,
        name="Evaluasi KLA 2024",
        instrument=version,
        windows=windows_open_at(Stage.Kind.SELF_ASSESSMENT),
    )
    (assessment,) = actions.cycle_add_districts(
        actor=personas.ministry, cycle=cycle, regions=Region.objects.filter(code=BEKASI)
    )
    return assessment


@pytest.fixture
def bekasi(personas):
    return kla2024_bekasi(personas)


def answer(personas, assessment, code: str, level: str) -> None:
    """The district administrator chooses the answer level named ``level`` on the form."""
    row = Answer.objects.select_related("question").get(assessment=assessment, question__code=code)
    option = row.question.options.get(label__startswith=level)
    actions.answer_save(
        actor=personas.bekasi_admin,
        answer=row,
        value={"option": str(option.pk)},
        note="",
        revision=row.revision,
    )


def k4_19_met(personas, assessment) -> None:
    """Every question of Indikator 19 at its best level: 54 points, 51 for the indicator."""
    for code in Answer.objects.filter(
        assessment=assessment, question__indicator__code="K4-19"
    ).values_list("question__code", flat=True):
        answer(personas, assessment, code, "Terpenuhi sepenuhnya")


def k4_19(assessment) -> gaps.IndicatorGap:
    return next(g for g in gaps.gap_analysis(assessment) if g.indicator.code == "K4-19")


def codes(items) -> list[str]:
    return [i.answer.question.code for i in items]


def test_an_indicator_at_its_maximum_offers_no_gain(personas, bekasi):
    questions = list(
        Answer.objects.filter(assessment=bekasi, question__indicator__code="K4-19")
        .order_by("question__order")
        .values_list("question__code", flat=True)
    )
    assert len(questions) == 13
    for code in questions:
        answer(personas, bekasi, code, "Terpenuhi sepenuhnya")
    gap = k4_19(bekasi)
    assert (gap.points, gap.max_points, gap.room) == (51, 51, 0)
    assert gap.not_yet == [] and len(gap.done) == 13
    # Seven required documents are missing, of two kinds: each kind is named once.
    assert sorted(gap.missing_evidence) == ["Dokumen pendukung", "Matriks isian"]

    # K4-19.3 drops to "Tidak ada" (−2 of its own 2): the indicator still holds 52 ≥ 51 points,
    # so improving K4-19.3 again would add nothing to the total.
    answer(personas, bekasi, "K4-19.3", "Tidak ada")
    gap = k4_19(bekasi)
    assert (gap.points, gap.room) == (51, 0)
    assert gap.not_yet == []
    assert "K4-19" not in {
        i.answer.question.indicator.code for i in gaps.cheapest_path(bekasi).items
    }
    page = client_page(personas, bekasi)
    row = page[page.index('data-testid="indicator-K4-19"') :]
    assert "sudah maksimal" in row[: row.index("</tr>")]

    # K4-19.4 drops too (−6): 46 points, 5 of room; K4-19.4 offers those 5, not its own 6.
    answer(personas, bekasi, "K4-19.4", "Tidak ada")
    gap = k4_19(bekasi)
    assert (gap.points, gap.room) == (46, 5)
    assert [(i.answer.question.code, i.gain) for i in gap.not_yet] == [
        ("K4-19.3", 2),
        ("K4-19.4", 5),
    ]


def test_questions_of_one_indicator_share_its_room_on_the_cheapest_path(personas, bekasi):
    k4_19_met(personas, bekasi)
    answer(personas, bekasi, "K4-19.3", "Tidak ada")
    answer(personas, bekasi, "K4-19.4", "Tidak ada")
    # The ministry gates both questions: the path must take them first, whatever they add.
    version = bekasi.cycle.instrument
    for code in ("K4-19.3", "K4-19.4"):
        cycle_actions.gate_add(
            actor=personas.ministry,
            cycle=bekasi.cycle,
            question=version.questions.get(code=code),
            max_band=version.bands.get(code="NONE"),
            reason="Sekolah ramah anak wajib dipenuhi",
        )
    path = gaps.cheapest_path(bekasi)
    assert path.target.code == "PRATAMA"
    assert codes(path.items[:2]) == ["K4-19.3", "K4-19.4"]
    # Together they add the indicator's 5 points of room, not their own 2 + 6.
    assert [i.gain for i in path.items[:2]] == [Decimal(2), Decimal(3)]
    assert "K4-19" not in {i.answer.question.indicator.code for i in path.items[2:]}
    assert path.reached
    assert sum((i.gain for i in path.items), Decimal(0)) >= path.needed


def client_page(personas, assessment) -> str:
    from django.test import Client

    client = Client()
    client.force_login(personas.bekasi_admin)
    response = client.get(reverse("evaluation:gaps", args=[assessment.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_gap_page_reads_cluster_by_cluster_in_a_fixed_number_of_queries(
    personas, bekasi, django_assert_max_num_queries
):
    answer(personas, bekasi, "KL-1.1", "Perda")
    page = client_page(personas, bekasi)
    groups = [page.index(f'data-testid="group-{code}"') for code in ("KL", "K1", "K5", "KD")]
    assert groups == sorted(groups)
    assert "Analisis kesenjangan" in page
    kl = page[groups[0] : groups[1]]
    assert "Kelembagaan" in kl and 'data-testid="indicator-KL-1"' in kl
    # The same number of queries with one answer saved as with many.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    gaps.forget()  # analysed afresh: the page's whole cost
    with CaptureQueriesContext(connection) as few:
        client_page(personas, bekasi)
    for code in ("K3-12.1", "K3-13.1", "K4-19.1", "K4-20.1"):
        answer(personas, bekasi, code, "Terpenuhi sepenuhnya")
    with CaptureQueriesContext(connection) as more:
        client_page(personas, bekasi)
    assert len(more) == len(few)
    # Again for the same data: the analysis and its path are kept, far fewer queries.
    with CaptureQueriesContext(connection) as kept:
        client_page(personas, bekasi)
    assert len(kept) < len(more) - 5, (len(kept), len(more))


def test_the_gap_page_computes_the_analysis_once_and_its_path_leaves_it_as_shown(
    personas, bekasi, monkeypatch
):
    """The page's table and its cheapest path share one analysis: the path counts each item's
    gain against its indicator's room on copies, so the table still shows what each question
    could add, and the path is the one computed on its own."""
    k4_19_met(personas, bekasi)
    answer(personas, bekasi, "K4-19.3", "Tidak ada")
    answer(personas, bekasi, "K4-19.4", "Tidak ada")
    analysis = gaps.analyse(bekasi)
    shown = [(i.answer.pk, i.gain) for i in analysis[1]]
    path = gaps.cheapest_path(bekasi, analysis=analysis)
    assert [(i.answer.pk, i.gain) for i in analysis[1]] == shown
    alone = gaps.cheapest_path(bekasi)
    assert [(i.answer.pk, i.gain) for i in path.items] == [
        (i.answer.pk, i.gain) for i in alone.items
    ]
    assert (path.total, path.needed, path.reached) == (alone.total, alone.needed, alone.reached)
    # One indicator's questions that together exceed its room: the table shows each one's own.
    k4_19 = next(g for g in analysis[0].values() if g.indicator.code == "K4-19")
    assert [(i.answer.question.code, i.gain) for i in k4_19.not_yet] == [
        ("K4-19.3", Decimal(2)),
        ("K4-19.4", Decimal(5)),
    ]
    # The table says what they add together, as the path counts it (2 + 3, not 2 + 5).
    page = client_page(personas, bekasi)
    row = page[page.index('data-testid="indicator-K4-19"') :]
    row = row[: row.index("</tr>")]
    assert "(+2,00)" in row and "(+5,00)" in row
    assert "— bersama paling banyak +5,00, batas maksimum indikator" in row
    calls: list[tuple[object, ...]] = []
    real = gaps._gaps

    def counted(*args: object) -> gaps.Analysis:
        calls.append(args)
        return real(*args)

    monkeypatch.setattr(gaps, "_gaps", counted)
    gaps.forget()
    client_page(personas, bekasi)
    assert len(calls) == 1


def test_a_kept_gap_page_shows_an_answer_saved_at_once(personas, bekasi):
    """The analysis is kept per data version of the district: an answer saved, then an office
    given an item, each show on the next request."""
    gaps.forget()

    def row(page: str, code: str) -> str:
        found = re.search(rf'<tr data-testid="indicator-{code}">.*?</tr>', page, re.S)
        assert found, code
        return found.group(0)

    before = client_page(personas, bekasi)
    assert row(client_page(personas, bekasi), "K4-19") == row(before, "K4-19")  # kept
    assert "K4-19.1</a>" in row(before, "K4-19")
    answer(personas, bekasi, "K4-19.1", "Terpenuhi sepenuhnya")
    after = client_page(personas, bekasi)
    assert "K4-19.1</a>" not in row(after, "K4-19")
    k4_19_answer = Answer.objects.get(assessment=bekasi, question__code="K4-19.1")
    office = Organisation.objects.get(name="Dinas Kesehatan Kabupaten Bekasi")
    actions.assignments_set(
        actor=personas.bekasi_admin,
        assessment=bekasi,
        answers=[k4_19_answer],
        organisations=[office],
    )
    assert "Dinkes" in row(client_page(personas, bekasi), "K4-19")


POINTS_SHOWN = {
    "0": ("0,00", "0.00"),
    "-0.001": ("0,00", "0.00"),
    "-0.005": ("-0,01", "-0.01"),
    "2.5": ("2,50", "2.50"),
    "2.005": ("2,01", "2.01"),
    "2.004": ("2,00", "2.00"),
    "51": ("51,00", "51.00"),
    "61.2": ("61,20", "61.20"),
    "1234.56": ("1.234,56", "1,234.56"),
    "1000": ("1.000,00", "1,000.00"),
    "99.999": ("100,00", "100.00"),
    "-17": ("-17,00", "-17.00"),
}


@pytest.mark.parametrize("language", ["id", "en"])
def test_points_are_written_as_every_page_writes_points(language):
    """``gaps.shown`` writes points as the ``points`` filter does: always two decimals, a half
    cent rounded up, grouped, in the reader's language."""
    from django.template import Context, Template
    from django.utils import translation

    template = Template("{% load layak %}{{ v|points }}")
    with translation.override(language):
        for value, expected in POINTS_SHOWN.items():
            want = expected[0 if language == "id" else 1]
            assert gaps.shown(Decimal(value)) == want, value
            assert template.render(Context({"v": Decimal(value)})) == want, value
