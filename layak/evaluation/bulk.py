"""Bulk actions on a district's evaluation: an office submits all its ready answers at once; the
district administrator (the KLA secretariat) accepts every submitted answer of an indicator or
of a cluster after a preview.

Each item goes through the same single-item action as one by one (``actions.answer_submit``,
``actions.answer_accept``): the same checks, the same revision, the same audit entry and the
same notification. **One transaction per item**, not one for the whole batch: an item the rules
refuse (its evidence is missing, someone returned it in the meantime) must not undo the items
that passed, and the person needs to see, item by item, what was done and what was refused and
why. Each single-item action is atomic on its own and locks its row, so two people acting on
the same items at once cannot both move one item.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from layak import authz
from layak.accounts.models import User
from layak.evaluation import actions
from layak.evaluation.models import Answer, AnswerRevision, Assessment
from layak.evidence.models import EvidenceLink

A = authz.Action
S = Answer.Status


@dataclass
class BulkResult:
    """What a bulk action did: the answers it moved, and each refused answer with the reason
    the single-item action gave."""

    done: list[Answer] = field(default_factory=list)
    refused: list[tuple[Answer, str]] = field(default_factory=list)


def _ordered(answers: QuerySet[Answer]) -> QuerySet[Answer]:
    return answers.select_related("question__indicator__group").order_by(
        "question__indicator__group__order", "question__indicator__order", "question__order"
    )


# Ready to submit: a draft with an answer, or a returned answer (corrected or not; the rules say
# which can go).
# A returned item is ready once it was worked on after its return (its latest revision is not
# the return itself): sending it back untouched is a decision for its own card, not "all".
_UNTOUCHED_SINCE_RETURN = Exists(
    AnswerRevision.objects.filter(
        answer=OuterRef("pk"),
        revision=OuterRef("revision"),
        action__in=(
            AnswerRevision.Action.RETURNED,
            AnswerRevision.Action.RETURNED_BY_PROVINCE,
        ),
    )
)
READY = (Q(status=S.RETURNED) & ~Q(_UNTOUCHED_SINCE_RETURN)) | (Q(status=S.DRAFT) & ~Q(value={}))


def ready_to_submit(user: User, assessment: Assessment) -> QuerySet[Answer]:
    """The answers of this assessment the person may edit and that are ready (``READY``)."""
    return _ordered(Answer.objects.for_user(user, A.EDIT).filter(READY, assessment=assessment))


@dataclass
class Readiness:
    """The person's answers of an assessment offered for submitting at once (``READY``), split
    by the submit rule (``actions.submit_refusal``): how many it takes, and how many it would
    refuse as they stand (a required answer or document missing)."""

    assessment_id: int = 0
    cycle: str = ""
    region: str = ""
    ready: int = 0
    incomplete: int = 0


def _readiness(answers: QuerySet[Answer]) -> list[Readiness]:
    """``answers`` (ready by ``READY``) per assessment, newest cycle first, each counted by the
    submit rule. Three queries (the answers with their question and assessment, the questions'
    requirements, the answers' documents in force), whatever their number."""
    links = Prefetch(
        "evidence_links",
        queryset=EvidenceLink.objects.filter(is_active=True).order_by(),
        to_attr="active_links",
    )
    found: dict[int, Readiness] = {}
    for answer in (
        answers.filter(READY)
        .select_related("question", "assessment__cycle", "assessment__region")
        .prefetch_related("question__evidence_requirements", links)
        .order_by("-assessment__cycle__created_at", "assessment_id")
    ):
        assessment = answer.assessment
        counted = found.setdefault(
            assessment.pk, Readiness(assessment.pk, assessment.cycle.name, assessment.region.name)
        )
        if actions.submit_refusal(answer) is None:
            counted.ready += 1
        else:
            counted.incomplete += 1
    return list(found.values())


def readiness(user: User, assessment: Assessment) -> Readiness:
    """How many of the person's ``ready_to_submit`` answers of ``assessment`` the submit rule
    would take, and how many it would refuse. Three queries."""
    found = _readiness(Answer.objects.for_user(user, A.EDIT).filter(assessment=assessment))
    return found[0] if found else Readiness(assessment.pk)


def readiness_in_progress(user: User) -> list[Readiness]:
    """``readiness`` of every self-assessment still in progress where the person has answers
    ready, newest cycle first. Three queries."""
    return _readiness(
        Answer.objects.for_user(user, A.EDIT).filter(
            assessment__status=Assessment.Status.IN_PROGRESS
        )
    )


def _in_scope(
    answers: QuerySet[Answer], *, indicator: int | None, group: int | None
) -> QuerySet[Answer]:
    if indicator is not None:
        answers = answers.filter(question__indicator_id=indicator)
    if group is not None:
        answers = answers.filter(question__indicator__group_id=group)
    return _ordered(answers)


def submitted_in(
    user: User, assessment: Assessment, *, indicator: int | None = None, group: int | None = None
) -> QuerySet[Answer]:
    """The submitted answers of one indicator or one cluster the person may review."""
    return _in_scope(
        Answer.objects.for_user(user, A.MANAGE).filter(assessment=assessment, status=S.SUBMITTED),
        indicator=indicator,
        group=group,
    )


def _each(
    answers: Iterable[Answer], step: Callable[[Answer], Answer], result: BulkResult
) -> BulkResult:
    for answer in answers:
        try:
            step(answer)
        except actions.EvaluationError as error:
            result.refused.append((answer, str(error)))
        else:
            result.done.append(answer)
    return result


def submit_ready(*, actor: User, assessment: Assessment) -> BulkResult:
    """Submit every ready answer of this person's office in this assessment, one by one."""
    return _each(
        list(ready_to_submit(actor, assessment)),
        lambda answer: actions.answer_submit(actor=actor, answer=answer),
        BulkResult(),
    )


def accept_submitted(
    *,
    actor: User,
    assessment: Assessment,
    answers: Iterable[int],
    indicator: int | None = None,
    group: int | None = None,
) -> BulkResult:
    """Accept the answers the administrator saw in the preview (``answers``, by id), one by one.
    Only those of the indicator or cluster previewed that the person may review are taken; one
    the preview listed that is no longer submitted is refused with the rule's reason, never
    accepted silently."""
    chosen = _in_scope(
        Answer.objects.for_user(actor, A.MANAGE).filter(assessment=assessment, pk__in=set(answers)),
        indicator=indicator,
        group=group,
    )
    return _each(
        list(chosen),
        lambda answer: actions.answer_accept(actor=actor, answer=answer),
        BulkResult(),
    )
