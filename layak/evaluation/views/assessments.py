from __future__ import annotations

import tempfile
from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
)
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.text import slugify
from django.utils.timezone import now
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from layak import authz
from layak.accounts.models import User
from layak.core.http import parse_id
from layak.dashboards import cache as dashboard_cache
from layak.evaluation import (
    actions,
    bulk,
    criteria,
    jobs,
    listing,
    proposal,
    scores,
    verification,
)
from layak.evaluation.forms import ReopenForm
from layak.evaluation.models import Answer, Assessment, Assignment, Stage
from layak.evaluation.views.common import A, get_assessment, user_of
from layak.evidence.models import EvidenceLink
from layak.frameworks.models import Indicator, bilingual
from layak.jobs import runner
from layak.organisations.models import Organisation

MISSING_SHOWN = 50

# The status filter of the question lists: "not filled in" is a draft nobody has answered yet.
STATUS_FILTERS: dict[str, tuple[Any, Q]] = {
    "empty": (gettext_lazy("Not filled in"), Q(status=Answer.Status.DRAFT, value={})),
    "draft": (Answer.Status.DRAFT.label, Q(status=Answer.Status.DRAFT) & ~Q(value={})),
    "submitted": (Answer.Status.SUBMITTED.label, Q(status=Answer.Status.SUBMITTED)),
    "accepted": (Answer.Status.ACCEPTED.label, Q(status=Answer.Status.ACCEPTED)),
    "returned": (Answer.Status.RETURNED.label, Q(status=Answer.Status.RETURNED)),
}
NO_OFFICE = "none"


def _active_assignment() -> Exists:
    return Exists(Assignment.objects.filter(answer=OuterRef("pk"), is_active=True))


class AnswerFilter:
    """The question lists' filter read from a GET form: status (``STATUS_FILTERS``), office
    (an organisation's id, or ``NO_OFFICE``), a text (code or question) and, for the person's
    own items, ``mine``. Shared by the assessment page and the indicator page."""

    def __init__(self, request: HttpRequest, *, mine: QuerySet[Answer] | None = None) -> None:
        status = request.GET.get("status", "")
        self.status = status if status in STATUS_FILTERS else ""
        office_value = request.GET.get("office", "")
        office_id = parse_id(office_value) if office_value != NO_OFFICE else None
        self.office: int | str | None = NO_OFFICE if office_value == NO_OFFICE else office_id
        self.text = request.GET.get("q", "").strip()[:100]
        # Only offered (and read) where the reader has items of their own.
        self.mine_items = mine
        self.mine = mine is not None and request.GET.get("mine") == "1"

    @property
    def active(self) -> bool:
        return bool(self.status or self.office or self.text or self.mine)

    def narrowed(
        self, answers: QuerySet[Answer], *, by_status: bool = True, by_office: bool = True
    ) -> QuerySet[Answer]:
        if by_status and self.status:
            answers = answers.filter(STATUS_FILTERS[self.status][1])
        if by_office and self.office == NO_OFFICE:
            answers = answers.exclude(_active_assignment())
        elif by_office and self.office is not None:
            answers = answers.filter(
                assignments__organisation_id=self.office, assignments__is_active=True
            )
        if self.text:
            answers = answers.filter(
                Q(question__code__icontains=self.text) | Q(question__text__icontains=self.text)
            )
        if self.mine and self.mine_items is not None:
            answers = answers.filter(pk__in=self.mine_items.values("pk"))
        return answers

    def keep(self) -> dict[str, str]:
        return {
            "status": self.status,
            "office": str(self.office) if self.office else "",
            "q": self.text,
            "mine": "1" if self.mine else "",
        }

    def choices(self, visible: QuerySet[Answer]) -> dict[str, Any]:
        """The filter's choices with their counts (three queries): the status counts follow
        the office filter, the office counts the status filter."""
        states = {code: Count("pk", filter=q) for code, (_label, q) in STATUS_FILTERS.items()}
        by_status = self.narrowed(visible, by_status=False).aggregate(all=Count("pk"), **states)
        others = self.narrowed(visible, by_office=False)
        office_counts = (
            Assignment.objects.filter(answer__in=visible, is_active=True)
            .values("organisation_id", "organisation__acronym", "organisation__name")
            .annotate(n=Count("answer_id", distinct=True, filter=Q(answer__in=others.values("pk"))))
            .order_by("organisation__name")
        )
        return self.choices_of(
            by_status,
            [
                (
                    str(row["organisation_id"]),
                    row["organisation__acronym"] or row["organisation__name"],
                    row["n"],
                )
                for row in office_counts
            ],
            others.exclude(_active_assignment()).count(),
        )

    def choices_of(
        self, by_status: dict[str, int], offices: list[tuple[str, str, int]], unassigned: int
    ) -> dict[str, Any]:
        """The filter's choices from their counts: per status code (and ``all``), per office
        (its value, label and count), and of the items no office has been given."""
        keep = self.keep()
        return {
            "filtering": self.active,
            "filters": keep,
            "status_choices": [
                (code, state_label(code), by_status[code], _query(keep, status=code, page=""))
                for code in STATUS_FILTERS
            ],
            "status_all": (by_status["all"], _query(keep, status="", page="")),
            "office_choices": offices,
            "office_none": (NO_OFFICE, unassigned),
            "keep_query": _query(keep),
        }


