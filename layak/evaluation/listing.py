"""What the assessment page draws from the assessment's data, computed once per data version.

The page's running score, the question list of every cluster and indicator (drawn), the progress
per office and cluster, the answers still missing and the items ready to submit change only when
the assessment's data changes, and every such change writes an audit entry for its region. So
they are kept under a key made of the assessment, the reader's language and reach (their
grants, and what they may do on it: manage the district, submit its evaluation), the question
filter of the request, and the data stamp of the district (``layak.reports.versions.data_stamp``,
as the dashboards' figures are kept: ``layak.dashboards.cache.key``): any recorded change gives
a new key at once, in every process.

``Kept`` keeps them, and the verifier's pages, the gap analysis and the home page's list of work
as well, at two levels:

- the web process's own memory: reading a value kept there costs no query (the stamp is the
  page's only one) and no copy (it is handed out as it is);
- the store every web process and machine shares (the dashboards' ``figures`` cache,
  ``layak.dashboards.cache.store()``: the database table ``layak_cache`` by default). On a miss
  in its memory a process looks the key up there, and keeps what it finds; what it draws itself
  it keeps in its memory and writes there, so each page is drawn once for every process, not
  once in each. A local miss costs one query (the store's read, the value unpickled), a first
  draw about four more (the read, and the write: Django's database cache counts its rows,
  reads the key and writes it).

An entry in the shared store carries the time it expires: a process that reads it keeps it no
longer than that, so every value is at most ``cache.TIMEOUT`` old, the bound on a change whose
audit entry commits after a later one was already read. Its key is the local key hashed, under
``PREFIX``, the kind of value and a fingerprint of the code that drew it (``release``: the
application's modules, templates and translations, and Django's version), so a new release never
reads what an older one drew. A shared store that fails (its table missing, the database
refusing) is left aside, and the page is drawn as without it: outside a transaction the error is
caught; inside one the store is read and written under a savepoint, so a failed statement never
breaks the request's transaction; in a transaction already marked for rollback the store is not
used at all.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import django
from django.core.cache import BaseCache
from django.core.cache.backends.db import DatabaseCache
from django.db import DatabaseError, connections, router, transaction
from django.db.models import Case, FilteredRelation, Q, Value, When

from layak.dashboards import cache
from layak.evaluation.models import Answer, Assessment

S = Answer.Status
T = TypeVar("T")
log = logging.getLogger(__name__)

# Changes with the way entries are written to the shared store (v1: the expiry time and the
# value) or with the shape of what is kept (v2: a gap analysis holds plain rows), so a process
# never reads an entry it cannot understand.
PREFIX = "kept:v2"
# What ``release`` reads: the files that draw a kept value.
RELEASE_FILES = (".py", ".html", ".txt", ".mo")


@functools.cache
def release() -> str:
    """A fingerprint of the code that draws kept values: the application's modules, templates
    and translations (tests aside), and Django's version (pickled model instances carry it).
    Read once a process, the first time the shared store is used (some 20 ms)."""
    root = Path(__file__).resolve().parents[1]
    paths = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in ("tests", "static", "__pycache__")]
        paths += [Path(folder, name) for name in files if name.endswith(RELEASE_FILES)]
    digest = hashlib.sha256(django.get_version().encode())
    for path in sorted(paths):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _shared(write: bool, use: Callable[[BaseCache], T]) -> T | None:
    """``use(store)`` on the shared store, or None where the store fails.

    A database cache runs its statements on the request's connection. Outside a transaction a
    failure is caught: the page is drawn as without the store. Inside one the store is used
    under a savepoint, so a failure rolls back to it and the transaction goes on; a transaction
    already marked for rollback never reaches the store. The blocks of Django's own test cases
    (``_from_testcase``, as ``atomic(durable=True)`` reads them) do not count: a test runs as
    a request does, with its queries counted alike, and a store failing in it fails the test."""
    store = cache.store()
    if not isinstance(store, DatabaseCache):
        return use(store)
    route = router.db_for_write if write else router.db_for_read
    alias = route(store.cache_model_class)
    connection = connections[alias]
    if connection.needs_rollback:
        return None
    if connection.in_atomic_block and all(
        getattr(b, "_from_testcase", False) for b in connection.atomic_blocks
    ):
        return use(store)
    try:
        if not connection.in_atomic_block:
            return use(store)
        with transaction.atomic(using=alias):
            return use(store)
    except DatabaseError:
        log.warning("The shared store of kept values failed", exc_info=True)
        return None


def forget_shared() -> None:
    """Forget every entry of the shared store: every kept value of every kind, and the
    dashboards' figures with them (the store forgets all its entries or one key)."""
    _shared(True, lambda store: store.clear())


