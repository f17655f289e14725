"""The dashboards' figures, computed once per data version and kept in a cache that every web
process and machine shares (the ``figures`` cache, the database by default; docs/caching.md).

A dashboard's figures are kept under a key made of:

- the dashboard and its region;
- the filters of the request that change the figures (cycle, plan year, province, page, the
  full ranking of a CSV download);
- the reader's language (labels, notes and names are put into words while building);
- the reader's reach where a figure depends on it (the district dashboard's returned items,
  overdue follow-ups and key indicators are read through the person's scope): two people with
  the same grants share an entry, anyone else gets their own;
- the data stamp of the region (``layak.reports.versions.data_stamp``: the newest audit entry
  of the region, the regions above it and the whole country), so any recorded change to what
  a dashboard shows gives a new key at once in every process;
- the local day where a figure counts days (overdue follow-ups).

Figures that change with the clock alone carry the time they stop being true (the province's
stage open now: the next opening or closing of a window), and are built again from then on.
Every entry also expires after ``TIMEOUT``: the bound on a change whose audit entry commits
after a later entry was already read (ids are handed out when written, not when committed).
"""

from __future__ import annotations

import datetime
import hashlib
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.utils import timezone
from django.utils.translation import get_language

from layak import authz
from layak.accounts.models import User
from layak.regions.models import Region
from layak.reports.versions import data_stamp

T = TypeVar("T")

ALIAS = "figures"
# Changes with the shape or the drawing of what is kept (v2: figures kept drawn; v3: tables
# with grouped amounts and dates in words, "not filled in" counted apart; v5: entries carry
# the time they end; v6: the API's scores say a complete stage in words), so a new release never
# reads an entry an older one wrote.
PREFIX = "dashboards:v6"
# Seconds an entry is kept at most.
TIMEOUT = 600


def store() -> BaseCache:
    """The shared cache of figures (the default cache where none is configured)."""
    return caches[ALIAS if ALIAS in settings.CACHES else "default"]


# Figures also kept in this process's memory, at most this many (the least recently read go
# first), for the time left of their shared entry: read without a query or unpickling. Handed
# out as they are: a page must not change what it is given.
LOCAL_SIZE = 64
_local: OrderedDict[str, tuple[float, Any]] = OrderedDict()
_local_lock = threading.Lock()


def clear() -> None:
    """Forget every kept figure: the next request to each dashboard computes afresh (cold)."""
    forget_local()
    store().clear()


def forget_local() -> None:
    """Forget the figures kept in this process's memory (the shared store keeps its own)."""
    with _local_lock:
        _local.clear()


def _local_get(key: str) -> Any:
    with _local_lock:
        found = _local.get(key)
        if found is None:
            return None
        if found[0] <= time.monotonic():
            del _local[key]
            return None
        _local.move_to_end(key)
        return found[1]


def _local_set(key: str, value: Any, seconds: float) -> None:
    with _local_lock:
        _local[key] = (time.monotonic() + seconds, value)
        _local.move_to_end(key)
        while len(_local) > LOCAL_SIZE:
            _local.popitem(last=False)


def scope(user: User) -> tuple[Any, ...]:
    """What decides the person's reach: their grants (role, organisation, regions)."""
    return tuple(
        sorted((g.role, g.organisation_id, g.paths, g.national) for g in authz.grants(user))
    )


def key(kind: str, region: Region | None, parts: Iterable[object]) -> str:
    """The cache key of dashboard ``kind`` for ``region`` with ``parts`` (filters, scope), in
    the active language at the region's present data stamp. One query (the stamp)."""
    named = (kind, get_language(), region.pk if region else None, *parts, data_stamp(region))
    digest = hashlib.sha256(repr(named).encode()).hexdigest()[:40]
    return f"{PREFIX}:{kind}:{digest}"


def figures(
    kind: str,
    region: Region | None,
    parts: Iterable[object],
    build: Callable[[], tuple[T, datetime.datetime | None]],
) -> T:
    """The figures kept under ``key(kind, region, parts)``, or ``build()``'s, kept for later.

    ``build`` returns the figures and the time they stop being true (None: only the data
    changes them). One query when kept in this process (the stamp), two when read from the
    shared store (the stamp, the cache); ``build``'s and about four for keeping them
    otherwise. Kept in this process's memory as well, for the time left of the shared entry."""
    found_key = key(kind, region, parts)
    now = timezone.now()
    found: tuple[T, datetime.datetime | None] | None = _local_get(found_key)
    if found is not None and (found[1] is None or now < found[1]):
        return found[0]
    cache = store()
    shared: tuple[T, datetime.datetime | None, float] | None = cache.get(found_key)
    if shared is not None and (shared[1] is None or now < shared[1]):
        _local_set(found_key, shared[:2], shared[2] - time.time())
        return shared[0]
    value, until = build()
    timeout = TIMEOUT
    if until is not None:
        timeout = min(TIMEOUT, max(1, math.ceil((until - now).total_seconds())))
    cache.set(found_key, (value, until, time.time() + timeout), timeout)
    _local_set(found_key, (value, until), timeout)
    return value
