"""Emailing notices: at once (one email per notice) or in a daily digest (one email per person).

Every email is rendered in the recipient's language, as plain text with an HTML alternative, and
links to the notice in the app (opening it marks it read and leads to the place to act).

Why no child's details can reach an email: the only content is the notice's message, a fixed
msgid written by the developers, filled with ``params`` that the hand-offs take from staff-typed
fields only (indicator codes and titles, region and organisation names, people's names and the
reasons staff type when returning work). Child-level records (``layak.participation`` children,
case data) are never passed to ``notify``; the subject is the kind's label and the site name.

A refused or unreachable mail server leaves ``emailed_at`` empty: the notice is in the inbox
already, and the daily run (``send_pending``) tries again for a week.
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import smtplib
from collections import defaultdict

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

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


def _send_each(notices: list[Notice]) -> int:
    sent = 0
    if not notices:
        return 0
    try:
        connection = get_connection()
        connection.open()
    except MAIL_ERRORS:
        log.warning("Mail server unavailable; %s notice emails wait", len(notices))
        return 0
    try:
        for notice in notices:
            user = notice.recipient
            if not user.is_active or not user.email:
                continue
            with translation.override(user.language):
                kind = str(notice.get_kind_display())
            mail = _message(user, "notice", {"entries": _entries(user, [notice]), "kind": kind})
            mail.connection = connection
            try:
                mail.send()
            except MAIL_ERRORS:
                log.warning("Mail server refused the email for notice %s", notice.pk)
                break  # the rest wait for the next run
            Notice.objects.filter(pk=notice.pk).update(emailed_at=timezone.now())
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
    if not by_user:
        return 0
    try:
        connection = get_connection()
        connection.open()
    except MAIL_ERRORS:
        log.warning("Mail server unavailable; digests wait for the next run")
        return 0
    sent = 0
    try:
        for uid, notices in by_user.items():
            user = users[uid]
            if not user.is_active or not user.email:
                continue
            mail = _message(user, "digest", {"entries": _entries(user, notices)})
            mail.connection = connection
            try:
                mail.send()
            except MAIL_ERRORS:
                log.warning("Mail server refused the digest for user %s", uid)
                break
            Notice.objects.filter(pk__in=[n.pk for n in notices]).update(emailed_at=timezone.now())
            sent += 1
    finally:
        with contextlib.suppress(*MAIL_ERRORS):
            connection.close()
    return sent
