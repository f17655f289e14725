"""The indicator page: one indicator's questions with their answers, evidence and workflow.

Its cards are drawn once per data version of the district (``listing.stamp_key``, as the
verification page keeps its cards): the drawn HTML of the shown cards is kept under a key made
of the district's data stamp, the reader's language and grants, the shown answers, what the
reader may do with each of them now (change it, review it: the stage's window and the reader's
assignments decide), whether the district's evidence library has a file the reader sees, and
the time zone. Every change a card shows (an answer saved, submitted, accepted or returned,
evidence attached, an office given the item, a message in its discussion, a window changed)
writes an audit entry for the region, so it moves the stamp; what the clock alone changes (a
window opening or closing) is in the key. The request's own CSRF field goes where a marker
stands. A card showing a refused save with what was typed is never kept.
"""

from __future__ import annotations

from collections import defaultdict
from types import SimpleNamespace
from typing import Any, NamedTuple

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet, Value
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from layak import authz
from layak.core.http import parse_id
from layak.core.shapes import Shapes
from layak.core.statements import KeyedStatements
from layak.dashboards import cache as dashboard_cache
from layak.evaluation import actions
from layak.evaluation import listing as kept
from layak.evaluation.models import Answer, Assessment, Assignment
from layak.evaluation.views.answers import (
    CARD_PARTS,
    PageFacts,
    _card_context,
    _may_review,
    _state,
)
from layak.evaluation.views.assessments import (
    NO_OFFICE,
    STATUS_FILTERS,
    AnswerFilter,
    state_code,
)
from layak.evaluation.views.cards import CardShare
from layak.evaluation.views.common import A, get_assessment, user_of
from layak.frameworks.models import Indicator

CSRF_MARK = "<!--csrf-field-->"
"""Where the kept cards take the request's own CSRF field (text typed by people is escaped, so
it never holds this)."""


@login_required
def indicator_form(request: HttpRequest, pk: int, indicator: int) -> HttpResponse:
    """One indicator's questions with their answers, evidence and workflow."""
    return _indicator_page(request, pk, indicator)


def _card_page(request: HttpRequest, answer: Answer, **card: Any) -> HttpResponse:
    """The indicator page after a refused save without JavaScript: the card keeps what was
    typed, with the message beside it."""
    return _indicator_page(
        request, answer.assessment_id, answer.question.indicator_id, card_of=(answer.pk, card)
    )


INDICATOR_PAGE = 15
"""Questions per page of an indicator (KL-1 of KLA 2024 has 63)."""


class Office(NamedTuple):
    """An office given an answer, as its card names it."""

    acronym: str
    name: str


class Listing(NamedTuple):
    """The indicator page's list (``_indicator_listing``)."""

    choices: dict[str, Any]
    listed: list[int]
    may_edit: dict[int, bool]
    offices: dict[int, list[Office]]
    returned: dict[int, str]


_LISTINGS = KeyedStatements()
_SHAPES = Shapes()
"""The listing's statement (``_indicator_listing``), compiled once per reader's grants,
assessment, indicator and searched text: it depends on nothing else."""


_OFFICES = KeyedStatements()


