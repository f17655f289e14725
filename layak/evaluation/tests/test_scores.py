"""Totals come from the database in a fixed number of queries, whatever the number of districts."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from layak.evaluation import actions, listing, scores
from layak.evaluation.models import Answer, Score
from layak.frameworks.models import Question
from layak.regions.loading import SourceRegion, load_regions
from layak.regions.models import Region

pytestmark = pytest.mark.django_db


def add_districts(personas, evaluation, n: int) -> None:
    load_regions(
        [SourceRegion("99", "Provinsi Uji", "provinsi")]
        + [SourceRegion(f"99.{i:02d}", f"Kabupaten Uji {i}", "kabupaten") for i in range(1, n + 1)],
        deactivate_missing=False,
    )
    regions = Region.objects.filter(code__startswith="99.", level=2).exclude(
        assessments__cycle=evaluation.cycle
    )
    for assessment in actions.cycle_add_districts(
        actor=personas.ministry, cycle=evaluation.cycle, regions=regions
    ):
        answers = list(Answer.objects.filter(assessment=assessment).select_related("question"))
        Score.objects.bulk_create(
            Score(answer=a, stage="self", points=a.question.max_points / 2) for a in answers
        )


def count(func) -> int:
    with CaptureQueriesContext(connection) as ctx:
        func()
    return len(ctx.captured_queries)


def test_cycle_totals_cost_the_same_queries_for_3_or_30_districts(personas, evaluation):
    add_districts(personas, evaluation, 1)
    small = count(lambda: scores.results(evaluation.cycle))
    add_districts(personas, evaluation, 30)
    results = {}
    assert count(lambda: results.update(scores.results(evaluation.cycle))) == small
    some = next(r for r in results.values() if r.total)
    assert some.total == Decimal(50) and some.by_group == {"KL": 25, "K3": 25}
    assert some.predicate.band.code == "PRATAMA"


def test_cycle_and_assessment_pages_cost_the_same_queries_as_districts_grow(
    client, personas, evaluation
):
    client.force_login(personas.ministry)
    add_districts(personas, evaluation, 1)
    urls = [
        f"/evaluation/cycles/{evaluation.cycle.pk}/",
        f"/evaluation/assessments/{evaluation.bekasi.pk}/",
    ]

    def pages():
        listing.forget()  # the assessment page drawn afresh each time: its whole cost
        for url in urls:
            assert client.get(url).status_code == 200

    small = count(pages)
    add_districts(personas, evaluation, 30)
    assert count(pages) == small


def test_an_indicator_is_capped_at_its_own_maximum(personas, evaluation):
    """Where an indicator's questions add up to more than the indicator's maximum (Indikator 19
    of the national 2024 instrument: 54 against 51), the indicator counts its maximum."""
    add_districts(personas, evaluation, 1)
    assessment = next(a for a in evaluation.cycle.assessments.all() if a.region.code == "99.01")
    first = Answer.objects.filter(assessment=assessment).select_related("question__indicator")[0]
    indicator = first.question.indicator
    own = Score.objects.filter(
        answer__assessment=assessment, answer__question__indicator=indicator, stage="self"
    )
    earned = sum(s.points for s in own)
    assert earned > 1
    indicator.max_points = earned - 1
    indicator.save(update_fields=["max_points"])
    before = scores.result_for(assessment)
    assert scores.indicator_points(assessment)[indicator.pk] == earned - 1
    group = indicator.group.code
    unchanged = scores.results(evaluation.cycle, [assessment.pk])[assessment.pk]
    assert unchanged.by_group[group] == before.by_group[group]
    maxima = dict((g.code, m) for g, m in scores.group_maxima(evaluation.cycle))
    assert maxima[group] == sum(
        q.max_points for q in Question.objects.filter(indicator__group=indicator.group)
    ) - (sum(q.max_points for q in indicator.questions.all()) - (earned - 1))
    indicator.max_points = None
    indicator.save(update_fields=["max_points"])
    assert scores.result_for(assessment).by_group[group] == before.by_group[group] + 1


def test_every_stage_stands_as_each_item_was_last_scored_up_to_it(personas, evaluation):
    """Half verified stages: the province adjusts one item and agrees another, the ministry
    adjusts a third. At each stage every item counts the points of the furthest stage up to it
    that scored it; the totals at every stage at once, one stage at a time, and as the
    assessment stands now agree with that rule applied item by item, and with the one
    expression (``points_standing``) the indicator subtotals and the dashboards use."""
    from layak.evaluation import verification
    from layak.evaluation.tests.test_verification import move_to, submit_all
    from layak.frameworks.models import Indicator

    ev = evaluation
    submit_all(personas, ev)
    move_to(ev, "province")
    a = ev.answers
    verification.verify_item(
        actor=personas.jabar, answer=a["T-1.1"], stage="province", points=Decimal(5), reason="SK"
    )
    verification.verify_item(actor=personas.jabar, answer=a["T-2.1"], stage="province")
    move_to(ev, "ministry")
    verification.verify_item(
        actor=personas.ministry,
        answer=a["T-2.2"],
        stage="ministry",
        points=Decimal(10),
        reason="Data",
    )
    stages = ["self", "province", "ministry", "field", "final"]
    points = {(s.answer_id, s.stage): s.points for s in Score.objects.all()}
    answers = list(Answer.objects.filter(assessment=ev.bekasi).select_related("question"))
    maxima = {i.pk: i.max_points for i in Indicator.objects.filter(version=ev.version)}
    expected = {}
    for n, stage in enumerate(stages):
        by_indicator: dict[int, Decimal] = {}
        for answer in answers:
            earned = next(
                (
                    points[answer.pk, s]
                    for s in reversed(stages[: n + 1])
                    if (answer.pk, s) in points
                ),
                Decimal(0),
            )
            key = answer.question.indicator_id
            by_indicator[key] = by_indicator.get(key, Decimal(0)) + earned
        expected[stage] = {
            pk: v if (most := maxima[pk]) is None else min(v, most)
            for pk, v in by_indicator.items()
        }
    # The rule changes the totals from stage to stage here, so the comparison can fail.
    assert len({sum(e.values()) for e in expected.values()}) == 3
    at_once = scores.results_at(ev.cycle, [ev.bekasi.pk], stages)
    for stage in stages:
        one = scores.results(ev.cycle, [ev.bekasi.pk], stage)[ev.bekasi.pk]
        both = at_once[stage][ev.bekasi.pk]
        assert one.by_indicator == both.by_indicator == expected[stage], stage
        assert one.total == both.total == sum(expected[stage].values())
        assert (one.done, one.items, one.predicate.band) == (
            both.done,
            both.items,
            both.predicate.band,
        )
        assert scores.indicator_points(ev.bekasi, stage) == expected[stage]
    assert at_once["province"][ev.bekasi.pk].done == 2
    assert at_once["ministry"][ev.bekasi.pk].done == 1
    now = scores.current_results(ev.cycle, [ev.bekasi])[ev.bekasi.pk]
    assert (now.stage, now.total, now.done) == ("ministry", sum(expected["ministry"].values()), 1)
    assert now.by_indicator == expected["ministry"]
