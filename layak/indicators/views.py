"""Pages of indicator data: elements and their values, the entry grid, file imports, computed
indicators with trend and target, and the district's publication of indicator-years."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from layak import authz
from layak.accounts.models import User
from layak.core.http import parse_id, user_of
from layak.core.search import search_text, text_q
from layak.indicators import actions, aggregate, catalogue, entry, history, importfile, publication
from layak.indicators import disaggregation as dis
from layak.indicators.forms import CategoryForm, ElementForm, IndicatorForm, RuleForm
from layak.indicators.models import (
    Category,
    Cluster,
    DataElement,
    DataImport,
    DataValue,
    Indicator,
    PeriodType,
    ValidationRule,
    can_enter,
    periods_of_year,
)
from layak.indicators.summary import TREND_YEARS, indicator_rows
from layak.jobs import runner
from layak.organisations.models import Organisation
from layak.organisations.roles import OrganisationKind
from layak.regions.models import Region

A = authz.Action
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The import's columns as the page names them: each with the Indonesian name read too, if any
# (importfile.ALIASES reads both; docs/indicator-data.md describes them).
# Each column with its Indonesian name (the one the Indonesian template uses).
IMPORT_COLUMNS: list[tuple[str, str]] = [(c, importfile.INDONESIAN[c]) for c in actions.COLUMNS]


def visible_regions(user: User) -> Any:
    return Region.objects.active().filter(authz.scope_q(user, A.VIEW, region=""))


def _default_region(user: User) -> Region | None:
    """The user's own district (or province); for national users, where data was last entered."""
    codes = [
        ".".join(path.rstrip(".").split(".")[:2]) for g in authz.grants(user) for path in g.paths
    ]
    if codes:
        return Region.objects.filter(code__in=codes).order_by("level", "code").first()
    if any(g.national for g in authz.grants(user)):
        latest = DataValue.objects.active().order_by("-updated_at").select_related("region").first()
        if latest is not None:
            return Region.objects.filter(code=actions.district_of(latest.region)).first()
        # Nothing entered anywhere yet (a new installation): the first province.
        return Region.objects.filter(level=Region.Level.PROVINCE).order_by("code").first()
    return None


def _region(request: HttpRequest, param: str = "region") -> Region:
    """The region named by ``?region=`` (404 outside the user's reach), or the default one."""
    user = user_of(request)
    code = request.GET.get(param, "").strip()
    if code:
        region: Region = get_object_or_404(visible_regions(user), code=code)
        return region
    default = _default_region(user)
    if default is None:
        raise Http404
    return default


def _year(request: HttpRequest) -> int:
    this_year = timezone.localdate().year
    year = parse_id(request.GET.get("year"))
    return year if year and 2000 <= year <= this_year else this_year - 1


def _ancestors(region: Region) -> list[Region]:
    return list(Region.objects.filter(code__in=region.ancestor_codes).order_by("level"))


# ---- elements -----------------------------------------------------------------------------


