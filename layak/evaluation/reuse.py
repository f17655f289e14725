"""Last cycle's answer to the same question (or to the question of the previous instrument
version it continues): found for each card that offers it, and taken over with its evidence
when the district chooses to reuse it."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet, Subquery
from django.utils.translation import gettext as _

from layak.accounts.models import User
from layak.audit.log import record
from layak.core.shapes import Shapes
from layak.evaluation.actions import (
    EvaluationError,
    _check_may_edit,
    _check_open,
    _lock,
    _rescore,
    _revise,
    locked_message,
)
from layak.evaluation.models import Answer, Cycle
from layak.frameworks.models import Question

S = Answer.Status


def previous_answer(answer: Answer) -> Answer | None:
    """Last cycle's answer of this district to this question, or to the question of the
    previous instrument version it continues."""
    return previous_answers([answer]).get(answer.pk)


def _earlier(answers: list[Answer]) -> tuple[dict[int, list[int | None]], QuerySet[Answer]]:
    """The questions each answer's previous answer may be to (its own, the one it continues),
    and the district's earlier answered answers to them, the newest first."""
    assessment = answers[0].assessment
    wanted, questions = _wanted(answers)
    return wanted, _earlier_answers(
        assessment.region_id, assessment.pk, assessment.cycle_id, *questions
    )


def _wanted(answers: list[Answer]) -> tuple[dict[int, list[int | None]], list[int]]:
    """Per answer, the questions its previous answer may be to (its own, the one it
    continues), and all of them, in order."""
    wanted = {a.pk: [a.question_id, a.question.previous_id] for a in answers}
    return wanted, sorted({q for pair in wanted.values() for q in pair if q})


def _earlier_answers(region: int, assessment: int, cycle: int, *questions: int) -> QuerySet[Answer]:
    """The region's answered answers to ``questions`` in cycles started before ``cycle``, other
    than ``assessment``'s, the newest first."""
    started = Cycle.objects.filter(pk=cycle).values("created_at")[:1]
    return (
        Answer.objects.filter(
            question_id__in=questions,
            assessment__region_id=region,
            assessment__cycle__created_at__lt=Subquery(started),
        )
        .exclude(assessment_id=assessment)
        .exclude(value={})
        .order_by("-assessment__cycle__created_at", "-pk")
    )


def _newest(
    wanted: dict[int, list[int | None]], latest: dict[int, Any], when: Any
) -> dict[int, Any]:
    """Per answer, the newest (``when``) of the previous answers found for its questions."""
    found: dict[int, Any] = {}
    for pk, pair in wanted.items():
        candidates = [latest[q] for q in pair if q in latest]
        if candidates:
            found[pk] = max(candidates, key=when)
    return found


def previous_answers(answers: list[Answer]) -> dict[int, Answer]:
    """``previous_answer`` for answers of one assessment, in one query."""
    if not answers:
        return {}
    wanted, earlier = _earlier(answers)
    latest: dict[int, Answer] = {}
    for old in earlier.select_related("assessment__cycle"):
        latest.setdefault(old.question_id, old)  # the newest per question
    return _newest(wanted, latest, lambda a: a.assessment.cycle.created_at)


# The previous cycles' statement, compiled once per number of questions (``layak.core.shapes``).
_EARLIER = Shapes(size=16)


def previous_cycles(answers: list[Answer]) -> dict[int, str]:
    """The name of the cycle of each answer's ``previous_answer`` (what its card says), in one
    query of rows."""
    if not answers:
        return {}
    assessment = answers[0].assessment
    wanted, questions = _wanted(answers)
    latest: dict[int, tuple[Any, str]] = {}
    rows = _EARLIER.fetch(
        "cycles",
        lambda *values: _earlier_answers(*values).values_list(
            "question_id", "assessment__cycle__created_at", "assessment__cycle__name"
        ),
        assessment.region_id,
        assessment.pk,
        assessment.cycle_id,
        *questions,
    )
    for question, created, name in rows:
        latest.setdefault(question, (created, name))  # the newest per question
    return {pk: row[1] for pk, row in _newest(wanted, latest, lambda row: row[0]).items()}


@transaction.atomic
def answer_reuse_previous(*, actor: User, answer: Answer) -> Answer:
    """Take last cycle's answer and its evidence (the same files, no new upload)."""
    from layak.evidence.models import EvidenceLink

    answer = _lock(answer, editor=actor)
    _check_open(answer)
    _check_may_edit(actor, answer)
    if answer.status not in (S.DRAFT, S.RETURNED):
        raise EvaluationError(locked_message())
    if answer.question.computed:
        raise EvaluationError(
            _("This answer is computed by Layak from the records it comes from; it is not typed.")
        )
    old = previous_answer(answer)
    if old is None:
        raise EvaluationError(_("There is no answer from an earlier cycle to reuse."))
    option_map = _option_map(old.question, answer.question)
    value = _translate_value(old.value, option_map)
    before = {"value": answer.value, "note": answer.note}
    answer.value = value
    answer.note = old.note
    _revise(answer, actor=actor, action="reused", before=before["value"], fields=["value", "note"])
    requirements = {r.name: r.pk for r in answer.question.evidence_requirements.all()}
    linked = set(answer.evidence_links.filter(is_active=True).values_list("file_id", flat=True))
    for link in old.evidence_links.filter(is_active=True).select_related("requirement"):
        if link.file_id in linked:
            continue
        EvidenceLink.objects.create(
            answer=answer,
            file_id=link.file_id,
            requirement_id=requirements.get(link.requirement.name) if link.requirement else None,
            linked_by=actor,
        )
    score = _rescore(answer, actor)
    record(
        actor=actor,
        action="answer.reused",
        obj=answer,
        region=answer.assessment.region,
        before=before,
        after={"value": value, "from_answer": old.pk, "points": str(score.points)},
    )
    return answer


def _option_map(old: Question, new: Question) -> dict[str, str]:
    new_by_label = {o.label: str(o.pk) for o in new.options.all()}
    return {str(o.pk): new_by_label[o.label] for o in old.options.all() if o.label in new_by_label}


def _translate_value(value: dict[str, Any], option_map: dict[str, str]) -> dict[str, Any]:
    value = dict(value)
    if "option" in value:
        value["option"] = option_map.get(str(value["option"]))
        if value["option"] is None:
            del value["option"]
    if "options" in value:
        value["options"] = [option_map[str(o)] for o in value["options"] if str(o) in option_map]
    return value


# ---- the whole self-assessment ----------------------------------------------------------
