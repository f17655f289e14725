"""A cycle's totals recomputed at every stage for many districts at once agree with the rule
applied item by item: each item counts the points of the furthest stage up to that one that
scored it, each indicator capped at its maximum, sums to the cent."""

from __future__ import annotations

from decimal import Decimal

import pytest

from layak.evaluation import scores, verification
from layak.evaluation.models import Answer, Score
from layak.evaluation.tests.test_scores import add_districts
from layak.evaluation.tests.test_verification import move_to, submit_all
from layak.frameworks.models import Indicator

pytestmark = pytest.mark.django_db

STAGES = ["self", "province", "ministry", "field", "final"]


def expected_totals(
    answers: list[Answer], maxima: dict[int, Decimal | None]
) -> dict[str, dict[int, dict[int, Decimal]]]:
    """Per stage, per assessment, per indicator: the rule applied item by item."""
    points = {(s.answer_id, s.stage): s.points for s in Score.objects.all()}
    out: dict[str, dict[int, dict[int, Decimal]]] = {}
    for n, stage in enumerate(STAGES):
        upto = list(reversed(STAGES[: n + 1]))
        per: dict[int, dict[int, Decimal]] = {}
        for answer in answers:
            earned = next(
                (points[answer.pk, s] for s in upto if (answer.pk, s) in points), Decimal(0)
            )
            indicators = per.setdefault(answer.assessment_id, {})
            key = answer.question.indicator_id
            indicators[key] = indicators.get(key, Decimal(0)) + earned
        out[stage] = {
            assessment_id: {
                pk: v if (most := maxima[pk]) is None else min(v, most)
                for pk, v in indicators.items()
            }
            for assessment_id, indicators in per.items()
        }
    return out


def test_every_districts_totals_at_every_stage_follow_the_rule_item_by_item(personas, evaluation):
    """Bekasi submits; the province adjusts one item and agrees another, the ministry adjusts
    a third. Three more districts, scored in cents that no binary fraction holds (0.1, 0.33,
    ...), are not verified: their items keep their self-assessed points at every stage. Every
    stage's totals, by indicator, group and in all, computed for the whole cycle at once,
    equal the rule applied item by item."""
    ev = evaluation
    add_districts(personas, ev, 3)
    cents = [Decimal("0.10"), Decimal("0.20"), Decimal("0.33"), Decimal("1.01")]
    ours = Score.objects.filter(answer__assessment__region__code__startswith="99.")
    for n, score in enumerate(ours.select_related("answer__question").order_by("pk")):
        score.points = min(cents[n % len(cents)] * (n % 7 + 1), score.answer.question.max_points)
        score.save(update_fields=["points"])
    submit_all(personas, ev)
    move_to(ev, "province")
    a = ev.answers
    verification.verify_item(
        actor=personas.jabar,
        answer=a["T-1.1"],
        stage="province",
        points=Decimal("0.33"),
        reason="Baru SK",
    )
    verification.verify_item(actor=personas.jabar, answer=a["T-2.1"], stage="province")
    move_to(ev, "ministry")
    verification.verify_item(
        actor=personas.ministry,
        answer=a["T-2.2"],
        stage="ministry",
        points=Decimal("1.01"),
        reason="Data",
    )
    answers = list(Answer.objects.filter(assessment__cycle=ev.cycle).select_related("question"))
    maxima = {i.pk: i.max_points for i in Indicator.objects.filter(version=ev.version)}
    expected = expected_totals(answers, maxima)
    # The verifiers' scores change the totals, so the comparison can fail.
    assert expected["self"] != expected["province"] != expected["ministry"]
    assert len(expected["self"]) >= 4  # Bekasi and the three, with the fixture's others
    done = {"province": 2, "ministry": 1}
    for stage in STAGES:
        found = scores.results(ev.cycle, None, stage)
        assert set(found) == set(expected[stage])
        for assessment_id, by_indicator in expected[stage].items():
            result = found[assessment_id]
            assert result.by_indicator == by_indicator, (stage, assessment_id)
            assert result.total == sum(by_indicator.values()), (stage, assessment_id)
            assert sum(result.by_group.values()) == result.total
            assert all(v == v.quantize(Decimal("0.01")) for v in by_indicator.values())
            if stage in done:
                verified = done[stage] if assessment_id == ev.bekasi.pk else 0
                assert result.done == verified, (stage, assessment_id)
    now = scores.current_results(ev.cycle, [ev.bekasi])[ev.bekasi.pk]
    assert (now.stage, now.by_indicator) == ("ministry", expected["ministry"][ev.bekasi.pk])
