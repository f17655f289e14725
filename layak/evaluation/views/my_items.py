"""My items: the answers given to a person's office, per assessment and indicator, with how
far they are, what is ready to submit at once and what was returned to correct.

What the page shows changes only with the data (answers, assignments, documents: each change
audited) and the person's rights, so it is drawn once per data stamp of the person's reach and
kept, as the home page's list of work is (``layak.core.actions_list.kept_needs_action``): a
kept list costs the stamp's query."""

from __future__ import annotations

from operator import itemgetter
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language

from layak.accounts.models import User
from layak.dashboards.cache import scope
from layak.evaluation import bulk, work
from layak.evaluation.listing import Kept
from layak.evaluation.models import Answer, Assessment
from layak.evaluation.views.assessments import STATUS_FILTERS
from layak.evaluation.views.common import A, user_of

MY_ITEMS_PAGE = 50
# At most this many people's lists per process (a few KB each), shared by every process.
KEPT_LISTS = 500
_kept = Kept(KEPT_LISTS, shared="my-items")


def _figures(user: User, text: str) -> dict[str, Any]:
    """The page's figures: the person's open answers counted per assessment and indicator
    (searched by ``text``), newest cycle first; what is ready to submit; what was returned."""
    answers = Answer.objects.for_user(user, A.EDIT).filter(work.open_for_office())
    if text:
        answers = answers.filter(
            Q(question__code__icontains=text)
            | Q(question__text__icontains=text)
            | Q(question__indicator__name__icontains=text)
        )
    # Counted per assessment and indicator; the assessments' cycle and district are read
    # apart: joined to every answer, they cost the database more to plan than to run.
    grouped: list[dict[str, Any]] = [
        dict(row)
        for row in answers.values(
            "assessment_id",
            "question__indicator_id",
            "question__indicator__code",
            "question__indicator__name",
            "question__indicator__group__order",
            "question__indicator__order",
        )
        .annotate(
            total=Count("pk"),
            # A draft nobody has answered yet is "not filled in", as the assessment page counts.
            empty=Count("pk", filter=STATUS_FILTERS["empty"][1]),
            draft=Count("pk", filter=STATUS_FILTERS["draft"][1]),
            returned=Count("pk", filter=Q(status=Answer.Status.RETURNED)),
            submitted=Count("pk", filter=Q(status=Answer.Status.SUBMITTED)),
            accepted=Count("pk", filter=Q(status=Answer.Status.ACCEPTED)),
        )
        .order_by()
    ]
    named = (
        {
            pk: (created, cycle, region)
            for pk, created, cycle, region in Assessment.objects.filter(
                pk__in={row["assessment_id"] for row in grouped}
            )
            .order_by()
            .values_list("pk", "cycle__created_at", "cycle__name", "region__name")
        }
        if grouped
        else {}
    )
    for row in grouped:
        created, row["assessment__cycle__name"], row["assessment__region__name"] = named[
            row["assessment_id"]
        ]
        row["created"] = created
        row["percent"] = (
            round(100 * (row["submitted"] + row["accepted"]) / row["total"]) if row["total"] else 0
        )
    # The newest cycle first, then the instrument's order.
    grouped.sort(key=itemgetter("question__indicator__group__order", "question__indicator__order"))
    grouped.sort(key=lambda row: row["created"], reverse=True)
    returned, returned_count = work.returned_to(user, limit=100)
    return {
        "grouped": grouped,
        # Open self-assessments only: after the district submits, corrections go one by one.
        # Each counted by the submit rule, as the assessment page counts them.
        "to_submit": bulk.readiness_in_progress(user),
        "returned": returned,
        "returned_count": returned_count,
    }


def kept_figures(user: User, text: str) -> dict[str, Any]:
    """``_figures``, kept per data stamp of the person's reach (one query when kept). The
    value handed out is shared: whoever reads it must not change it."""
    from layak.core.actions_list import _reach
    from layak.regions.models import Region
    from layak.reports.versions import data_stamp

    path = _reach(user)
    stamp = data_stamp(None if path is None else Region(path=path))
    key = repr((user.pk, get_language(), scope(user), path, stamp, text))
    found: dict[str, Any] | None = _kept.get(key)
    if found is None:
        found = _figures(user, text)
        _kept.set(key, found)
    return found


def forget() -> None:
    """Forget every list kept in this process's memory."""
    _kept.clear()


def _by_window(
    readiness: list[bulk.Readiness],
) -> tuple[list[bulk.Readiness], list[bulk.Readiness]]:
    """The kept readiness split by the self-assessment's window now (kept lists do not follow
    the clock): where submitting is open, and where it has closed. One query when there is
    any, none otherwise."""
    if not readiness:
        return [], []
    is_open = set(
        Assessment.objects.filter(pk__in=[r.assessment_id for r in readiness])
        .filter(work.self_assessment_open(timezone.now()))
        .values_list("pk", flat=True)
    )
    return (
        [r for r in readiness if r.assessment_id in is_open],
        [r for r in readiness if r.assessment_id not in is_open],
    )


@login_required
def my_items(request: HttpRequest) -> HttpResponse:
    """The answers given to this person's office, per assessment and indicator, with progress;
    searched by indicator or question (code or text) and paged. Per assessment, the items
    ready to submit at once (``bulk.submit_ready``). A fixed number of queries."""
    user = user_of(request)
    text = request.GET.get("q", "").strip()[:100]
    figures = kept_figures(user, text)
    to_submit, closed = _by_window(figures["to_submit"])
    page = Paginator(figures["grouped"], MY_ITEMS_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "evaluation/my_items.html",
        {
            "rows": list(page.object_list),
            "page": page,
            "q": text,
            "to_submit": to_submit,
            "closed": closed,
            "returned": figures["returned"],
            "returned_count": figures["returned_count"],
        },
    )
