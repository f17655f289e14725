from __future__ import annotations

from decimal import Decimal, InvalidOperation
from functools import cached_property
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import (
    Exists,
    OuterRef,
    Prefetch,
    QuerySet,
)
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from layak import authz
from layak.audit.models import AuditEntry
from layak.core.http import HtmxHttpRequest
from layak.core.numbers import format_points
from layak.core.shapes import Shapes, prefetch_one
from layak.core.statements import KeyedStatements
from layak.dashboards.cache import scope
from layak.evaluation import actions, computed
from layak.evaluation.forms import (
    ReturnForm,
    describe_value,
    raw_from_post,
    shown_number,
    value_from_post,
)
from layak.evaluation.models import Answer, Assessment, Assignment, Score, Stage
from layak.evaluation.querysets import (
    PARTS,
    options_prefetch,
    question_prefetch,
    requirements_prefetch,
)
from layak.evaluation.views.assessments import state_code
from layak.evaluation.views.cards import CardShare, csrf_input
from layak.evaluation.views.common import A, get_answer, user_of
from layak.evidence.models import EvidenceFile, EvidenceLink
from layak.frameworks.models import Question
from layak.frameworks.scoring import OPTION_KINDS, table_ratio, table_totals
from layak.frameworks.templatetags.instrument import in_language

# The documents in force of an answer, as its card lists them.
LINKS = Prefetch(
    "evidence_links",
    queryset=EvidenceLink.objects.filter(is_active=True).select_related("file", "requirement"),
    to_attr="active_links",
)
# What a card shows of its answer besides the question: its documents, points and offices.
ANSWER_PARTS = [
    LINKS,
    Prefetch(
        "scores",
        queryset=Score.objects.filter(stage=Stage.Kind.SELF_ASSESSMENT),
        to_attr="self_scores",
    ),
    # The verifiers' decisions on the item, each stage's points and reason.
    Prefetch(
        "scores",
        queryset=Score.objects.exclude(stage=Stage.Kind.SELF_ASSESSMENT),
        to_attr="verdict_scores",
    ),
    Prefetch(
        "assignments",
        queryset=Assignment.objects.filter(is_active=True).select_related("organisation"),
        to_attr="active_assignments",
    ),
]
ANSWER_PREFETCH = [question_prefetch(), *ANSWER_PARTS]
# The same for the indicator page's answers, read with their question (``select_related``)
# and their offices (``_indicator_listing``): the question's options and the documents it asks
# for (a card computes no points).
CARD_PARTS = [
    options_prefetch("question__options"),
    requirements_prefetch("question__evidence_requirements"),
    *(p for p in ANSWER_PARTS if p.to_attr != "active_assignments"),
]


def _stage_order(score: Score) -> int:
    order = [str(k) for k in (*Stage.ORDER, *Stage.LOWER_ORDER)]
    return order.index(score.stage) if score.stage in order else len(order)


