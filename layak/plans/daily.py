"""The RAD KLA's daily reminder (run by ``manage.py send_reminders``): a progress report due."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext_noop

from layak.accounts.models import User
from layak.notifications.daily import daily_check
from layak.notifications.models import Notice
from layak.notifications.notify import notify
from layak.organisations.models import Membership
from layak.organisations.roles import Role
from layak.plans.models import Plan, period_label
from layak.plans.notices import due_reports


@daily_check
def remind_due(today: datetime.date) -> int:
    """Every day while a period's report is due within the lead days (``REMINDER_LEAD_DAYS``,
    the largest) and not submitted, the office's operators get one reminder a day per plan (the
    earliest period first); a missed day drops nothing."""
    from layak.core.actions_list import lead_days

    due = due_reports(None, until=today + datetime.timedelta(days=lead_days()), since=today)
    if not due:
        return 0
    people: dict[int, list[User]] = {}
    for m in (
        Membership.objects.active()
        .filter(organisation_id__in={d.organisation_id for d in due}, role=Role.OFFICE_OPERATOR)
        .select_related("user")
        .order_by("user_id")
    ):
        people.setdefault(m.organisation_id, []).append(m.user)
    plans = {
        p.pk: p
        for p in Plan.objects.filter(pk__in={d.plan_id for d in due}).select_related("region")
    }
    created = 0
    for d in due:
        # The due day is a parameter: written in each reader's language, one notice per group.
        by_language: dict[str, list[User]] = {}
        for user in people.get(d.organisation_id, []):
            by_language.setdefault(user.language or settings.LANGUAGE_CODE, []).append(user)
        for language, users in sorted(by_language.items()):
            with translation.override(language):
                params = {
                    "period": period_label(d.per_year, d.year, d.period),
                    "office": d.organisation_name,
                    "day": date_format(d.due, "j M Y"),
                }
            created += notify(
                users,
                Notice.Kind.RAD_REPORT_DUE,
                actor=None,
                url=d.url,
                message=gettext_noop(
                    "The progress report %(period)s of %(office)s is due on %(day)s"
                ),
                params=params,
                target=plans[d.plan_id],
                region=plans[d.plan_id].region,
                day=today,
            )
    return created
