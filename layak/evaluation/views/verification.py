from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, FilteredRelation, Max, Prefetch, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from layak import authz
from layak.accounts.models import User
from layak.core.http import HtmxHttpRequest, parse_id
from layak.core.numbers import NumberError, parse_number
from layak.core.shapes import Shapes
from layak.dashboards import cache as dashboard_cache
from layak.evaluation import (
    gaps,
    listing,
    verification,
    verifier_discussions,
    verifier_scores,
)
from layak.evaluation.actions import EvaluationError
from layak.evaluation.forms import describe_value
from layak.evaluation.models import Answer, Assessment, Score, Stage
from layak.evaluation.querysets import options_prefetch
from layak.evaluation.scores import results
from layak.evaluation.views.common import A, get_answer, get_assessment, user_of
from layak.evidence.models import EvidenceLink
from layak.frameworks.models import Indicator
from layak.reports.versions import data_stamp

K = Stage.Kind


def _stage(value: str) -> str:
    if value not in verification.VERIFICATION_STAGES:
        raise Http404
    return value


_QUEUE = Shapes()


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """Districts waiting for this verifier: submitted self-assessments in a cycle whose
    verification stage is open, with how many items are verified."""
    user = user_of(request)
    authz.require(user, A.VERIFY)
    now = timezone.now()
    # The districts read once; their counts by their ids (not by the listing's query again).
    # Compiled once per set of grants (``layak.core.shapes``): it depends on nothing else.
    assessments: list[Assessment] = _QUEUE.fetch(
        authz.scope_key(user),
        lambda: (
            Assessment.objects.for_user(user, A.VERIFY)
            .filter(status=Assessment.Status.SUBMITTED, determined_at__isnull=True)
            .select_related("region__parent", "cycle__instrument__framework")
            .prefetch_related(
                Prefetch("cycle__stages", queryset=Stage.objects.order_by("opens_at"))
            )
            .order_by("cycle__name", "region__code")
        ),
    )
    rows = []
    ids = [a.pk for a in assessments]
    # By the districts' ids, compiled once per number of districts.
    counts = {
        (a, s): n
        for a, s, n in _QUEUE.fetch(
            ("scores", len(ids)),
            lambda *ids: (
                Score.objects.filter(
                    answer__assessment_id__in=ids, stage__in=verification.VERIFICATION_STAGES
                )
                .values_list("answer__assessment_id", "stage")
                .annotate(n=Count("pk"))
                .order_by()
            ),
            *ids,
        )
    }
    # Each district's items, and those sent back by a verifier: still with the region, or
    # corrected and waiting for a new check (accepted again by the district; submitted again
    # by a kecamatan or village). One query, counted by status and the stage that sent back.
    items: dict[int, int] = {}
    returned: dict[int, int] = {}
    corrected: dict[int, int] = {}
    levels = {a.pk: verification.level_of(a) for a in assessments}
    for assessment_id, answer_status, returned_at, n in _QUEUE.fetch(
        ("items", len(ids)),
        lambda *ids: (
            Answer.objects.filter(assessment_id__in=ids)
            .values_list("assessment_id", "status", "returned_at_stage")
            .annotate(n=Count("pk"))
            .order_by()
        ),
        *ids,
    ):
        items[assessment_id] = items.get(assessment_id, 0) + n
        if returned_at:
            done = answer_status in verification.DONE_AFTER_RETURN[levels[assessment_id]]
            into = corrected if done else returned
            into[assessment_id] = into.get(assessment_id, 0) + n
    for assessment in assessments:
        assessment.items = items.get(assessment.pk, 0)  # type: ignore[attr-defined]
        open_stages = [
            s
            for s in assessment.cycle.stages.all()
            if s.kind in verification.VERIFICATION_STAGES and s.is_open(now)
        ]
        for stage in open_stages:
            if verification.may_verify(user, assessment, stage.kind):
                rows.append(
                    {
                        "assessment": assessment,
                        "stage": stage,
                        "verified": counts.get((assessment.pk, stage.kind), 0),
                        "returned": returned.get(assessment.pk, 0),
                        "corrected": corrected.get(assessment.pk, 0),
                    }
                )
    # Districts with corrected items waiting for a new check first.
    rows.sort(key=lambda r: -int(r["corrected"]))
    return render(request, "evaluation/verify_queue.html", {"rows": rows})


