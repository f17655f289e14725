"""Template filters shared by every app."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template
from django.db import models

register = template.Library()


@register.filter
def owner_key(obj: models.Model) -> str:
    """``app_label.model`` of a record, for the attachment forms."""
    return f"{obj._meta.app_label}.{obj._meta.model_name}"


@register.filter
def rupiah(value: object) -> str:
    """An amount in rupiah with dots between thousands: 1250000 → "Rp 1.250.000"."""
    if value is None or value == "":
        return "—"
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    whole = f"{amount.quantize(Decimal(1)):,}".replace(",", ".")
    return f"Rp {whole}"
