"""Emailing notices: at once (one email per notice) or in a daily digest (one email per person).

Every email is rendered in the recipient's language, as plain text with an HTML alternative, and
links to the notice in the app (opening it marks it read and leads to the place to act).

Why no child's details can reach an email: the only content is the notice's message, a fixed
msgid written by the developers, filled with ``params`` that the hand-offs take from staff-typed
fields only (indicator codes and titles, region and organisation names, people's names and the
reasons staff type when returning work). Child-level records (``layak.participation`` children,
case data) are never passed to ``notify``; the subject is the notice's own message (what
happened, in the third person), shortened.

A refused or unreachable mail server leaves ``emailed_at`` empty: the notice is in the inbox
already, and the daily run (``send_pending``) tries again for a week.
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import smtplib
from collections import defaultdict
from collections.abc import Callable

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import Truncator

from layak.accounts.models import User
from layak.notifications.models import Delivery, Notice

log = logging.getLogger(__name__)

RETRY_DAYS = 7
MAIL_ERRORS = (OSError, smtplib.SMTPException)


def _link(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _message(user: User, template: str, context: dict[str, object]) -> EmailMultiAlternatives:
    with translation.override(user.language):
        context = {
            **context,
            "user": user,
            "site_url": settings.SITE_URL,
            "preferences_url": _link(reverse("notifications:preferences")),
            "inbox_url": _link(reverse("notifications:inbox")),
        }
        subject = render_to_string(f"notifications/email/{template}_subject.txt", context)
        text = render_to_string(f"notifications/email/{template}.txt", context)
        html = render_to_string(f"notifications/email/{template}.html", context)
    mail = EmailMultiAlternatives(
        " ".join(subject.split()), text, settings.DEFAULT_FROM_EMAIL, [user.email]
    )
    mail.attach_alternative(html, "text/html")
    return mail


def _entries(user: User, notices: list[Notice]) -> list[dict[str, str]]:
    with translation.override(user.language):
        return [
            {
                "kind": str(n.get_kind_display()),
                "text": n.text,
                "link": _link(reverse("notifications:open", args=[n.pk])),
            }
            for n in notices
        ]


def send_notices(notice_ids: list[int]) -> int:
    """Email each of these notices not emailed yet; returns how many were sent."""
    notices = list(
        Notice.objects.filter(pk__in=notice_ids, emailed_at__isnull=True)
        .select_related("recipient")
        .order_by("pk")
    )
    return _send_each(notices)


SUBJECT_CHARS = 110


def _one(user: User, notices: list[Notice]) -> EmailMultiAlternatives:
    """The email of one notice sent at once: what happened (its message, shortened) as the
    subject."""
    with translation.override(user.language):
        subject = Truncator(" ".join(notices[0].text.split())).chars(SUBJECT_CHARS)
    return _message(user, "notice", {"entries": _entries(user, notices), "subject": subject})


def _digest(user: User, notices: list[Notice]) -> EmailMultiAlternatives:
    return _message(user, "digest", {"entries": _entries(user, notices)})


def _send_each(notices: list[Notice]) -> int:
    return _deliver([(n.recipient, [n]) for n in notices], _one)


def _deliver(
    batches: list[tuple[User, list[Notice]]],
    build: Callable[[User, list[Notice]], EmailMultiAlternatives],
) -> int:
    """Send one email per batch over one connection, marking its notices emailed once the
    server took it. At the first refusal the rest wait for the next run. Returns emails sent."""
    batches = [b for b in batches if b[0].is_active and b[0].email]
    if not batches:
        return 0
    try:
        connection = get_connection()
        connection.open()
    except MAIL_ERRORS:
        log.warning("Mail server unavailable; %s emails wait", len(batches))
        return 0
    sent = 0
    try:
        for user, notices in batches:
            # Claim the notices first, so the task and the daily run never send one twice.
            ids = [n.pk for n in notices]
            claimed_at = timezone.now()
            if not Notice.objects.filter(pk__in=ids, emailed_at__isnull=True).update(
                emailed_at=claimed_at
            ):
                continue
            mail = build(user, notices)
            mail.connection = connection
            try:
                mail.send()
            except MAIL_ERRORS:
                log.warning("Mail server refused an email to user %s; the rest wait", user.pk)
                Notice.objects.filter(pk__in=ids, emailed_at=claimed_at).update(emailed_at=None)
                break
            sent += 1
    finally:
        with contextlib.suppress(*MAIL_ERRORS):
            connection.close()
    return sent


def send_pending(now: datetime.datetime | None = None) -> int:
    """Retry the at-once emails a failing mail server delayed (unread, from the last week)."""
    now = now or timezone.now()
    notices = list(
        Notice.objects.filter(
            delivery=Delivery.EMAIL_NOW,
            emailed_at__isnull=True,
            read_at__isnull=True,
            created_at__gte=now - datetime.timedelta(days=RETRY_DAYS),
        )
        .select_related("recipient")
        .order_by("pk")
    )
    return _send_each(notices)


def send_digests(today: datetime.date | None = None) -> int:
    """One email per person listing their unread digest notices of the days before ``today``
    not emailed yet. Returns the number of emails sent. Notices of today wait for tomorrow's
    digest, so however often the daily run runs, a person gets at most one digest a day."""
    today = today or timezone.localdate()
    midnight = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    by_user: dict[int, list[Notice]] = defaultdict(list)
    users: dict[int, User] = {}
    for notice in (
        Notice.objects.filter(
            delivery=Delivery.DIGEST,
            emailed_at__isnull=True,
            read_at__isnull=True,
            created_at__lt=midnight,
        )
        .select_related("recipient")
        .order_by("created_at", "pk")
    ):
        by_user[notice.recipient_id].append(notice)
        users[notice.recipient_id] = notice.recipient
    return _deliver([(users[uid], notices) for uid, notices in by_user.items()], _digest)
