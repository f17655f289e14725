from __future__ import annotations

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from layak import authz
from layak.accounts.models import User
from layak.evaluation import actions, criteria, cycle_actions, scores, verification
from layak.evaluation.forms import CycleForm, DistrictsForm, GateForm, WindowsForm
from layak.evaluation.models import Answer, Assessment, Cycle, Stage
from layak.evaluation.templatetags.evaluation import last_day, last_moment
from layak.evaluation.views.common import A, user_of
from layak.jobs import runner
from layak.regions.models import Region

PAGE_SIZE = 50

# The words for a cycle's regions, by the level its instrument is answered at.
LEVEL_WORDS = {
    2: {
        "done": gettext_lazy("Accepted"),
        "heading": gettext_lazy("Participating regencies and cities"),
        "region": gettext_lazy("Regency/city"),
        "parent": gettext_lazy("Province"),
        "none": gettext_lazy("No regency or city takes part yet."),
    },
    3: {
        "done": gettext_lazy("Submitted"),
        "heading": gettext_lazy("Participating kecamatan"),
        "region": gettext_lazy("Kecamatan"),
        "parent": gettext_lazy("Regency/city"),
        "none": gettext_lazy("No kecamatan takes part yet."),
    },
    4: {
        "done": gettext_lazy("Submitted"),
        "heading": gettext_lazy("Participating villages"),
        "region": gettext_lazy("Village"),
        "parent": gettext_lazy("Kecamatan"),
        "none": gettext_lazy("No village takes part yet."),
    },
}


def _national(request: HttpRequest) -> bool:
    return authz.reaches(user_of(request), A.MANAGE, None)


def _get_cycle(request: HttpRequest, pk: int) -> Cycle:
    """A cycle the person sees (404 otherwise)."""
    cycle: Cycle = get_object_or_404(
        cycle_actions.cycles_for_user(user_of(request)).select_related("instrument__framework"),
        pk=pk,
    )
    return cycle


