"""The evaluation's work waiting for a person, for their list of work (``layak.core.actions_list``):
items to answer, answers returned to their office (by the district or by a verifier, with the
reason), answers waiting for the district administrator's review, and submitted evaluations
waiting for a verifier at an open stage. Each a fixed number of queries."""

from __future__ import annotations

from typing import Any

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    When,
    Window,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from layak import authz
from layak.accounts.models import User
from layak.evaluation.models import Answer, AnswerRevision, Assessment, Stage, StageReopening
from layak.organisations.roles import Role

A = authz.Action
S = Answer.Status


def open_for_office() -> Q:
    """Answers an office may still work on: its open self-assessments, and items a verifier
    sent back after the district submitted, until they are determined."""
    return Q(assessment__status=Assessment.Status.IN_PROGRESS) | (
        Q(assessment__determined_at__isnull=True) & ~Q(returned_at_stage="")
    )


def returned_to(user: User, limit: int = 10) -> tuple[list[Answer], int]:
    """Answers returned to this person's office, newest first, and how many there are: one
    query (each row carries the count of them all, and ``returned_by``: the action of its
    latest return, by the district or by a verifier)."""
    latest_return = (
        AnswerRevision.objects.filter(
            answer_id=OuterRef("pk"),
            action__in=[AnswerRevision.Action.RETURNED, AnswerRevision.Action.RETURNED_BY_PROVINCE],
        )
        .order_by("-revision", "-pk")
        .values("action")[:1]
    )
    returned = list(
        Answer.objects.for_user(user, A.EDIT)
        .filter(status=S.RETURNED, assessment__determined_at__isnull=True)
        .select_related("question__indicator", "assessment__region", "assessment__cycle")
        .annotate(total=Window(Count("pk")), returned_by=Subquery(latest_return))
        .order_by("-updated_at")[:limit]
    )
    return returned, returned[0].total if returned else 0  # type: ignore[attr-defined]


def self_assessment_open(now: Any) -> Q:
    """Assessments whose self-assessment is open at ``now``, by the rule of
    ``actions.stage_open_for`` in one condition: inside the cycle's window, or reopened for
    the district until later."""
    window = Stage.objects.filter(
        cycle_id=OuterRef("cycle_id"),
        kind=Stage.Kind.SELF_ASSESSMENT,
        opens_at__lte=now,
        closes_at__gt=now,
    )
    reopened = StageReopening.objects.filter(
        assessment_id=OuterRef("pk"), stage__kind=Stage.Kind.SELF_ASSESSMENT, until__gt=now
    )
    return Q(Exists(window)) | Q(Exists(reopened))


def _self_closes() -> Greatest:
    """The self-assessment's deadline for the row's assessment (the row an answer): the
    cycle's, or the later date the ministry reopened it until for this district."""
    closes = Max(
        "assessment__cycle__stages__closes_at",
        filter=Q(assessment__cycle__stages__kind=Stage.Kind.SELF_ASSESSMENT),
    )
    reopened = (
        StageReopening.objects.filter(
            assessment_id=OuterRef("assessment_id"), stage__kind=Stage.Kind.SELF_ASSESSMENT
        )
        .order_by("-until")
        .values("until")[:1]
    )
    # Greatest is NULL on SQLite when one side is: the reopening falls back to the close.
    return Greatest(Coalesce(Subquery(reopened), closes), closes)


def to_answer_by_assessment(user: User) -> list[Any]:
    """Per open self-assessment, how many items assigned to this person's office (or their
    kecamatan or village) are still drafts, with the self-assessment's deadline. One query."""
    return list(
        Answer.objects.for_user(user, A.EDIT)
        .filter(status=S.DRAFT, assessment__status=Assessment.Status.IN_PROGRESS)
        .values("assessment_id", "assessment__region__name", "assessment__cycle__name")
        .annotate(n=Count("pk", distinct=True), deadline=_self_closes())
        .order_by("deadline", "assessment_id")
    )


def returned_for_action(user: User, limit: int) -> list[Answer]:
    """Answers returned to this person, with ``deadline`` (the closing of the stage whose
    reviewer returned it) and ``total`` (how many there are in all), earliest deadline first.
    An office gets what the district or a verifier returned to it; the district administrator
    what a verifier returned to the district (what it returned itself waits for the office).
    One query."""
    returned = Answer.objects.for_user(user, A.EDIT).filter(
        status=S.RETURNED, assessment__determined_at__isnull=True
    )
    if authz.has_action(user, A.MANAGE):
        returned = returned.exclude(returned_at_stage__in=["", Stage.Kind.SELF_ASSESSMENT])
    stages = Stage.objects.filter(cycle_id=OuterRef("assessment__cycle_id"))
    # Returned by the district (no stage recorded): due when the self-assessment closes for
    # this district, the cycle's close or the later date the ministry reopened it until.
    by_verifier = stages.filter(kind=OuterRef("returned_at_stage")).values("closes_at")[:1]
    by_district = Subquery(stages.filter(kind=Stage.Kind.SELF_ASSESSMENT).values("closes_at")[:1])
    reopened = StageReopening.objects.filter(
        assessment_id=OuterRef("assessment_id"), stage__kind=Stage.Kind.SELF_ASSESSMENT
    )
    # Greatest is NULL on SQLite when one side is: the reopening falls back to the close.
    self_closes = Greatest(
        Coalesce(Subquery(reopened.order_by("-until").values("until")[:1]), by_district),
        by_district,
    )
    return list(
        returned.select_related("question__indicator", "assessment__region")
        .annotate(
            deadline=Coalesce(Subquery(by_verifier), self_closes),
            total=Window(Count("pk")),
        )
        .order_by(F("deadline").asc(nulls_last=True), "pk")[:limit]
    )


