"""The task force's daily reminder (run by ``manage.py send_reminders``): a follow-up overdue."""

from __future__ import annotations

import datetime

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_noop

from layak.accounts.models import User
from layak.notifications.daily import daily_check
from layak.notifications.models import Notice
from layak.notifications.notify import notify
from layak.organisations.models import Membership
from layak.taskforce.models import FollowUp

# An overdue follow-up is recalled to its office once a week until it is done or dropped.
REPEAT_DAYS = 7


@daily_check
def remind_overdue(today: datetime.date) -> int:
    """Open follow-ups past their due date: the responsible office's people get a notice on the
    first run after the due date, then once every ``REPEAT_DAYS`` days while it stays open.
    Idempotent for the day; a missed day only moves the reminder to the next run."""
    overdue = list(
        FollowUp.objects.overdue(today).select_related("meeting__region", "owner").order_by("pk")
    )
    if not overdue:
        return 0
    recent = set(
        Notice.objects.filter(
            kind=Notice.Kind.FOLLOWUP_OVERDUE,
            target_type=ContentType.objects.get_for_model(FollowUp),
            target_id__in=[f.pk for f in overdue],
            day__gt=today - datetime.timedelta(days=REPEAT_DAYS),
        ).values_list("recipient_id", "target_id")
    )
    people: dict[int, list[User]] = {}
    for m in (
        Membership.objects.active()
        .filter(organisation_id__in={f.owner_id for f in overdue})
        .select_related("user")
        .order_by("user_id")
    ):
        people.setdefault(m.organisation_id, []).append(m.user)
    created = 0
    for f in overdue:
        created += notify(
            [u for u in people.get(f.owner_id, []) if (u.pk, f.pk) not in recent],
            Notice.Kind.FOLLOWUP_OVERDUE,
            actor=None,
            url=f.get_absolute_url(),
            message=gettext_noop(
                "The follow-up of %(meeting)s for %(office)s is overdue: %(what)s"
            ),
            params={
                "meeting": f.meeting.title,
                "office": f.owner.name,
                "what": f.description[:200],
            },
            target=f,
            region=f.meeting.region,
            day=today,
        )
    return created
