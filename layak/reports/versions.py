"""The data version of a report or a dashboard: when it is unchanged, the last result is still
true.

Every change a person makes writes an audit entry in the same transaction (``layak.audit``), so
the newest audit entry touching the region says whether anything read about it changed. A
region counts the entries of its subtree, those of the regions above it (a province's entry
may concern its districts) and the national ones (an instrument, a cycle's windows or gates);
the whole country counts every entry. Entries that record no change to the data are left out:
jobs being started (reports themselves would otherwise outdate each other), and personal
account and API token events.
"""

from __future__ import annotations

from django.db.models import Max, Q, QuerySet

from layak.audit.models import AuditEntry
from layak.regions.models import Region

# Audit actions that change nothing a report or a dashboard shows.
IGNORED_PREFIXES = ("job.", "user.", "api_token.")


def _relevant(region: Region | None) -> QuerySet[AuditEntry]:
    entries = AuditEntry.objects.all()
    for prefix in IGNORED_PREFIXES:
        entries = entries.exclude(action__startswith=prefix)
    if region is None:
        return entries
    parts = region.path.rstrip(".").split(".")
    above = [".".join(parts[:i]) + "." for i in range(1, len(parts))]
    return entries.filter(
        Q(region__path__startswith=region.path) | Q(region__isnull=True) | Q(region__path__in=above)
    )


def data_version(region: Region | None) -> int:
    """The newest relevant audit entry id for ``region`` (None: the whole country); one query."""
    version: int | None = _relevant(region).aggregate(version=Max("pk"))["version"]
    return version or 0


def data_stamp(region: Region | None) -> str:
    """``data_version`` with the time of that entry: a database restored from a backup, or
    emptied and filled again, hands out the same ids again but never at the same time, so a
    cached result of the abandoned history is never taken for the present one. One query."""
    newest = _relevant(region).order_by("-pk").values_list("pk", "at").first()
    if newest is None:
        return "0"
    pk, at = newest
    return f"{pk}@{at.isoformat()}"