def to_review_by_assessment(scope: Q) -> list[Any]:
    """Per regency/city assessment within ``scope`` (the district administrator's reach), the
    answers waiting for review, the first indicator to open and the deadline: the
    self-assessment's, or, for corrections a verifier asked for (a row of their own, with
    ``returned_at_stage``), the close of the stage that sent them back. One query."""
    verifier_closes = Max(
        "assessment__cycle__stages__closes_at",
        filter=Q(assessment__cycle__stages__kind=F("returned_at_stage")),
    )
    return list(
        Answer.objects.filter(
            scope,
            status=S.SUBMITTED,
            assessment__determined_at__isnull=True,
            assessment__region__level=2,
        )
        .values(
            "assessment_id",
            "assessment__region__name",
            "assessment__cycle__name",
            "returned_at_stage",
        )
        .annotate(
            n=Count("pk", distinct=True),
            indicator=Min("question__indicator_id"),
            deadline=Case(When(returned_at_stage="", then=_self_closes()), default=verifier_closes),
        )
        .order_by("deadline", "assessment_id", "returned_at_stage")
    )


# Who verifies at each stage, for the list of work: the ministry acts at its own stages only
# (it may act at every stage, but the others wait for the province and the assessors).
VERIFIER_OF: dict[str, str] = {
    Stage.Kind.PROVINCE: Role.PROVINCE_VERIFIER,
    Stage.Kind.MINISTRY: Role.MINISTRY_ADMIN,
    Stage.Kind.FIELD: Role.ASSESSOR,
    Stage.Kind.FINAL: Role.MINISTRY_ADMIN,
    Stage.Kind.DISTRICT: Role.DISTRICT_ADMIN,
}


def _verifies(user: User, assessment: Assessment, stage: str) -> bool:
    role = VERIFIER_OF.get(stage)
    path = assessment.region.path
    return any(
        g.role == role and (g.national or any(path.startswith(p) for p in g.paths))
        for g in authz.grants(user)
    )


def to_verify(user: User) -> list[dict[str, Any]]:
    """Submitted self-assessments waiting for this verifier at a stage open now (inside its
    window, or reopened for the district by the ministry): per assessment and stage, the items
    not yet verified there, the corrected items waiting for a new check, and the stage's
    deadline. Five queries (assessments, their stages, their reopenings, scores per stage,
    items sent back)."""
    from layak.evaluation.models import Score, StageReopening
    from layak.evaluation.verification import DONE_AFTER_RETURN, level_of

    now = timezone.now()
    kinds = list(VERIFIER_OF)
    in_window = Exists(
        Stage.objects.filter(
            cycle=OuterRef("cycle"), kind__in=kinds, opens_at__lte=now, closes_at__gt=now
        )
    )
    live = StageReopening.objects.filter(until__gt=now, stage__kind__in=kinds)
    reopened = Exists(live.filter(assessment=OuterRef("pk")))
    assessments = (
        Assessment.objects.for_user(user, A.VERIFY)
        .filter(
            in_window | reopened, status=Assessment.Status.SUBMITTED, determined_at__isnull=True
        )
        .select_related("region", "cycle__instrument__framework")
        .prefetch_related("cycle__stages", Prefetch("reopenings", live, to_attr="live"))
        .annotate(
            # Items sent back by a verifier are with the region or waiting for a new check,
            # counted apart below.
            items=Count("answers", filter=Q(answers__returned_at_stage=""))
        )
        .order_by("region__name", "pk")
    )
    rows: list[dict[str, Any]] = []
    candidates = []
    for assessment in assessments:
        level = level_of(assessment)
        until = {r.stage_id: r.until for r in assessment.live}  # type: ignore[attr-defined]
        for stage in assessment.cycle.stages.all():
            deadline = stage.closes_at if stage.is_open(now) else until.get(stage.pk)
            if (
                deadline is not None
                and stage.kind in Stage.order_for(level)[1:]
                and _verifies(user, assessment, stage.kind)
            ):
                candidates.append((assessment, stage, level, deadline))
    if not candidates:
        return rows
    ids = {c[0].pk for c in candidates}
    scored = {
        (a, s): n
        for a, s, n in Score.objects.filter(
            answer__assessment_id__in=ids, answer__returned_at_stage=""
        )
        .values_list("answer__assessment_id", "stage")
        .annotate(n=Count("pk"))
    }
    corrected: dict[tuple[int, str], int] = {}
    for assessment_id, status, n in (
        Answer.objects.filter(assessment_id__in=ids)
        .exclude(returned_at_stage="")
        .values_list("assessment_id", "status")
        .annotate(n=Count("pk"))
    ):
        corrected[(assessment_id, status)] = n
    for assessment, stage, level, deadline in candidates:
        waiting = sum(
            n
            for (a, s), n in corrected.items()
            if a == assessment.pk and s in DONE_AFTER_RETURN[level]
        )
        pending = max(assessment.items - scored.get((assessment.pk, stage.kind), 0), 0)  # type: ignore[attr-defined]
        if pending or waiting:
            rows.append(
                {
                    "assessment": assessment,
                    "stage": stage,
                    "deadline": deadline,
                    "pending": pending,
                    "corrected": waiting,
                }
            )
    return rows