def _card_context(
    user: Any,
    answer: Answer,
    *,
    writable: bool,
    can_review: bool,
    library: list[dict[str, Any]],
    posted: Any = None,
    page: PageFacts | None = None,
    share: CardShare | None = None,
) -> dict[str, Any]:
    """The card of one answer. ``posted``: a refused save's form data, shown again as typed.
    ``page``: what every card of the page shares, read once for the page. ``library``: the
    district's evidence files (the card only asks whether there is any)."""
    if page is None:
        page = PageFacts(answer.assessment, [answer])
    share = share or CardShare()
    links = getattr(answer, "active_links", [])
    question = answer.question
    value = answer.value or {}
    note = answer.note
    if posted is not None:
        value = raw_from_post(question, posted)
        note = posted.get("note", "")
    cells = value.get("cells", {})
    if posted is None:
        # Stored numbers are plain; the form shows them as the reader writes numbers.
        cells = {k: shown_number(v) for k, v in cells.items()}
        if "number" in value:
            value = {**value, "number": shown_number(value["number"])}
    table = None
    if question.kind == Question.Kind.TABLE:
        spec = question.table_spec
        table = {
            "rows": [
                (
                    r,
                    row,
                    [
                        (c, column, cells.get(f"{row}|{column}", ""))
                        for c, column in enumerate(spec.get("columns", []))
                    ],
                )
                for r, row in enumerate(spec.get("rows", []))
            ],
            "columns": spec.get("columns", []),
            "totals": table_totals(spec, cells),
            "ratio": table_ratio(spec, cells),
        }
    editable_status = answer.status in (Answer.Status.DRAFT, Answer.Status.RETURNED)
    chosen = {str(o) for o in value.get("options", [])} | (
        {str(value["option"])} if value.get("option") else set()
    )
    options = []
    if question.kind in OPTION_KINDS:
        # Each option as the card shows it: whether it is chosen, its words, its points.
        with_points = question.kind != Question.Kind.MULTIPLE and question.max_points
        options = [
            (
                str(o.pk),
                str(o.pk) in chosen,
                in_language(o),
                share.points(o.points) if with_points else "",
            )
            for o in question.options.all()
        ]
    points = scores[0].points if (scores := getattr(answer, "self_scores", None)) else 0
    # Each verifier's points and reason, in the order of the stages.
    verdicts = [
        (
            Stage.Kind(s.stage).label,
            share.points(s.points),
            s.get_decision_display(),
            s.reason,
        )
        for s in sorted(getattr(answer, "verdict_scores", ()), key=_stage_order)
    ]
    return {
        "answer": answer,
        # Written as text once: the card names its answer some thirty times.
        "card_id": str(answer.pk),
        "t": share.words,
        "revision": str(answer.revision),
        "question": question,
        "value": value,
        "note": note,
        "chosen": chosen,
        "options": options,
        "table": table,
        "points": points,
        "shown": {"points": share.points(points), "max_points": share.points(question.max_points)}
        if question.max_points
        else {},
        "verdicts": verdicts,
        # Beside a verifier's points, the card's own are named as the self-assessment's.
        "self_label": Stage.Kind.SELF_ASSESSMENT.label if verdicts else "",
        "links": links,
        "urls": share.card(answer, links),
        # The offices the page read with its list (``offices``), or those read with the card.
        "assigned": getattr(answer, "offices", None)
        or [a.organisation for a in getattr(answer, "active_assignments", [])],
        # A computed answer is never typed, but it carries the evidence its question asks for.
        "writable": writable and editable_status and not question.computed,
        "evidence_writable": writable and editable_status,
        "can_submit": writable and editable_status,
        "can_review": can_review,
        "library": library,
        "missing_evidence": actions.missing_evidence(answer)
        if writable and editable_status
        else [],
        "computed_year": page.year
        if question.computed in (Question.Computed.MEETINGS, Question.Computed.PARTNERS)
        else None,
        "prefill": _prefill(answer, page) if writable and editable_status else None,
    }


def _offers_prefill(question: Question) -> bool:
    return not question.computed and question.kind in (
        Question.Kind.PERCENTAGE,
        Question.Kind.NUMBER,
    )


class PageFacts:
    """What the cards of one page share, read once for the page: the year the cycle evaluates
    (one query, when a card needs it), and the codes of the page's questions that an
    indicator of the district's data is linked to (one query, when a card offers its data)."""

    def __init__(self, assessment: Assessment, answers: list[Answer]) -> None:
        from layak.indicators.models import Indicator as DataIndicator

        self.assessment = assessment
        codes = {a.question.code for a in answers if _offers_prefill(a.question)}
        self.linked: set[str] = (
            set(
                DataIndicator.objects.active()
                .filter(question_code__in=codes)
                .order_by()
                .values_list("question_code", flat=True)
            )
            if codes
            else set()
        )

    @cached_property
    def year(self) -> int:
        return computed.evaluated_year(self.assessment)