def _indicator_listing(
    user: Any,
    answer_filter: AnswerFilter,
    visible: QuerySet[Answer],
    key: tuple[tuple[Any, ...], int, int],
) -> Listing | None:
    """The indicator's visible answers as the filter lists them, in the instrument's order,
    with the filter's choices and their counts (``AnswerFilter.choices``: the status counts
    follow the office filter, the office counts the status filter), whether the reader may
    change each answer, the stage that sent each back and the offices given each. Two
    queries of rows (the answers, their offices), whatever the filter; None when the reader
    sees none of the indicator's answers. ``key``: what decides ``visible`` (the reader's
    grants, the assessment and the indicator), under which its statement is compiled once."""
    text = answer_filter.text

    def build() -> QuerySet[Any]:
        return (
            visible.order_by("question__order", "pk")
            .annotate(
                may_edit=Exists(Answer.objects.for_user(user, A.EDIT).filter(pk=OuterRef("pk"))),
                matches=ExpressionWrapper(
                    Q(question__code__icontains=text) | Q(question__text__icontains=text),
                    output_field=BooleanField(),
                )
                if text
                else Value(True),
                # A draft nobody has answered yet, as the assessment page counts it.
                empty=ExpressionWrapper(STATUS_FILTERS["empty"][1], output_field=BooleanField()),
            )
            .values_list("pk", "status", "empty", "matches", "may_edit", "returned_at_stage")
        )

    read = _LISTINGS.rows((*key, text), build)
    if not read:
        return None
    seen = {row[0] for row in read}
    offices_of: dict[int, list[tuple[int, str]]] = defaultdict(list)
    offices: dict[int, list[Office]] = defaultdict(list)
    names: dict[int, str] = {}
    # The offices given the indicator's answers in the assessment (those of answers the reader
    # does not see are passed over): a statement compiled once per indicator and assessment.
    _scope, assessment_id, indicator_id = key
    for answer_id, organisation_id, acronym, name in _OFFICES.rows(
        (assessment_id, indicator_id),
        lambda: (
            Assignment.objects.filter(
                is_active=True,
                answer__assessment_id=assessment_id,
                answer__question__indicator_id=indicator_id,
            )
            .order_by("pk")
            .values_list(
                "answer_id", "organisation_id", "organisation__acronym", "organisation__name"
            )
        ),
    ):
        if answer_id not in seen:
            continue
        offices_of[answer_id].append((organisation_id, acronym or name))
        offices[answer_id].append(Office(acronym, name))
        names[organisation_id] = name
    office, status = answer_filter.office, answer_filter.status
    only_mine = answer_filter.mine and answer_filter.mine_items is not None

    def by_office(pk: int) -> bool:
        if office == NO_OFFICE:
            return not offices_of.get(pk)
        return office is None or any(o[0] == office for o in offices_of.get(pk, ()))

    by_status = dict.fromkeys(["all", *STATUS_FILTERS], 0)
    office_counts: dict[int, tuple[str, set[int]]] = {}
    office_none = 0
    listed: list[int] = []
    may_edit: dict[int, bool] = {}
    returned: dict[int, str] = {}
    for pk, answer_status, empty, matches, editable, returned_at_stage in read:
        may_edit[pk] = bool(editable)
        returned[pk] = returned_at_stage
        state = "empty" if empty else state_code(answer_status, None)
        # Every office given a visible item is offered, with the items the other filters keep.
        for organisation_id, label in offices_of.get(pk, ()):
            office_counts.setdefault(organisation_id, (label, set()))
        if not matches or (only_mine and not editable):
            continue
        if by_office(pk):
            by_status["all"] += 1
            if state is not None:
                by_status[state] += 1
        if status and state != status:
            continue
        for organisation_id, _label in offices_of.get(pk, ()):
            office_counts[organisation_id][1].add(pk)
        if not offices_of.get(pk):
            office_none += 1
        if by_office(pk):
            listed.append(pk)
    choices = answer_filter.choices_of(
        by_status,
        [
            (str(pk), label, len(ids))
            for pk, (label, ids) in sorted(office_counts.items(), key=lambda item: names[item[0]])
        ],
        office_none,
    )
    return Listing(choices, listed, may_edit, offices, returned)