def state_code(status: str, value: Any) -> str | None:
    """The answer's code among ``STATUS_FILTERS`` (their conditions, read from a row)."""
    if status == Answer.Status.DRAFT:
        return "empty" if value == {} else "draft"
    return status if status in STATUS_FILTERS else None


def state_label(code: str) -> str:
    """The name of an item's state (a code of ``STATUS_FILTERS``, from ``state_code``) as the
    filter and every list of the page show it: "Not filled in" for a draft nobody answered."""
    return str(STATUS_FILTERS[code][0])


def _question_listing(
    answer_filter: AnswerFilter,
    visible: QuerySet[Answer],
    points: dict[int, Any],
    *,
    may_review: bool,
) -> dict[str, Any]:
    """Every question of the assessment the reader sees, grouped by cluster then indicator,
    each group and indicator with its items counted by state and its progress; filtered by
    status, office and a text (code or question) from a GET form. Counts in the filter labels
    follow the other filters. Two queries whatever the number of questions: the visible rows
    (whether each matches the text, asked of the database as the filter's own query does) and
    their active offices; the counts and the filter are taken from them."""
    rows = visible.order_by(
        "question__indicator__group__order", "question__indicator__order", "question__order", "pk"
    )
    if answer_filter.text:
        text = answer_filter.text
        rows = rows.annotate(
            matches=ExpressionWrapper(
                Q(question__code__icontains=text) | Q(question__text__icontains=text),
                output_field=BooleanField(),
            )
        )
    else:
        rows = rows.annotate(matches=Value(True))
    read: list[Any] = list(
        rows.values_list(
            "pk",
            "status",
            "value",
            "matches",
            "question__code",
            "question__text",
            "question__text_en",
            "question__indicator_id",
            "question__indicator__code",
            "question__indicator__name",
            "question__indicator__name_en",
            "question__indicator__group_id",
            "question__indicator__group__code",
            "question__indicator__group__name",
            "question__indicator__group__name_en",
            "question__computed",
        )
    )
    offices_of: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
    for answer_id, organisation_id, acronym, name in (
        Assignment.objects.filter(is_active=True, answer__in=visible.values("pk"))
        .order_by("pk")
        .values_list("answer_id", "organisation_id", "organisation__acronym", "organisation__name")
    ):
        offices_of[answer_id].append((organisation_id, acronym, name))
    office = answer_filter.office
    status = answer_filter.status

    def by_office(pk: int) -> bool:
        if office == NO_OFFICE:
            return not offices_of.get(pk)
        return office is None or any(o[0] == office for o in offices_of.get(pk, ()))

    per_indicator: dict[int, dict[str, Any]] = {}
    by_status = dict.fromkeys(["all", *STATUS_FILTERS], 0)
    office_counts: dict[int, list[Any]] = {}
    office_none = 0
    listed: dict[int, list[_ListedAnswer]] = defaultdict(list)
    listed_count = 0
    # Each visible item's state (for the page's other lists), and the items Layak filled in
    # itself from the programme's records: all of them, and those still drafts.
    states: dict[int, str | None] = {}
    computed_filled = computed_drafts = 0
    for rec in read:
        pk, state_of, matches = rec[0], state_code(rec[1], rec[2]), rec[3]
        states[pk] = state_of
        if rec[15] and rec[2]:
            computed_filled += 1
            computed_drafts += state_of == "draft"
        indicator_id = rec[7]
        counted = per_indicator.get(indicator_id)
        if counted is None:
            counted = per_indicator[indicator_id] = {
                "question__indicator_id": indicator_id,
                "question__indicator__code": rec[8],
                "question__indicator__name": rec[9],
                "question__indicator__name_en": rec[10],
                "question__indicator__group_id": rec[11],
                "question__indicator__group__code": rec[12],
                "question__indicator__group__name": rec[13],
                "question__indicator__group__name_en": rec[14],
                "total": 0,
                **dict.fromkeys(STATUS_FILTERS, 0),
            }
        # Per indicator, every visible item counted by state (the filters narrow the list,
        # not the progress).
        counted["total"] += 1
        if state_of is not None:
            counted[state_of] += 1
        # Every office given a visible item is offered, with the items the other filters keep.
        for organisation_id, acronym, name in offices_of.get(pk, ()):
            office_counts.setdefault(organisation_id, [acronym or name, name, set()])
        if not matches:
            continue
        # The status counts follow the office filter, the office counts the status filter.
        if by_office(pk):
            by_status["all"] += 1
            if state_of is not None:
                by_status[state_of] += 1
        if status and state_of != status:
            continue
        for organisation_id, _acronym, _name in offices_of.get(pk, ()):
            office_counts[organisation_id][2].add(pk)
        if not offices_of.get(pk):
            office_none += 1
        if not by_office(pk):
            continue
        answer = _ListedAnswer(pk, rec[1], rec[2], indicator_id, rec[4], rec[5], rec[6])
        answer.offices = [acronym or name for _o, acronym, name in offices_of.get(pk, ())]
        listed[indicator_id].append(answer)
        listed_count += 1
    choices = answer_filter.choices_of(
        by_status,
        [
            (str(pk), label, len(ids))
            for pk, (label, _name, ids) in sorted(
                office_counts.items(), key=lambda item: item[1][1]
            )
        ],
        office_none,
    )
    filtering = answer_filter.active
    groups: list[dict[str, Any]] = []
    for pk, row in per_indicator.items():
        if not groups or groups[-1]["pk"] != row["question__indicator__group_id"]:
            groups.append(
                {
                    "pk": row["question__indicator__group_id"],
                    "code": row["question__indicator__group__code"],
                    "name": bilingual(
                        row["question__indicator__group__name"],
                        row["question__indicator__group__name_en"],
                    ),
                    "indicators": [],
                    "total": 0,
                    **dict.fromkeys(STATUS_FILTERS, 0),
                }
            )
        group = groups[-1]
        # A cluster counts all its items; the filter only narrows the indicators listed.
        group["total"] += row["total"]
        for code in STATUS_FILTERS:
            group[code] += row[code]
        if filtering and not listed.get(pk):
            continue
        offices = sorted({name for answer in listed.get(pk, []) for name in answer.offices})
        group["indicators"].append(
            {
                **row,
                "pk": pk,
                "points": points.get(pk, 0),
                "answers": listed.get(pk, []),
                "offices": offices,
                "done": row["submitted"] + row["accepted"],
                "percent": _percent(row["submitted"] + row["accepted"], row["total"]),
            }
        )
    groups = [g for g in groups if g["indicators"]]
    for group in groups:
        group["done"] = group["submitted"] + group["accepted"]
        group["percent"] = _percent(group["done"], group["total"])
    return {
        **choices,
        "groups": groups,
        "listed_count": listed_count,
        "may_review": may_review,
        "states": states,
        "computed_filled": computed_filled,
        "computed_drafts": computed_drafts,
    }