def _prefill(answer: Answer, page: PageFacts) -> dict[str, Any] | None:
    """The district's own indicator data offered for a percentage or number question linked to
    an indicator (the year before the cycle opens), with the page that shows the source."""
    question = answer.question
    if not _offers_prefill(question) or question.code not in page.linked:
        return None
    from layak.indicators.prefill import prefill_for

    year = page.year
    found = prefill_for(question.code, answer.assessment.region, year)
    if found is None:
        return None
    value, url = found
    try:
        same = Decimal(str(answer.value.get("number", ""))) == value
    except (InvalidOperation, ValueError):
        same = False
    return {"value": value, "url": url, "year": year, "same": same}


def _state(
    user: Any,
    assessment: Assessment,
    editing: Answer | None = None,
    self_open: bool | None = None,
    library_names: bool = True,
    among: list[Answer] | None = None,
) -> dict[str, Any]:
    """What this person may do now: change their answers while the self-assessment is open, or,
    during the province stage, the answers the province verifier sent back. ``editing``: the one
    answer of a card that this person was just allowed to change (``A.EDIT``), so whether it
    is theirs to change now follows from the stage without reading the answers again.
    ``among``: the answers of a page, each read with whether this person may change it
    (``may_edit``): likewise not read again.
    ``self_open``: whether the self-assessment is open, when the request has just checked it.
    ``library_names``: the district's evidence files by name for the picker; otherwise only
    whether there is one (what a card alone shows)."""
    if self_open is None:
        self_open = assessment.status == Assessment.Status.IN_PROGRESS and actions.stage_open_for(
            assessment, Stage.Kind.SELF_ASSESSMENT
        )
    back = Stage.order_for(assessment.cycle.instrument.framework.region_level)[1]
    province_open = not self_open and actions.stage_open_for(assessment, back)
    if editing is not None or among is not None:
        editable = {
            a.pk
            for a in ([editing] if editing is not None else among or [])
            if (a is editing or a.may_edit)  # type: ignore[attr-defined]
            and (self_open or (province_open and a.returned_at_stage == back))
        }
    else:
        mine = Answer.objects.for_user(user, A.EDIT).filter(assessment=assessment)
        if not self_open:
            mine = mine.filter(returned_at_stage=back) if province_open else mine.none()
        # Unordered: Answer's own ordering would join six tables only to sort a set.
        editable = set(mine.order_by().values_list("pk", flat=True))
    # The library's statement depends only on the reader's grants and the district: compiled
    # once for them.
    library = [
        {"pk": pk, "name": name}
        for pk, name in _LIBRARIES.rows(
            (scope(user), assessment.region_id, library_names),
            lambda: _library(user, assessment, library_names),
        )
    ]
    return {
        "open": self_open or province_open,
        "self_open": self_open,
        "province_open": province_open,
        "admin": authz.reaches(user, A.MANAGE, assessment.region),
        "editable": editable,
        "library": library,
    }


_LIBRARIES = KeyedStatements()


def _library(user: Any, assessment: Assessment, names: bool) -> QuerySet[Any]:
    """The district's evidence files the reader sees: by name for the picker (``names``), or
    only whether there is one. Only what the picker shows of each file: no model instance."""
    library = EvidenceFile.objects.for_user(user, A.VIEW).filter(region=assessment.region_id)
    if names:
        return library.order_by("name").values_list("pk", "name")[:200]
    return library.order_by().values_list("pk", "name")[:1]


# The event a card's response raises when its answer changed state: the indicator page's
# counts of items by state listen for it and are drawn again.
STATES_CHANGED = "answer-states-changed"


def _may_review(state: dict[str, Any], answer: Answer) -> bool:
    if not state["admin"]:
        return False
    return bool(state["self_open"] or (state["province_open"] and bool(answer.returned_at_stage)))


