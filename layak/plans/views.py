"""Pages of the RAD KLA: plans, items, workbook import/export, progress reports and the
child-responsive budget."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from layak import authz
from layak.accounts.models import User
from layak.core import concurrency
from layak.core.http import parse_id, user_of
from layak.core.numbers import NumberError, check_places, format_number, parse_number
from layak.core.search import PLAN_ITEM_FIELDS, search_text, text_q
from layak.evidence.attachments import attachments_for
from layak.jobs import runner
from layak.organisations.models import Organisation
from layak.plans import actions, progress, workbook
from layak.plans.actions import PlanError
from layak.plans.forms import BudgetTotalForm, ItemForm, PlanForm, ReturnForm
from layak.plans.models import Plan, PlanImport, PlanItem, ProgressEntry, ProgressReport
from layak.regions.models import Region
from layak.workflow import Status

A = authz.Action
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NUMBER_FIELDS = ("output", "budget")
TEXT_FIELDS = ("done", "planned", "obstacles")
ENTRY_FIELDS = NUMBER_FIELDS + TEXT_FIELDS


def _plan(request: HttpRequest, pk: int, action: authz.Action = A.VIEW) -> Plan:
    plan: Plan = authz.get_object_for_user(
        Plan.objects.filter(is_active=True).select_related("region", "version__framework"),
        user_of(request),
        action,
        pk=pk,
    )
    return plan


def _can_edit(user: User, plan: Plan) -> bool:
    return authz.reaches(user, A.EDIT, plan.region)


def _year(request: HttpRequest, plan: Plan) -> int:
    raw = parse_id(request.GET.get("year"))
    if raw in plan.years:
        assert raw is not None
        return raw
    today = timezone.localdate().year
    return today if today in plan.years else plan.start_year


def _districts_to_plan(user: User) -> list[Region]:
    grants = [g for g in authz.grants(user) if g.allows(A.EDIT) and not g.organisation_scoped]
    regions = Region.objects.filter(level=Region.Level.REGENCY, is_active=True).order_by("name")
    if any(g.national for g in grants):
        return []  # the ministry does not write districts' plans from the list page
    codes = {".".join(path.split(".")[:2]) for g in grants for path in g.paths}
    return list(regions.filter(code__in=codes))


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    plans = (
        Plan.objects.for_user(user, A.VIEW)
        .filter(is_active=True)
        .select_related("region")
        .annotate(
            item_count=Count("items", filter=Q(items__is_active=True), distinct=True),
            waiting=Count("reports", filter=Q(reports__status=Status.SUBMITTED), distinct=True),
        )
    )
    code = request.GET.get("region", "").strip()[:20]
    if code:
        plans = plans.filter(region__path__startswith=f"{code}.")
    if text := search_text(request.GET.get("q")):
        plans = plans.filter(text_q(text, "title", "region__name", "regulation_number"))
    page = Paginator(plans.order_by("region__code", "-start_year"), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "plans/list.html",
        {
            "page": page,
            "region": code,
            "q": text,
            "can_create": bool(_districts_to_plan(user)),
        },
    )


@login_required
def plan_create(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    districts = _districts_to_plan(user)
    if not districts:
        raise Http404
    form = PlanForm(request.POST or None, initial={"start_year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        region = next((d for d in districts if d.code == request.POST.get("region")), districts[0])
        try:
            plan = actions.plan_create(actor=user, region=region, **form.cleaned_data)
        except PlanError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The action plan was created."))
            return redirect(plan)
    return render(request, "plans/plan_form.html", {"form": form, "districts": districts})


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    plan = _plan(request, pk)
    year = _year(request, plan)
    rows = progress.flatten(progress.plan_progress(plan, year))
    office = parse_id(request.GET.get("office"))
    if office:
        rows = [(d, n) for d, n in rows if n.item.responsible_id == office]
    text = search_text(request.GET.get("q"))
    if text:
        rows = [(d, n) for d, n in rows if _item_matches(n.item, text)]
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    reports = plan.reports.values("status").annotate(n=Count("pk"))
    return render(
        request,
        "plans/detail.html",
        {
            "plan": plan,
            "year": year,
            "rows": page.object_list,
            "page": page,
            "q": text,
            "behind": sum(1 for _d, n in rows if n.behind),
            "offices": actions.district_offices(plan.region),
            "office": office,
            "can_edit": _can_edit(user, plan),
            "report_counts": {r["status"]: r["n"] for r in reports},
            "attachments": attachments_for([plan]).get(plan.pk, []),
        },
    )


def _item_matches(item: PlanItem, text: str) -> bool:
    """The plan page's search: the same fields as the search box's RAD activities, plus the
    indicator's code, case-insensitive."""
    folded = text.casefold()
    values = [getattr(item, field) for field in PLAN_ITEM_FIELDS] + [item.indicator.code]
    return any(folded in value.casefold() for value in values)


