"""What the assessment page draws from the assessment's data, computed once per data version.

The page's running score, the question list of every cluster and indicator (drawn), the progress
per office and cluster, the answers still missing and the items ready to submit change only when
the assessment's data changes, and every such change writes an audit entry for its region. So
they are kept under a key made of the assessment, the reader's language and reach (their
grants, and what they may do on it: manage the district, submit its evaluation), the question
filter of the request, and the data stamp of the district (``layak.reports.versions.data_stamp``,
as the dashboards' figures are kept: ``layak.dashboards.cache.key``): any recorded change gives
a new key at once, in every process.

They are kept in the web process's own memory: reading them costs no query (the stamp is the
page's only one), keeping them none either, and a process that has not drawn an assessment yet
draws it once. Each entry also expires after ``cache.TIMEOUT``, the bound on a change whose
audit entry commits after a later one was already read.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import FilteredRelation, Q

from layak.dashboards import cache
from layak.evaluation.models import Answer, Assessment

S = Answer.Status


class Kept:
    """Values kept in this process's memory by key, at most ``size`` of them (the least
    recently read go first), each for ``timeout`` seconds. Unlike Django's local-memory cache
    nothing is pickled: a kept value is handed out as it is, so whoever reads it must not
    change it."""

    def __init__(self, size: int, timeout: float = cache.TIMEOUT) -> None:
        self.size = size
        self.timeout = timeout
        self._values: OrderedDict[str, tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> Any:
        with self._lock:
            found = self._values.get(key)
            if found is None:
                return None
            if found[0] <= time.monotonic():
                del self._values[key]
                return None
            self._values.move_to_end(key)
            return found[1]

    def set(self, key: str, value: Any) -> None:
        with self._lock:
            self._values[key] = (time.monotonic() + self.timeout, value)
            self._values.move_to_end(key)
            while len(self._values) > self.size:
                self._values.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


# At most this many drawn pages per process (about 120 KB each at KLA 2024's 274 questions).
KEPT_PAGES = 200
_kept = Kept(KEPT_PAGES)


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


def ready_statuses(assessment: Assessment) -> list[str]:
    """What counts as ready: accepted by the district for its own evaluation; submitted or
    accepted for a kecamatan's or village's, whose operator answers and submits itself."""
    if assessment.cycle.instrument.framework.region_level > 2:
        return [S.SUBMITTED, S.ACCEPTED]
    return [S.ACCEPTED]


def missing(assessment: Assessment) -> Missing:
    """The required answers of ``assessment`` not yet ready, in the instrument's order, with
    their active offices: one query whatever their number."""
    rows = (
        Answer.objects.filter(assessment=assessment, question__required=True)
        .exclude(status__in=ready_statuses(assessment))
        .annotate(active=FilteredRelation("assignments", condition=Q(assignments__is_active=True)))
        .order_by("question__indicator__order", "question__order", "pk")
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


def forget() -> None:
    """Forget every kept page of this process: the next request draws afresh."""
    _kept.clear()


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