class AssessmentFilter(forms.Form):
    """Search the assessments of a list by region and by where they stand."""

    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    DETERMINED = "determined"

    q = forms.CharField(label=gettext_lazy("Region name or code"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[
            ("", "—"),
            (IN_PROGRESS, gettext_lazy("Self-assessment in progress")),
            (SUBMITTED, gettext_lazy("Submitted, under verification")),
            (DETERMINED, gettext_lazy("Determined")),
        ],
    )

    def apply(self, assessments: QuerySet[Assessment]) -> QuerySet[Assessment]:
        if not self.is_valid():
            return assessments
        text = self.cleaned_data["q"].strip()
        if text:
            assessments = assessments.filter(
                Q(region__name__icontains=text) | Q(region__code__startswith=text)
            )
        status = self.cleaned_data["status"]
        if status == self.IN_PROGRESS:
            assessments = assessments.filter(status=Assessment.Status.IN_PROGRESS)
        elif status == self.SUBMITTED:
            assessments = assessments.filter(
                status=Assessment.Status.SUBMITTED, determined_at__isnull=True
            )
        elif status == self.DETERMINED:
            assessments = assessments.filter(determined_at__isnull=False)
        return assessments


def standing(assessment: Assessment, open_now: set[str], now: datetime.datetime) -> str:
    """Where an assessment stands, in words, by the stage windows: in progress, the
    verification stage open for it now (``open_now``: the kinds open for the district), the
    stage it waits for and the day that opens, or determined. Reads the cycle's stages as
    prefetched."""
    if assessment.determined_at is not None:
        return _("Determined")
    if assessment.status == Assessment.Status.IN_PROGRESS:
        return _self_standing(assessment, open_now, now)
    order = Stage.order_for(verification.level_of(assessment))[1:]
    for kind in reversed(order):
        if kind in open_now:
            return str(Stage.Kind(kind).label)
    windows = {s.kind: s for s in assessment.cycle.stages.all()}
    ahead = [windows[k] for k in order if k in windows and now < windows[k].opens_at]
    if ahead:
        words = {
            "stage": ahead[0].get_kind_display(),
            "date": date_format(timezone.localtime(ahead[0].opens_at), "j M Y"),
        }
        if ahead[0].kind == order[0]:
            return _("Submitted, waiting for “%(stage)s”, which opens on %(date)s") % words
        return _("Waiting for “%(stage)s”, which opens on %(date)s") % words
    return _("“%(stage)s” has closed without a determination") % {
        "stage": Stage.Kind(order[-1]).label
    }


def _self_standing(assessment: Assessment, open_now: set[str], now: datetime.datetime) -> str:
    """An assessment not submitted, by the district's self-assessment window: running while
    open (reopened included), the day it opens, or the day it closed."""
    stage = next(
        (s for s in assessment.cycle.stages.all() if s.kind == Stage.Kind.SELF_ASSESSMENT), None
    )
    if stage is None or Stage.Kind.SELF_ASSESSMENT in open_now:
        return _("Self-assessment in progress")
    if now < stage.opens_at:
        return _("Self-assessment opens on %(date)s") % {
            "date": date_format(timezone.localtime(stage.opens_at), "j M Y")
        }
    return _("Not submitted; the self-assessment closed on %(date)s") % {
        "date": last_day(stage.closes_at)
    }


def _rows(user: User, page: Page[Assessment]) -> list[dict[str, object]]:
    """Each assessment of a page with its result as it stands (``scores.current_results``,
    or the criteria met on a framework without points: a fixed number of queries for the
    page), where it stands by the stage windows and what the person may do."""
    assessments = list(page.object_list)
    results = scores.current_results(None, assessments) if assessments else {}
    met = criteria.results_of(assessments)
    now = timezone.now()
    open_stages = cycle_actions.open_stages(assessments, now)
    rows = []
    for a in assessments:
        result = results.get(a.pk) or scores.Result(a.pk)
        final = verification.DETERMINATION_STAGE[verification.level_of(a)]
        rows.append(
            {
                "assessment": a,
                "result": result,
                "criteria": met.get(a.pk),
                "standing": standing(a, open_stages[a.pk], now),
                # A cycle loaded with its results only has no answers to count.
                "answered": a.total > 0,  # type: ignore[attr-defined]
                # Offered when the determination can be made now: the rule it enforces.
                "may_determine": verification.may_determine(
                    user, a, open_now=final in open_stages[a.pk]
                ),
            }
        )
    return rows


# An answer is done when the district accepted it; a kecamatan's or village's once submitted
# (its district verifies it).
DONE = Q(answers__status=Answer.Status.ACCEPTED) | Q(
    answers__status=Answer.Status.SUBMITTED,
    cycle__instrument__framework__region_level__gt=Region.Level.REGENCY,
)


def _counted(assessments: QuerySet[Assessment]) -> QuerySet[Assessment]:
    return (
        assessments.select_related("region__parent", "cycle__instrument__framework", "final_band")
        # The stage windows, for where each assessment stands (``standing``).
        .prefetch_related(Prefetch("cycle__stages", queryset=Stage.objects.order_by("opens_at")))
        .annotate(total=Count("answers"), done=Count("answers", filter=DONE))
    )


@login_required
def cycle_list(request: HttpRequest) -> HttpResponse:
    """The cycles the person sees and the assessments within reach, searchable and paged."""
    user = user_of(request)
    cycles = list(
        cycle_actions.cycles_for_user(user)
        .select_related("instrument__framework")
        .prefetch_related("stages")
    )
    owners = cycle_actions.owners(cycles)
    search = AssessmentFilter(request.GET)
    assessments = search.apply(
        _counted(Assessment.objects.for_user(user, A.VIEW).filter(cycle__in=cycles))
    ).order_by("-cycle__created_at", "region__code")
    page = Paginator(assessments, PAGE_SIZE).get_page(request.GET.get("page"))
    districts = (
        cycle_actions.districts_managed(user) if not _national(request) else Region.objects.none()
    )
    return render(
        request,
        "evaluation/cycle_list.html",
        {
            "cycles": [(c, owners.get(c.pk)) for c in cycles],
            "page": page,
            "rows": _rows(user, page),
            "search": search,
            "can_manage": _national(request),
            "can_start_lower": bool(districts.exists()),
            "has_points": all(c.instrument.framework.has_points for c in cycles),
            "now": timezone.now(),
        },
    )


@login_required
def cycle_create(request: HttpRequest) -> HttpResponse:
    """The ministry starts a cycle at any level; a district administrator one for its own
    kecamatan (KELANA) or villages (DEKELA)."""
    user = user_of(request)
    national = _national(request)
    districts = None if national else cycle_actions.districts_managed(user)
    authz.require(user, A.MANAGE, national or bool(districts is not None and districts.exists()))
    levels = ["2", "3", "4"] if national else ["3", "4"]
    raw = request.POST.get("level") or request.GET.get("level") or levels[0]
    level = int(raw) if raw in levels else int(levels[0])
    form = CycleForm(request.POST or None, level=level, districts=districts)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if national:
                cycle = actions.cycle_create(
                    actor=user,
                    name=data["name"],
                    instrument=data["instrument"],
                    windows=form.windows(),
                )
            else:
                cycle = cycle_actions.district_cycle_create(
                    actor=user,
                    district=data["district"],
                    name=data["name"],
                    instrument=data["instrument"],
                    windows=form.windows(),
                )
        except actions.EvaluationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The cycle has been created."))
            return redirect("evaluation:cycle", pk=cycle.pk)
    return render(
        request,
        "evaluation/cycle_form.html",
        {"form": form, "cycle": None, "level": level, "levels": [int(x) for x in levels]},
    )


def _detail_context(
    request: HttpRequest, cycle: Cycle, districts_form: DistrictsForm | None = None
) -> dict[str, object]:
    user = user_of(request)
    owner = cycle_actions.owners([cycle]).get(cycle.pk)
    level = cycle.instrument.framework.region_level
    search = AssessmentFilter(request.GET)
    assessments = search.apply(
        _counted(Assessment.objects.for_user(user, A.VIEW).filter(cycle=cycle))
    ).order_by("region__code")
    page = Paginator(assessments, PAGE_SIZE).get_page(request.GET.get("page"))
    stages = list(cycle.stages.order_by("opens_at"))
    running = actions.still_running(stages, timezone.now())
    adds_regions = cycle_actions.may_add_regions(user, cycle, owner)
    may_add = running and adds_regions
    national = _national(request)
    gates_fixed = national and cycle_actions.gates_fixed(cycle)
    return {
        "cycle": cycle,
        "owner": owner,
        "words": LEVEL_WORDS.get(level, LEVEL_WORDS[2]),
        "stages": stages,
        "page": page,
        "rows": _rows(user, page),
        "search": search,
        "has_points": cycle.instrument.framework.has_points,
        "gates": cycle.gates.select_related("question", "max_band"),
        "can_manage": cycle_actions.may_manage(user, cycle, owner),
        "regions_closed": adds_regions and not running,
        # A refused form is shown with its message, even once the cycle has ended.
        "districts_form": districts_form or (DistrictsForm(level=level) if may_add else None),
        "gates_fixed": gates_fixed,
        "gate_form": (
            GateForm(instrument_id=cycle.instrument_id)
            if national and cycle.instrument.framework.has_points and not gates_fixed
            else None
        ),
        "now": timezone.now(),
    }


@login_required
def cycle_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = _get_cycle(request, pk)
    return render(request, "evaluation/cycle_detail.html", _detail_context(request, cycle))


@login_required
def cycle_windows(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    cycle = _get_cycle(request, pk)
    owner = cycle_actions.owners([cycle]).get(cycle.pk)
    authz.require(user, A.MANAGE, cycle_actions.may_manage(user, cycle, owner))
    stages = {s.kind: s for s in cycle.stages.all()}
    initial = {}
    for kind, stage in stages.items():
        initial[f"{kind}_opens"] = timezone.localtime(stage.opens_at).date()
        initial[f"{kind}_closes"] = last_moment(stage.closes_at).date()
    form = WindowsForm(
        request.POST or None, initial=initial, level=cycle.instrument.framework.region_level
    )
    if request.method == "POST" and form.is_valid():
        windows = form.windows()
        for kind, stage in stages.items():
            # A window whose days did not change keeps its stored times.
            if (
                kind in windows
                and form.cleaned_data[f"{kind}_opens"] == initial[f"{kind}_opens"]
                and form.cleaned_data[f"{kind}_closes"] == initial[f"{kind}_closes"]
            ):
                windows[kind] = (stage.opens_at, stage.closes_at)
        try:
            if _national(request) or owner is None:
                actions.cycle_set_windows(actor=user, cycle=cycle, windows=windows)
            else:
                cycle_actions.district_cycle_set_windows(
                    actor=user, cycle=cycle, owner=owner, windows=windows
                )
        except actions.EvaluationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The stage windows have been saved."))
            _warn_closed(request, stages)
            waiting = _not_submitted_after_self(cycle)
            if waiting:
                # The ministry reopens one region from its assessment page; a district that
                # runs its own kecamatan or village cycle moves the window here.
                warning = (
                    _(
                        "The self-assessment is closed, but these have not submitted: "
                        "%(names)s. Reopen it for them from their assessment page."
                    )
                    if _national(request) or owner is None
                    else _(
                        "The self-assessment is closed, but these have not submitted: "
                        "%(names)s. To let them submit, set a later closing day for the "
                        "self-assessment with “Change the stage windows”."
                    )
                )
                messages.warning(request, warning % {"names": ", ".join(waiting)})
            return redirect("evaluation:cycle", pk=cycle.pk)
    return render(request, "evaluation/cycle_form.html", {"form": form, "cycle": cycle})


def _warn_closed(request: HttpRequest, before: dict[str, Stage]) -> None:
    """Each stage the change has closed (its window ended in the past, while it ran on before):
    its decisions can no longer be made or changed unless it is reopened."""
    now = timezone.now()
    for stage in Stage.objects.filter(pk__in=[s.pk for s in before.values()]).order_by("opens_at"):
        if before[stage.kind].closes_at > now >= stage.closes_at:
            messages.warning(
                request,
                _(
                    "“%(stage)s” is now closed (its last day was %(day)s): nothing can be "
                    "decided or changed at that stage any more unless it is given a later "
                    "closing day."
                )
                % {"stage": stage.get_kind_display(), "day": last_day(stage.closes_at)},
            )


def _not_submitted_after_self(cycle: Cycle) -> list[str]:
    """Regions whose self-assessment window has closed while they are still in progress
    (and not reopened for them), at most twenty names."""
    now = timezone.now()
    stage = cycle.stages.filter(kind=Stage.Kind.SELF_ASSESSMENT).first()
    if stage is None or stage.closes_at > now:
        return []
    return list(
        Assessment.objects.filter(cycle=cycle, status=Assessment.Status.IN_PROGRESS)
        .exclude(reopenings__stage=stage, reopenings__until__gt=now)
        .order_by("region__code")
        .values_list("region__name", flat=True)[:20]
    )


def _why_not(
    codes: list[str], level: int, national: bool, user: User
) -> tuple[list[Region], dict[str, str]]:
    """The regions the codes stand for at the cycle's level, and why each code that cannot be
    added cannot (a code above the level stands for all its regions at that level)."""
    given = {r.code: r for r in Region.objects.filter(code__in=codes)}
    regions: list[Region] = []
    refused: dict[str, str] = {}
    below = LEVEL_WORDS.get(level, LEVEL_WORDS[2])["region"]
    for code in codes:
        region = given.get(code)
        if region is None:
            refused[code] = _("no region has this code")
            continue
        if region.level > level:
            refused[code] = _("%(name)s is below the level this cycle evaluates (%(level)s)") % {
                "name": region.name,
                "level": str(below).lower(),
            }
            continue
        if not region.is_active:
            refused[code] = _("%(name)s is no longer on the official list") % {"name": region.name}
            continue
        found = (
            [region]
            if region.level == level
            else list(Region.objects.below(region).filter(level=level, is_active=True))
        )
        if not national and not all(authz.reaches(user, A.MANAGE, r) for r in [region, *found]):
            refused[code] = _("%(name)s is outside your regency or city") % {"name": region.name}
            continue
        regions += found
    return list({r.pk: r for r in regions}.values()), refused


@login_required
@require_POST
def cycle_add_districts(request: HttpRequest, pk: int) -> HttpResponse:
    """Add the regions that take part. A code above the instrument's level stands for all its
    regions at that level (a province for its regencies, a regency for its kecamatan). The
    ministry adds anywhere; a district administrator its own kecamatan and villages.

    Every code is checked first: when one cannot be added, nothing is added, each such code is
    named with the reason beside the field, and what was typed stays there."""
    user = user_of(request)
    cycle = _get_cycle(request, pk)
    owner = cycle_actions.owners([cycle]).get(cycle.pk)
    authz.require(user, A.MANAGE, cycle_actions.may_add_regions(user, cycle, owner))
    level = cycle.instrument.framework.region_level
    form = DistrictsForm(request.POST, level=level)
    if form.is_valid():
        regions, refused = _why_not(form.code_list(), level, _national(request), user)
        if refused:
            form.add_error(
                "codes",
                _("Nothing was added. These codes cannot be added: %(codes)s.")
                % {"codes": "; ".join(f"{code} ({why})" for code, why in refused.items())},
            )
        else:
            taking_part = set(
                Assessment.objects.filter(cycle=cycle, region__in=regions).values_list(
                    "region_id", flat=True
                )
            )
            try:
                created = actions.cycle_add_districts(actor=user, cycle=cycle, regions=regions)
            except actions.EvaluationError as exc:
                form.add_error("codes", str(exc))
            else:
                _report_added(request, created, [r for r in regions if r.pk in taking_part])
                return redirect("evaluation:cycle", pk=cycle.pk)
    context = _detail_context(request, cycle, districts_form=form)
    return render(request, "evaluation/cycle_detail.html", context, status=400)


def _report_added(request: HttpRequest, created: list[Assessment], already: list[Region]) -> None:
    if created:
        names = ", ".join(a.region.name for a in created)
        messages.success(
            request,
            ngettext(
                "%(n)s region added: %(names)s.", "%(n)s regions added: %(names)s.", len(created)
            )
            % {"n": len(created), "names": names},
        )
    if already:
        messages.info(
            request,
            _("Already taking part, so not added again: %(names)s.")
            % {"names": ", ".join(r.name for r in already)},
        )


@login_required
@require_POST
def gate_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    authz.require(user, A.MANAGE, _national(request))
    cycle = _get_cycle(request, pk)
    if not cycle.instrument.framework.has_points:
        # Met or not met: no predicate for a gate to cap.
        raise Http404
    form = GateForm(request.POST, instrument_id=cycle.instrument_id)
    if form.is_valid():
        try:
            cycle_actions.gate_add(actor=user, cycle=cycle, **form.cleaned_data)
        except actions.EvaluationError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The gate has been added."))
    else:
        messages.error(request, _("Choose a question and a predicate, and give the reason."))
    return redirect("evaluation:cycle", pk=cycle.pk)


@login_required
def region_status(request: HttpRequest, code: str) -> HttpResponse:
    """A province: its regencies and cities with their latest predicate, and whether it is a
    Provinsi Layak Anak (every one holds a predicate). A regency or city: its kecamatan and
    villages with their status, and the KELANA/DEKELA shares its evaluation counts."""
    from layak.evaluation import computed

    user = user_of(request)
    region = get_object_or_404(
        Region.objects.filter(authz.scope_q(user, A.VIEW, region="")),
        code=code,
        level__in=[Region.Level.PROVINCE, Region.Level.REGENCY],
    )
    context: dict[str, object] = {"region": region}
    if region.level == Region.Level.PROVINCE:
        found = computed.statuses(region, 2)
        names = dict(Region.objects.filter(pk__in=list(found)).values_list("pk", "name"))
        context["rows"] = sorted(
            ((names[pk], status) for pk, status in found.items()), key=lambda r: r[0]
        )
        context["provila"] = bool(found) and all(status is not None for status in found.values())
    else:
        for level, key in ((3, "kecamatan"), (4, "villages")):
            found = computed.statuses(region, level)
            names = dict(Region.objects.filter(pk__in=list(found)).values_list("pk", "name"))
            context[key] = sorted(
                ((names[pk], status) for pk, status in found.items()), key=lambda r: r[0]
            )
            context[f"{key}_share"] = computed.share(region, level)
        context["may_start"] = authz.reaches(user, A.MANAGE, region)
    return render(request, "evaluation/region_status.html", context)


@login_required
@require_POST
def reminders_send(request: HttpRequest) -> HttpResponse:
    """Send today's deadline reminders now, in the background (the ministry)."""
    user = user_of(request)
    authz.require(user, A.MANAGE, _national(request))
    job = runner.start(actor=user, kind="reminders", label=_("Send today's deadline reminders"))
    return redirect(job)
