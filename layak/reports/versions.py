"""The data version of a report: when it is unchanged, the last result is still true.

Every change a person makes writes an audit entry in the same transaction (``layak.audit``), so
the newest audit entry id touching the report's region says whether anything it reads changed.
A report over a region counts the entries of that region's subtree and the national ones (an
instrument, a cycle's windows or gates); a report over the whole country counts every entry.
Entries that record no change to the reported data are left out: jobs being started (reports
themselves would otherwise outdate each other), and personal account and API token events.
"""

from __future__ import annotations

from django.db.models import Max, Q

from layak.audit.models import AuditEntry
from layak.regions.models import Region

# Audit actions that change nothing a report shows.
IGNORED_PREFIXES = ("job.", "user.", "api_token.")


def data_version(region: Region | None) -> int:
    """The newest relevant audit entry id for ``region`` (None: the whole country); one query."""
    entries = AuditEntry.objects.all()
    for prefix in IGNORED_PREFIXES:
        entries = entries.exclude(action__startswith=prefix)
    if region is not None:
        entries = entries.filter(Q(region__path__startswith=region.path) | Q(region__isnull=True))
    version: int | None = entries.aggregate(version=Max("pk"))["version"]
    return version or 0