class _ListedAnswer:
    """One row of the assessment page's question list: what the row shows, read as values."""

    __slots__ = ("code", "filled", "indicator_id", "offices", "pk", "status", "text")

    def __init__(
        self,
        pk: int,
        status: str,
        value: Any,
        indicator_id: int,
        code: str,
        text: str,
        text_en: str,
    ) -> None:
        self.pk = pk
        self.status = status
        self.filled = not (status == Answer.Status.DRAFT and not value)
        self.indicator_id = indicator_id
        self.code = code
        self.text = bilingual(text, text_en)
        self.offices: list[str] = []

    def get_status_display(self) -> str:
        return str(Answer.Status(self.status).label)


def _percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


def _query(keep: dict[str, str], **changes: str) -> str:
    """The filter's query string with some values changed, for links that keep the filter."""
    return urlencode({k: v for k, v in {**keep, **changes}.items() if v})


@login_required
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A district's self-assessment: running score and predicate, progress, indicators."""
    user = user_of(request)
    assessment = get_assessment(user, pk)
    cycle = assessment.cycle
    can_manage = authz.reaches(user, A.MANAGE, assessment.region)
    can_submit = _may_submit(user, assessment)
    answer_filter = AnswerFilter(request)
    figures = listing.kept(
        assessment,
        (
            dashboard_cache.scope(user),
            can_manage,
            can_submit,
            tuple(answer_filter.keep().items()),
        ),
        lambda: _figures(user, assessment, answer_filter, can_manage, can_submit),
    )
    stage, stage_closes = figures["stage"], figures["stage_closes"]
    # Open in the cycle's window or reopened for this district (as ``stage_open_for``), from
    # the stage and deadline kept: the clock alone decides, on each request.
    stage_open = stage is not None and (
        stage.is_open() or (stage.closes_at < stage_closes and now() < stage_closes)
    )
    is_national = authz.reaches(user, A.MANAGE, None)
    return render(
        request,
        "evaluation/assessment.html",
        {
            **figures,
            "assessment": assessment,
            "cycle": cycle,
            "scale_max": cycle.instrument.scale_max,
            "can_manage": can_manage,
            "is_national": is_national,
            "stage_open": stage_open,
            "can_submit": can_submit,
            # Items can be submitted now (the rule ``actions.answer_submit`` enforces on an
            # assessment in progress: its self-assessment open for the district).
            "may_submit_items": stage_open
            and assessment.status == Assessment.Status.IN_PROGRESS
            and assessment.determined_at is None,
            "reopen_form": ReopenForm(level=cycle.instrument.framework.region_level)
            if is_national
            else None,
            "reopenings": assessment.reopenings.select_related("stage", "created_by")[:10],
            "region_wide": authz.reaches(user, A.VIEW, assessment.region),
            "can_determine": assessment.determined_at is None
            and assessment.status == Assessment.Status.SUBMITTED
            and verification.may_verify(
                user,
                assessment,
                verification.DETERMINATION_STAGE[verification.level_of(assessment)],
            )
            and actions.stage_open_for(
                assessment, verification.DETERMINATION_STAGE[verification.level_of(assessment)]
            ),
            "verify_stages": [
                (kind, Stage.Kind(kind).label)
                for kind in verification.VERIFICATION_STAGES
                if assessment.status == Assessment.Status.SUBMITTED
                and verification.may_verify(user, assessment, kind)
                and actions.stage_open_for(assessment, kind)
            ],
        },
    )


