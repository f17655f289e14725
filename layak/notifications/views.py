"""The inbox, opening a notice, and the person's notification preferences."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from layak.core.http import user_of as _user
from layak.notifications import actions
from layak.notifications.audience import kinds_for
from layak.notifications.daily import DAILY_RUN_AT
from layak.notifications.models import Delivery, Notice


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    show = "all" if request.GET.get("show") == "all" else "unread"
    notices = Notice.objects.for_user(_user(request)).select_related("actor")
    if show == "unread":
        notices = notices.unread()
    page = Paginator(notices, 30).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page, "show": show})


def safe_path(url: str) -> str:
    """Only a path on this site: a stored url pointing elsewhere leads to the inbox instead."""
    if (
        url.startswith("/")
        and not url.startswith("//")
        and "\\" not in url
        and url_has_allowed_host_and_scheme(url, allowed_hosts=None)
    ):
        return url
    return reverse("notifications:inbox")


@login_required
def notice_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Opening a notice marks it read and leads to the place to act."""
    user = _user(request)
    notice = get_object_or_404(Notice.objects.for_user(user), pk=pk)
    actions.notice_open(user=user, notice=notice)
    return redirect(safe_path(notice.url))


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    n = actions.notices_mark_all_read(user=_user(request))
    if n:
        messages.success(request, _("All notices are marked read."))
    return redirect("notifications:inbox")


class PreferencesForm(forms.Form):
    """One choice per kind of notice: in the app only, email at once, or a daily digest."""

    def __init__(
        self, data: QueryDict | None, *, initial: dict[str, str], kinds: list[str]
    ) -> None:
        super().__init__(data, initial=initial)
        labels = dict(Notice.Kind.choices)
        for kind in kinds:
            label = labels[kind]
            self.fields[kind] = forms.ChoiceField(
                label=label, choices=Delivery.choices, widget=forms.RadioSelect
            )


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = PreferencesForm(
        request.POST or None, initial=actions.current_preferences(user), kinds=kinds_for(user)
    )
    if request.method == "POST" and form.is_valid():
        actions.preferences_set(actor=user, choices=form.cleaned_data)
        messages.success(request, _("Your notification preferences are saved."))
        return redirect("notifications:preferences")
    return render(
        request,
        "notifications/preferences.html",
        {"form": form, "deliveries": Delivery.choices, "digest_at": DAILY_RUN_AT},
    )