VERIFY_PAGE = 20
"""Items per page of the verification page (KL-1 of KLA 2024 alone has 63; all 274 at once
would be several hundred KB)."""


def _verify_context(
    user: User,
    assessment: Assessment,
    stage: str,
    request: HttpRequest,
    indicator: str | None = None,
    at: int | None = None,
) -> dict[str, object]:
    drawn = _verify_data(user, assessment, stage)
    group = request.GET.get("group", "")
    status = request.GET.get("status", "")
    if indicator is None:
        indicator = request.GET.get("indicator", "")
    counts: dict[str, int] = {}
    # Every item's state, counted overall and per indicator: the verifier works through the
    # assessment indicator by indicator, starting where something waits. Kept as rows with
    # this stage's score joined (``_verify_data``); only the shown page's answers are loaded
    # whole, with their scores at every stage.
    rows = []
    per_indicator: dict[int, dict[str, int]] = {}
    for row, state in drawn["rows"]:
        if group and row.group != group:
            continue
        counts[state] = counts.get(state, 0) + 1
        tally = per_indicator.setdefault(row.indicator_id, {})
        tally[state] = tally.get(state, 0) + 1
        rows.append((row, state))
    if not indicator and not status:
        indicator = _first_waiting(rows, per_indicator)
    labels = {s.value: s.label for s in verification.ItemState}
    items: list[dict[str, Any]] = []
    for answer, state in rows:
        if status and status != state:
            continue
        if indicator and indicator != "all" and str(answer.indicator_id) != indicator:
            continue
        mine = answer.mine
        items.append(
            {
                "answer": answer,
                "mine": mine,
                "state": state,
                "state_label": labels[state],
                # The stored decision: an item still back with the region shows its return
                # (and its reason), not "agree".
                "decision": "return"
                if state == verification.ItemState.RETURNED
                else "adjust"
                if mine is not None and mine.decision == Score.Decision.ADJUSTED
                else "agree",
            }
        )
    # Items corrected by the region and waiting for a new check come first.
    items.sort(key=lambda item: item["state"] != verification.ItemState.CORRECTED)
    # Paged; a link to one item (``?at=``, the way back after a decision) opens its page.
    if at is None:
        at = parse_id(request.GET.get("at"))
    number: Any = request.GET.get("page")
    if at is not None and not number:
        order = [item["answer"].pk for item in items]
        number = order.index(at) // VERIFY_PAGE + 1 if at in order else 1
    page = Paginator(items, VERIFY_PAGE).get_page(number)
    items = list(page.object_list)
    indicators: list[Indicator] = drawn["indicators"]
    if group:
        indicators = [i for i in indicators if i.group.code == group]
    nav = [
        {
            "indicator": i,
            "current": str(i.pk) == indicator,
            "waiting": sum(
                per_indicator.get(i.pk, {}).get(s, 0)
                for s in (verification.ItemState.CORRECTED, verification.ItemState.PENDING)
            ),
            "corrected": per_indicator.get(i.pk, {}).get(verification.ItemState.CORRECTED, 0),
            "total": sum(per_indicator.get(i.pk, {}).values()),
        }
        for i in indicators
        if i.pk in per_indicator
    ]
    position = next((n for n, row in enumerate(nav) if row["current"]), None)
    # The whole district's items at this stage, whatever the filter shows (the hand-over).
    overall: dict[str, int] = {}
    for _row, state in drawn["rows"]:
        overall[state] = overall.get(state, 0) + 1
    return {
        "windows": drawn["windows"],
        "overall": overall,
        "groups": drawn["groups"],
        "standing": drawn["standing"],
        "group": group,
        "status": status,
        "indicator": indicator,
        "indicators": indicators,
        "nav": nav,
        "next_indicator": nav[position + 1]["indicator"]
        if position is not None and position + 1 < len(nav)
        else None,
        "items": items,
        "data_key": drawn["key"],
        "page": page,
        "states": [(s.value, s.label, counts.get(s.value, 0)) for s in verification.ItemState],
    }


