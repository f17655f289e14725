"""``{% described entries as rows %}``: a page of audit entries in words (``display``)."""

from __future__ import annotations

from collections.abc import Iterable

from django import template

from layak.audit import display
from layak.audit.models import AuditEntry

register = template.Library()


@register.simple_tag
def described(entries: Iterable[AuditEntry]) -> list[display.Described]:
    return display.describe(entries)


@register.filter
def action_label(code: str) -> str:
    return display.action_label(code)