def _figures(
    user: User,
    assessment: Assessment,
    answer_filter: AnswerFilter,
    can_manage: bool,
    can_submit: bool,
) -> dict[str, Any]:
    """What the assessment page draws from the assessment's data (``listing.kept``): the
    score, the question list drawn, the progress, what is missing and what is ready."""
    cycle = assessment.cycle
    # The score as it stands at the furthest stage reached (determined once fixed).
    result = scores.current_results(cycle, [assessment])[assessment.pk]
    visible = Answer.objects.for_user(user, A.VIEW).filter(assessment=assessment)
    # Each indicator's points at the stage the total stands at, as the clusters' figures.
    points = scores.indicator_points(assessment, result.stage)
    questions = _question_listing(answer_filter, visible, points, may_review=can_manage)
    states = questions.pop("states")
    # Who still has work: the missing answers per responsible office, and those no office has
    # been given (one query).
    missing = listing.missing(assessment) if can_submit else listing.Missing()
    # The self-assessment's window and this district's deadline (data: whether it is open now
    # is the page's to say).
    stage = Stage.objects.filter(cycle=cycle, kind=Stage.Kind.SELF_ASSESSMENT).order_by().first()
    return {
        "stage": stage,
        "stage_closes": actions.stage_closes_for(assessment, stage) if stage else None,
        "result": result,
        "maxima": [(g, m, result.by_group.get(g.code, 0)) for g, m in scores.group_maxima(cycle)],
        # A framework without points: criteria met in place of a score (two queries).
        "criteria": criteria.results_of([assessment]).get(assessment.pk),
        "question_groups": render_to_string(
            "evaluation/_question_groups.html",
            {"assessment": assessment, "cycle": cycle, **questions},
        ),
        # What "submit all" would take, by the submit rule itself.
        "readiness": bulk.readiness(user, assessment)
        if assessment.status == Assessment.Status.IN_PROGRESS
        else bulk.Readiness(assessment.pk),
        "by_group": scores.progress_by_group(assessment) if can_manage else [],
        "by_office": scores.progress_by_office(assessment) if can_manage else [],
        # Each with its state named as the filter names it ("Not filled in", "Draft", ...).
        "missing": [
            (a, state_label(states.get(a.pk) or state_code(a.status, None) or "draft"))
            for a in missing.answers[:MISSING_SHOWN]
        ],
        "missing_count": len(missing.answers),
        "missing_by_office": missing.by_office,
        "unassigned": missing.unassigned,
        "missing_shared": missing.shared,
        "computed_filled": questions["computed_filled"],
        "computed_drafts": questions["computed_drafts"],
    }


