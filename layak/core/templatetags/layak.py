"""Template filters shared by every app."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template
from django.db import models

from layak.core.numbers import format_number, format_percent, format_points

register = template.Library()


@register.filter
def owner_key(obj: models.Model) -> str:
    """``app_label.model`` of a record, for the attachment forms."""
    return f"{obj._meta.app_label}.{obj._meta.model_name}"


def _decimal(value: object) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return amount if amount.is_finite() else None


@register.filter
def rupiah(value: object) -> str:
    """An amount in whole rupiah in the reader's language: 1250000 → "Rp 1.250.000"."""
    amount = _decimal(value)
    if amount is None:
        return "—" if value is None or value == "" else str(value)
    return f"Rp {format_number(amount, places=0)}"


@register.filter
def number(value: object, places: int = 2) -> str:
    """A number in the reader's language with at most ``places`` decimals: 1234.5 →
    "1.234,5" in Indonesian, "1,234.5" in English; "—" for nothing."""
    amount = _decimal(value)
    if amount is None:
        return "—" if value is None or value == "" else str(value)
    return format_number(amount, places=int(places))


@register.filter
def percent(value: object, places: int = 2) -> str:
    """A percentage (95.16 means 95.16 %) in the reader's language: "95,16%"."""
    amount = _decimal(value)
    if amount is None:
        return "—" if value is None or value == "" else str(value)
    return format_percent(amount, places=int(places))


@register.filter
def points(value: object) -> str:
    """Points (a score, a total, a gap) always with two decimals in the reader's language:
    61.2 → "61,20"; "—" for nothing."""
    amount = _decimal(value)
    if amount is None:
        return "—" if value is None or value == "" else str(value)
    return format_points(amount)
