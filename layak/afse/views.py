from __future__ import annotations

import calendar
import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from layak import authz
from layak.accounts.models import User
from layak.afse import actions
from layak.afse.forms import EventFilterForm, EventForm
from layak.afse.models import Event
from layak.audit.models import AuditEntry
from layak.core.http import HtmxHttpRequest
from layak.core.http import user_of as _user
from layak.core.search import search_text, text_q
from layak.evidence.attachments import attachments_for
from layak.organisations.models import Organisation

PAGE_SIZE = 50
A = authz.Action


def filtered_events(events: QuerySet[Event], form: EventFilterForm) -> QuerySet[Event]:
    """``events`` narrowed by the list's filters (all of them in the database)."""
    if not form.is_valid():
        return events.filter(is_active=True)
    d = form.cleaned_data
    if not d["cancelled"]:
        events = events.filter(is_active=True)
    if text := search_text(d["q"]):
        events = events.filter(text_q(text, "topic", "description", "venue"))
    if d["kind"]:
        events = events.filter(kind=d["kind"])
    if d["target"]:
        events = events.filter(targets__group=d["target"])
    if d["organiser"]:
        events = events.filter(organiser=d["organiser"])
    if region := d["region"]:
        events = events.filter(
            Q(place__path__startswith=region.path) | Q(region__path__startswith=region.path)
        )
    if d["indicator"]:
        events = events.filter(indicators=d["indicator"])
    if d["date_from"]:
        events = events.filter(
            Q(ends_on__gte=d["date_from"]) | Q(ends_on__isnull=True, starts_on__gte=d["date_from"])
        )
    if d["date_to"]:
        events = events.filter(starts_on__lte=d["date_to"])
    return events


def participant_totals(events: QuerySet[Event]) -> dict[str, int]:
    """Events and participants by sex and child/adult, summed in the database (one query)."""
    sums = Event.objects.filter(pk__in=events.values("pk")).aggregate(
        events=Count("pk"),
        boys=Coalesce(Sum("boys"), 0),
        girls=Coalesce(Sum("girls"), 0),
        men=Coalesce(Sum("men"), 0),
        women=Coalesce(Sum("women"), 0),
    )
    sums["children"] = sums["boys"] + sums["girls"]
    sums["adults"] = sums["men"] + sums["women"]
    sums["male"] = sums["boys"] + sums["men"]
    sums["female"] = sums["girls"] + sums["women"]
    sums["total"] = sums["children"] + sums["adults"]
    return sums


def _can_record(user: User) -> bool:
    return Organisation.objects.for_user(user, A.EDIT).filter(is_active=True).exists()


@login_required
def event_list(request: HtmxHttpRequest) -> HttpResponse:
    user = _user(request)
    visible = Event.objects.for_user(user, A.VIEW)
    form = EventFilterForm(request.GET, user=user, events=visible)
    events = filtered_events(visible, form)
    rows = (
        events.select_related("organiser", "place", "region")
        .prefetch_related("targets")
        .order_by("-starts_on", "-pk")
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "totals": participant_totals(events),
        "can_record": _can_record(user),
    }
    template = "afse/_event_rows.html" if request.htmx else "afse/list.html"
    return render(request, template, context)


def _month(raw: str | None) -> datetime.date:
    """The first day of ``YYYY-MM``, or of this month when absent or malformed."""
    if raw:
        try:
            parsed = datetime.datetime.strptime(raw, "%Y-%m").date()
        except ValueError:
            pass
        else:
            if 1900 <= parsed.year <= 2999:
                return parsed
    return timezone.localdate().replace(day=1)


@login_required
def event_calendar(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    first = _month(request.GET.get("month"))
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    events = list(
        Event.objects.for_user(user, A.VIEW)
        .filter(is_active=True, starts_on__lte=last)
        .filter(Q(ends_on__gte=first) | Q(ends_on__isnull=True, starts_on__gte=first))
        .select_related("organiser", "place")
        .order_by("starts_on", "topic")
    )
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month):
        days = []
        for day in week:
            on_day = (
                [e for e in events if e.starts_on <= day <= e.last_day]
                if day.month == first.month
                else []
            )
            days.append({"date": day, "in_month": day.month == first.month, "events": on_day})
        weeks.append(days)
    previous = (first - datetime.timedelta(days=1)).replace(day=1)
    following = last + datetime.timedelta(days=1)
    return render(
        request,
        "afse/calendar.html",
        {
            "month": first,
            "weeks": weeks,
            "weekdays": [WEEKDAYS_ABBR[i] for i in range(7)],
            "previous": previous.strftime("%Y-%m"),
            "following": following.strftime("%Y-%m"),
            "count": len(events),
            "can_record": _can_record(user),
        },
    )


@login_required
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    event: Event = authz.get_object_for_user(
        Event.objects.select_related("organiser", "place__parent", "region", "created_by"),
        user,
        A.VIEW,
        pk=pk,
    )
    can_edit = Event.objects.for_user(user, A.EDIT).filter(pk=event.pk).exists()
    history = (
        AuditEntry.objects.for_object(event).select_related("actor")[:50]
        if can_edit
        else AuditEntry.objects.none()
    )
    return render(
        request,
        "afse/detail.html",
        {
            "event": event,
            "targets": event.targets.all(),
            "partners": event.partners.select_related("region"),
            "indicators": event.indicators.select_related("group"),
            "attachments": attachments_for([event]).get(event.pk, []),
            "can_edit": can_edit,
            "history": history,
        },
    )


@login_required
def event_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    authz.require(user, A.EDIT, _can_record(user))
    form = EventForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            event = actions.event_create(actor=user, data=form.event_data())
        except actions.AfseError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The event has been recorded."))
            return redirect("afse:detail", pk=event.pk)
    return render(request, "afse/form.html", {"form": form, "event": None})


@login_required
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    event: Event = authz.get_object_for_user(
        Event.objects.select_related("region"), user, A.EDIT, pk=pk
    )
    form = EventForm(request.POST or None, user=user, event=event)
    if request.method == "POST" and form.is_valid():
        try:
            actions.event_update(actor=user, event=event, data=form.event_data())
        except actions.AfseError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The event has been saved."))
            return redirect("afse:detail", pk=event.pk)
    return render(request, "afse/form.html", {"form": form, "event": event})


@login_required
@require_POST
def event_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    event: Event = authz.get_object_for_user(Event.objects.all(), user, A.EDIT, pk=pk)
    active = request.POST.get("active") == "1"
    try:
        actions.event_set_active(actor=user, event=event, active=active)
    except actions.AfseError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("The event has been restored.") if active else _("The event has been cancelled."),
        )
    return redirect("afse:detail", pk=event.pk)
