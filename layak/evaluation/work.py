"""The evaluation's work waiting for a person, for their home page: answers returned to their
office (by the district or by a verifier, with the reason), answers waiting for the district
administrator's review, and corrected items waiting for a verifier's new check. A fixed number
of queries."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Min, Q

from layak import authz
from layak.accounts.models import User
from layak.evaluation.models import Answer, Assessment

A = authz.Action
S = Answer.Status


def open_for_office() -> Q:
    """Answers an office may still work on: its open self-assessments, and items a verifier
    sent back after the district submitted, until they are determined."""
    return Q(assessment__status=Assessment.Status.IN_PROGRESS) | (
        Q(assessment__determined_at__isnull=True) & ~Q(returned_at_stage="")
    )


def returned_to(user: User, limit: int = 10) -> tuple[list[Answer], int]:
    """Answers returned to this person's office, newest first, and how many there are."""
    returned = (
        Answer.objects.for_user(user, A.EDIT)
        .filter(status=S.RETURNED, assessment__determined_at__isnull=True)
        .select_related("question__indicator", "assessment__region", "assessment__cycle")
        .order_by("-updated_at")
    )
    return list(returned[:limit]), returned.count()


def evaluation_work(user: User) -> dict[str, Any]:
    """What the evaluation asks of this person now, each with the page to act on: answers to
    give (drafts of open self-assessments assigned to their office), answers returned to
    them, and for a district administrator the answers waiting for review per assessment.
    Four queries."""
    work: dict[str, Any] = {}
    items, count = returned_to(user)
    work["answers_returned"] = items
    work["answers_returned_count"] = count
    work["answers_to_give"] = (
        Answer.objects.for_user(user, A.EDIT)
        .filter(status=S.DRAFT, assessment__status=Assessment.Status.IN_PROGRESS)
        .count()
        if not authz.has_action(user, A.MANAGE)
        else 0
    )
    if authz.has_action(user, A.MANAGE):
        waiting = list(
            Answer.objects.for_user(user, A.MANAGE)
            .filter(
                status=S.SUBMITTED,
                assessment__determined_at__isnull=True,
                assessment__region__level=2,
            )
            .values("assessment_id", "assessment__region__name", "assessment__cycle__name")
            .annotate(n=Count("pk"), indicator=Min("question__indicator_id"))
            .order_by("-n")[:10]
        )
        work["answers_to_review"] = sum(row["n"] for row in waiting)
        work["review_by_assessment"] = waiting
    return work
