"""Pages of a discussion: the thread (whole page, or the part htmx loads into the item's page),
posting, editing and withdrawing a message."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from layak.core.http import HtmxHttpRequest, parse_id, user_of
from layak.discussions import actions
from layak.discussions.actions import DiscussionError
from layak.discussions.display import thread_context
from layak.discussions.items import (
    ItemKind,
    get_item_for_user,
    kind_for_slug,
    kind_of,
    may_write,
)
from layak.discussions.models import Message


def _item(request: HtmxHttpRequest, kind: str, pk: int) -> tuple[ItemKind, Any]:
    k = kind_for_slug(kind)
    return k, get_item_for_user(user_of(request), k, pk)


def _render_thread(
    request: HtmxHttpRequest, kind: ItemKind, item: Any, *, status: int = 200, **extra: Any
) -> HttpResponse:
    context = thread_context(
        user_of(request),
        kind,
        item,
        history=request.GET.get("history") == "1",
        lazy=(request.POST or request.GET).get("lazy") == "1",
        **extra,
    )
    if request.htmx:
        # htmx swaps only successful answers: a refused message comes back as 200 with the
        # error beside the field.
        return render(request, "discussions/_thread.html", context)
    return render(request, "discussions/thread.html", context, status=status)


@login_required
def thread(request: HtmxHttpRequest, kind: str, pk: int) -> HttpResponse:
    k, item = _item(request, kind, pk)
    return _render_thread(request, k, item)


def _next(request: HtmxHttpRequest, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@login_required
@require_POST
def post(request: HtmxHttpRequest, kind: str, pk: int) -> HttpResponse:
    k, item = _item(request, kind, pk)
    user = user_of(request)
    body = request.POST.get("body", "")
    chosen = tuple(
        pk for pk in (parse_id(raw) for raw in request.POST.getlist("mention")) if pk is not None
    )
    try:
        message = actions.message_post(actor=user, item=item, body=body, mention=chosen)
    except DiscussionError as exc:
        if not may_write(user, k, item):
            raise PermissionDenied from exc
        return _render_thread(
            request, k, item, status=400, body=body, chosen=chosen, error=str(exc)
        )
    if request.htmx:
        return _render_thread(request, k, item)
    default = reverse("discussions:thread", args=[k.slug, item.pk])
    return redirect(_next(request, default) + f"#message-{message.pk}")


def _message(request: HtmxHttpRequest, pk: int) -> tuple[Message, ItemKind, Any]:
    """A message of a thread the user may read (404 otherwise); 403 unless they wrote it."""
    message = Message.objects.select_related("thread__item_type").filter(pk=pk).first()
    if message is None:
        raise Http404
    model = message.thread.item_type.model_class()
    if model is None:
        raise Http404
    kind = kind_of(model())
    item = get_item_for_user(user_of(request), kind, message.thread.item_id)
    if message.author_id != user_of(request).pk:
        raise PermissionDenied
    return message, kind, item


@login_required
def message_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    message, kind, item = _message(request, pk)
    body = message.body
    error = ""
    status = 200
    if request.method == "POST":
        body = request.POST.get("body", "")
        try:
            actions.message_edit(actor=user_of(request), message=message, body=body)
        except DiscussionError as exc:
            error = str(exc)
            status = 200 if request.htmx else 400
        else:
            if request.htmx:
                # The form stood in place of its message; the whole thread is drawn again.
                response = _render_thread(request, kind, item)
                response["HX-Retarget"] = f"#discussion-{kind.slug}-{item.pk}"
                response["HX-Reswap"] = "outerHTML"
                return response
            url = reverse("discussions:thread", args=[kind.slug, item.pk])
            return redirect(f"{url}#message-{message.pk}")
    context = {
        "kind": kind,
        "item": item,
        "item_title": kind.title(item),
        "item_url": kind.url(item),
        "message": message,
        "body": body,
        "error": error,
        "lazy": (request.POST or request.GET).get("lazy") == "1",
    }
    template = "discussions/_message_edit.html" if request.htmx else "discussions/edit.html"
    return render(request, template, context, status=status)


@login_required
@require_POST
def message_withdraw(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    message, kind, item = _message(request, pk)
    try:
        actions.message_withdraw(actor=user_of(request), message=message)
    except DiscussionError as exc:
        return _render_thread(request, kind, item, status=400, error=str(exc))
    if request.htmx:
        return _render_thread(request, kind, item)
    url = reverse("discussions:thread", args=[kind.slug, item.pk])
    return redirect(f"{url}#message-{message.pk}")