def _load_items(items: list[dict[str, Any]], stage: str, stages: list[str]) -> None:
    """The shown items' answers, whole, with what their cards show (six queries)."""
    loaded = Answer.objects.select_related("question__indicator__group").prefetch_related(
        # Through the question already joined: a ``Prefetch("question")`` of its own would be
        # skipped for it, and each answer would read its options again.
        options_prefetch("question__options"),
        Prefetch(
            "evidence_links",
            queryset=EvidenceLink.objects.filter(is_active=True).select_related("file"),
            to_attr="links",
        ),
        "field_photos",
    )
    shown = [item["answer"].pk for item in items]
    whole = loaded.in_bulk(shown) if items else {}
    scored: dict[int, dict[str, _StageScore]] = {}
    if shown:
        for answer_id, kind, points, reason, decision in (
            Score.objects.filter(answer_id__in=shown, stage__in=stages)
            .order_by()
            .values_list("answer_id", "stage", "points", "reason", "decision")
        ):
            scored.setdefault(answer_id, {})[kind] = _StageScore(points, reason, decision)
    columns = [(k, Stage.Kind(k).label) for k in stages]
    # Each item's forms' addresses: one reverse, then the item's own id in it.
    action = reverse("evaluation:verify_item", args=[0, stage]).replace("/0/", "/{}/", 1)
    photo_action = reverse("evaluation:field_photo", args=[0]).replace("/0/", "/{}/", 1)
    for item in items:
        pk = item["answer"].pk
        item["answer"] = whole[pk]
        by_stage = scored.get(pk, {})
        item["scores"] = [(label, by_stage.get(k)) for k, label in columns]
        item["action"] = action.format(pk)
        item["photo_action"] = photo_action.format(pk)
    # Each item's discussion, collapsed: its messages counted for the shown items at once.
    discussed = verifier_discussions.counts(shown)
    for item in items:
        item["value"] = describe_value(item["answer"].question, item["answer"].value)
        item["discussion_count"] = discussed.get(item["answer"].pk, 0)
        item["discussion_id"] = f"discussion-answer-{item['answer'].pk}"


CSRF_MARK = "<!--csrf-->"
"""Where the kept cards take the request's own CSRF field (text typed by people is escaped, so
it never holds this)."""


def _cards(
    request: HttpRequest, context: dict[str, Any], stage: str, typed: bool = False
) -> SafeString:
    """The shown items' cards, drawn. Kept with the page's data (under the same stamp) for the
    shown items and what decides their forms, unless one shows what was typed."""
    items: list[dict[str, Any]] = context["items"]
    stages = Stage.order_for(verification.level_of(context["assessment"]))

    def build() -> dict[str, Any]:
        _load_items(items, stage, stages)
        drawn = render_to_string(
            "evaluation/_verifier_items.html",
            {
                **{k: context[k] for k in CARD_CONTEXT},
                "items": items,
                "discussion_kind": verifier_discussions.KIND,
                "csrf_input": mark_safe(CSRF_MARK),  # noqa: S308 - a constant
            },
        )
        return {"html": drawn}

    html: str
    if typed:
        html = build()["html"]
    else:
        parts = (
            tuple(item["answer"].pk for item in items),
            *(context[k] for k in CARD_CONTEXT),
            timezone.get_current_timezone_name(),
        )
        html = listing.kept_at(f"{context['data_key']}:cards:{parts!r}", build)["html"]
    field = format_html(
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request)
    )
    return mark_safe(html.replace(CSRF_MARK, field))  # noqa: S308 - drawn escaped


CARD_CONTEXT = ("stage", "stage_open", "has_points", "can_return", "return_label")
"""What the cards show besides their items."""


