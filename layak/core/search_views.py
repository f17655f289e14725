from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from layak.accounts.models import User
from layak.core import search

PAGE_SIZE = 50


@login_required
def search_page(request: HttpRequest) -> HttpResponse:
    """The header box's results: each kind's first matches with a link to all of them, or one
    kind's every match, paged (``kind``)."""
    user = request.user
    assert isinstance(user, User)
    text = search.search_text(request.GET.get("q"))
    kind = search.KIND_BY_CODE.get(request.GET.get("kind", ""))
    context: dict[str, object] = {
        "q": text,
        "kind": kind,
        "kinds": search.KINDS,
        "too_short": 0 < len(text) < search.MIN_LENGTH,
        "min_length": search.MIN_LENGTH,
    }
    if len(text) >= search.MIN_LENGTH:
        if kind is not None:
            page = Paginator(kind.rows(user, text), PAGE_SIZE).get_page(request.GET.get("page"))
            context["page"] = page
            context["hits"] = search.hits(kind, page.object_list)
        else:
            groups = search.search(user, text)
            context["groups"] = groups
            context["found"] = any(group.hits for group in groups)
    return render(request, "core/search.html", context)
