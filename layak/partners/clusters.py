"""The clusters (Kelembagaan and clusters I–V) and indicators partners serve: the groups and
indicators of the current KLA instrument (``layak.frameworks.current``)."""

from __future__ import annotations

from django.db.models import QuerySet

from layak.frameworks.current import current_kla_version
from layak.frameworks.models import Group, Indicator, InstrumentVersion


def current_version() -> InstrumentVersion | None:
    return current_kla_version()


def clusters(version: InstrumentVersion | None = None) -> QuerySet[Group]:
    version = version or current_version()
    return Group.objects.filter(version=version).order_by("order", "code")


def indicators(version: InstrumentVersion | None = None) -> QuerySet[Indicator]:
    version = version or current_version()
    return (
        Indicator.objects.filter(version=version)
        .select_related("group")
        .order_by("group__order", "order", "number")
    )
