"""``notify``: tell people about a hand-off, inside the hand-off's transaction.

The notices are rows created at once, so they stand or fall with the hand-off: a rolled-back
return leaves no notice. Email is queued with ``transaction.on_commit`` and sent by a background
task; mail trouble never reaches the caller, and a notice whose email could not be sent is picked
up again by the daily run (``layak.notifications.email.send_pending``).
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from layak.notifications.models import Delivery, Notice, deliveries

if TYPE_CHECKING:
    from layak.accounts.models import User
    from layak.regions.models import Region

log = logging.getLogger(__name__)


def notify(
    recipients: Iterable[User],
    kind: str,
    *,
    actor: User | None,
    url: str,
    message: str,
    params: dict[str, Any] | None = None,
    target: models.Model | None = None,
    region: Region | None = None,
    day: datetime.date | None = None,
) -> int:
    """Create one notice per recipient (the actor skipped, duplicates merged, inactive people
    left out) and queue the email each recipient's preference asks for. Returns how many notices
    were created.

    ``message`` is an English msgid (``gettext_noop``) rendered in the reader's language when
    shown; ``params`` are plain strings: names, codes and reasons typed by staff. Never pass a
    child's details here: notices are emailed.

    ``day`` is for date-dependent reminders (daily checks): a recipient who already has a notice
    of this kind about this target for that day is skipped, so a check may run twice a day.
    """
    if kind not in Notice.Kind.values:
        raise ValueError(f"Unknown notice kind {kind!r}.")
    people: dict[int, User] = {}
    for user in recipients:
        if user is None or not user.is_active:
            continue
        if actor is not None and user.pk == actor.pk:
            continue
        people.setdefault(user.pk, user)
    if not people:
        return 0
    target_type = ContentType.objects.get_for_model(target) if target is not None else None
    target_id = target.pk if target is not None else None
    if day is not None:
        already = set(
            Notice.objects.filter(
                recipient_id__in=list(people),
                kind=kind,
                target_type=target_type,
                target_id=target_id,
                day=day,
            ).values_list("recipient_id", flat=True)
        )
        for uid in already:
            people.pop(uid, None)
        if not people:
            return 0
    how = deliveries(list(people), kind)
    clean = {str(k): "" if v is None else str(v) for k, v in (params or {}).items()}
    notices = Notice.objects.bulk_create(
        [
            Notice(
                recipient_id=uid,
                kind=kind,
                actor=actor,
                message=message,
                params=clean,
                url=url,
                target_type=target_type,
                target_id=target_id,
                region=region,
                delivery=how[uid],
                day=day,
            )
            for uid in people
        ]
    )
    now_ids = [n.pk for n in notices if n.delivery == Delivery.EMAIL_NOW]
    if now_ids:
        transaction.on_commit(lambda: queue_email(now_ids))
    return len(notices)


def queue_email(notice_ids: list[int]) -> None:
    """Hand the notices to the email task; never raises (the daily run retries what is unsent)."""
    from layak.notifications.tasks import email_notices

    try:
        email_notices.enqueue(notice_ids)
    except Exception:
        log.exception("Could not queue email for notices %s", notice_ids)
