"""Pages of the bulk actions (``layak.evaluation.bulk``): an office submits all its ready items;
the district administrator accepts a whole indicator or cluster after a preview."""

from __future__ import annotations

import secrets

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from layak import authz
from layak.core.http import parse_id
from layak.evaluation import bulk
from layak.evaluation.models import Answer, Assessment
from layak.evaluation.views.common import A, get_assessment, user_of
from layak.frameworks.models import Group, Indicator


@login_required
@require_POST
def bulk_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Submit every ready item of the person's office in this assessment; the page lists what
    was submitted and, item by item, what was refused and why."""
    user = user_of(request)
    assessment = get_assessment(user, pk)
    # Whoever answers at least one item of the assessment; a reader is refused.
    authz.require(
        user,
        A.EDIT,
        Answer.objects.for_user(user, A.EDIT).filter(assessment=assessment).exists(),
    )
    result = bulk.submit_ready(actor=user, assessment=assessment)
    return _show_later(request, assessment, result, "submit")


@login_required
def bulk_accept(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the preview of the submitted items of one indicator (``?indicator=``) or one cluster
    (``?group=``); POST: accept the items previewed, one by one, and list each refusal."""
    user = user_of(request)
    assessment = get_assessment(user, pk)
    authz.require(user, A.MANAGE, authz.reaches(user, A.MANAGE, assessment.region))
    data = request.POST if request.method == "POST" else request.GET
    indicator_id = parse_id(data.get("indicator"))
    group_id = parse_id(data.get("group"))
    version = assessment.cycle.instrument_id
    indicator = group = None
    if indicator_id is not None:
        indicator = Indicator.objects.filter(pk=indicator_id, version_id=version).first()
    elif group_id is not None:
        group = Group.objects.filter(pk=group_id, version_id=version).first()
    if indicator is None and group is None:
        raise Http404
    scope = {
        "indicator": indicator.pk if indicator else None,
        "group": group.pk if group else None,
    }
    context = {"assessment": assessment, "indicator": indicator, "group": group}
    if request.method == "POST":
        ids = [i for i in (parse_id(v) for v in request.POST.getlist("answer")) if i]
        result = bulk.accept_submitted(actor=user, assessment=assessment, answers=ids, **scope)
        return _show_later(request, assessment, result, "accept")
    answers = list(bulk.submitted_in(user, assessment, **scope).select_related("updated_by"))
    return render(request, "evaluation/bulk_accept.html", {**context, "answers": answers})


# The results a person's session keeps for the result page (the newest first); a bulk action
# redirects there, so reloading the page shows the result again instead of repeating the action.
SESSION_KEY = "bulk_results"
KEPT = 5


def _show_later(
    request: HttpRequest, assessment: Assessment, result: bulk.BulkResult, kind: str
) -> HttpResponse:
    """Keep what the action did in the session and send the browser to the result page."""
    token = secrets.token_urlsafe(9)
    kept = dict(list(request.session.get(SESSION_KEY, {}).items())[-(KEPT - 1) :])
    kept[token] = {
        "assessment": assessment.pk,
        "kind": kind,
        "done": [answer.pk for answer in result.done],
        "refused": [[answer.pk, reason] for answer, reason in result.refused],
    }
    request.session[SESSION_KEY] = kept
    return redirect("evaluation:bulk_result", pk=assessment.pk, token=token)


@login_required
@require_GET
def bulk_result(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    """What a bulk action of this person did: each item done and each refusal with its reason,
    read again from the answers as they now stand (404 for a result not kept in this session)."""
    user = user_of(request)
    assessment = get_assessment(user, pk)
    kept = request.session.get(SESSION_KEY, {}).get(token)
    if not kept or kept["assessment"] != assessment.pk:
        raise Http404
    ids = [*kept["done"], *(pk for pk, _reason in kept["refused"])]
    answers = Answer.objects.for_user(user, A.VIEW).filter(assessment=assessment, pk__in=ids)
    by_pk = {a.pk: a for a in answers.select_related("question")}
    result = bulk.BulkResult(
        done=[by_pk[pk] for pk in kept["done"] if pk in by_pk],
        refused=[(by_pk[pk], reason) for pk, reason in kept["refused"] if pk in by_pk],
    )
    return render(
        request,
        "evaluation/bulk_result.html",
        {"assessment": assessment, "result": result, "kind": kept["kind"]},
    )