def _verify_data(user: User, assessment: Assessment, stage: str) -> dict[str, Any]:
    """What the verification page shows of the assessment's data at ``stage``, kept until the
    district's data changes (``listing.kept``; one query, the stamp, when kept): each item's
    row and state in the instrument's order, the indicators and groups, and the standing."""
    level = verification.level_of(assessment)

    def build() -> dict[str, Any]:
        indicators = list(
            Indicator.objects.filter(version_id=assessment.cycle.instrument_id)
            .select_related("group")
            .order_by("group__order", "order", "number")
        )
        rows = _item_rows(Answer.objects.filter(assessment=assessment), stage)
        return {
            "rows": [(row, verification.item_state(row, row.mine, level)) for row in rows],
            "indicators": indicators,
            # The groups in their order, from their indicators (no query of their own).
            "groups": list({i.group_id: i.group for i in indicators}.values()),
            "standing": results(assessment.cycle, [assessment.pk], stage).get(assessment.pk),
            "windows": _windows(assessment),
        }

    key = listing.stamp_key(assessment, ("verify", stage, dashboard_cache.scope(user)))
    return {**listing.kept_at(key, build), "key": key}


@dataclass(slots=True)
class Window:
    """A stage's window for one district: the cycle's, and the moment the ministry reopened it
    until for the district, if later (``actions.stage_open_for`` and ``stage_closes_for``)."""

    kind: str
    opens_at: datetime.datetime
    closes_at: datetime.datetime
    reopened_until: datetime.datetime | None

    @property
    def label(self) -> str:
        return str(Stage.Kind(self.kind).label)

    @property
    def closes(self) -> datetime.datetime:
        """The district's deadline at this stage."""
        if self.reopened_until is None:
            return self.closes_at
        return max(self.closes_at, self.reopened_until)

    def is_open(self, now: datetime.datetime) -> bool:
        """Open for the district: inside the window, or reopened for it until later."""
        return self.opens_at <= now < self.closes_at or (
            self.reopened_until is not None and now < self.reopened_until
        )


def _windows(assessment: Assessment) -> dict[str, Window]:
    """The cycle's stage windows for this district, each with its latest reopening: one
    query (kept with the page's data: changing a window or reopening a stage is audited, so
    it changes the district's data stamp)."""
    return {
        kind: Window(kind, opens_at, closes_at, reopened)
        for kind, opens_at, closes_at, reopened in Stage.objects.filter(
            cycle_id=assessment.cycle_id
        )
        .annotate(
            reopened=Max("reopenings__until", filter=Q(reopenings__assessment_id=assessment.pk))
        )
        .order_by()
        .values_list("kind", "opens_at", "closes_at", "reopened")
    }


@dataclass(slots=True)
class _StageScore:
    """A score as the verification page shows it (what ``Score`` has of it)."""

    points: Decimal
    reason: str
    decision: str


@dataclass(slots=True)
class _ItemRow:
    """An item of the verification page before its page is chosen: its state's columns and
    its score at the verifier's stage."""

    pk: int
    status: str
    returned_at_stage: str
    indicator_id: int
    group: str
    mine: _StageScore | None


def _item_rows(answers: Any, stage: str) -> list[_ItemRow]:
    """The verification page's items as rows in the instrument's order, each with its score at
    ``stage`` joined: one query, no model instances."""
    return [
        _ItemRow(
            pk, status, returned, indicator_id, group, _StageScore(*mine) if score_pk else None
        )
        for pk, status, returned, indicator_id, group, score_pk, *mine in answers.annotate(
            mine=FilteredRelation("scores", condition=Q(scores__stage=stage))
        )
        .order_by(
            "question__indicator__group__order", "question__indicator__order", "question__order"
        )
        .values_list(
            "pk",
            "status",
            "returned_at_stage",
            "question__indicator_id",
            "question__indicator__group__code",
            "mine__pk",
            "mine__points",
            "mine__reason",
            "mine__decision",
        )
    ]