def _indicator_page(
    request: HttpRequest,
    pk: int,
    indicator: int,
    card_of: tuple[int, dict[str, Any]] | None = None,
) -> HttpResponse:
    """The indicator's questions the reader sees, filtered like the assessment page's list
    (status, office, text, and the reader's own items) and paged, with the evidence library
    given once for the page. A fixed number of queries whatever the indicator's size; the
    cards, kept (``_cards``), read none."""
    user = user_of(request)
    assessment = get_assessment(user, pk)
    found = _SHAPES.fetch(
        "indicator",
        lambda pk, version: Indicator.objects.select_related("group").filter(
            pk=pk, version_id=version
        )[:2],
        int(indicator),
        assessment.cycle.instrument_id,
    )
    if len(found) != 1:
        raise Http404
    ind: Indicator = found[0]
    visible = Answer.objects.for_user(user, A.VIEW).filter(
        assessment=assessment, question__indicator=ind
    )
    admin = authz.reaches(user, A.MANAGE, assessment.region)
    # The reader's own items are offered to whoever does not manage the district; which
    # they are is read with the rows (``may_edit``).
    answer_filter = AnswerFilter(request, mine=visible if not admin else None)
    scope = dashboard_cache.scope(user)
    listing = _indicator_listing(user, answer_filter, visible, (scope, assessment.pk, ind.pk))
    if listing is None:
        return render(request, "404.html", status=404)
    choices, listed = listing.choices, listing.listed
    # A link to one question (``?at=``, or a refused save without JavaScript) opens the page
    # that holds it.
    at = card_of[0] if card_of is not None else parse_id(request.GET.get("at"))
    number: Any = request.GET.get("page")
    if at is not None and not number:
        number = listed.index(at) // INDICATOR_PAGE + 1 if at in listed else 1
    page = Paginator(listed, INDICATOR_PAGE).get_page(number)
    shown: list[int] = list(page.object_list)
    # What the reader may do with each shown answer, from the rows the listing read.
    rows = [
        SimpleNamespace(
            pk=pk, may_edit=listing.may_edit[pk], returned_at_stage=listing.returned[pk]
        )
        for pk in shown
    ]
    state = _state(user, assessment, among=rows)  # type: ignore[arg-type]
    return render(
        request,
        "evaluation/indicator.html",
        {
            **choices,
            "assessment": assessment,
            "indicator": ind,
            "cards_html": _cards(request, assessment, shown, listing, state, scope, card_of),
            "page": page,
            "offer_mine": answer_filter.mine_items is not None,
            "library": state["library"],
            "stage_open": state["open"],
        },
    )


def _cards(
    request: HttpRequest,
    assessment: Assessment,
    shown: list[int],
    listing: Listing,
    state: dict[str, Any],
    scope: tuple[Any, ...],
    card_of: tuple[int, dict[str, Any]] | None,
) -> SafeString:
    """The shown answers' cards, drawn; kept for the district's data version and what decides
    the reader's forms, unless one card shows a refused save (``card_of``)."""
    user = user_of(request)
    special_pk, special = card_of or (None, {})

    def build() -> dict[str, Any]:
        # The page's answers are read once, whole, with what their cards show.
        place = {pk: n for n, pk in enumerate(shown)}
        answers: list[Answer] = sorted(
            Answer.objects.filter(pk__in=shown)
            .order_by()
            .select_related("updated_by", "question")
            .prefetch_related(*CARD_PARTS),
            key=lambda a: place[a.pk],
        )
        for a in answers:
            a.offices = listing.offices.get(a.pk, [])  # type: ignore[attr-defined]
            a.assessment = assessment  # already loaded; saves a query per card
        # Only a card open for writing offers last cycle's answer or the district's data.
        open_cards = [
            a
            for a in answers
            if a.pk in state["editable"]
            and a.status in (Answer.Status.DRAFT, Answer.Status.RETURNED)
        ]
        previous = actions.previous_cycles([a for a in open_cards if not a.question.computed])
        facts = PageFacts(assessment, open_cards)
        share = CardShare()
        csrf = mark_safe(CSRF_MARK)  # noqa: S308 - a constant
        cards = [
            _card_context(
                user,
                a,
                writable=a.pk in state["editable"],
                can_review=_may_review(state, a),
                library=state["library"],
                posted=special.get("posted") if a.pk == special_pk else None,
                page=facts,
                share=share,
            )
            | {"previous": previous.get(a.pk), "csrf_input": csrf}
            | ({k: v for k, v in special.items() if k != "posted"} if a.pk == special_pk else {})
            for a in answers
        ]
        drawn = render_to_string(
            "evaluation/_indicator_cards.html",
            {"cards": cards, "assessment": assessment, "request": request},
        )
        return {"html": drawn}

    html: str
    if card_of is not None:
        html = build()["html"]
    else:
        parts = (
            tuple(shown),
            tuple(sorted(state["editable"])),
            state["admin"],
            state["self_open"],
            state["province_open"],
            bool(state["library"]),
            timezone.get_current_timezone_name(),
        )
        key = kept.stamp_key(assessment, ("indicator", scope))
        html = kept.kept_at(f"{key}:cards:{parts!r}", build)["html"]
    field = format_html(
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request)
    )
    return mark_safe(html.replace(CSRF_MARK, field))  # noqa: S308 - drawn escaped