def _may_submit(user: object, assessment: Assessment) -> bool:
    """The district administrator submits the district's evaluation; a kecamatan's or village's
    is submitted by whoever answers for it (its operator, the kecamatan operator)."""
    if assessment.cycle.instrument.framework.region_level > 2:
        return authz.reaches(user, A.EDIT, assessment.region)  # type: ignore[arg-type]
    return authz.reaches(user, A.MANAGE, assessment.region)  # type: ignore[arg-type]


@login_required
def assessment_assign(request: HttpRequest, pk: int) -> HttpResponse:
    """The district administrator gives the questions to offices: a whole cluster at once, each
    indicator, or (on an indicator's own form, ``?indicator=``) each question; confirms the
    proposal cluster by cluster; or copies last year's assignments. Every way goes through
    ``actions.assignments_set``, audited."""
    user = user_of(request)
    assessment = get_assessment(user, pk)
    authz.require(user, A.MANAGE, authz.reaches(user, A.MANAGE, assessment.region))
    organisations = list(
        Organisation.objects.for_user(user, A.MANAGE)
        .filter(region__path__startswith=assessment.region.path, is_active=True)
        .order_by("kind", "name")
    )
    focus = parse_id(request.GET.get("indicator"))
    answers = Answer.objects.filter(assessment=assessment)
    if focus is not None:
        answers = answers.filter(question__indicator_id=focus)
    by_indicator: dict[Indicator, list[Answer]] = defaultdict(list)
    for answer in (
        answers.select_related("question__indicator__group")
        .prefetch_related(
            Prefetch("assignments", queryset=Assignment.objects.filter(is_active=True))
        )
        .order_by(
            "question__indicator__group__order", "question__indicator__order", "question__order"
        )
    ):
        by_indicator[answer.question.indicator].append(answer)
    if focus is not None and not by_indicator:
        raise Http404
    if request.method == "POST" and "proposal" in request.POST:
        return _confirm_proposal(request, assessment)
    if request.method == "POST" and "copy" in request.POST:
        return _copy_previous(request, assessment)
    if request.method == "POST":
        try:
            changed = _save_assignments(request, assessment, organisations, by_indicator)
        except actions.EvaluationError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Assignments saved (%(n)s changes).") % {"n": changed})
            if focus is not None:
                return redirect(
                    reverse("evaluation:assign", args=[assessment.pk]) + f"#ind-{focus}"
                )
            return redirect("evaluation:assessment", pk=assessment.pk)
    groups: list[dict[str, Any]] = []
    for indicator, items in by_indicator.items():
        per_answer = [
            (answer, {a.organisation_id for a in answer.assignments.all()}) for answer in items
        ]
        assigned = set().union(*(orgs for _answer, orgs in per_answer))
        separate = len({frozenset(orgs) for _answer, orgs in per_answer}) > 1
        if not groups or groups[-1]["group"] != indicator.group:
            groups.append({"group": indicator.group, "rows": [], "assigned": None})
        group = groups[-1]
        group["rows"].append((indicator, assigned, per_answer, separate))
        # The cluster's offices are ticked when every question of it has the same ones.
        same = not separate and group["assigned"] in (None, assigned)
        group["assigned"] = assigned if same else set()
    return render(
        request,
        "evaluation/assign.html",
        {
            "assessment": assessment,
            "groups": groups,
            "focus": next(iter(by_indicator)) if focus is not None else None,
            "organisations": organisations,
            "proposal": proposal.propose(assessment) if focus is None else None,
            "previous": proposal.previous_assessment(assessment) if focus is None else None,
            "refusal": actions.assignment_refusal(assessment),
        },
    )


