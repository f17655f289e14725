"""A hand-computable world for the dashboards' tests.

Bekasi in the small test instrument (groups KL: T-1.1 30 points, T-1.2 20; K3: T-2.1 30,
T-2.2 20):

- "Evaluasi Uji" (open): T-1.1 accepted, T-1.2 returned, T-2.1 submitted, T-2.2 draft;
  self-assessment scores 30 / 0 / 15 / 5 (KL 30, K3 20: 50, Pratama); the province has
  verified two items so far, lowering T-1.1 to 15 and agreeing T-2.1 at 15: as the scores stand
  at the province stage KL 15 + 0 and K3 15 + 5, 35, no predicate: the path starts there
  (Pratama needs 15 more points).
- "Evaluasi Uji Lalu" (a year earlier, determined 45, no predicate): self scores T-1.1 15 and
  T-2.1 30 (KL 15, K3 30).
- RAD KLA 2025 (plans' test plan): Disdukcapil's accepted report realised 600 of 1000 birth
  certificates with Rp 100,000,000; Dinkes's accepted report 500 of 400 with Rp 40,000,000, its
  submitted second report (100, Rp 5,000,000) does not count yet.
- One overdue follow-up of Dinkes, one not yet due.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal as D
from types import SimpleNamespace

from django.utils import timezone

from layak.evaluation import actions as evaluation_actions
from layak.evaluation.models import Answer, Assessment, Cycle, Score, Stage
from layak.frameworks.models import PredicateBand
from layak.plans.models import ProgressEntry, ProgressReport
from layak.regions.models import Region
from layak.testing import Personas, make_cycle
from layak.workflow import Status


@dataclass
class World:
    evaluation: SimpleNamespace
    earlier: Cycle
    earlier_bekasi: Assessment


def _score(answer: Answer, stage: str, points: str) -> None:
    Score.objects.create(answer=answer, stage=stage, points=D(points))


def build(p: Personas) -> World:
    evaluation = make_cycle(p)
    answers = evaluation.answers
    for code, status in (
        ("T-1.1", Status.ACCEPTED),
        ("T-1.2", Status.RETURNED),
        ("T-2.1", Status.SUBMITTED),
        ("T-2.2", Status.DRAFT),
    ):
        Answer.objects.filter(pk=answers[code].pk).update(
            status=status, return_reason="Lampiran SK belum ada" if code == "T-1.2" else ""
        )
    Score.objects.filter(answer__assessment=evaluation.bekasi).delete()
    for code, points in (("T-1.1", "30"), ("T-1.2", "0"), ("T-2.1", "15"), ("T-2.2", "5")):
        _score(answers[code], Stage.Kind.SELF_ASSESSMENT, points)
    _score(answers["T-1.1"], Stage.Kind.PROVINCE, "15")
    _score(answers["T-2.1"], Stage.Kind.PROVINCE, "15")

    day = datetime.timedelta(days=1)

    from layak.testing import windows_from

    # Last year's cycle: Bekasi joined while it ran; its stages are long over.
    earlier = evaluation_actions.cycle_create(
        actor=p.ministry,
        name="Evaluasi Uji Lalu",
        instrument=evaluation.version,
        windows=windows_from(timezone.now() - day),
    )
    (earlier_bekasi,) = evaluation_actions.cycle_add_districts(
        actor=p.ministry, cycle=earlier, regions=Region.objects.filter(code="32.16")
    )
    evaluation_actions.cycle_set_windows(
        actor=p.ministry, cycle=earlier, windows=windows_from(timezone.now() - 400 * day)
    )
    earlier_answers = {
        a.question.code: a
        for a in Answer.objects.filter(assessment=earlier_bekasi).select_related("question")
    }
    Score.objects.filter(answer__assessment=earlier_bekasi).delete()
    _score(earlier_answers["T-1.1"], Stage.Kind.SELF_ASSESSMENT, "15")
    _score(earlier_answers["T-2.1"], Stage.Kind.SELF_ASSESSMENT, "30")
    Assessment.objects.filter(pk=earlier_bekasi.pk).update(
        status=Assessment.Status.SUBMITTED,
        final_total=D(45),
        final_band=PredicateBand.objects.get(version=evaluation.version, code="NONE"),
        determined_at=timezone.now() - 300 * day,
    )
    return World(evaluation, earlier, earlier_bekasi)


def build_plan(p: Personas) -> SimpleNamespace:
    from layak.plans.tests.helpers import make_plan
    from layak.taskforce.actions import follow_up_add
    from layak.taskforce.tests.factories import meeting

    world = make_plan(p)
    reports = []
    for office, period, item, output, spent, status in (
        (world.capil, 1, world.birth, "600", "100000000", Status.ACCEPTED),
        (world.dinkes, 1, world.clinic, "500", "40000000", Status.ACCEPTED),
        (world.dinkes, 2, world.clinic, "100", "5000000", Status.SUBMITTED),
    ):
        report = ProgressReport.objects.create(
            plan=world.plan,
            organisation=office,
            year=2025,
            period=period,
            created_by=p.bekasi_admin,
            status=status,
        )
        ProgressEntry.objects.create(report=report, item=item, output=D(output), budget=D(spent))
        reports.append(report)
    held = meeting(p, date=timezone.localdate() - datetime.timedelta(days=30))
    today = timezone.localdate()
    late = follow_up_add(
        actor=p.bekasi_admin,
        meeting=held,
        description="Lengkapi data akta kelahiran per kecamatan",
        owner=world.dinkes,
        due_date=today - datetime.timedelta(days=3),
    )
    follow_up_add(
        actor=p.bekasi_admin,
        meeting=held,
        description="Siapkan bahan evaluasi",
        owner=world.capil,
        due_date=today + datetime.timedelta(days=10),
    )
    return SimpleNamespace(world=world, reports=reports, meeting=held, late=late)
