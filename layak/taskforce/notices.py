"""Notices of the task force's hand-offs: a follow-up assigned to an office, and (daily, in
``daily.py``) a follow-up past its due date."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from layak.accounts.models import User
from layak.core.people import members_of
from layak.notifications.models import Notice
from layak.notifications.notify import notify
from layak.taskforce.models import FollowUp


def follow_up_assigned(*, actor: User, follow_up: FollowUp) -> int:
    """The responsible office's people hear of a follow-up given to their office (recorded at a
    meeting, or moved to them from another office)."""
    return notify(
        members_of(follow_up.owner_id),
        Notice.Kind.FOLLOWUP_ASSIGNED,
        actor=actor,
        url=follow_up.get_absolute_url(),
        message=gettext_noop("%(actor)s gave %(office)s a follow-up of %(meeting)s: %(what)s"),
        params={
            "actor": actor.full_name or actor.email,
            "office": follow_up.owner.name,
            "meeting": follow_up.meeting.title,
            "what": follow_up.description[:200],
        },
        target=follow_up,
        region=follow_up.meeting.region,
    )