def _first_waiting(rows: list[tuple[Any, ...]], per_indicator: dict[int, dict[str, int]]) -> str:
    """The indicator to open first: one with corrected items waiting for a new check, else one
    with items not verified yet, else the first."""
    order = []
    for row, *_rest in rows:
        if row.indicator_id not in order:
            order.append(row.indicator_id)
    for state in (verification.ItemState.CORRECTED, verification.ItemState.PENDING):
        for pk in order:
            if per_indicator.get(pk, {}).get(state):
                return str(pk)
    return str(order[0]) if order else ""


@login_required
def verify_assessment(request: HttpRequest, pk: int, stage: str) -> HttpResponse:
    user = user_of(request)
    stage = _stage(stage)
    assessment = get_assessment(user, pk)
    authz.require(user, A.VERIFY, verification.may_verify(user, assessment, stage))
    context = _verify_context(user, assessment, stage, request)
    context.update(_page_context(user, assessment, stage, context))
    context["cards"] = _cards(request, context, stage)
    return render(request, "evaluation/verify.html", context)


def _page_context(
    user: User, assessment: Assessment, stage: str, drawn: dict[str, Any]
) -> dict[str, object]:
    windows: dict[str, Window] = drawn["windows"]
    now = timezone.now()
    # Open in the cycle's window or reopened for this district (``stage_open_for``), from the
    # windows kept with the page's data: the clock alone decides, on each request.
    window = windows.get(stage)
    stage_open = window is not None and window.is_open(now)
    return {
        "assessment": assessment,
        "has_points": assessment.cycle.instrument.framework.has_points,
        "stage": stage,
        "stage_label": Stage.Kind(stage).label,
        "stage_open": stage_open,
        "can_return": stage == verification.RETURN_STAGE[verification.level_of(assessment)],
        "return_label": _("Return to the district")
        if verification.level_of(assessment) == 2
        else _("Return to the kecamatan or village"),
        "handover": _handover(user, assessment, stage, drawn, stage_open, now),
    }


def _handover(
    user: User,
    assessment: Assessment,
    stage: str,
    drawn: dict[str, Any],
    stage_open: bool,
    now: datetime.datetime,
) -> dict[str, object] | None:
    """What the verifier of ``stage`` is told of the hand-over: how many of the district's
    items remain at this stage, or, once all are verified, that the stage is complete and what
    follows. Nothing is sent on: the next stage takes the results up when its window opens
    (each stage scores from the nearest earlier stage's points), and the stage that fixes the
    result is the final determination (``verification.DETERMINATION_STAGE``)."""
    windows: dict[str, Window] = drawn["windows"]
    window = windows.get(stage)
    if window is None:
        return None
    overall: dict[str, int] = drawn["overall"]
    states = verification.ItemState
    remaining = sum(overall.get(s, 0) for s in (states.PENDING, states.CORRECTED, states.RETURNED))
    level = verification.level_of(assessment)
    order = Stage.order_for(level)
    final = verification.DETERMINATION_STAGE[level]
    following = order[order.index(stage) + 1] if stage in order[:-1] else None
    after = windows.get(following) if following else None
    return {
        "total": sum(overall.values()),
        "remaining": remaining,
        "back": overall.get(states.RETURNED, 0),
        # Something "agree with the rest" would take (``verify_agree_rest`` leaves the items
        # back with the region).
        "agreeable": remaining > overall.get(states.RETURNED, 0),
        "complete": remaining == 0,
        "deadline": window.closes,
        "closed": window.closes <= now,
        "next": after,
        # "ahead", "open" or "closed" for the district.
        "next_state": None
        if after is None
        else "open"
        if after.is_open(now)
        else "ahead"
        if now < after.opens_at
        else "closed",
        "next_determines": following == final,
        "determines": stage == final,
        "may_determine": stage == final
        and verification.may_determine(user, assessment, open_now=stage_open),
    }