def _card(
    request: HttpRequest,
    answer_pk: int,
    *,
    message: str = "",
    error: str = "",
    mine: str = "",
    field_error: str = "",
    posted: Any = None,
    saved: Answer | None = None,
    moved: bool = False,
) -> HttpResponse:
    """One answer's card. ``saved``: the answer this person has just saved (allowed to change
    it), as the save left it, with its question's options and score bands: only what the card
    shows besides is read. ``moved``: the answer changed state (filled in, submitted, accepted,
    returned): the page's counts of items by state are drawn again (``STATES_CHANGED``)."""
    user = user_of(request)
    if saved is not None:
        answer = saved
        # The points the save has just set (``self_score``) are not read again.
        score = getattr(saved, "self_score", None)
        if score is not None:
            answer.self_scores = [score]  # type: ignore[attr-defined]
        if not saved.returned_at_stage and (
            answer.assessment.status == Assessment.Status.IN_PROGRESS
        ):
            # No verifier has scored an item of a self-assessment not yet submitted.
            answer.verdict_scores = []  # type: ignore[attr-defined]
        # Nor the documents the save read (``active_links``): ``prefetch_one`` reads only
        # what the answer does not hold yet.
        for part in ANSWER_PARTS:
            prefetch_one(PARTS, part.to_attr, answer, part)
        prefetch_one(PARTS, "requirements", answer.question, requirements_prefetch())
    else:
        answer = (
            Answer.objects.filter(pk=answer_pk)
            .select_related(
                "assessment__region", "assessment__cycle__instrument__framework", "updated_by"
            )
            .prefetch_related(*ANSWER_PREFETCH)
            .get()
        )
    # A save of an answer not sent back has just found the self-assessment open (and the
    # assessment not submitted, the only other status).
    # An upload sends the library again with the new file (below); otherwise the card only
    # asks whether the library has any file.
    uploading = bool(
        request.resolver_match and request.resolver_match.view_name == "evidence:upload"
    )
    state = _state(
        user,
        answer.assessment,
        editing=saved,
        self_open=True if saved is not None and not saved.returned_at_stage else None,
        library_names=uploading,
    )
    context = _card_context(
        user,
        answer,
        writable=answer.pk in state["editable"],
        can_review=_may_review(state, answer),
        library=state["library"],
        posted=posted,
        share=CardShare(),
    )
    context.update(
        {
            "message": message,
            "error": error,
            "mine": mine,
            "field_error": field_error,
            "assessment": answer.assessment,
        }
    )
    context["previous"] = actions.previous_cycles([answer]).get(answer.pk)
    context["csrf_input"] = csrf_input(request)
    response = render(request, "evaluation/_answer_card.html", context)
    if moved:
        response["HX-Trigger"] = STATES_CHANGED
    if uploading:
        # The uploaded file joins the library: every card's picker on the page offers it.
        response.content += render_to_string(
            "evaluation/_library_options.html", {"library": state["library"], "oob": True}
        ).encode()
    return response


def _back(request: HtmxHttpRequest, answer: Answer, **kwargs: Any) -> HttpResponse:
    if request.htmx or kwargs.get("posted") is not None:
        # A refused save is shown again with what was typed (also without JavaScript).
        if not request.htmx:
            kwargs.pop("saved", None)
            kwargs.pop("moved", None)
        from layak.evaluation.views.indicator import _card_page

        return (
            _card_page(request, answer, **kwargs)
            if not request.htmx
            else _card(request, answer.pk, **kwargs)
        )
    if kwargs.get("error"):
        messages.error(request, kwargs["error"])
    elif kwargs.get("message"):
        messages.success(request, kwargs["message"])
    page = reverse(
        "evaluation:indicator", args=[answer.assessment_id, answer.question.indicator_id]
    )
    # Back to the page of the indicator that holds the answer, the filter it was under kept.
    came_from = urlsplit(request.headers.get("Referer", ""))
    kept = parse_qsl(came_from.query) if came_from.path == page else []
    query = urlencode([(k, v) for k, v in kept if k not in ("page", "at")] + [("at", answer.pk)])
    return redirect(f"{page}?{query}#answer-{answer.pk}")