def _save_assignments(
    request: HttpRequest,
    assessment: Assessment,
    organisations: list[Organisation],
    by_indicator: dict[Indicator, list[Answer]],
) -> int:
    """The assignment form: only the indicators the form showed (``shown-<indicator>``) are
    changed. A cluster whose "whole cluster" box is ticked gives all its questions to the
    cluster's offices; an indicator assigned per question keeps its questions' offices unless
    its own form (the per-question one) says otherwise."""
    user = user_of(request)
    allowed = {o.pk: o for o in organisations}
    post = request.POST

    def chosen(name: str) -> list[Organisation]:
        ids = [parse_id(v) for v in post.getlist(name)]
        return [allowed[i] for i in ids if i is not None and i in allowed]

    changed = 0
    whole: dict[int, list[Answer]] = defaultdict(list)
    # A form that marks no indicator as shown covers them all.
    partial = any(key.startswith("shown-") for key in post)
    for indicator, items in by_indicator.items():
        if partial and not post.get(f"shown-{indicator.pk}"):
            continue
        if post.get(f"whole-{indicator.group_id}"):
            whole[indicator.group_id].extend(items)
        elif post.get(f"keep-{indicator.pk}"):
            continue
        elif post.get(f"sep-{indicator.pk}"):
            for answer in items:
                changed += actions.assignments_set(
                    actor=user,
                    assessment=assessment,
                    answers=[answer],
                    organisations=chosen(f"q-{answer.pk}"),
                )
        else:
            changed += actions.assignments_set(
                actor=user,
                assessment=assessment,
                answers=items,
                organisations=chosen(f"ind-{indicator.pk}"),
            )
    for group_id, items in whole.items():
        changed += actions.assignments_set(
            actor=user,
            assessment=assessment,
            answers=items,
            organisations=chosen(f"grp-{group_id}"),
        )
    return changed


def _confirm_proposal(request: HttpRequest, assessment: Assessment) -> HttpResponse:
    """Confirm the proposal with the offices kept and, when it was reviewed cluster by cluster
    (``by_group``), only the "cluster-office" pairs kept."""
    pairs: list[tuple[int, int]] | None = None
    if request.POST.get("by_group"):
        pairs = []
        for value in request.POST.getlist("pair"):
            group, _sep, organisation = value.partition("-")
            group_id, organisation_id = parse_id(group), parse_id(organisation)
            if group_id is not None and organisation_id is not None:
                pairs.append((group_id, organisation_id))
    try:
        n = proposal.proposal_confirm(
            actor=user_of(request),
            assessment=assessment,
            organisations=[parse_id(v) for v in request.POST.getlist("proposed")],
            pairs=pairs,
        )
    except actions.EvaluationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(n)s questions assigned as proposed.") % {"n": n})
    return redirect("evaluation:assign", pk=assessment.pk)


