"""How the evaluation's dates and progress read, the same on pages, emails, PDFs and the API."""

from __future__ import annotations

import datetime
from typing import Any

from django import template
from django.utils import timezone
from django.utils.formats import date_format, time_format

register = template.Library()


def last_moment(end: datetime.datetime) -> datetime.datetime:
    """A window stored as ending at midnight after its closing day ends the moment before:
    the closing day entered is the last day people can work."""
    return timezone.localtime(end - datetime.timedelta(microseconds=1))


@register.filter
def deadline(end: datetime.datetime | None, fmt: str = "j M Y") -> str:
    """``8 Des 2026, 23.59 WIB`` for a window stored as ending on 9 December 00:00: the last
    day and minute people can work, with the time zone named."""
    if end is None:
        return ""
    last = last_moment(end)
    return f"{date_format(last, fmt)}, {time_format(last)} {last.tzname() or ''}".strip()


@register.filter
def last_day(end: datetime.datetime | None, fmt: str = "j M Y") -> str:
    """The closing day alone (``8 Des 2026``)."""
    if end is None:
        return ""
    return date_format(last_moment(end), fmt)


@register.filter
def progress_detail(result: Any) -> str:
    """How far a score result not yet complete is, in the words reports and the API use."""
    from layak.evaluation.scores import progress_detail as words

    return words(result)


@register.filter
def stage_label(kind: str) -> str:
    """A stage's name in the reader's language, never its code."""
    from layak.evaluation.models import Stage

    try:
        return str(Stage.Kind(kind).label)
    except ValueError:
        return ""
