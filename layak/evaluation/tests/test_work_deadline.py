"""The deadline an office is shown for its open items is the one that holds for its district:
the cycle's, or the later one the ministry reopened the self-assessment until."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.utils import timezone

from layak.evaluation import actions, work
from layak.evaluation.models import Stage
from layak.testing import make_cycle

pytestmark = pytest.mark.django_db


def reopen(personas, evaluation, until: datetime.datetime) -> None:
    """The ministry reopens Bekasi's self-assessment until ``until``."""
    actions.stage_reopen(
        actor=personas.ministry,
        assessment=evaluation.bekasi,
        kind=Stage.Kind.SELF_ASSESSMENT,
        reason="Perpanjangan: pergantian operator",
        until=until,
    )


def test_a_reopened_self_assessment_shows_its_new_deadline(personas):
    evaluation = make_cycle(personas, open_self=False)
    closes = Stage.objects.get(cycle=evaluation.cycle, kind=Stage.Kind.SELF_ASSESSMENT).closes_at
    rows = work.to_answer_by_assessment(personas.bekasi_dinkes)
    assert [r["deadline"] for r in rows] == [closes]

    until = timezone.now() + datetime.timedelta(days=30)
    reopen(personas, evaluation, until)
    rows = work.to_answer_by_assessment(personas.bekasi_dinkes)
    assert [r["deadline"] for r in rows] == [until]
    # Gunung Mas, not reopened, keeps the cycle's deadline.
    rows = work.to_answer_by_assessment(personas["gunungmas.dinkes"])
    assert [r["deadline"] for r in rows] == [closes]


def test_the_assessment_page_shows_the_deadline_that_holds_for_the_district(client, personas):
    from layak.evaluation.templatetags.evaluation import deadline

    evaluation = make_cycle(personas, open_self=False)
    closes = Stage.objects.get(cycle=evaluation.cycle, kind=Stage.Kind.SELF_ASSESSMENT).closes_at
    until = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    until += datetime.timedelta(days=30)
    reopen(personas, evaluation, until)
    stage = Stage.objects.get(cycle=evaluation.cycle, kind=Stage.Kind.SELF_ASSESSMENT)
    assert actions.stage_closes_for(evaluation.bekasi, stage) == until
    client.force_login(personas.bekasi_admin)
    page = client.get(f"/evaluation/assessments/{evaluation.bekasi.pk}/").content.decode()
    assert f"batas waktu {deadline(until)}" in page
    assert f"batas waktu {deadline(closes)}" not in page


def test_an_item_returned_during_a_reopened_self_assessment_is_due_at_the_new_deadline(personas):
    """The office's returned item is due when the self-assessment closes for its district: the
    reopened date, not the cycle's past close (which would show it overdue)."""
    evaluation = make_cycle(personas, open_self=False)
    until = timezone.now() + datetime.timedelta(days=30)
    reopen(personas, evaluation, until)
    capil = personas["bekasi.disdukcapil"]
    answer = actions.answer_save(
        actor=capil,
        answer=evaluation.answers["T-2.1"],
        value={"number": "92"},
        note="",
        revision=0,
    )
    answer = actions.answer_submit(actor=capil, answer=answer)
    actions.answer_return(
        actor=personas.bekasi_admin, answer=answer, reason="Sebutkan sumber datanya"
    )
    returned: list[Any] = work.returned_for_action(capil, limit=10)  # annotated with deadline
    assert [(a.question.code, a.deadline) for a in returned] == [("T-2.1", until)]
    assert returned[0].deadline > timezone.now()


def test_a_closed_self_assessment_waits_for_nobody_on_the_home_page(client, personas):
    """Past its deadline, nothing can be answered or reviewed: the list of work neither asks
    the office to answer nor the district to review; once reopened, both are back."""
    from layak.core.actions_list import needs_action

    evaluation = make_cycle(personas, open_self=True)
    capil = personas["bekasi.disdukcapil"]
    answer = actions.answer_save(
        actor=capil, answer=evaluation.answers["T-2.1"], value={"number": "92"}, note="", revision=0
    )
    actions.answer_submit(actor=capil, answer=answer)

    def kinds(user) -> set[str]:
        return {item.kind for item in needs_action(user).items}

    assert "evaluation_to_answer" in kinds(personas.bekasi_dinkes)
    assert "evaluation_to_review" in kinds(personas.bekasi_admin)
    client.force_login(personas.bekasi_dinkes)
    assert "butir untuk dijawab dalam Evaluasi Uji" in client.get("/").content.decode()
    from layak.testing import move_stages

    move_stages(evaluation.cycle, Stage.Kind.PROVINCE)
    assert "evaluation_to_answer" not in kinds(personas.bekasi_dinkes)
    assert "evaluation_to_review" not in kinds(personas.bekasi_admin)
    reopen(personas, evaluation, timezone.now() + datetime.timedelta(days=3))
    assert "evaluation_to_answer" in kinds(personas.bekasi_dinkes)
    assert "evaluation_to_review" in kinds(personas.bekasi_admin)


def test_the_assessment_page_says_a_closed_self_assessment_was_not_submitted(client, personas):
    """Not "in progress" beside "closed": the district did not submit, and the day it closed."""
    from layak.evaluation.templatetags.evaluation import last_day

    evaluation = make_cycle(personas, open_self=False)
    closes = Stage.objects.get(cycle=evaluation.cycle, kind=Stage.Kind.SELF_ASSESSMENT).closes_at
    client.force_login(personas.bekasi_admin)
    page = client.get(f"/evaluation/assessments/{evaluation.bekasi.pk}/").content.decode()
    line = page.split('data-testid="self-status">')[1].split("</p>")[0]
    words = " ".join(re.sub(r"<[^>]+>", " ", line).split())
    assert words == f"Evaluasi mandiri: belum diajukan · ditutup pada {last_day(closes)}"


def test_the_open_self_assessment_condition_is_the_rule_of_stage_open_for(personas):
    """``work.self_assessment_open`` (one query for a page's assessments) says what
    ``actions.stage_open_for`` says: before, inside and after the window, reopened or not,
    at the edges of each moment."""
    from layak.evaluation.models import Assessment

    evaluation = make_cycle(personas, open_self=False)
    stage = Stage.objects.get(cycle=evaluation.cycle, kind=Stage.Kind.SELF_ASSESSMENT)
    until = timezone.now() + datetime.timedelta(days=3)
    reopen(personas, evaluation, until)
    second = datetime.timedelta(seconds=1)
    moments = [
        stage.opens_at - second,
        stage.opens_at,
        stage.closes_at - second,
        stage.closes_at,
        until - second,
        until,
    ]
    both = [evaluation.bekasi, evaluation.gm]  # Bekasi reopened, Gunung Mas not
    for now in moments:
        by_sql = set(
            Assessment.objects.filter(pk__in=[a.pk for a in both])
            .filter(work.self_assessment_open(now))
            .values_list("pk", flat=True)
        )
        by_rule = {a.pk for a in both if actions.stage_open_for(a, Stage.Kind.SELF_ASSESSMENT, now)}
        assert by_sql == by_rule, now
    assert by_rule == set()  # at ``until`` itself the reopening has ended
