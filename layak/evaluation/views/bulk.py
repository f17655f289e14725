"""Pages of the bulk actions (``layak.evaluation.bulk``): an office submits all its ready items;
the district administrator accepts a whole indicator or cluster after a preview."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from layak import authz
from layak.core.http import parse_id
from layak.evaluation import bulk
from layak.evaluation.models import Answer
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
    return render(
        request,
        "evaluation/bulk_result.html",
        {"assessment": assessment, "result": result, "kind": "submit"},
    )


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
        return render(
            request,
            "evaluation/bulk_result.html",
            {**context, "result": result, "kind": "accept"},
        )
    answers = list(bulk.submitted_in(user, assessment, **scope).select_related("updated_by"))
    return render(request, "evaluation/bulk_accept.html", {**context, "answers": answers})