def _back(
    request: HtmxHttpRequest, answer: Answer, stage: str, error: str = "", message: str = ""
) -> HttpResponse:
    if error:
        messages.error(request, error)
    elif message:
        messages.success(request, message)
    # Back to the item's own indicator, where the verifier was working.
    return redirect(
        f"/evaluation/assessments/{answer.assessment_id}/verify/{stage}/"
        f"?indicator={answer.question.indicator_id}&at={answer.pk}#item-{answer.pk}"
    )


@login_required
@require_http_methods(["GET", "POST"])
def verify_item(request: HtmxHttpRequest, pk: int, stage: str) -> HttpResponse:
    user = user_of(request)
    stage = _stage(stage)
    answer = get_answer(user, pk)
    authz.require(user, A.VERIFY, verification.may_verify(user, answer.assessment, stage))
    if request.method == "GET":
        # The address a refused decision leaves in the browser, opened again: the item on its
        # verification page.
        return _back(request, answer, stage)
    raw = request.POST.get("points", "").strip()
    points = None
    if request.POST.get("decision") == "adjust":
        if not answer.assessment.cycle.instrument.framework.has_points:
            return _refused(
                request, answer, stage, _("Criteria have no score: agree or return the item.")
            )
        try:
            points = parse_number(raw)
            if points != 0 and not -12 <= points.adjusted() <= 6:
                raise NumberError(_("“%(value)s” is not a number.") % {"value": raw})
        except NumberError as exc:
            return _refused(request, answer, stage, str(exc))
    try:
        if request.POST.get("decision") == "return":
            verification.verify_return(
                actor=user, answer=answer, reason=request.POST.get("reason", "")
            )
            done = _("Returned to the district.")
        else:
            verification.verify_item(
                actor=user,
                answer=answer,
                stage=stage,
                points=points,
                reason=request.POST.get("reason", ""),
            )
            done = _("Saved.")
    except EvaluationError as exc:
        return _refused(request, answer, stage, str(exc))
    return _back(request, answer, stage, message=done)


def _refused(request: HttpRequest, answer: Answer, stage: str, error: str) -> HttpResponse:
    """The verification page again, the item showing the decision, score and reason as they
    were typed, with the message beside them; nothing is stored."""
    user = user_of(request)
    assessment = answer.assessment
    typed = {
        "decision": request.POST.get("decision", "agree"),
        "points": request.POST.get("points", ""),
        "reason": request.POST.get("reason", ""),
        "error": error,
    }
    context = _verify_context(
        user,
        assessment,
        stage,
        request,
        indicator=str(answer.question.indicator_id),
        at=answer.pk,
    )
    for item in context["items"]:  # type: ignore[attr-defined]
        if item["answer"].pk == answer.pk:
            item.update({"decision": typed["decision"], "typed": typed})
    context.update(_page_context(user, assessment, stage, context))
    context["cards"] = _cards(request, context, stage, typed=True)
    return render(request, "evaluation/verify.html", context, status=400)


@login_required
@require_POST
def verify_rest(request: HttpRequest, pk: int, stage: str) -> HttpResponse:
    user = user_of(request)
    stage = _stage(stage)
    assessment = get_assessment(user, pk)
    authz.require(user, A.VERIFY, verification.may_verify(user, assessment, stage))
    try:
        n = verification.verify_agree_rest(actor=user, assessment=assessment, stage=stage)
    except EvaluationError as exc:
        messages.error(request, str(exc))
    else:
        # Nothing agreed: the items left are back with the region (the page's own count).
        rows = _verify_data(user, assessment, stage)["rows"] if not n else []
        back = sum(1 for _row, state in rows if state == verification.ItemState.RETURNED)
        if back:
            messages.error(
                request,
                ngettext(
                    "No item can be agreed: %(n)s item is back with the region.",
                    "No item can be agreed: %(n)s items are back with the region.",
                    back,
                )
                % {"n": back},
            )
        else:
            messages.success(request, _("%(n)s items agreed.") % {"n": n})
    return redirect(f"/evaluation/assessments/{assessment.pk}/verify/{stage}/")


