from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Exists, OuterRef, Prefetch, Q

from layak import authz
from layak.core.shapes import Shapes

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


# The instrument's parts loaded with the answers a page shows. Their ``Meta.ordering`` starts
# with the question ("question", then the option's own order), and ordering by a relation sorts
# by that model's own ordering: the prefetch would join the question, its indicator, group,
# version and framework only to sort. A prefetch groups the rows by question itself, so each
# one sorts on its own columns, in the same order within a question as before.


# The parts of one answer or question read on their own (``layak.core.shapes.prefetch_one``),
# each statement compiled once: keyed by the part's name, each name always read the same way.
PARTS = Shapes(size=16)


def options_prefetch(lookup: str = "options") -> Prefetch[Any, Any, Any]:
    """A question's options in their order (``lookup`` leads to the questions' options)."""
    from layak.frameworks.models import Option

    return Prefetch(lookup, queryset=Option.objects.order_by("order", "pk"))


def scoring_prefetch(prefix: str = "") -> list[Prefetch[Any, Any, Any]]:
    """What an answer's points are computed from besides the answer: its question's options and
    score bands (``prefix`` leads to the questions)."""
    from layak.frameworks.models import ScoreBand

    return [
        options_prefetch(f"{prefix}options"),
        Prefetch(f"{prefix}score_bands", queryset=ScoreBand.objects.order_by("lower", "pk")),
    ]


def requirements_prefetch(lookup: str = "evidence_requirements") -> Prefetch[Any, Any, Any]:
    """A question's evidence requirements in their order."""
    from layak.frameworks.models import EvidenceRequirement

    return Prefetch(lookup, queryset=EvidenceRequirement.objects.order_by("order", "pk"))


def question_prefetch(lookup: str = "question") -> Prefetch[Any, Any, Any]:
    """The answers' questions with their options, score bands and evidence requirements: four
    queries, none joined."""
    from layak.frameworks.models import Question

    return Prefetch(
        lookup,
        queryset=Question.objects.order_by().prefetch_related(
            *scoring_prefetch(), requirements_prefetch()
        ),
    )
