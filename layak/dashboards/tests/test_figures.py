"""The dashboards' aggregates against a hand-computed world (see helpers.py)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from layak.dashboards import figures
from layak.dashboards.charts import find
from layak.dashboards.tests.helpers import build, build_plan
from layak.evaluation.models import Answer
from layak.regions.models import Region

pytestmark = pytest.mark.django_db


def table(tables, key):
    found = find(tables, key)
    assert found is not None, key
    return found


def rows_by_label(t):
    return {str(r[0]): r[1:] for r in t.rows}


def test_progress_per_office_and_cluster(personas, english):
    w = build(personas)
    d = figures.district(personas.bekasi_admin, Region.objects.get(code="32.16"), None, 2025)
    assert d.cycle == w.evaluation.cycle  # the latest cycle the district takes part in
    offices = rows_by_label(table(d.tables, "offices"))
    # accepted, submitted, draft, not filled in, returned
    assert [c.label for c in table(d.tables, "offices").columns][1:] == [
        "Accepted",
        "Submitted",
        "Draft",
        "Not filled in",
        "Returned",
    ]
    assert offices["Dinkes"] == [1, 0, 0, 0, 1]
    # T-2.2 is a draft that holds no answer yet: "Not filled in", as the assessment page says.
    assert offices["Disdukcapil"] == [0, 1, 0, 1, 0]
    clusters = rows_by_label(table(d.tables, "clusters"))
    assert clusters == {"KL Kelembagaan": [1, 0, 0, 0, 1], "K3 Kesehatan": [0, 1, 0, 1, 0]}
    # Once something is typed it is a draft.
    Answer.objects.filter(pk=w.evaluation.answers["T-2.2"].pk).update(value={"choice": "ya"})
    d = figures.district(personas.bekasi_admin, Region.objects.get(code="32.16"), None, 2025)
    assert rows_by_label(table(d.tables, "offices"))["Disdukcapil"] == [0, 1, 1, 0, 0]


def test_scores_by_group_take_each_cycles_latest_stage(personas, english):
    w = build(personas)
    d = figures.district(personas.bekasi_admin, Region.objects.get(code="32.16"), None, 2025)
    scores = table(d.tables, "scores")
    assert [c.label for c in scores.columns] == [
        "Group",
        "Evaluasi Uji Lalu",
        "Evaluasi Uji",
        "Maximum",
    ]
    assert rows_by_label(scores) == {
        "KL Kelembagaan": [D(15), D(15), D(50)],
        "K3 Kesehatan": [D(30), D(20), D(50)],
        # The earlier cycle's determined total, the current one as it stands.
        "Total": [D(45), D(35), D(100)],
    }
    assert scores.drawn_rows == 2  # the total is not drawn among the groups
    assert d.stage == "province"
    assert d.standing.total == D(35)
    assert d.standing.predicate.band.code == "NONE"
    # The province has not scored every item: the path starts from the total as it stands
    # there (35, the card's figure), not from the self-assessment's 50.
    assert d.path_stage == "province"
    assert d.path is not None
    assert d.path.total == d.standing.total == D(35)
    assert d.path.target.code == "PRATAMA"
    assert d.path.needed == D(15)
    assert w.earlier_bekasi.pk != d.assessment.pk


def test_an_earlier_cycle_shows_only_cycles_up_to_it(personas, english):
    w = build(personas)
    d = figures.district(personas.bekasi_admin, Region.objects.get(code="32.16"), w.earlier, 2025)
    scores = table(d.tables, "scores")
    assert [c.label for c in scores.columns][1:-1] == ["Evaluasi Uji Lalu"]
    assert d.assessment == w.earlier_bekasi


def test_rad_realisation_per_cluster(personas, english):
    build_plan(personas)
    rad = figures.rad_by_cluster(Region.objects.get(code="32.16"), 2025)
    got = {str(r[0]).split()[0]: r[1:] for r in rad.rows}
    # activities, reported, reached, output %, planned, spent, spent %
    assert got["KL"] == [1, 0, 0, D("0.00"), D("30000000.00"), D("0.00"), D("0.00")]
    # birth 600/1000 = 60 %, clinic 500/400 capped at 100 %: 80 %; the submitted report
    # does not count.
    assert got["K1"] == [2, 2, 1, D("80.00"), D("275000000.00"), D("140000000.00"), D("50.91")]


def test_overdue_follow_ups_and_returned_items(personas, english):
    build(personas)
    plan = build_plan(personas)
    from layak.plans.models import ProgressReport
    from layak.workflow import Status

    ProgressReport.objects.filter(pk=plan.reports[2].pk).update(
        status=Status.RETURNED, return_reason="Realisasi belum sesuai SP2D"
    )
    bekasi = Region.objects.get(code="32.16")
    d = figures.district(personas.bekasi_admin, bekasi, None, 2025)
    assert d.overdue_count == 1
    followups = table(d.tables, "followups")
    assert [r[0] for r in followups.rows] == ["Lengkapi data akta kelahiran per kecamatan"]
    assert followups.rows[0][3] == 3
    assert d.returned_count == 2
    returned = table(d.tables, "returned")
    assert sorted(r[2] for r in returned.rows) == [
        "Lampiran SK belum ada",
        "Realisasi belum sesuai SP2D",
    ]
    # Disdukcapil's people see neither Dinkes's returned answer-free report nor its answers.
    from layak.organisations.models import Organisation
    from layak.testing import make_membership, make_user

    capil = make_user()
    make_membership(
        capil,
        Organisation.objects.get(name="Dinas Kependudukan dan Pencatatan Sipil Kabupaten Bekasi"),
        "office_operator",
    )
    seen = figures.district(capil, bekasi, None, 2025)
    assert seen.returned_count == 0


def test_province_rows_and_provila(personas, english):
    w = build(personas)
    jabar = Region.objects.get(code="32")
    p = figures.province(jabar, w.evaluation.cycle)
    districts = table(p.tables, "districts")
    bekasi = rows_by_label(districts)["Kabupaten Bekasi"]
    # state, five stages, latest, predicate, previous predicate, change, movement
    assert bekasi[0] == "In progress"
    assert bekasi[1:6] == [D(50), D(35), None, None, None]
    assert bekasi[6] == D(35)
    # 35 is below Pratama; band names in the reader's language.
    assert bekasi[7] == "No predicate"
    assert bekasi[8] == "No predicate"
    assert bekasi[9] == D(-10)
    assert bekasi[10] == "same"
    assert districts.links[0].endswith(f"?region=32.16&cycle={w.evaluation.cycle.pk}")
    assert p.provila is False


def test_provila_when_every_district_holds_a_predicate(personas):
    from django.utils import timezone

    from layak.evaluation.models import Assessment
    from layak.frameworks.models import PredicateBand

    w = build(personas)
    jabar = Region.objects.get(code="32")
    pratama = PredicateBand.objects.get(version=w.evaluation.version, code="PRATAMA")
    for region in Region.objects.below(jabar).filter(level=2, is_active=True):
        Assessment.objects.update_or_create(
            cycle=w.earlier,
            region=region,
            defaults={"final_total": D(55), "final_band": pratama, "determined_at": timezone.now()},
        )
    assert figures.province(jabar, w.evaluation.cycle).provila is True


def test_national_distribution_trends_and_progress(personas, english):
    w = build(personas)
    n = figures.national(None)
    assert n.cycle == w.earlier  # the latest cycle with a determination
    assert n.current == w.evaluation.cycle
    total = Region.objects.filter(level=2, is_active=True).count()
    assert n.districts == total
    dist = table(n.tables, "distribution")
    labels = [c.label for c in dist.columns]
    assert labels[-3:] == ["No predicate", "Not determined yet", "Not taking part"]
    rows = rows_by_label(dist)
    # The earlier cycle: Bekasi determined without a predicate; the current one: two in
    # progress.
    assert rows["Evaluasi Uji Lalu"] == [1, 0, total - 1]
    assert rows["Evaluasi Uji"] == [0, 2, total - 2]
    trends = rows_by_label(table(n.tables, "trends"))
    assert trends["Evaluasi Uji Lalu"] == [1, 0, D("45.00")]
    provinces = rows_by_label(table(n.tables, "provinces"))
    # Jawa Barat: Bekasi's four answers, one accepted, one submitted, one returned.
    assert provinces["Jawa Barat"] == [1, 0, 0, D("25.00"), D("25.00"), D("25.00")]
    ranked = list(figures.ranking(w.earlier))
    assert [a.region.code for a in ranked] == ["32.16"]


def make_indicator(personas, *, with_target: bool = True):
    """Birth certificates: 800 of 1000 children in 2024, 900 of 1000 in 2025; targets 85 and
    95 per cent."""
    import datetime

    from layak.indicators.models import DataElement, DataValue, Indicator, IndicatorTarget

    bekasi = Region.objects.get(code="32.16")
    numerator = DataElement.objects.create(code="akta", name="Anak berakta", cluster="K1")
    denominator = DataElement.objects.create(code="anak", name="Jumlah anak", cluster="K1")
    indicator = Indicator.objects.create(
        code="cakupan-akta",
        name="Cakupan akta kelahiran anak",
        numerator=numerator,
        denominator=denominator,
        factor=D(100),
        unit="%",
        cluster="K1",
    )
    for year, got in ((2024, "800"), (2025, "900")):
        for element, value in ((numerator, got), (denominator, "1000")):
            DataValue.objects.create(
                element=element,
                region=bekasi,
                period=str(year),
                period_start=datetime.date(year, 1, 1),
                value=D(value),
                created_by=personas.bekasi_admin,
                updated_by=personas.bekasi_admin,
            )
        if with_target:
            IndicatorTarget.objects.create(
                indicator=indicator,
                region=bekasi,
                year=year,
                value=D("85") if year == 2024 else D("95"),
            )
    return indicator


def test_key_indicator_trends_against_targets(personas, english):
    make_indicator(personas)
    bekasi = Region.objects.get(code="32.16")
    (trend,) = figures.indicator_trends(personas.bekasi_admin, bekasi, 2025)
    assert trend.title == "Cakupan akta kelahiran anak (%)"
    assert trend.rows == [  # with how complete each year's figure is (reported / expected)
        ["2021", None, None, "partial: 0 of 1 regions reported"],
        ["2022", None, None, "partial: 0 of 1 regions reported"],
        ["2023", None, None, "partial: 0 of 1 regions reported"],
        ["2024", D("80.00"), D("85.00"), "1 of 1"],
        ["2025", D("90.00"), D("95.00"), "1 of 1"],
    ]
    assert trend.chart == "lines"
    # Gunung Mas has set no target: no key indicator.
    gm = Region.objects.get(code="62.10")
    assert figures.indicator_trends(personas.gm_admin, gm, 2025) == []


def test_indicators_without_a_target_are_not_key(personas):
    make_indicator(personas, with_target=False)
    bekasi = Region.objects.get(code="32.16")
    assert figures.indicator_trends(personas.bekasi_admin, bekasi, 2025) == []


def test_an_unmet_gate_caps_the_predicate_as_it_stands(personas):
    from layak.dashboards import effective
    from layak.evaluation.models import Gate, Score
    from layak.frameworks.models import PredicateBand

    w = build(personas)
    cycle = w.evaluation.cycle
    pratama = PredicateBand.objects.get(version=w.evaluation.version, code="PRATAMA")
    Gate.objects.create(
        cycle=cycle,
        question=w.evaluation.answers["T-2.1"].question,
        max_band=pratama,
        reason="Persalinan di fasilitas kesehatan belum 90 %",
    )
    bekasi = w.evaluation.bekasi.pk
    # 85 would be Utama; T-2.1 stands at 15 of 30 at both stages: capped at Pratama.
    got = effective.predicates(cycle, {bekasi: ("province", D(85))})[bekasi]
    assert got.band.code == "PRATAMA"
    assert got.capped_by == ("Persalinan di fasilitas kesehatan belum 90 %",)
    # Once the province scores T-2.1 fully the gate is met at the province stage, not at the
    # self-assessment.
    Score.objects.filter(answer=w.evaluation.answers["T-2.1"], stage="province").update(
        points=D(30)
    )
    assert effective.predicates(cycle, {bekasi: ("province", D(85))})[bekasi].band.code == "UTAMA"
    assert effective.predicates(cycle, {bekasi: ("self", D(85))})[bekasi].band.code == "PRATAMA"
