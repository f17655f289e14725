"""District, province and national dashboards; read-only.

Who sees which: a district's dashboard is for everyone who may read its region (its
secretariat, offices, partners, forum and readers, its province's verifiers, its assessors,
the ministry); a province's for region-wide readers of the province (its verifiers, the
ministry); the national one for region-wide readers of the whole country. Anything outside the
reach is a 404. Filters are query parameters, so every view is bookmarkable; ``?format=csv&
table=<key>`` downloads one figure's table.

The figures are kept in the shared cache until the data change (``layak.dashboards.cache``):
the views check the reach and read the region on every request, then take the figures kept for
the filters, the language, the reach and the data stamp, or build them. Each figure is drawn
when it is built and kept drawn (``Table.draw``): a request from the cache only adds what
depends on it (the menu, the CSV links and the ranking's page links of its own address).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from layak import authz
from layak.accounts.models import User
from layak.core.http import user_of as _user
from layak.core.shapes import Shapes
from layak.dashboards import cache, figures
from layak.dashboards.charts import Table, csv_response, find
from layak.evaluation.models import Cycle
from layak.regions.models import Region

A = authz.Action
RANKING_PAGE = 50


_SHAPES = Shapes()


def _region(request: HttpRequest, code: str, level: int) -> Region:
    """The region of ``level`` with ``code`` that the person may read; 404 otherwise."""
    user = _user(request)
    # Compiled once per set of grants (``layak.core.shapes``): it depends on nothing else.
    found = _SHAPES.fetch(
        authz.scope_key(user),
        lambda code, level: (
            Region.objects.filter(authz.scope_q(user, A.VIEW, region=""))
            .filter(code=code, level=level)
            .select_related("parent")
            .order_by("pk")[:1]
        ),
        code,
        int(level),
    )
    if not found:
        raise Http404
    region: Region = found[0]
    return region


def _cycle(request: HttpRequest) -> Cycle | None:
    raw = request.GET.get("cycle", "")
    if not raw:
        return None
    if not raw.isdigit():
        raise Http404
    found = figures.cycles().filter(pk=int(raw)).first()
    if found is None:
        raise Http404
    return found


def _year(request: HttpRequest) -> int:
    raw = request.GET.get("year", "")
    this_year = timezone.localdate().year
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= this_year + 10 else this_year


def _draw(tables: list[Table]) -> None:
    for table in tables:
        table.draw()


def _finish(request: HttpRequest, tables: list[Table], name: str) -> HttpResponse | None:
    """The CSV download of ``?table=`` when ``?format=csv``; sets each table's CSV link."""
    query = request.GET.copy()
    query["format"] = "csv"
    query.pop("page", None)
    for table in tables:
        query["table"] = table.key
        table.csv_url = f"?{query.urlencode()}"
    if request.GET.get("format") != "csv":
        return None
    found = find(tables, request.GET.get("table", ""))
    if found is None:
        raise Http404
    return csv_response(found, f"{name}-{found.key}")