@login_required
def element_list(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    can_define = catalogue.can_define(user)
    elements = DataElement.objects.all() if can_define else DataElement.objects.active()
    elements = elements.prefetch_related("categories").order_by("-is_active", "cluster", "name")
    cluster = request.GET.get("cluster", "")
    if cluster in Cluster.values:
        elements = elements.filter(cluster=cluster)
    if text := search_text(request.GET.get("q")):
        elements = elements.filter(text_q(text, "code", "name", "description"))
    region = _default_region(user)
    if region is not None:
        elements = elements.annotate(
            entered=Count(
                "values",
                filter=Q(values__is_active=True, values__region__path__startswith=region.path),
            )
        )
    page = Paginator(elements, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "indicators/element_list.html",
        {
            "elements": page.object_list,
            "page": page,
            "q": text,
            "clusters": Cluster.choices,
            "cluster": cluster,
            "region": region,
            "can_enter": region is not None and can_enter(user, region),
            "can_define": can_define,
        },
    )


@login_required
def element_detail(request: HttpRequest, code: str) -> HttpResponse:
    """An element's totals under a region: per child region and period, and per disaggregation;
    then the values themselves, with their sources."""
    user = user_of(request)
    element = get_object_or_404(
        DataElement.objects.prefetch_related("categories__options"), code=code
    )
    region = _region(request)
    year = _year(request)
    if element.period_type == PeriodType.YEAR:
        periods = [str(y) for y in range(year - TREND_YEARS + 1, year + 1)]
    else:
        periods = periods_of_year(year, element.period_type)
    children = (
        list(visible_regions(user).filter(parent=region).order_by("code"))
        if region.level < element.entry_level
        else []
    )
    totals = aggregate.element_totals([element], [region, *children], periods)
    rows = [(child, [totals.get((element.pk, child.pk, p)) for p in periods]) for child in children]
    total_row = [totals.get((element.pk, region.pk, p)) for p in periods]
    parts = aggregate.breakdown(element, region, periods)
    combos = dis.combos(element)
    group_names = {combo.key: combo.label for combo in combos}
    breakdown = (
        [(combo, [parts.get((combo.key, p)) for p in periods]) for combo in combos]
        if len(combos) > 1
        else []
    )
    values = (
        DataValue.objects.for_user(user, A.VIEW)
        .filter(element=element, region__path__startswith=region.path, period__in=periods)
        .select_related("region", "organisation", "updated_by")
        .order_by("-period_start", "region__code", "disaggregation")
    )
    page = Paginator(values, 50).get_page(request.GET.get("page"))
    for value in page:
        value.group = group_names.get(value.disaggregation, value.disaggregation)  # type: ignore[attr-defined]
    return render(
        request,
        "indicators/element_detail.html",
        {
            "element": element,
            "region": region,
            "ancestors": _ancestors(region),
            "year": year,
            "periods": periods,
            "rows": rows,
            "total_row": total_row,
            "breakdown": breakdown,
            "page": page,
            "can_enter": can_enter(user, region),
            "can_define": catalogue.can_define(user),
        },
    )


@login_required
def value_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One value and its history: who entered it, in which write (a file, the grid or the
    API), and every change since with its before and after."""
    user = user_of(request)
    value = get_object_or_404(
        DataValue.objects.for_user(user, A.VIEW).select_related(
            "element",
            "region",
            "organisation",
            "created_by",
            "batch__actor",
            "batch__data_import",
        ),
        pk=pk,
    )
    found = history.value_history(value)
    data_import = found.batch.data_import if found.batch else None
    return render(
        request,
        "indicators/value_detail.html",
        {
            "value": value,
            "group": dis.labels(value.element).get(value.disaggregation, value.disaggregation)
            if value.disaggregation
            else "",
            "history": found,
            "data_import": data_import,
            "can_see_import": data_import is not None
            and DataImport.objects.for_user(user, A.VIEW).filter(pk=data_import.pk).exists(),
        },
    )


# ---- entry grid -------------------------------------------------------------------------


def _offices(user: User, district: Region) -> list[Organisation]:
    """The offices the user may enter for: every government office of the district for the
    secretariat, their own office(s) for an operator."""
    offices = Organisation.objects.filter(
        region=district, kind=OrganisationKind.GOVERNMENT_OFFICE, is_active=True
    ).order_by("name")
    if authz.reaches(user, A.EDIT, district):
        return list(offices)
    return list(offices.filter(pk__in=actions.own_offices(user)))


def _areas(user: User, district: Region) -> list[Region]:
    return [district, *Region.objects.active().filter(parent=district).order_by("code")]


@login_required
def entry_grid(request: HttpRequest) -> HttpResponse:
    """Enter a cluster's values for a period, for the district or one of its kecamatan."""
    user = user_of(request)
    params = request.POST if request.method == "POST" else request.GET
    code = params.get("area", "").strip()
    area = get_object_or_404(visible_regions(user), code=code) if code else _default_region(user)
    if area is None or area.level not in (Region.Level.REGENCY, Region.Level.SUBDISTRICT):
        raise Http404
    district = area if area.level == Region.Level.REGENCY else area.parent
    assert district is not None
    if not can_enter(user, district):
        raise PermissionDenied
    cluster = params.get("cluster", "")
    if cluster not in Cluster.values:
        cluster = Cluster.K1
    period = params.get("period", "").strip() or str(timezone.localdate().year - 1)
    offices = _offices(user, district)
    office_id = parse_id(params.get("organisation"))
    office = next((o for o in offices if o.pk == office_id), None)
    if office is None and not authz.reaches(user, A.EDIT, district) and offices:
        office = offices[0]
    period_ok = entry.period_type_of(period) is not None
    sections = entry.build(area, cluster, period) if period_ok else []
    dataset = params.get("dataset", "").strip()[:200]
    source_date_text = params.get("source_date", "").strip()
    error = "" if period_ok else _("Write the period like 2025, 2025Q1 or 2025-03.")
    if request.method == "POST" and period_ok:
        source_date: datetime.date | None = None
        if source_date_text:
            try:
                source_date = actions.source_date_of(source_date_text)
            except ValueError:
                error = _(
                    "Write the source date like 2025-12-31 (year-month-day) or 31/12/2025 "
                    "(day/month/year)."
                )
        if not error:
            result, ok = entry.save(
                actor=user,
                sections=sections,
                data=request.POST,
                period=period,
                organisation=office,
                dataset=dataset,
                source_date=source_date,
            )
            if ok:
                messages.success(
                    request,
                    _("Saved: %(created)d new, %(updated)d changed, %(removed)d cleared.")
                    % {
                        "created": result.created,
                        "updated": result.updated,
                        "removed": result.removed,
                    },
                )
                query = f"area={area.code}&cluster={cluster}&period={period}"
                if office is not None:
                    query += f"&organisation={office.pk}"
                return redirect(f"{request.path}?{query}")
            error = _("Nothing was saved: correct the marked cells.")
    indicators = list(
        Indicator.objects.active()
        .filter(cluster=cluster)
        .select_related("numerator", "denominator")
    )
    computed = (
        aggregate.indicator_table(indicators, [area], period) if period_ok and indicators else {}
    )
    return render(
        request,
        "indicators/entry.html",
        {
            "area": area,
            "district": district,
            "areas": _areas(user, district),
            "clusters": Cluster.choices,
            "cluster": cluster,
            "period": period,
            "offices": offices,
            "office": office,
            "office_required": not authz.reaches(user, A.EDIT, district),
            "sections": sections,
            "dataset": dataset,
            "source_date": source_date_text,
            "error": error,
            "computed": [(i, computed.get((i.pk, area.pk))) for i in indicators],
        },
        status=400 if error and request.method == "POST" else 200,
    )


# ---- imports ----------------------------------------------------------------------------


def _districts_for_entry(user: User) -> list[Region]:
    """The districts whose values the user may import: their own, or any for the ministry."""
    districts = Region.objects.active().filter(level=Region.Level.REGENCY).order_by("name")
    if not any(g.national for g in authz.grants(user)):
        codes = {
            ".".join(path.rstrip(".").split(".")[:2])
            for g in authz.grants(user)
            for path in g.paths
        }
        districts = districts.filter(code__in=codes)
    return [d for d in districts if can_enter(user, d)]


@login_required
def import_upload(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    districts = _districts_for_entry(user)
    if not districts:
        raise PermissionDenied
    if request.method == "POST":
        district = next(
            (d for d in districts if d.pk == parse_id(request.POST.get("district"))), None
        )
        upload = request.FILES.get("file")
        mode = request.POST.get("mode", "")
        if district is None:
            messages.error(request, _("Choose the district the values belong to."))
        elif upload is None:
            messages.error(request, _("Choose a file to upload."))
        elif mode not in DataImport.Mode.values:
            messages.error(request, _("Choose how rows with errors are handled."))
        else:
            try:
                imp = importfile.upload(
                    actor=user, region=district, data=upload, name=upload.name or "", mode=mode
                )
            except actions.IndicatorDataError as exc:
                messages.error(request, str(exc))
            else:
                job = runner.start(
                    actor=user,
                    kind="data_import_check",
                    label=_("Check the data file %(name)s") % {"name": imp.name},
                    params={"import": imp.pk},
                    region=district,
                )
                return redirect(job)
    recent = (
        DataImport.objects.for_user(user, A.EDIT)
        .select_related("region", "uploaded_by")
        .defer("checked")
        .order_by("-uploaded_at")[:15]
    )
    return render(
        request,
        "indicators/import.html",
        {
            "districts": districts,
            "modes": DataImport.Mode.choices,
            "recent": recent,
            "columns": IMPORT_COLUMNS,
        },
    )


def _import(request: HttpRequest, pk: int) -> DataImport:
    imp: DataImport = authz.get_object_for_user(
        DataImport.objects.select_related("region", "uploaded_by").defer("checked"),
        user_of(request),
        A.EDIT,
        pk=pk,
    )
    return imp


@login_required
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    imp = _import(request, pk)
    return render(request, "indicators/import_detail.html", {"imp": imp})


@login_required
@require_POST
def import_apply(request: HttpRequest, pk: int) -> HttpResponse:
    imp = _import(request, pk)
    user = user_of(request)
    try:
        importfile.confirm(actor=user, imp=imp)
    except actions.IndicatorDataError as exc:
        messages.error(request, str(exc))
        return redirect(imp)
    job = runner.start(
        actor=user,
        kind="data_import_apply",
        label=_("Save the values of %(name)s") % {"name": imp.name},
        params={"import": imp.pk},
        region=imp.region,
    )
    return redirect(job)


@login_required
def import_template(request: HttpRequest) -> HttpResponse:
    """The import template, its example rows for the person's own district and offices (an
    office operator's own office, else the district's first two government offices), so the
    file imports as it is; the general example for national and province users."""
    user = user_of(request)
    region = _default_region(user)
    year = timezone.localdate().year - 1
    language = get_language()
    book = importfile.template(year=year, language=language)
    if region is not None and region.level >= Region.Level.REGENCY:
        offices = [o.acronym or o.name for o in _offices(user, region)][:2]
        if offices:
            book = importfile.template(region.code, (offices[0], offices[-1]), year, language)
    response = HttpResponse(book, content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="layak-indicator-data.xlsx"'
    return response


# ---- indicators ---------------------------------------------------------------------------


@login_required
def indicator_list(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    region = _region(request)
    year = _year(request)
    years, rows = indicator_rows(region, year)
    district = Region.objects.filter(code=actions.district_of(region)).first()
    return render(
        request,
        "indicators/indicator_list.html",
        {
            "region": region,
            "ancestors": _ancestors(region),
            "children": visible_regions(user).filter(parent=region).order_by("code")
            if region.level < Region.Level.VILLAGE
            else [],
            # The whole country's readers move between provinces from here too.
            "provinces": Region.objects.filter(level=Region.Level.PROVINCE)
            .exclude(pk=region.pk)
            .order_by("code")
            if any(g.national for g in authz.grants(user))
            else [],
            "year": year,
            "years": years,
            "year_choices": range(timezone.localdate().year, timezone.localdate().year - 8, -1),
            "rows": rows,
            "can_publish": district is not None and authz.reaches(user, A.MANAGE, district),
            "district": district,
        },
    )


@login_required
def publish(request: HttpRequest) -> HttpResponse:
    """The secretariat sets targets and publishes (or withdraws) indicator-years for the public
    portal; every change is audited."""
    user = user_of(request)
    region = _region(request) if request.method == "GET" else None
    if request.method == "POST":
        region = get_object_or_404(visible_regions(user), code=request.POST.get("region", ""))
    assert region is not None
    if region.level != Region.Level.REGENCY:
        raise Http404
    if not authz.reaches(user, A.MANAGE, region):
        raise PermissionDenied
    year = _year(request) if request.method == "GET" else parse_id(request.POST.get("year"))
    if request.method == "POST":
        indicator = get_object_or_404(
            Indicator.objects.active(), pk=parse_id(request.POST.get("indicator")) or 0
        )
        op = request.POST.get("op", "")
        try:
            if year is None:
                raise actions.IndicatorDataError(_("Choose a year."))
            if op == "publish":
                actions.publish(
                    actor=user,
                    region=region,
                    indicator=indicator,
                    year=year,
                    confirm_partial=request.POST.get("confirm_partial") == "1",
                )
                messages.success(request, _("Published on the public portal."))
            elif op == "unpublish":
                actions.unpublish(actor=user, region=region, indicator=indicator, year=year)
                messages.success(request, _("Taken off the public portal."))
            elif op == "target":
                value = actions.parse_value(request.POST.get("target", ""))
                actions.target_set(
                    actor=user, region=region, indicator=indicator, year=year, value=value
                )
                messages.success(request, _("The target has been saved."))
            else:
                raise actions.IndicatorDataError(_("Unknown action."))
        except actions.IndicatorDataError as exc:
            messages.error(request, str(exc))
        return redirect(f"{request.path}?region={region.code}&year={year or ''}")
    assert year is not None
    years, rows = indicator_rows(region, year)
    for row in rows:
        # The same reason ``publication.publish`` refuses with, said instead of the button.
        row["unpublishable"] = publication.unpublishable(row["value"])
    return render(
        request,
        "indicators/publish.html",
        {
            "region": region,
            "year": year,
            "years": years,
            "year_choices": range(timezone.localdate().year, timezone.localdate().year - 8, -1),
            "rows": rows,
        },
    )


# ---- national definitions (the ministry) ------------------------------------------------


@login_required
def definitions(request: HttpRequest) -> HttpResponse:
    """Categories, indicators and validation rules: read by everyone, changed by the ministry."""
    return render(
        request,
        "indicators/definitions.html",
        {
            "categories": Category.objects.prefetch_related("options"),
            "indicators": Indicator.objects.select_related("numerator", "denominator").order_by(
                "-is_active", "cluster", "order", "name"
            ),
            "rules": ValidationRule.objects.select_related("left", "right").order_by(
                "-is_active", "name"
            ),
            "can_define": catalogue.can_define(user_of(request)),
        },
    )


def _require_definer(request: HttpRequest) -> User:
    user = user_of(request)
    if not catalogue.can_define(user):
        raise PermissionDenied
    return user


def _definition_form(
    request: HttpRequest, form: Any, title: str, back: str, obj: Any = None
) -> HttpResponse:
    return render(
        request,
        "indicators/definition_form.html",
        {"form": form, "title": title, "back": back, "obj": obj},
    )


@login_required
def element_form(request: HttpRequest, code: str | None = None) -> HttpResponse:
    user = _require_definer(request)
    element = get_object_or_404(DataElement, code=code) if code else None
    form = ElementForm(request.POST or None, instance=element)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in catalogue.ELEMENT_FIELDS}
        try:
            saved = catalogue.element_save(
                actor=user,
                element=element,
                fields=fields,
                categories=list(form.cleaned_data["categories"]),
            )
        except actions.IndicatorDataError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The data element has been saved."))
            return redirect(saved)
    title = _("Edit the data element") if element else _("New data element")
    return _definition_form(request, form, title, reverse("indicators:elements"), element)


def _model_definition(
    request: HttpRequest,
    user: User,
    obj: Any,
    form_class: Any,
    field_names: Any,
    save: Any,
    saved: str,
    titles: tuple[str, str],
) -> HttpResponse:
    """An indicator or a validation rule: its form, saved through the catalogue's action."""
    form = form_class(request.POST or None, instance=obj)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in field_names}
        try:
            save(actor=user, obj=obj, fields=fields)
        except actions.IndicatorDataError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, saved)
            return redirect("indicators:definitions")
    title = titles[0] if obj else titles[1]
    return _definition_form(request, form, title, reverse("indicators:definitions"), obj)


@login_required
def indicator_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = _require_definer(request)
    return _model_definition(
        request,
        user,
        get_object_or_404(Indicator, pk=pk) if pk else None,
        IndicatorForm,
        catalogue.INDICATOR_FIELDS,
        lambda actor, obj, fields: catalogue.indicator_save(
            actor=actor, indicator=obj, fields=fields
        ),
        _("The indicator has been saved."),
        (_("Edit the indicator"), _("New indicator")),
    )


@login_required
def rule_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = _require_definer(request)
    return _model_definition(
        request,
        user,
        get_object_or_404(ValidationRule, pk=pk) if pk else None,
        RuleForm,
        catalogue.RULE_FIELDS,
        lambda actor, obj, fields: catalogue.rule_save(actor=actor, rule=obj, fields=fields),
        _("The validation rule has been saved."),
        (_("Edit the validation rule"), _("New validation rule")),
    )


@login_required
def category_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = _require_definer(request)
    category = get_object_or_404(Category, pk=pk) if pk else None
    initial = CategoryForm.initial_for(category) if category else None
    form = CategoryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            catalogue.category_save(
                actor=user,
                category=category,
                code=data["code"],
                name=data["name"],
                order=data["order"],
                options=data["options"],
            )
        except actions.IndicatorDataError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The category has been saved."))
            return redirect("indicators:definitions")
    title = _("Edit the category") if category else _("New category")
    return _definition_form(request, form, title, reverse("indicators:definitions"), category)
