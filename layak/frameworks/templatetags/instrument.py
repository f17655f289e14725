"""Instrument texts in the reader's language: ``{{ question|in_language }}`` for an instrument
object, ``{{ row.group_name|in_language:row.group_name_en }}`` for a text and its English."""

from __future__ import annotations

from django import template

from layak.frameworks import models

register = template.Library()


@register.filter
def in_language(value: object, english: str | None = None) -> str:
    if english is not None:
        return models.bilingual("" if value is None else str(value), english or "")
    return models.in_language(value)
