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

from django.db.models import Max, OuterRef, Q, QuerySet, Subquery

from layak.audit.models import AuditEntry
from layak.regions.models import Region

# Audit actions that change nothing a report or a dashboard shows.
IGNORED_PREFIXES = ("job.", "user.", "api_token.")


def _counted(entries: QuerySet[AuditEntry]) -> QuerySet[AuditEntry]:
    for prefix in IGNORED_PREFIXES:
        entries = entries.exclude(action__startswith=prefix)
    return entries


def _above(region: Region) -> list[str]:
    """The paths of the regions above ``region``."""
    parts = region.path.rstrip(".").split(".")
    return [".".join(parts[:i]) + "." for i in range(1, len(parts))]


def _relevant(region: Region | None) -> QuerySet[AuditEntry]:
    entries = _counted(AuditEntry.objects.all())
    if region is None:
        return entries
    return entries.filter(
        Q(region__path__startswith=region.path)
        | Q(region__isnull=True)
        | Q(region__path__in=_above(region))
    )


def data_version(region: Region | None) -> int:
    """The newest relevant audit entry id for ``region`` (None: the whole country); one query."""
    version: int | None = _relevant(region).aggregate(version=Max("pk"))["version"]
    return version or 0


def data_stamp(region: Region | None) -> str:
    """A token that changes with every relevant audit entry of ``region`` (None: the whole
    country). One query.

    The country takes its newest entry walking the ids backwards, which stops at once: its id
    and time. A region asks each region of its subtree and above it for the time of its newest
    entry on the (region, time) index, and the national entries for theirs: one index lookup
    per region (a few hundred for a regency or city, a few thousand for a province), however
    long the audit log and however long ago the region last changed; walking the ids instead
    would read every later entry of the other regions. Times, to the microsecond, also tell
    apart two histories that hand out the same ids, as after a database is restored from a
    backup or emptied and filled again."""
    if region is None:
        newest = _relevant(None).order_by("-pk").values_list("pk", "at").first()
        return "0" if newest is None else f"{newest[0]}@{newest[1].isoformat()}"
    here = _counted(AuditEntry.objects.filter(region=OuterRef("pk"))).order_by("-at")
    national = _counted(AuditEntry.objects.filter(region__isnull=True)).order_by("-at")
    found = (
        Region.objects.filter(Q(path__startswith=region.path) | Q(path__in=_above(region)))
        .annotate(
            newest=Subquery(here.values("at")[:1]),
            newest_national=Subquery(national.values("at")[:1]),
        )
        .aggregate(at=Max("newest"), national=Max("newest_national"))
    )
    return "|".join(at.isoformat() if at else "-" for at in (found["at"], found["national"]))
