"""Totals come from the database in a fixed number of queries, whatever the number of districts."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from layak.evaluation import actions, scores
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