def _with_options(answer: Answer) -> Question:
    """The answer's question (already loaded with it) with its options, read once for the
    request: the form's check, the save's own check and its score, and the words of a value."""
    if answer.question.kind in OPTION_KINDS:
        prefetch_one(PARTS, "options", answer.question, options_prefetch())
    return answer.question


def _save_posted(
    request: HtmxHttpRequest, user: Any, answer: Answer, *, locked: bool = False
) -> HttpResponse | Answer:
    """Save the answer form's fields from the request; a response when the save is refused
    (what was typed shown again beside its message), the answer as saved otherwise.
    ``locked``: ``answer`` was read locked in this transaction (``_answer_to_change``)."""
    question = _with_options(answer)
    value, errors = value_from_post(question, request.POST)
    if errors:
        return _back(request, answer, field_error=" ".join(errors), posted=request.POST)
    note = request.POST.get("note", "").strip()
    try:
        revision = int(request.POST.get("revision", "-1"))
        saved = actions.answer_save(
            actor=user, answer=answer, value=value, note=note, revision=revision, locked=locked
        )
    except actions.AnswerConflict as exc:
        # Their version goes into the form; what this person typed is shown beside it, note
        # included, to be applied again.
        mine = describe_value(question, value)
        if note:
            mine = f"{mine} — {_('note')}: {note}"
        return _back(request, answer, error=str(exc), mine=mine)
    except actions.AnswerInvalid as exc:
        return _back(request, answer, field_error=str(exc), posted=request.POST)
    except (actions.EvaluationError, ValueError) as exc:
        return _back(request, answer, error=str(exc), posted=request.POST)
    saved.assessment = answer.assessment  # read with the answer, with its instrument
    return saved


def _unchanged(answer: Answer, request: HttpRequest) -> bool:
    """Whether the answer form sent along holds what is stored (an autosave already wrote it)."""
    question = _with_options(answer)
    value, errors = value_from_post(question, request.POST)
    if errors:
        return False
    from layak.evaluation.forms import ValueInvalid, validate_value

    try:
        value = validate_value(question, value)
    except ValueInvalid:
        return False
    return bool(answer.value == value and answer.note == request.POST.get("note", "").strip())


_TO_CHANGE = Shapes()


def _answer_to_change(user: Any, pk: int) -> Answer:
    """``get_answer(user, pk, A.EDIT)`` in one query: the answer this person sees (404
    otherwise), read with whether they may change it (403 otherwise), locked for the change
    (inside the caller's transaction)."""

    def build(pk: int) -> Any:
        return (
            Answer.objects.select_for_update(of=("self",))
            .select_related(
                "assessment__region",
                "assessment__cycle__instrument__framework",
                "question__indicator",
                "updated_by",
            )
            .for_user(user, A.VIEW)
            .annotate(
                may_edit=Exists(Answer.objects.for_user(user, A.EDIT).filter(pk=OuterRef("pk")))
            )
            .filter(pk=pk)
        )

    # Compiled once per set of grants: the statement depends on nothing else.
    found = _TO_CHANGE.fetch(authz.scope_key(user), build, pk)
    if not found:
        raise Http404
    answer: Answer = found[0]
    if not answer.may_edit:  # type: ignore[attr-defined]
        raise PermissionDenied
    return answer