@login_required
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    plan = _plan(request, pk, A.EDIT)
    form = PlanForm(
        request.POST or None,
        initial={
            "title": plan.title,
            "start_year": plan.start_year,
            "regulation_number": plan.regulation_number,
            "regulation_date": plan.regulation_date,
            "reports_per_year": plan.reports_per_year,
        },
    )
    form.fields["start_year"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.plan_update(
                actor=user,
                plan=plan,
                title=data["title"],
                regulation_number=data["regulation_number"],
                regulation_date=data["regulation_date"],
                reports_per_year=data["reports_per_year"],
            )
        except PlanError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Saved."))
            return redirect(plan)
    return render(
        request,
        "plans/plan_form.html",
        {
            "form": form,
            "plan": plan,
            "attachments": attachments_for([plan]).get(plan.pk, []),
        },
    )


def _item_initial(item: PlanItem) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "level": item.level,
        "parent": item.parent_id,
        "indicator": item.indicator_id,
        "ref": item.ref,
        "name": item.name,
        "budget_code": item.budget_code,
        "responsible": item.responsible_id,
        "partners": list(item.partners.values_list("pk", flat=True)),
        "performance_indicator": item.performance_indicator,
        "unit": item.unit,
        "baseline": item.baseline,
        "combine": item.combine,
    }
    for row in item.years.all():
        initial[f"target_{row.year}"] = row.target
        for source in actions.SOURCES:
            initial[f"{source}_{row.year}"] = getattr(row, source)
    return initial


