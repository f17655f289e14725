"""The work a person takes onto their phone: their items of open assessments that they may
still change, with the questions, options, their current answers and the evidence already
linked. Nothing else about children goes onto the phone: no names, no files, no other
region's data. One fixed set of queries whatever the number of items."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from layak import authz
from layak.accounts.models import User
from layak.core.numbers import format_number
from layak.evaluation.forms import describe_value, shown_number
from layak.evaluation.models import Answer, Assessment, Score, Stage, StageReopening
from layak.evaluation.verification import PREVIOUS
from layak.evidence.models import EvidenceLink
from layak.frameworks.models import Question
from layak.organisations.roles import Role

PACKAGE_LIMIT = 400
"""Items a phone takes at most (an office's share of KLA 2024 is far below)."""


def _stage_open(kind: Any) -> Q:
    """The answer's assessment has stage ``kind`` open now: inside its window, or reopened for
    the region by the ministry (``actions.stage_open_for`` for many answers in one query)."""
    now = timezone.now()
    window = Stage.objects.filter(
        cycle_id=OuterRef("assessment__cycle_id"), kind=kind, opens_at__lte=now, closes_at__gt=now
    )
    reopened = StageReopening.objects.filter(
        assessment_id=OuterRef("assessment_id"), stage__kind=kind, until__gt=now
    )
    return Q(Exists(window)) | Q(Exists(reopened))


def open_items(user: User) -> QuerySet[Answer]:
    """The answers this person may change now, by the rules of ``actions._check_open``: a draft
    or returned answer, not computed, of an assessment not determined, in the self-assessment
    while it is open and not submitted, or sent back by a verifier while that stage is open."""
    self_open = (
        Q(returned_at_stage="")
        & Q(assessment__status=Assessment.Status.IN_PROGRESS)
        & _stage_open(Stage.Kind.SELF_ASSESSMENT)
    )
    sent_back = ~Q(returned_at_stage="") & _stage_open(OuterRef("returned_at_stage"))
    return (
        Answer.objects.for_user(user, authz.Action.EDIT)
        .filter(
            status__in=[Answer.Status.DRAFT, Answer.Status.RETURNED],
            assessment__determined_at__isnull=True,
            question__computed="",
        )
        .filter(self_open | sent_back)
    )


def _loaded(answers: QuerySet[Answer]) -> QuerySet[Answer]:
    return answers.select_related(
        "assessment__cycle", "assessment__region", "question__indicator"
    ).prefetch_related(
        "question__options",
        Prefetch(
            "evidence_links",
            queryset=EvidenceLink.objects.filter(is_active=True).select_related("file"),
            to_attr="active_links",
        ),
    )


def package_answer(pk: int) -> Answer:
    """One answer loaded as ``item`` reads it (after a change was sent)."""
    return _loaded(Answer.objects.filter(pk=pk)).get()


def package(user: User) -> list[dict[str, Any]]:
    """The person's open items, as the phone stores them."""
    answers = _loaded(open_items(user)).order_by(
        "assessment__cycle__created_at",
        "assessment__region__code",
        "question__indicator__group__order",
        "question__indicator__order",
        "question__order",
    )[:PACKAGE_LIMIT]
    return [item(a) for a in answers]


def form_fields(question: Question, value: dict[str, Any]) -> dict[str, Any]:
    """A stored value as the answer form's fields (the names ``forms.raw_from_post`` reads),
    numbers written as the reader writes them."""
    if question.kind in ("single", "yes_no"):
        return {"option": str(value.get("option", ""))}
    if question.kind == "multiple":
        return {"options": [str(o) for o in value.get("options", [])]}
    if question.kind in ("number", "percentage"):
        number = value.get("number")
        return {"number": shown_number(number) if number not in (None, "") else ""}
    if question.kind == "table":
        spec = question.table_spec
        cells = value.get("cells", {})
        return {
            f"cell-{r}-{c}": shown_number(cells[f"{row}|{column}"])
            if f"{row}|{column}" in cells
            else ""
            for r, row in enumerate(spec.get("rows", []))
            for c, column in enumerate(spec.get("columns", []))
        }
    if question.kind == "text":
        return {"text": str(value.get("text", ""))}
    return {}


def item(answer: Answer) -> dict[str, Any]:
    question = answer.question
    assessment = answer.assessment
    return {
        "id": answer.pk,
        "revision": answer.revision,
        "status": answer.get_status_display(),
        "return_reason": answer.return_reason if answer.status == Answer.Status.RETURNED else "",
        "where": f"{assessment.cycle.name} · {assessment.region.name}",
        "indicator": f"{question.indicator.code} {question.indicator.display_name}",
        "code": question.code,
        "text": question.display_text,
        "help": question.help_text,
        "kind": question.kind,
        "options": [{"id": str(o.pk), "label": o.display_label} for o in question.options.all()],
        "rows": question.table_spec.get("rows", []) if question.kind == "table" else [],
        "columns": question.table_spec.get("columns", []) if question.kind == "table" else [],
        "fields": form_fields(question, answer.value or {}),
        "note": answer.note,
        "shown": describe_value(question, answer.value),
        "evidence": [link.file.name for link in getattr(answer, "active_links", [])],
    }


# ---- field verification ------------------------------------------------------------------


def field_items(user: User) -> QuerySet[Answer]:
    """The items an independent assessor verifies on site (Permen PPPA 12/2022, field
    verification): every item of the submitted, undetermined assessments of the districts the
    assessor is assigned to, while their field verification stage is open."""
    paths = [
        path
        for grant in authz.grants(user)
        if grant.role == Role.ASSESSOR and grant.allows(authz.Action.VERIFY)
        for path in grant.paths
    ]
    if not paths:
        return Answer.objects.none()
    within = Q()
    for path in paths:
        within |= Q(assessment__region__path__startswith=path)
    return Answer.objects.filter(
        within,
        assessment__status=Assessment.Status.SUBMITTED,
        assessment__determined_at__isnull=True,
    ).filter(_stage_open(Stage.Kind.FIELD))


def field_package(user: User) -> list[dict[str, Any]]:
    answers = (
        field_items(user)
        .select_related("assessment__cycle", "assessment__region", "question__indicator")
        .prefetch_related("question__options", "scores")
        .order_by(
            "assessment__cycle__created_at",
            "assessment__region__code",
            "question__indicator__group__order",
            "question__indicator__order",
            "question__order",
        )[:PACKAGE_LIMIT]
    )
    return [field_item(a) for a in answers]


def _previous_points(scores: dict[str, Score]) -> Decimal:
    """``verification.points_before`` from the answer's scores already loaded."""
    kind: str | None = PREVIOUS.get(Stage.Kind.FIELD)
    while kind is not None:
        if kind in scores:
            return scores[kind].points
        kind = PREVIOUS.get(kind)
    return Decimal(0)


def field_seen(score: Score | None) -> str:
    """What the phone saw of the field score, to tell a score given meanwhile by someone else."""
    if score is None:
        return ""
    return f"{score.points.normalize():f}|{score.reason}|{score.scored_by_id}"


def field_shown(score: Score | None) -> str:
    if score is None:
        return _("not yet verified")
    shown = f"{score.get_decision_display()}: {format_number(score.points)}"
    return f"{shown} — {score.reason}" if score.reason else shown


def field_item(answer: Answer) -> dict[str, Any]:
    question = answer.question
    assessment = answer.assessment
    scores = {s.stage: s for s in answer.scores.all()}
    mine = scores.get(Stage.Kind.FIELD)
    answer_shown = describe_value(question, answer.value)
    return {
        "id": answer.pk,
        "mode": "field",
        "where": f"{assessment.cycle.name} · {assessment.region.name}",
        "indicator": f"{question.indicator.code} {question.indicator.display_name}",
        "code": question.code,
        "text": question.display_text,
        "help": "",
        "kind": "field",
        "options": [],
        "rows": [],
        "columns": [],
        "answered": f"{answer_shown} — {answer.note}" if answer.note else answer_shown,
        "before": format_number(_previous_points(scores)),
        "max": format_number(question.max_points),
        "seen": field_seen(mine),
        "fields": {
            "decision": ""
            if mine is None
            else ("agree" if mine.decision == "agreed" else "adjust"),
            "points": format_number(mine.points) if mine is not None else "",
            "reason": mine.reason if mine is not None else "",
        },
        "note": "",
        "shown": field_shown(mine),
        "evidence": [],
    }


def field_package_answer(pk: int) -> Answer:
    return (
        Answer.objects.filter(pk=pk)
        .select_related("assessment__cycle", "assessment__region", "question__indicator")
        .prefetch_related("question__options", "scores")
        .get()
    )