@login_required
@require_POST
def answer_save(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    with transaction.atomic():
        # The answer is read once, locked, with the documents in force: the save counts them
        # for its points and the card lists them.
        answer = _answer_to_change(user, pk)
        prefetch_one(PARTS, LINKS.to_attr, answer, LINKS)
        before = state_code(answer.status, answer.value)
        saved = _save_posted(request, user, answer, locked=True)
    if isinstance(saved, HttpResponse):
        return saved  # refused
    moved = state_code(saved.status, saved.value) != before
    return _back(request, saved, message=_("Saved."), saved=saved, moved=moved)


def _transition(request: HtmxHttpRequest, pk: int, name: str) -> HttpResponse:
    user = user_of(request)
    if name in ("accept", "return"):
        answer = get_answer(user, pk)
        authz.require(user, A.MANAGE, authz.reaches(user, A.MANAGE, answer.assessment.region))
    else:
        answer = get_answer(user, pk, A.EDIT)
    if name == "submit" and "revision" in request.POST and not _unchanged(answer, request):
        # The submit button sends the answer form along: what was typed a moment ago (before
        # the autosave went) is saved first, through the same checks, then submitted.
        refused = _save_posted(request, user, answer)
        if isinstance(refused, HttpResponse):
            return refused
        answer.refresh_from_db()
    try:
        if name == "submit":
            actions.answer_submit(actor=user, answer=answer)
            done = _("Submitted to the district administrator.")
        elif name == "accept":
            back_to_verifier = bool(answer.returned_at_stage)
            actions.answer_accept(actor=user, answer=answer)
            done = (
                _("Accepted; it goes back to the verifier, who checks it again.")
                if back_to_verifier
                else _("Accepted.")
            )
        elif name == "return":
            form = ReturnForm(request.POST)
            reason = form.data.get("reason", "")
            actions.answer_return(actor=user, answer=answer, reason=str(reason))
            done = _("Returned to the office.")
        else:
            actions.answer_reuse_previous(actor=user, answer=answer)
            done = _("Last cycle's answer and evidence have been taken over.")
    except actions.EvaluationError as exc:
        return _back(request, answer, error=str(exc))
    return _back(request, answer, message=done, moved=True)


@login_required
@require_POST
def answer_submit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return _transition(request, pk, "submit")


@login_required
@require_POST
def answer_accept(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return _transition(request, pk, "accept")


@login_required
@require_POST
def answer_return(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return _transition(request, pk, "return")


@login_required
@require_POST
def answer_reuse(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return _transition(request, pk, "reuse")


@login_required
def answer_history(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    answer = get_answer(user, pk)
    question = _with_options(answer)
    revisions = [
        (r, describe_value(question, r.value_before), describe_value(question, r.value_after))
        for r in answer.revisions.select_related("author").order_by("-revision", "-pk")
    ]
    # The verifiers' decisions, newest first, from their audit entries: each stage's points,
    # the level's before it and the reason, every change of a decision included.
    verdicts = []
    for entry in (
        AuditEntry.objects.for_object(answer)
        .filter(action__in=("score.agreed", "score.adjusted"))
        .select_related("actor")
    ):
        after = entry.after or {}
        stage = str(after.get("stage", ""))
        verdicts.append(
            {
                "entry": entry,
                "stage": Stage.Kind(stage).label if stage in Stage.Kind.values else stage,
                "decision": Score.Decision(entry.action.split(".", 1)[1]).label,
                "points": format_points(_decimal(after.get("points"))),
                "before": format_points(_decimal(after.get("previous_level"))),
                "reason": after.get("reason", ""),
            }
        )
    return render(
        request,
        "evaluation/history.html",
        {"answer": answer, "question": question, "revisions": revisions, "verdicts": verdicts},
    )


def _decimal(text: Any) -> Decimal | None:
    try:
        return Decimal(str(text)) if text not in (None, "") else None
    except InvalidOperation:
        return None


def __getattr__(name: str) -> Any:
    """The indicator page's view and page size, kept here for the addresses naming them (the
    page itself is ``layak.evaluation.views.indicator``)."""
    if name in ("indicator_form", "INDICATOR_PAGE"):
        from layak.evaluation.views import indicator

        return getattr(indicator, name)
    raise AttributeError(name)
