from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Exists, OuterRef, Q

from layak import authz

if TYPE_CHECKING:
    from layak.accounts.models import User
    from layak.evaluation.models import Answer, Assessment  # noqa: F401


class AssessmentQuerySet(models.QuerySet["Assessment"]):
    def for_user(self, user: User, action: authz.Action) -> AssessmentQuerySet:
        """District-level rows: offices, partners and the forum read their district's."""
        return self.filter(authz.scope_q(user, action, region="region"))


def _assigned_to(organisation_id: int) -> Q:
    from layak.evaluation.models import Assignment

    return Q(
        Exists(
            Assignment.objects.filter(
                answer=OuterRef("pk"), organisation_id=organisation_id, is_active=True
            )
        )
    )


class AnswerQuerySet(models.QuerySet["Answer"]):
    def for_user(self, user: User, action: authz.Action) -> AnswerQuerySet:
        """Region roles reach their region's answers; an office, partner or forum only the
        answers assigned to it."""
        return self.filter(
            authz.scope_q(user, action, region="assessment__region", organisation=_assigned_to)
        )
