from __future__ import annotations

import tempfile
from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from layak import authz
from layak.core.http import parse_id
from layak.evaluation import actions, jobs, proposal, scores, verification
from layak.evaluation.forms import ReopenForm
from layak.evaluation.models import Answer, Assessment, Assignment, Stage
from layak.evaluation.views.common import A, get_assessment, user_of
from layak.evidence.models import EvidenceLink
from layak.frameworks.models import Indicator
from layak.jobs import runner
from layak.organisations.models import Organisation

MISSING_SHOWN = 50


@login_required
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A district's self-assessment: running score and predicate, progress, indicators."""
    user = user_of(request)
    assessment = get_assessment(user, pk)
    cycle = assessment.cycle
    # The score as it stands at the furthest stage reached (determined once fixed).
    result = scores.current_results(cycle, [assessment])[assessment.pk]
    maxima = scores.group_maxima(cycle)
    visible = Answer.objects.for_user(user, A.VIEW).filter(assessment=assessment)
    # Filtering on this assessment's answers before annotating keeps the join to its own
    # answers: the counts then read one district's rows, not every district's of the cycle.
    indicators = (
        Indicator.objects.filter(
            version_id=cycle.instrument_id, questions__answers__assessment=assessment
        )
        .select_related("group")
        .annotate(
            total=Count("questions__answers", filter=Q(questions__answers__in=visible)),
            accepted=Count(
                "questions__answers",
                filter=Q(
                    questions__answers__in=visible,
                    questions__answers__status=Answer.Status.ACCEPTED,
                ),
            ),
            submitted=Count(
                "questions__answers",
                filter=Q(
                    questions__answers__in=visible,
                    questions__answers__status=Answer.Status.SUBMITTED,
                ),
            ),
            returned=Count(
                "questions__answers",
                filter=Q(
                    questions__answers__in=visible,
                    questions__answers__status=Answer.Status.RETURNED,
                ),
            ),
        )
        .filter(total__gt=0)
        .order_by("group__order", "order")
    )
    points = scores.indicator_points(assessment)
    offices: dict[int, set[str]] = defaultdict(set)
    for indicator_id, name in (
        Assignment.objects.filter(answer__assessment=assessment, is_active=True)
        .values_list("answer__question__indicator_id", "organisation__acronym")
        .distinct()
    ):
        offices[indicator_id].add(name or "?")
    can_manage = authz.reaches(user, A.MANAGE, assessment.region)
    can_submit = _may_submit(user, assessment)
    stage = Stage.objects.filter(cycle=cycle, kind=Stage.Kind.SELF_ASSESSMENT).first()
    missing = actions.assessment_missing(assessment) if can_submit else []
    missing_by_office: list[tuple[str, int]] = []
    unassigned = 0
    if missing:
        # Who still has work: the missing answers per responsible office, and those no office
        # has been given (two queries).
        ids = [a.pk for a in missing]
        missing_by_office = list(
            Assignment.objects.filter(answer_id__in=ids, is_active=True)
            .values_list("organisation__name")
            .annotate(n=Count("answer_id", distinct=True))
            .order_by("-n", "organisation__name")
        )
        unassigned = len(ids) - len(
            set(
                Assignment.objects.filter(answer_id__in=ids, is_active=True).values_list(
                    "answer_id", flat=True
                )
            )
        )
    return render(
        request,
        "evaluation/assessment.html",
        {
            "assessment": assessment,
            "cycle": cycle,
            "result": result,
            "maxima": [(g, m, result.by_group.get(g.code, 0)) for g, m in maxima],
            "scale_max": cycle.instrument.scale_max,
            "indicators": [
                (i, points.get(i.pk, 0), sorted(offices.get(i.pk, ()))) for i in indicators
            ],
            "by_group": scores.progress_by_group(assessment) if can_manage else [],
            "by_office": scores.progress_by_office(assessment) if can_manage else [],
            "can_manage": can_manage,
            "is_national": authz.reaches(user, A.MANAGE, None),
            "stage": stage,
            "stage_open": actions.stage_open_for(assessment, Stage.Kind.SELF_ASSESSMENT),
            "missing": missing[:MISSING_SHOWN],
            "missing_count": len(missing),
            "missing_by_office": missing_by_office,
            "unassigned": unassigned,
            "can_submit": can_submit,
            "reopen_form": ReopenForm(level=cycle.instrument.framework.region_level),
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


def _may_submit(user: object, assessment: Assessment) -> bool:
    """The district administrator submits the district's evaluation; a kecamatan's or village's
    is submitted by whoever answers for it (its operator, the kecamatan operator)."""
    if assessment.cycle.instrument.framework.region_level > 2:
        return authz.reaches(user, A.EDIT, assessment.region)  # type: ignore[arg-type]
    return authz.reaches(user, A.MANAGE, assessment.region)  # type: ignore[arg-type]


@login_required
def assessment_assign(request: HttpRequest, pk: int) -> HttpResponse:
    """The district administrator gives each indicator (or single questions) to offices."""
    user = user_of(request)
    assessment = get_assessment(user, pk)
    authz.require(user, A.MANAGE, authz.reaches(user, A.MANAGE, assessment.region))
    organisations = list(
        Organisation.objects.for_user(user, A.MANAGE)
        .filter(region__path__startswith=assessment.region.path, is_active=True)
        .order_by("kind", "name")
    )
    answers = list(
        Answer.objects.filter(assessment=assessment)
        .select_related("question__indicator__group")
        .prefetch_related(
            Prefetch("assignments", queryset=Assignment.objects.filter(is_active=True))
        )
        .order_by(
            "question__indicator__group__order", "question__indicator__order", "question__order"
        )
    )
    by_indicator: dict[Indicator, list[Answer]] = defaultdict(list)
    for answer in answers:
        by_indicator[answer.question.indicator].append(answer)
    if request.method == "POST" and "proposal" in request.POST:
        kept = [parse_id(v) for v in request.POST.getlist("proposed")]
        try:
            n = proposal.proposal_confirm(actor=user, assessment=assessment, organisations=kept)
        except actions.EvaluationError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("%(n)s questions assigned as proposed.") % {"n": n})
        return redirect("evaluation:assign", pk=assessment.pk)
    if request.method == "POST":
        allowed = {o.pk: o for o in organisations}
        changed = 0

        def chosen(name: str) -> list[Organisation]:
            values = request.POST.getlist(name)
            ids = [parse_id(v) for v in values]
            return [allowed[i] for i in ids if i is not None and i in allowed]

        try:
            for indicator, items in by_indicator.items():
                if request.POST.get(f"sep-{indicator.pk}"):
                    # Each question of the indicator to its own offices.
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
        except actions.EvaluationError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Assignments saved (%(n)s changes).") % {"n": changed})
            return redirect("evaluation:assessment", pk=assessment.pk)
    rows = []
    for indicator, items in by_indicator.items():
        per_answer = [
            (answer, {a.organisation_id for a in answer.assignments.all()}) for answer in items
        ]
        assigned = set().union(*(orgs for _answer, orgs in per_answer))
        separate = len({frozenset(orgs) for _answer, orgs in per_answer}) > 1
        rows.append((indicator, assigned, per_answer, separate))
    return render(
        request,
        "evaluation/assign.html",
        {
            "assessment": assessment,
            "rows": rows,
            "organisations": organisations,
            "proposal": proposal.propose(assessment),
        },
    )


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