@login_required
@require_POST
def determine(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    assessment = get_assessment(user, pk)
    stage = verification.DETERMINATION_STAGE[verification.level_of(assessment)]
    authz.require(user, A.VERIFY, verification.may_verify(user, assessment, stage))
    try:
        verification.assessment_determine(actor=user, assessment=assessment)
    except EvaluationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The final score and predicate have been fixed."))
    return redirect("evaluation:scores", pk=assessment.pk)


@login_required
def compare(request: HttpRequest, pk: int) -> HttpResponse:
    """Every stage's scores side by side per item, indicator, group and total, with reasons."""
    user = user_of(request)
    assessment = get_assessment(user, pk)
    tables = verifier_scores.tables(user, assessment)
    return render(
        request,
        "evaluation/compare.html",
        {
            "assessment": assessment,
            "tables": tables,
            "can_determine": assessment.determined_at is None
            and verification.may_verify(
                user,
                assessment,
                verification.DETERMINATION_STAGE[verification.level_of(assessment)],
            ),
        },
    )


@login_required
def gap_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    assessment = get_assessment(user, pk)
    # The whole district's gaps: for region-wide roles, not for a single office.
    authz.require(user, A.VIEW, authz.reaches(user, A.VIEW, assessment.region))
    if not assessment.cycle.instrument.framework.has_points:
        raise Http404  # met or not met: no points to gain, no predicate to reach
    stages = Stage.order_for(verification.level_of(assessment))
    # The stage, the plan's year and its activities for each weak indicator, with the
    # analysis: kept under the district's data stamp (``gaps.page_facts``).
    facts, analysis = gaps.page_facts(
        assessment, request.GET.get("stage", ""), stages, data_stamp(assessment.region)
    )
    stage, year, plan_items = facts.stage, facts.year, facts.plan_items
    found = gaps.gap_analysis(assessment, stage, analysis)
    # Cluster by cluster: at KLA 2024's 274 questions one flat table is too long to read.
    rows = [
        (group, [(g, plan_items.get(g.indicator.code, [])) for g in group.indicators])
        for group in gaps.by_group(found)
    ]
    return render(
        request,
        "evaluation/gaps.html",
        {
            "assessment": assessment,
            "stage": stage,
            "stages": [(k, Stage.Kind(k).label) for k in stages],
            "gaps": rows,
            "plan_year": year,
            "path": gaps.cheapest_path(assessment, stage, analysis),
        },
    )


@login_required
@require_POST
def field_photo(request: HttpRequest, pk: int) -> HttpResponse:
    from layak.evidence.sniff import UploadRefused

    user = user_of(request)
    answer = get_answer(user, pk)
    authz.require(user, A.VERIFY, verification.may_verify(user, answer.assessment, K.FIELD))
    upload = request.FILES.get("photo")
    if upload is None:
        messages.error(request, _("Choose a photo."))
    else:
        try:
            verification.field_photo_add(
                actor=user,
                answer=answer,
                data=upload,
                name=upload.name or "",
                size=upload.size or 0,
                note=request.POST.get("note", ""),
            )
        except (EvaluationError, UploadRefused) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The photo has been added."))
    return redirect(
        f"/evaluation/assessments/{answer.assessment_id}/verify/field/"
        f"?indicator={answer.question.indicator_id}&at={answer.pk}#item-{answer.pk}"
    )


@login_required
def field_photo_file(request: HttpRequest, pk: int) -> FileResponse:
    """Photos are served only here, to people who see the district's whole evaluation."""
    from layak.evaluation.models import FieldPhoto

    user = user_of(request)
    photo = get_object_or_404(
        FieldPhoto.objects.select_related("answer__assessment__region"), pk=pk
    )
    get_answer(user, photo.answer_id)
    if not (
        authz.reaches(user, A.VIEW, photo.answer.assessment.region)
        or authz.has_action(user, A.VERIFY)
    ):
        raise Http404
    response = FileResponse(photo.file.open("rb"), content_type=photo.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response
