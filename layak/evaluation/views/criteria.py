"""The report of a cycle on a framework without points: criteria met per area, for the cycle's
regions and for one region (in the reader's language)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from layak.evaluation import criteria, cycle_actions
from layak.evaluation.models import Answer, Assessment
from layak.evaluation.views.common import A, get_assessment, user_of
from layak.frameworks.models import Option


@login_required
def cycle_criteria(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    cycle = get_object_or_404(
        cycle_actions.cycles_for_user(user).select_related("instrument__framework"), pk=pk
    )
    if cycle.instrument.framework.has_points:
        raise Http404
    assessments = list(
        Assessment.objects.for_user(user, A.VIEW)
        .filter(cycle=cycle)
        .select_related("region")
        .order_by("region__code")
    )
    results = criteria.results(cycle, [a.pk for a in assessments])
    groups = results[assessments[0].pk].areas if assessments else []
    return render(
        request,
        "evaluation/criteria_cycle.html",
        {
            "cycle": cycle,
            "groups": [area.group for area in groups],
            "rows": [(a, results[a.pk]) for a in assessments],
        },
    )


@login_required
def assessment_criteria(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    assessment = get_assessment(user, pk)
    cycle = assessment.cycle
    if cycle.instrument.framework.has_points:
        raise Http404
    answers = (
        criteria.with_status(Answer.objects.for_user(user, A.VIEW).filter(assessment=assessment))
        .select_related("question__indicator__group")
        .prefetch_related(Prefetch("question__options", queryset=Option.objects.order_by("order")))
        .order_by("question__indicator__group__order", "question__indicator__order")
    )
    return render(
        request,
        "evaluation/criteria_assessment.html",
        {
            "assessment": assessment,
            "cycle": cycle,
            "result": criteria.assessment_result(assessment),
            "answers": answers,
        },
    )
