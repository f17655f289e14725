"""The evaluation's work waiting for a person, for their home page: answers returned to their
office (by the district or by a verifier, with the reason), answers waiting for the district
administrator's review, and corrected items waiting for a verifier's new check. A fixed number
of queries."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

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
    """What the evaluation asks of this person now."""
    work: dict[str, Any] = {}
    items, count = returned_to(user)
    work["answers_returned"] = items
    work["answers_returned_count"] = count
    if authz.has_action(user, A.MANAGE):
        work["answers_to_review"] = (
            Answer.objects.for_user(user, A.MANAGE)
            .filter(
                status=S.SUBMITTED,
                assessment__determined_at__isnull=True,
                assessment__region__level=2,
            )
            .count()
        )
    return work
