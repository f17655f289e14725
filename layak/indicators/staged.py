"""The values a checked upload will add, kept in the database until it is applied
(PostgreSQL).

A check that finds a file only adds values (``actions.Plan``) copies those values, resolved to
the value table's columns, into ``StagedValue`` with one ``COPY``; applying the upload while
nothing it was checked against has changed (``importfile._inputs``) moves them into the value
table with one ``INSERT … SELECT``, without reading them back into Python. On other databases,
and for files that change stored values, the checked rows are kept on the upload as text
(``importfile._keep``).

``StagedValue`` is unlogged: after a crash it is empty, the count kept on the upload no longer
matches, and the upload is read and checked again from its file. Its rows are keyed by their
upload and their place among its values (``line``, written by the ``COPY``): no sequence to
draw from and one index, whose order is the order the values are added in.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.utils import timezone

from layak.indicators import actions, bulk
from layak.indicators.models import DataImport, DataValue, StagedValue
from layak.indicators.writing import _batch

if TYPE_CHECKING:
    from layak.accounts.models import User

LAYOUT = "staged"
_VALUES = DataValue._meta.db_table
_STAGED = StagedValue._meta.db_table
_COLUMNS = (
    "element_id, region_id, period, period_start, disaggregation, value, organisation_id, "
    "dataset, source_date, comment"
)


def possible() -> bool:
    return connection.vendor == "postgresql"


def keep(imp: DataImport, result: actions.Result) -> dict[str, Any] | None:
    """Stage the values ``result``'s plan adds and return what the upload keeps of the check
    (None when there is no plan: the checked rows are kept on the upload instead). What an
    earlier check of the upload staged is dropped by the run before (``importfile.run``)."""
    plan, checked = result.plan, result.checked
    if plan is None or checked is None or not possible():
        return None
    entries = checked.entries
    # The plan's positions are distinct and in order: as many as the entries are all of them.
    creates = (
        entries if len(plan.creates) == len(entries) else [entries[index] for index in plan.creates]
    )
    null = bulk.NULL
    # The texts of a period, disaggregation, dataset and comment as COPY reads them, with the
    # period's first day: worked out once for each (most rows repeat them).
    texts: dict[tuple[str, str, str, str], tuple[str, str, str]] = {}
    upload = imp.pk
    lines: list[str] = []
    add = lines.append
    for line, e in enumerate(creates):
        # The entry's key holds its element's and region's ids; a value is written as ``str``
        # writes it (``!s``: formatting a decimal as a field costs more).
        element, region, period, key = e.key
        written = (period, key, e.dataset, e.comment)
        middle = texts.get(written)
        if middle is None:
            middle = texts[written] = _middle(written, plan.starts[period])
        source, office = e.source_date, e.organisation
        add(
            f"{upload}\t{line}\t{element}\t{region}\t{middle[0]}\t{e.value!s}\t"
            f"{null if office is None else office.id}\t{middle[1]}\t"
            f"{null if source is None else source.isoformat()}\t{middle[2]}"
        )
    if lines:
        with connection.cursor() as cursor:
            raw = cursor.cursor  # psycopg's own cursor: COPY is not in the DB-API
            with raw.copy(f"COPY {_STAGED} (data_import_id, line, {_COLUMNS}) FROM STDIN") as copy:
                copy.write("\n".join(lines) + "\n")
    return {
        "layout": LAYOUT,
        "rows": result.rows,
        "staged": len(lines),
        "unchanged": plan.unchanged,
        "errors": [p.as_dict() for p in plan.errors],
    }


def _middle(written: tuple[str, str, str, str], start: datetime.date) -> tuple[str, str, str]:
    """A staged line's period, first day and disaggregation; its dataset; its comment: as
    COPY's text format reads them (``bulk._text``)."""
    period, key, dataset, comment = written
    if any("\\" in t or "\t" in t or "\n" in t or "\r" in t for t in written):
        text = bulk._text
        period, key, dataset, comment = text(period), text(key), text(dataset), text(comment)
    return f"{period}\t{start.isoformat()}\t{key}", dataset, comment


def kept(kept: dict[str, Any], inputs: dict[str, Any]) -> bool:
    """Whether ``kept`` is a staged check's outcome that still stands."""
    return kept.get("layout") == LAYOUT and kept.get("inputs") == inputs and possible()


def apply(imp: DataImport, *, actor: User, kept: dict[str, Any]) -> actions.Result | None:
    """Write the values staged for ``imp`` in one batch with its audit entry, as
    ``actions.apply_planned`` writes a plan (None when they are not all there any more: the
    upload is then checked again from its file)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM {_STAGED} WHERE data_import_id = %s",  # noqa: S608
            [imp.pk],
        )
        (staged,) = cursor.fetchone()
    if staged != kept["staged"]:
        return None
    errors = [actions.Problem(p["row"], p["column"], p["message"]) for p in kept["errors"]]
    result = actions.Result(errors=errors, unchanged=kept["unchanged"], rows=kept["rows"])
    # Inside the caller's transaction (the upload's run): any failure undoes the whole run.
    # The staged rows are dropped by the run (``importfile.run``), however the file is applied.
    with transaction.atomic(savepoint=False):
        if staged:
            now = timezone.now()
            batch = _batch(actor, range(staged), (), imp)  # type: ignore[arg-type]
            insert(imp, actor, batch.pk, now)
    result.created = staged
    result.applied = True
    return result


def insert(imp: DataImport, actor: User, batch: int, now: datetime.datetime) -> None:
    """Move ``imp``'s staged values into the value table, entered by ``actor`` in ``batch``."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_VALUES} ({_COLUMNS}, is_active, created_by_id, "  # noqa: S608
            "created_at, updated_by_id, updated_at, batch_id) "
            f"SELECT {_COLUMNS}, true, %s, %s, %s, %s, %s FROM {_STAGED} "
            "WHERE data_import_id = %s ORDER BY line",
            [actor.pk, now, actor.pk, now, batch, imp.pk],
        )


def forget(imp: DataImport) -> None:
    """Drop what was staged for ``imp``."""
    if not possible():
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {_STAGED} WHERE data_import_id = %s", [imp.pk])  # noqa: S608
