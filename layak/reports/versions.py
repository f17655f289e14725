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

import functools

from django.db import connection
from django.db.models import Max, Q, QuerySet

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
    country). One query, its SQL written once per database and depth of region (``_stamp_sql``)
    so a request builds no query.

    The country takes its newest entry walking the ids backwards, which stops at once: its id
    and time. A region asks each region of its subtree and above it for the time of its newest
    entry on the (region, time) index, and the national entries for theirs: one index lookup
    per region (a few hundred for a regency or city, a few thousand for a province), however
    long the audit log and however long ago the region last changed; walking the ids instead
    would read every later entry of the other regions. Times, to the microsecond, also tell
    apart two histories that hand out the same ids, as after a database is restored from a
    backup or emptied and filled again."""
    ignored = [f"{_like(prefix)}%" for prefix in IGNORED_PREFIXES]
    if region is None:
        params: list[str] = ignored
    else:
        params = [*ignored, *_subtree(region.path), *_above(region), *ignored]
    depth = -1 if region is None else len(_above(region))
    with connection.cursor() as cursor:
        cursor.execute(_stamp_sql(connection.vendor, depth), params)
        row = cursor.fetchone()
    if region is None:
        return "0" if row is None else f"{row[0]}@{row[1]}"
    return "|".join("-" if at is None else str(at) for at in row)


def _like(text: str) -> str:
    """``text`` matched literally by LIKE ... ESCAPE '\\'."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _subtree(path: str) -> list[str]:
    """The parameters of ``_stamp_sql``'s subtree condition for the region at ``path``."""
    if connection.vendor == "sqlite":
        # Paths compare byte by byte in SQLite: those starting with "32.16." lie between it
        # and "32.16/" ("/" follows "." in ASCII), a range on the path's index.
        return [path, path[:-1] + "/"]
    return [f"{_like(path)}%"]


# The stamp of the whole country, and of a region (``_stamp_sql``).
_NATIONAL_SQL = """
SELECT a."id", a."at" FROM {audit} a WHERE {counted} ORDER BY a."id" DESC LIMIT 1
"""
_REGION_SQL = """
SELECT
  (SELECT MAX((SELECT a."at" FROM {audit} a WHERE a."region_id" = r."id" AND {counted}
               ORDER BY a."at" DESC LIMIT 1))
   FROM {regions} r WHERE {subtree}{above}),
  (SELECT a."at" FROM {audit} a WHERE a."region_id" IS NULL AND {counted}
   ORDER BY a."at" DESC LIMIT 1)
"""


@functools.cache
def _stamp_sql(vendor: str, depth: int) -> str:
    """The stamp's statement on ``vendor`` for a region with ``depth`` regions above it (-1:
    the whole country). Its parameters: the ignored prefixes' patterns, then for a region its
    subtree (``_subtree``), the paths above it and the ignored patterns again.

    The subtree is a prefix of the path: PostgreSQL matches it with LIKE on the path's pattern
    index (a range would follow the database's collation, which need not compare byte by
    byte); SQLite's LIKE ignores case and uses no index, so there it is a range."""
    names = {
        "audit": connection.ops.quote_name(AuditEntry._meta.db_table),
        "regions": connection.ops.quote_name(Region._meta.db_table),
        "counted": " AND ".join(["a.\"action\" NOT LIKE %s ESCAPE '\\'"] * len(IGNORED_PREFIXES)),
        "subtree": '(r."path" >= %s AND r."path" < %s)'
        if vendor == "sqlite"
        else "r.\"path\" LIKE %s ESCAPE '\\'",
        "above": f' OR r."path" IN ({", ".join(["%s"] * depth)})' if depth > 0 else "",
    }
    # Table names are the models', every value is a parameter.
    sql = _NATIONAL_SQL if depth < 0 else _REGION_SQL
    return sql.format(**names).strip()