class Kept:
    """Values kept by key, at most ``size`` of them in this process's memory (the least
    recently read go first), each for ``timeout`` seconds. Unlike Django's local-memory cache
    nothing is pickled there: a kept value is handed out as it is, so whoever reads it must not
    change it.

    With a ``shared`` name, values are also kept in the shared store under that name (see the
    module's docstring): read there on a miss in this process's memory, written there when
    drawn. They must then pickle and unpickle to an equal value."""

    def __init__(
        self, size: int, timeout: float = cache.TIMEOUT, shared: str | None = None
    ) -> None:
        self.size = size
        self.timeout = timeout
        self.shared = shared
        self._values: OrderedDict[str, tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> Any:
        with self._lock:
            found = self._values.get(key)
            if found is not None and found[0] <= time.monotonic():
                del self._values[key]
                found = None
            if found is not None:
                self._values.move_to_end(key)
                return found[1]
        if self.shared is None:
            return None
        entry: tuple[float, Any] | None = _shared(False, lambda store: store.get(self._key(key)))
        if entry is None:
            return None
        left = entry[0] - time.time()
        if left <= 0:
            return None
        self._keep(key, entry[1], min(left, self.timeout))
        return entry[1]

    def set(self, key: str, value: Any) -> None:
        self._keep(key, value, self.timeout)
        if self.shared is not None:
            until = time.time() + self.timeout
            _shared(True, lambda store: store.set(self._key(key), (until, value), self.timeout))

    def clear(self) -> None:
        """Forget every value kept in this process's memory (the shared store keeps its own:
        ``forget_shared``)."""
        with self._lock:
            self._values.clear()

    def _keep(self, key: str, value: Any, timeout: float) -> None:
        with self._lock:
            self._values[key] = (time.monotonic() + timeout, value)
            self._values.move_to_end(key)
            while len(self._values) > self.size:
                self._values.popitem(last=False)

    def _key(self, key: str) -> str:
        """``key`` in the shared store: hashed, under this store's name and the release."""
        digest = hashlib.sha256(key.encode()).hexdigest()[:40]
        return f"{PREFIX}:{release()}:{self.shared}:{digest}"


# At most this many drawn pages per process (about 120 KB each at KLA 2024's 274 questions).
KEPT_PAGES = 200
_kept = Kept(KEPT_PAGES, shared="assessment")


@dataclass
class MissingAnswer:
    """A required answer not yet ready, as the page lists it."""

    pk: int
    code: str
    indicator_id: int
    status: str

    @property
    def status_label(self) -> str:
        return str(S(self.status).label)


@dataclass
class Missing:
    """The required answers not yet ready, and who still has them: the answers per responsible
    office (most first, then by name), and how many no office has been given."""

    answers: list[MissingAnswer] = field(default_factory=list)
    by_office: list[tuple[str, int]] = field(default_factory=list)
    unassigned: int = 0
    # An answer with several offices counts for each: the offices' counts sum to more.
    shared: bool = False


def ready_statuses(assessment: Assessment) -> list[str]:
    """What counts as ready: accepted by the district for its own evaluation; submitted or
    accepted for a kecamatan's or village's, whose operator answers and submits itself."""
    if assessment.cycle.instrument.framework.region_level > 2:
        return [S.SUBMITTED, S.ACCEPTED]
    return [S.ACCEPTED]


# What needs someone to act before submission first: not filled in, drafts, returned, then
# those waiting for the administrator's acceptance.
_MISSING_FIRST = Case(
    When(status=S.DRAFT, value={}, then=Value(0)),
    When(status=S.DRAFT, then=Value(1)),
    When(status=S.RETURNED, then=Value(2)),
    default=Value(3),
)


def missing(assessment: Assessment) -> Missing:
    """The required answers of ``assessment`` not yet ready, those needing work first
    (``_MISSING_FIRST``), each kind in the instrument's order, with their active offices: one
    query whatever their number."""
    rows = (
        Answer.objects.filter(assessment=assessment, question__required=True)
        .exclude(status__in=ready_statuses(assessment))
        .annotate(active=FilteredRelation("assignments", condition=Q(assignments__is_active=True)))
        .order_by(
            _MISSING_FIRST,
            "question__indicator__group__order",
            "question__indicator__order",
            "question__order",
            "pk",
        )
        .values_list(
            "pk", "question__code", "question__indicator_id", "status", "active__organisation__name"
        )
    )
    found = Missing()
    offices: dict[str, set[int]] = {}
    assigned: set[int] = set()
    for pk, code, indicator_id, status, office in rows:
        if not found.answers or found.answers[-1].pk != pk:
            found.answers.append(MissingAnswer(pk, code, indicator_id, status))
        if office is not None:
            offices.setdefault(office, set()).add(pk)
            assigned.add(pk)
    found.by_office = sorted(
        ((name, len(ids)) for name, ids in offices.items()), key=lambda row: (-row[1], row[0])
    )
    found.unassigned = len(found.answers) - len(assigned)
    found.shared = sum(len(ids) for ids in offices.values()) > len(assigned)
    return found


def kept(
    assessment: Assessment, parts: tuple[object, ...], build: Callable[[], dict[str, Any]]
) -> dict[str, Any]:
    """``build()``'s figures of the assessment page for ``parts`` (the reader's reach and
    rights, the filter), kept until the district's data changes. One query (the stamp)."""
    key = cache.key("assessment", assessment.region, (assessment.pk, *parts))
    found: dict[str, Any] | None = _kept.get(key)
    if found is None:
        found = build()
        _kept.set(key, found)
    return found


def forget(shared: bool = True) -> None:
    """Forget every kept page of this process and, with ``shared``, every entry of the shared
    store (``forget_shared``): the next request draws afresh."""
    _kept.clear()
    if shared:
        forget_shared()


def stamp_key(assessment: Assessment, parts: tuple[object, ...]) -> str:
    """The key under which ``kept`` keeps the assessment's ``parts`` now: it changes with the
    reader's language and the district's data stamp. One query (the stamp)."""
    return cache.key("assessment", assessment.region, (assessment.pk, *parts))


def kept_at(key: str, build: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """``build()``'s value kept under ``key`` (one made from ``stamp_key``, several values of
    one page may share its stamp): no query."""
    found: dict[str, Any] | None = _kept.get(key)
    if found is None:
        found = build()
        _kept.set(key, found)
    return found
