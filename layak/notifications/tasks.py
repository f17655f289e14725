"""Background work of the notifications app (run by ``manage.py db_worker``)."""

from __future__ import annotations

from django_tasks import task

from layak.notifications import email


@task()
def email_notices(notice_ids: list[int]) -> int:
    """Email these notices now; those the mail server refuses wait for the daily run."""
    return email.send_notices(notice_ids)
