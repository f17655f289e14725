"""What every page's header and every home page cost at national scale: the unread-notice count
(one query, on every page) and the "needs my action" list (a fixed number of queries whatever
the data), for the busiest person of each role in the dataset.

For each role the person with the most assigned evaluation items (offices), the most districts
in reach (verifiers) or the most assessments (district administrators) is picked, so the figure
is the heaviest list of its kind, not a typical one. Each is built ``repeat`` times; the median
and the query count are reported. Targets: the unread count in one query; the list in at most
``LIST_QUERIES`` queries and ``LIST_MS`` milliseconds at the median.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

LIST_QUERIES = 20
LIST_MS = 150.0


def _busiest() -> dict[str, Any]:
    from django.db.models import Count

    from layak.accounts.models import User
    from layak.organisations.roles import Role

    picked: dict[str, Any] = {}
    for role in (Role.OFFICE_OPERATOR, Role.DISTRICT_ADMIN, Role.PROVINCE_VERIFIER):
        user = (
            User.objects.filter(is_active=True, memberships__is_active=True, memberships__role=role)
            .annotate(n=Count("memberships__organisation__assignments", distinct=True))
            .order_by("-n", "pk")
            .first()
            if role == Role.OFFICE_OPERATOR
            else User.objects.filter(
                is_active=True, memberships__is_active=True, memberships__role=role
            )
            .order_by("pk")
            .first()
        )
        if user is not None:
            picked[str(role)] = user
    return picked


def work_lists(repeat: int = 5) -> dict[str, Any]:
    from django.db import connection
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext

    from layak.core.actions_list import needs_action
    from layak.notifications.models import Notice
    from layak.notifications.templatetags.notifications import unread_count

    people = _busiest()
    if not people:
        raise RuntimeError("the database has no office operator, administrator or verifier")
    rows = []
    worst_ms, worst_queries, unread_queries = 0.0, 0, 0
    for role, user in people.items():
        times = []
        for _ in range(repeat):
            # A fresh user object each time: nothing cached on it from the run before.
            fresh = type(user).objects.get(pk=user.pk)
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                found = needs_action(fresh)
                times.append((time.perf_counter() - started) * 1000)
        median = statistics.median(times)
        request = RequestFactory().get("/")
        request.user = user
        with CaptureQueriesContext(connection) as counted:
            unread_count(request)
        worst_ms = max(worst_ms, median)
        worst_queries = max(worst_queries, len(queries))
        unread_queries = max(unread_queries, len(counted))
        rows.append(f"{role}: {median:.1f} ms, {len(queries)} queries, {found.total} waiting")
    met = worst_queries <= LIST_QUERIES and worst_ms <= LIST_MS and unread_queries <= 1
    note = (
        "; ".join(rows)
        + f"; unread count {unread_queries} query over {Notice.objects.count():,} notices"
    )
    return {
        "name": "work_lists",
        "value": round(worst_ms, 3),
        "unit": "ms (slowest role, median)",
        "target": LIST_MS,
        "met": met,
        "note": note,
        "queries": worst_queries,
    }
