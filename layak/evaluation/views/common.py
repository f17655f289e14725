from __future__ import annotations

from layak import authz
from layak.accounts.models import User
from layak.core.http import user_of as user_of  # re-exported for the evaluation views
from layak.evaluation.models import Answer, Assessment

A = authz.Action


def get_assessment(user: User, pk: int, action: authz.Action = A.VIEW) -> Assessment:
    assessment: Assessment = authz.get_for_user(
        lambda: Assessment.objects.select_related("region__parent", "cycle__instrument__framework"),
        user,
        action,
        pk,
    )
    return assessment


def get_answer(user: User, pk: int, action: authz.Action = A.VIEW) -> Answer:
    answer: Answer = authz.get_for_user(
        lambda: Answer.objects.select_related(
            "assessment__region",
            "assessment__cycle__instrument__framework",
            "question__indicator",
            "updated_by",
        ),
        user,
        action,
        pk,
    )
    return answer