def _home_district(user: User) -> str | None:
    """The regency or city of the person's first region-scoped membership."""
    for grant in authz.grants(user):
        for path in grant.paths:
            parts = path.rstrip(".").split(".")
            if len(parts) >= 2:
                return ".".join(parts[:2])
    return None


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each person to the dashboard of their reach: the country, a province, a district."""
    user = _user(request)
    if authz.reaches(user, A.VIEW, None):
        return redirect("dashboards:national")
    for grant in authz.grants(user):
        for path in grant.paths:
            parts = path.rstrip(".").split(".")
            if len(parts) == 1 and not grant.organisation_scoped:
                return redirect(f"{reverse('dashboards:province')}?region={parts[0]}")
    code = _home_district(user)
    if code is None:
        raise Http404
    return redirect(f"{reverse('dashboards:district')}?region={code}")


@login_required
def district(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    code = request.GET.get("region") or _home_district(user)
    if not code:
        return redirect("dashboards:home")
    region = _region(request, code, Region.Level.REGENCY)
    year = _year(request)
    # Overdue follow-ups count days: the figures hold for the local day.
    parts = (request.GET.get("cycle", ""), year, timezone.localdate(), cache.scope(user))

    def build() -> tuple[figures.District, None]:
        built = figures.district(user, region, _cycle(request), year)
        _draw(built.tables + built.trends)
        return built, None

    data = cache.figures("district", region, parts, build)
    download = _finish(request, data.tables + data.trends, f"dashboard-{region.code}")
    if download is not None:
        return download
    return render(
        request,
        "dashboards/district.html",
        {
            "d": data,
            "region": region,
            "province_reach": region.parent is not None
            and authz.reaches(user, A.VIEW, region.parent),
            # The gap analysis is the whole district's: offered to region-wide readers only,
            # as the evaluation's own page offers it.
            "region_wide": authz.reaches(user, A.VIEW, region),
            "years": range(data.year - 3, data.year + 2),
        },
    )


@login_required
def province(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    code = request.GET.get("region", "")
    region = _region(request, code, Region.Level.PROVINCE) if code else None
    if region is None or not authz.reaches(user, A.VIEW, region):
        raise Http404
    data = cache.figures(
        "province", region, (request.GET.get("cycle", ""),), _province(request, region)
    )
    download = _finish(request, data.tables, f"dashboard-{region.code}")
    if download is not None:
        return download
    return render(
        request,
        "dashboards/province.html",
        {"p": data, "region": region, "national": authz.reaches(user, A.VIEW, None)},
    )


def _province(
    request: HttpRequest, region: Region
) -> Callable[[], tuple[figures.Province, datetime.datetime | None]]:
    def build() -> tuple[figures.Province, datetime.datetime | None]:
        data = figures.province(region, _cycle(request))
        _draw(data.tables)
        # The stage open now changes when a window opens or closes.
        return data, figures.next_change(data.cycle)

    return build


@dataclass
class _National:
    data: figures.National
    provinces: list[tuple[str, str]]
    # The ranking's page: its number and the number of rows ranked (None: no ranking); the
    # rows are a table.
    number: int = 1
    count: int | None = None

    def page(self) -> Page[int] | None:
        """The ranking's page, its numbers only (a paginator over the count)."""
        if self.count is None:
            return None
        return Paginator(range(self.count), RANKING_PAGE).get_page(self.number)


def _national(request: HttpRequest, province_code: str, full: bool) -> _National:
    data = figures.national(_cycle(request))
    provinces = Region.objects.filter(level=Region.Level.PROVINCE, is_active=True)
    out = _National(data, list(provinces.values_list("code", "name")))
    if data.cycle is not None:
        rows = figures.ranking(data.cycle, province_code or None)
        if full:
            data.tables.append(figures.ranking_table(list(rows), 0, data.cycle))
        else:
            found = Paginator(rows, RANKING_PAGE).get_page(request.GET.get("page"))
            data.tables.append(
                figures.ranking_table(list(found.object_list), found.start_index() - 1, data.cycle)
            )
            out.number, out.count = found.number, found.paginator.count
    if not full:  # the full ranking is only downloaded
        _draw(data.tables)
    return out


@login_required
def national(request: HttpRequest) -> HttpResponse:
    if not authz.reaches(_user(request), A.VIEW, None):
        raise Http404
    province_code = request.GET.get("province", "")
    # A CSV download of the ranking has every row; the page has one page of it.
    full = request.GET.get("format") == "csv" and request.GET.get("table") == "ranking"
    parts = (
        request.GET.get("cycle", ""),
        province_code,
        "all" if full else request.GET.get("page", ""),
    )
    kept = cache.figures(
        "national", None, parts, lambda: (_national(request, province_code, full), None)
    )
    data, page = kept.data, kept.page()
    download = _finish(request, data.tables, "dashboard-national")
    if download is not None:
        return download
    return render(
        request,
        "dashboards/national.html",
        {
            "n": data,
            "page": page,
            "provinces": kept.provinces,
            "province_code": province_code,
        },
    )
