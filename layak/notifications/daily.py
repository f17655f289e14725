"""The daily run: date-dependent notices (a stage closing soon, a report due, a follow-up
overdue), the retry of delayed emails and the digest.

An app registers a check with ``@daily_check`` on a function ``(today: date) -> int`` (how many
notices it created) in its ``daily.py`` or ``reminders.py`` module, or any module imported at
start-up; ``run_daily`` imports those modules of every installed app before running the checks.

A check is "due within the lead days", not "due exactly N days before": it notifies every day
while the deadline is within reach and passes ``day=today`` to ``notify``, which makes it
idempotent for the day (at most one notice a day per person and thing) and means a missed day
(the timer did not run) drops nothing.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

log = logging.getLogger(__name__)

# When the daily run goes out (local time, WIB): the schedule of
# ``deploy/systemd/layak-reminders.timer``, told to people on the preferences page.
DAILY_RUN_AT = "07:00"

Check = Callable[[datetime.date], int]
C = TypeVar("C", bound=Check)
_checks: dict[str, Check] = {}


def daily_check(fn: C) -> C:
    """Register ``fn`` to run once a day (by ``manage.py send_reminders``)."""
    _checks[f"{fn.__module__}.{fn.__qualname__}"] = fn
    return fn


def registered() -> dict[str, Check]:
    autodiscover_modules("daily", "reminders")
    return dict(_checks)


@dataclass
class DailyResult:
    notices: int
    emails_retried: int
    digests: int
    failed: list[str]


def run_daily(today: datetime.date | None = None) -> DailyResult:
    """Run every check, then retry delayed emails and send the digests. A failing check is
    logged and the others still run."""
    from layak.notifications import email

    today = today or timezone.localdate()
    notices = 0
    failed: list[str] = []
    for name, check in sorted(registered().items()):
        try:
            notices += check(today)
        except Exception:
            log.exception("Daily check %s failed", name)
            failed.append(name)
    retried = email.send_pending()
    digests = email.send_digests(today)
    return DailyResult(notices, retried, digests, failed)