def _item_form(request: HttpRequest, plan: Plan, item: PlanItem | None) -> HttpResponse:
    user = user_of(request)
    initial: dict[str, Any] = {}
    if item is not None:
        initial = _item_initial(item)
    else:
        parent = plan.items.filter(pk=parse_id(request.GET.get("parent")) or 0).first()
        if parent is not None:
            initial = {
                "parent": parent.pk,
                "level": PlanItem.Level.ACTIVITY
                if parent.level == PlanItem.Level.PROGRAMME
                else PlanItem.Level.SUB_ACTIVITY,
                "responsible": parent.responsible_id,
                "ref": f"{parent.ref}.",
            }
    form = ItemForm(request.POST or None, plan=plan, item=item, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.item_save(
                actor=user,
                plan=plan,
                item=item,
                level=data["level"],
                parent=data["parent"],
                indicator=data["indicator"],
                ref=data["ref"],
                name=data["name"],
                budget_code=data["budget_code"],
                responsible=data["responsible"],
                partners=list(data["partners"]),
                performance_indicator=data["performance_indicator"],
                unit=data["unit"],
                baseline=data["baseline"],
                years=form.year_values(),
                combine=data["combine"],
            )
        except PlanError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Saved."))
            return redirect(plan)
    return render(request, "plans/item_form.html", {"form": form, "plan": plan, "item": item})


@login_required
def item_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _item_form(request, _plan(request, pk, A.EDIT), None)


@login_required
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(PlanItem.objects.select_related("plan"), pk=pk, is_active=True)
    plan = _plan(request, item.plan_id, A.EDIT)
    return _item_form(request, plan, item)


@login_required
@require_POST
def item_remove(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(PlanItem, pk=pk)
    plan = _plan(request, item.plan_id, A.EDIT)
    try:
        actions.item_remove(actor=user_of(request), item=item)
    except PlanError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Taken out of the plan; its reported progress is kept."))
    return redirect(plan)


# ---- workbook ---------------------------------------------------------------------------


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def workbook_template(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    return _xlsx(workbook.export_workbook(plan, empty=True), f"rad-kla-template-{plan.pk}.xlsx")


@login_required
def workbook_export(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    name = f"rad-kla-{plan.region.code}-{plan.start_year}-{plan.end_year}.xlsx"
    return _xlsx(workbook.export_workbook(plan), name)


@login_required
def workbook_import(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    plan = _plan(request, pk, A.EDIT)
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("Choose a workbook to upload."))
        elif (upload.size or 0) > 10 * 1024 * 1024:
            messages.error(request, _("The workbook is larger than 10 MB."))
        else:
            try:
                imp = workbook.upload(actor=user, plan=plan, data=upload, name=upload.name or "")
            except PlanError as exc:
                messages.error(request, str(exc))
            else:
                job = runner.start(
                    actor=user,
                    kind="plan_import_check",
                    label=_("Check the workbook %(name)s for %(plan)s")
                    % {"name": imp.name, "plan": plan.title},
                    params={"import": imp.pk},
                    region=plan.region,
                )
                return redirect(job)
    recent = plan.imports.select_related("uploaded_by")[:10]
    return render(request, "plans/import.html", {"plan": plan, "recent": recent})


def _import(request: HttpRequest, pk: int) -> PlanImport:
    imp = get_object_or_404(PlanImport.objects.select_related("uploaded_by"), pk=pk)
    _plan(request, imp.plan_id, A.EDIT)
    return imp


CHANGES_SHOWN = 300


@login_required
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    imp = _import(request, pk)
    plan = _plan(request, imp.plan_id, A.EDIT)
    labels = {
        "new": _("new item"),
        "changed": _("changed"),
        "restored": _("back in the plan"),
        "removed": _("taken out of the plan"),
    }
    found = (imp.summary or {}).get("changes", [])
    changes = [
        {
            "ref": c["ref"],
            "label": labels.get(c["kind"], c["kind"]),
            "cells": [
                {**cell, "numeric": workbook.is_numeric(cell["column"])} for cell in c["cells"]
            ]
            or [{}],
        }
        for c in found[:CHANGES_SHOWN]
    ]
    return render(
        request,
        "plans/import_detail.html",
        {
            "imp": imp,
            "plan": plan,
            "changes": changes,
            "more_changes": max(len(found) - CHANGES_SHOWN, 0),
        },
    )


@login_required
@require_POST
def import_apply(request: HttpRequest, pk: int) -> HttpResponse:
    """Apply a checked workbook in the background; the job page follows it."""
    imp = _import(request, pk)
    if imp.status != PlanImport.Status.CHECKED:
        messages.error(request, _("Only a checked workbook without errors can be applied."))
        return redirect("plans:import_detail", imp.pk)
    job = runner.start(
        actor=user_of(request),
        kind="plan_import_apply",
        label=_("Apply the workbook %(name)s to %(plan)s")
        % {"name": imp.name, "plan": imp.plan.title},
        params={"import": imp.pk},
        region=imp.plan.region,
    )
    return redirect(job)


# ---- progress reports -------------------------------------------------------------------


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    """Reports in reach: an office's own, or every report of the district for the secretariat
    (``?status=submitted`` is its review queue)."""
    user = user_of(request)
    reports = ProgressReport.objects.for_user(user, A.VIEW).select_related(
        "plan__region", "organisation"
    )
    status = request.GET.get("status", "")
    if status in Status.values:
        reports = reports.filter(status=status)
    plan_id = parse_id(request.GET.get("plan"))
    if plan_id:
        reports = reports.filter(plan_id=plan_id)
    if text := search_text(request.GET.get("q")):
        reports = reports.filter(
            text_q(text, "organisation__name", "organisation__acronym", "plan__region__name")
        )
    page = Paginator(reports.order_by("-year", "-period", "organisation__name", "pk"), 50).get_page(
        request.GET.get("page")
    )
    plans = Plan.objects.for_user(user, A.VIEW).filter(is_active=True).select_related("region")
    startable = []
    for plan in plans[:20]:
        offices = actions.reporting_offices(user, plan.region)
        if offices and not authz.reaches(user, A.EDIT, plan.region):
            startable.append((plan, offices, list(range(1, plan.reports_per_year + 1))))
    return render(
        request,
        "plans/report_list.html",
        {
            "page": page,
            "status": status,
            "statuses": Status.choices,
            "q": text,
            "startable": startable,
            "plan_id": plan_id,
            "this_year": timezone.localdate().year,
        },
    )


@login_required
@require_POST
def report_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    plan = _plan(request, pk)
    authz.require(user, A.EDIT)
    office = get_object_or_404(
        Organisation, pk=parse_id(request.POST.get("organisation")) or 0, region=plan.region
    )
    year = parse_id(request.POST.get("year")) or 0
    period = parse_id(request.POST.get("period")) or 0
    try:
        report = actions.report_create(
            actor=user, plan=plan, organisation=office, year=year, period=period
        )
    except PlanError as exc:
        messages.error(request, str(exc))
        return redirect("plans:reports")
    return redirect(report)


def _report(request: HttpRequest, pk: int, action: authz.Action = A.VIEW) -> ProgressReport:
    report: ProgressReport = authz.get_object_for_user(
        ProgressReport.objects.select_related(
            "plan__region", "organisation", "reviewed_by", "created_by"
        ),
        user_of(request),
        action,
        pk=pk,
    )
    return report


def _decimal(raw: str) -> tuple[Decimal | None, str]:
    """A number typed in the report, read in the person's language (layak.core.numbers), and
    the message saying why it could not be read ("" when it could)."""
    if not raw.strip():
        return None, ""
    try:
        value = parse_number(raw)
        check_places(value, 2)
    except NumberError as exc:
        return None, str(exc)
    return value, ""


def _entry_fields(
    entry: ProgressEntry, typed: dict[str, str] | None, problems: dict[str, str]
) -> list[dict[str, Any]]:
    """The form fields of one entry: what the person typed when the form came back refused,
    else the stored values (numbers in the reader's language), each with its message."""
    labels = _entry_labels()
    fields = []
    for name in ENTRY_FIELDS:
        if typed is not None:
            value = typed.get(name, "")
        else:
            stored = getattr(entry, name)
            if name in NUMBER_FIELDS:
                value = "" if stored is None else format_number(stored, places=2)
            else:
                value = stored or ""
        fields.append(
            {
                "name": name,
                "id": f"e{entry.pk}-{name}",
                "label": labels[name],
                "value": value,
                "error": problems.get(name, ""),
                "number": name in NUMBER_FIELDS,
            }
        )
    return fields


def _entry_labels() -> dict[str, str]:
    return {
        "output": _("Output realised in this period"),
        "budget": _("Budget realised in this period (rupiah)"),
        "done": _("What was done"),
        "planned": _("What is planned next"),
        "obstacles": _("Obstacles"),
    }


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    report = _report(request, pk)
    may_write = ProgressReport.objects.for_user(user, A.EDIT).filter(pk=report.pk).exists()
    entries = list(
        report.entries.select_related("item__indicator__group", "item__parent").order_by(
            "item__order", "item__pk"
        )
    )
    errors: list[str] = []
    problems: dict[int, dict[str, str]] = {}  # entry → field → why its number was refused
    typed: dict[int, dict[str, str]] = {}  # what the person typed, shown again when refused
    conflict = ""
    form_revision = report.revision
    if request.method == "POST":
        if not may_write:
            raise Http404
        values: dict[int, dict[str, Any]] = {}
        for entry in entries:
            p = f"e{entry.pk}-"
            typed[entry.pk] = {name: request.POST.get(p + name, "") for name in ENTRY_FIELDS}
            values[entry.pk] = {name: typed[entry.pk][name] for name in TEXT_FIELDS}
            for name in NUMBER_FIELDS:
                values[entry.pk][name], problem = _decimal(typed[entry.pk][name])
                if problem:
                    problems.setdefault(entry.pk, {})[name] = problem
        raw_revision = request.POST.get("revision", "")
        revision = int(raw_revision) if raw_revision.isdigit() else -1
        if problems:
            errors.append(
                _("Nothing was saved: correct the marked numbers below.")
                if not request.POST.get("submit")
                else _("Nothing was saved or submitted: correct the marked numbers below.")
            )
        else:
            try:
                actions.report_save(actor=user, report=report, entries=values, revision=revision)
                if request.POST.get("submit"):
                    actions.report_submit(actor=user, report=report)
                    messages.success(request, _("Submitted to the secretariat."))
                else:
                    messages.success(request, _("Saved."))
                return redirect(report)
            except PlanError as exc:
                errors.append(str(exc))
            except concurrency.EditConflict as exc:
                errors.append(str(exc))
                conflict = _entries_conflict(entries, values)
                form_revision = exc.current.revision
    # Targets and what the year's earlier accepted reports plus this one realised.
    item_ids = [e.item_id for e in entries]
    from layak.plans.models import PlanYear

    targets = {
        y.item_id: y for y in PlanYear.objects.filter(item_id__in=item_ids, year=report.year)
    }
    done = progress.realised(
        Q(item_id__in=item_ids, report__plan=report.plan, report__organisation=report.organisation),
        report.year,
        upto=report.period,
        include=report.pk,
    )
    rows = []
    marked = []
    for entry in entries:
        target = targets.get(entry.item_id)
        got = done.get(entry.item_id) or {}
        node = progress.ItemProgress(entry.item, target=target.target if target else None)
        node.budget = target.budget if target else Decimal(0)
        progress.realise(node, got, report.plan.reports_per_year, period=report.period)
        fields = _entry_fields(entry, typed.get(entry.pk), problems.get(entry.pk, {}))
        marked += [(entry.item.ref, f) for f in fields if f["error"]]
        rows.append((entry, node, fields))
    return render(
        request,
        "plans/report.html",
        {
            "report": report,
            "rows": rows,
            "errors": errors,
            "marked": marked,
            "conflict": conflict,
            "form_revision": form_revision,
            "may_write": may_write and report.editable,
            "may_review": authz.reaches(user, A.EDIT, report.plan.region),
            "return_form": ReturnForm(),
            "attachments": attachments_for([report]).get(report.pk, []),
            "can_attach": may_write,
        },
        status=400 if errors and not conflict else 200,
    )


def _entries_conflict(entries: list[ProgressEntry], yours: dict[int, dict[str, Any]]) -> str:
    """The entries as the other person saved them next to this person's unsaved values; the
    entries then carry this person's values, so the form shows them again."""
    rows = []
    for entry in entries:
        mine = yours.get(entry.pk, {})
        for name in ENTRY_FIELDS:
            label = capfirst(ProgressEntry._meta.get_field(name).verbose_name)  # type: ignore[union-attr]
            theirs = getattr(entry, name)
            value = mine.get(name)
            if name in ("done", "planned", "obstacles"):
                value = str(value or "").strip()
            rows.append((f"{entry.item.ref} · {label}", theirs, value))
            setattr(entry, name, value)
    return concurrency.conflict_table(concurrency.differences(rows))


@login_required
@require_POST
def report_review(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    report = _report(request, pk)
    if not authz.reaches(user, A.EDIT, report.plan.region):
        raise PermissionDenied
    try:
        if request.POST.get("decision") == "accept":
            actions.report_accept(actor=user, report=report)
            messages.success(request, _("Accepted."))
        else:
            actions.report_return(actor=user, report=report, reason=request.POST.get("reason", ""))
            messages.success(request, _("Returned to the office with the reason."))
    except PlanError as exc:
        messages.error(request, str(exc))
    return redirect(report)


# ---- child-responsive budget ------------------------------------------------------------


@login_required
def budget(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    plan = _plan(request, pk)
    year = _year(request, plan)
    form = BudgetTotalForm(request.POST or None, initial={"year": year})
    if request.method == "POST":
        if not _can_edit(user, plan):
            raise PermissionDenied
        if form.is_valid():
            try:
                actions.budget_total_set(
                    actor=user,
                    region=plan.region,
                    year=form.cleaned_data["year"],
                    total=form.cleaned_data["total"],
                )
            except PlanError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Saved."))
                return redirect(
                    f"{plan.get_absolute_url()}budget/?year={form.cleaned_data['year']}"
                )
    result = progress.child_budget(plan.region, year)
    return render(
        request,
        "plans/budget.html",
        {
            "plan": plan,
            "year": year,
            "result": result,
            "form": form,
            "can_edit": _can_edit(user, plan),
            "sources": [(key, label) for key, label in _source_labels()],
        },
    )


def _source_labels() -> list[tuple[str, str]]:
    from layak.plans.models import FundingSource

    return [(key, str(label)) for key, label in FundingSource.choices]