def _copy_previous(request: HttpRequest, assessment: Assessment) -> HttpResponse:
    try:
        result = proposal.assignments_copy_previous(actor=user_of(request), assessment=assessment)
    except actions.EvaluationError as exc:
        messages.error(request, str(exc))
        return redirect("evaluation:assign", pk=assessment.pk)
    if result.previous is None:
        messages.error(request, _("This district has no assessment in an earlier cycle."))
        return redirect("evaluation:assign", pk=assessment.pk)
    messages.success(
        request,
        _("%(n)s questions were given the offices they had in %(cycle)s.")
        % {"n": result.copied, "cycle": result.previous.cycle.name},
    )
    for organisation, n in result.not_copied:
        messages.warning(
            request,
            _("Not copied: %(organisation)s no longer exists in the district (%(n)s questions).")
            % {"organisation": organisation.name, "n": n},
        )
    if result.unmatched:
        messages.warning(
            request,
            _("%(n)s questions of last year have no match in this year's instrument.")
            % {"n": result.unmatched},
        )
    return redirect("evaluation:assign", pk=assessment.pk)


@login_required
@require_POST
def assessment_submit(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    assessment = get_assessment(user, pk)
    authz.require(user, A.EDIT, _may_submit(user, assessment))
    try:
        actions.assessment_submit(actor=user, assessment=assessment)
    except actions.EvaluationError as exc:
        messages.error(request, str(exc))
    else:
        if verification.level_of(assessment) > 2:
            messages.success(request, _("The self-assessment has been submitted to the district."))
        else:
            messages.success(request, _("The self-assessment has been submitted to the province."))
    return redirect("evaluation:assessment", pk=assessment.pk)


@login_required
@require_POST
def assessment_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    assessment = get_assessment(user, pk)
    authz.require(user, A.MANAGE, authz.reaches(user, A.MANAGE, None))
    form = ReopenForm(request.POST, level=assessment.cycle.instrument.framework.region_level)
    if not form.is_valid():
        messages.error(request, _("Choose the stage and the date, and give the reason."))
    else:
        try:
            actions.stage_reopen(
                actor=user,
                assessment=assessment,
                kind=form.cleaned_data["stage"],
                reason=form.cleaned_data["reason"],
                until=form.until_datetime(),
            )
        except actions.EvaluationError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The stage has been reopened for this district."))
    return redirect("evaluation:assessment", pk=assessment.pk)


def _zip_response(user_links: list[EvidenceLink], filename: str) -> FileResponse:
    """The linked files in folders by group and indicator. Built in a temporary file that
    spills to disk past 20 MB, so memory stays flat whatever the number of files."""
    spool = tempfile.SpooledTemporaryFile(max_size=20_000_000)  # noqa: SIM115 - closed by FileResponse
    jobs.write_zip(user_links, spool)
    spool.seek(0)
    return FileResponse(
        spool, as_attachment=True, filename=filename, content_type="application/zip"
    )


@login_required
def assessment_zip(request: HttpRequest, pk: int) -> HttpResponse:
    """The whole self-assessment's evidence as one ZIP, prepared in the background (it can be
    large); the job page offers the download."""
    user = user_of(request)
    assessment = get_assessment(user, pk)
    if request.method == "POST":
        job = runner.start(
            actor=user,
            kind="evidence_zip",
            label=_("Evidence of %(region)s · %(cycle)s as a ZIP")
            % {"region": assessment.region.name, "cycle": assessment.cycle.name},
            params={"assessment": assessment.pk},
            region=assessment.region,
        )
        return redirect(job)
    return render(request, "evaluation/assessment_zip.html", {"assessment": assessment})


@login_required
def indicator_zip(request: HttpRequest, pk: int, indicator: int) -> FileResponse:
    user = user_of(request)
    assessment = get_assessment(user, pk)
    ind = get_object_or_404(Indicator, pk=indicator, version_id=assessment.cycle.instrument_id)
    visible = Answer.objects.for_user(user, A.VIEW).filter(
        assessment=assessment, question__indicator=ind
    )
    if not visible.exists():
        raise Http404
    links = [
        link
        for link in jobs.visible_links(user, assessment)
        if link.answer.question.indicator_id == ind.pk
    ]
    name = slugify(f"{assessment.region.name}-{ind.code}") + ".zip"
    return _zip_response(links, name)
