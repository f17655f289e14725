from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from layak.regions.models import Region

SEARCH_LIMIT = 20


@login_required
def search(request: HttpRequest) -> HttpResponse:
    """Regions matching the typed name or code, optionally inside one subtree (htmx partial).

    The official region list is public reference data, so any signed-in person may search it."""
    field = request.GET.get("field", "")
    # A picker's search box is named after its field; the region browser's is plain "q".
    text = request.GET.get(f"{field}_search" if field else "q", "")[:100]
    results = Region.objects.active().search(text).select_related("parent__parent")
    within = request.GET.get("within", "")
    if within:
        results = results.filter(path__startswith=f"{within}.")
    level = request.GET.get("level", "")
    if level.isascii() and level.isdigit() and len(level) == 1:
        results = results.filter(level=int(level))
    return render(
        request,
        "regions/_search_results.html",
        {"results": results.order_by("level", "name")[:SEARCH_LIMIT], "q": text, "field": field},
    )


@login_required
def browse(request: HttpRequest, code: str = "") -> HttpResponse:
    region = get_object_or_404(Region, code=code) if code else None
    children = (
        Region.objects.filter(parent=region)
        .annotate(child_count=Count("children"))
        .order_by("code")
    )
    counts: dict[int, int] = {}
    if region is not None:
        counts = dict(
            Region.objects.below(region)
            .values_list("level")
            .annotate(n=Count("pk"))
            .values_list("level", "n")
        )
        ancestors = list(Region.objects.filter(code__in=region.ancestor_codes).order_by("level"))
    else:
        ancestors = []
    return render(
        request,
        "regions/browse.html",
        {
            "region": region,
            "children": children,
            "ancestors": ancestors,
            "counts": [(Region.Level(level).label, n) for level, n in sorted(counts.items())],
        },
    )
