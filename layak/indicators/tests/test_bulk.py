"""Writing many values at once (``layak.indicators.bulk``): every value as one-by-one writing
would leave it, new values in one audited batch and every change audited on its own, on SQLite
and PostgreSQL."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from layak.audit.models import AuditEntry
from layak.indicators import actions, bulk
from layak.indicators.models import DataValue
from layak.indicators.tests.helpers import definitions, office
from layak.regions.models import Region

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(english):
    """Messages are compared in English."""


@pytest.fixture
def defs(personas):
    return definitions()


@pytest.fixture
def small_batches(monkeypatch):
    """Batches of 7, so a few dozen rows cross several batch boundaries."""
    monkeypatch.setattr(bulk, "BATCH", 7)


def village_rows(count: int, value: int = 10, **extra: str) -> list[dict[str, str]]:
    """``count`` rows of the village-level pair (measured, stunted) in Bekasi's villages."""
    villages = list(
        Region.objects.filter(path__startswith="32.16.", level=Region.Level.VILLAGE)
        .order_by("code")
        .values_list("code", flat=True)[: (count + 3) // 4]
    )
    rows = []
    for code in villages:
        for sex in ("F", "M"):
            for element, amount in (("under5_measured", value * 2), ("under5_stunted", value)):
                rows.append(
                    {
                        "element": element,
                        "region": code,
                        "period": "2024",
                        "disaggregation": f"sex={sex}",
                        "value": str(amount),
                        **extra,
                    }
                )
    return rows[:count]


def entries_of(result_rows: list[dict[str, str]]) -> list[DataValue]:
    return list(
        DataValue.objects.filter(
            region__code__in={r["region"] for r in result_rows}, period="2024"
        ).order_by("pk")
    )


def audit_of(value: DataValue) -> list[AuditEntry]:
    return list(AuditEntry.objects.for_object(value).order_by("pk"))


def test_many_values_are_created_in_one_batch_audited_once(personas, defs, small_batches):
    admin = personas.bekasi_admin
    rows = village_rows(40, dataset="DKB 2024", comment="checked", source_date="2024-12-31")
    result = actions.import_rows(actor=admin, rows=rows, mode="all", dry_run=False)
    assert not result.errors and result.applied
    assert (result.created, result.updated, result.unchanged) == (40, 0, 0)
    values = entries_of(rows)
    assert len(values) == 40
    (batch,) = {value.batch for value in values}
    assert batch is not None and batch.actor == admin and batch.created == 40
    assert batch.region == Region.objects.get(code="32.16") and batch.data_import is None
    for value in values:
        assert value.is_active and value.created_by == admin and value.updated_by == admin
        assert value.period_start.isoformat() == "2024-01-01"
        assert value.dataset == "DKB 2024" and value.comment == "checked"
        assert value.source_date.isoformat() == "2024-12-31"
        assert not audit_of(value)  # a new value has no entry of its own: its batch has one
    (entry,) = AuditEntry.objects.for_object(batch)
    assert entry.action == "indicators.values_entered" and entry.actor == admin
    assert entry.region == batch.region and entry.after == {"created": 40}
    stunted = {v.value for v in values if v.element.code == "under5_stunted"}
    assert stunted == {D(10)}


def test_text_with_copy_specials_is_stored_as_written(personas, defs):
    """Backslashes, tabs and line ends in a comment survive the bulk write (COPY's text
    format escapes them on PostgreSQL)."""
    comment = "a\\b\tc\nd\re \\N"
    rows = village_rows(4, comment=comment, dataset="set\\1")
    result = actions.import_rows(actor=personas.bekasi_admin, rows=rows, mode="all", dry_run=False)
    assert not result.errors and result.created == 4
    assert {(v.comment, v.dataset) for v in entries_of(rows)} == {(comment.strip(), "set\\1")}


def test_reimport_changes_nothing_and_changes_are_audited(personas, defs, small_batches):
    admin = personas.bekasi_admin
    rows = village_rows(24)
    actions.import_rows(actor=admin, rows=rows, mode="all", dry_run=False)
    before = AuditEntry.objects.count()
    again = actions.import_rows(actor=admin, rows=rows, mode="all", dry_run=False)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 24)
    assert AuditEntry.objects.count() == before

    operator = personas.bekasi_dinkes
    changed = village_rows(24, value=12, organisation="Dinas Kesehatan Kabupaten Bekasi")
    snapshots = {v.pk: v.snapshot() for v in entries_of(rows)}
    result = actions.import_rows(actor=operator, rows=changed, mode="all", dry_run=False)
    assert not result.errors
    assert (result.created, result.updated, result.unchanged) == (0, 24, 0)
    for value in entries_of(rows):
        assert value.updated_by == operator and value.organisation == office()
        assert value.value in (D(12), D(24))
        entry = audit_of(value)[-1]
        assert entry.action == "indicators.value_changed"
        assert entry.actor == operator
        assert entry.before == snapshots[value.pk]
        assert entry.after == value.snapshot()


def test_clearing_values_keeps_them_inactive_and_audited(personas, defs, small_batches):
    admin = personas.bekasi_admin
    rows = village_rows(16)
    actions.import_rows(actor=admin, rows=rows, mode="all", dry_run=False)
    values = entries_of(rows)
    entries = [
        actions.Entry(n, v.element, v.region, v.period, v.disaggregation, None, organisation=None)
        for n, v in enumerate(values)
        if v.element.code == "under5_stunted"
    ]
    result = actions.apply_entries(actor=admin, entries=entries)
    assert result.removed == len(entries) == 8 and result.applied
    for value in entries_of(rows):
        if value.element.code != "under5_stunted":
            assert value.is_active
            continue
        assert not value.is_active
        entry = audit_of(value)[-1]
        assert entry.action == "indicators.value_removed"
        assert entry.before["is_active"] is True
        assert entry.after == value.snapshot()


def test_all_or_nothing_and_row_by_row_with_bulk_writes(personas, defs, small_batches):
    admin = personas.bekasi_admin
    rows = village_rows(20)
    bad = dict(rows[5], value="-3")
    rows[5] = bad
    refused = actions.import_rows(actor=admin, rows=rows, mode="all", dry_run=False)
    assert not refused.applied and len(refused.errors) == 1
    assert not entries_of(rows)
    partial = actions.import_rows(actor=admin, rows=rows, mode="rows", dry_run=False)
    assert partial.applied and partial.created == 19
    assert len(entries_of(rows)) == 19
    (batch,) = {value.batch for value in entries_of(rows)}
    assert batch is not None and batch.created == 19


def test_queries_do_not_grow_with_the_rows(personas, defs):
    """Creating and changing values costs the same number of queries for 8 rows as for 40."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    admin = personas.bekasi_admin

    def queries(rows: list[dict[str, str]]) -> int:
        admin.refresh_from_db()  # a fresh user object: its grants are read again each time
        with CaptureQueriesContext(connection) as ctx:
            result = actions.import_rows(actor=admin, rows=rows, mode="all", dry_run=False)
        assert not result.errors and result.changed == len(rows)
        return len(ctx)

    rows = village_rows(56)
    queries(rows[:8])  # the first import fills the process's caches (content types)
    few, many = rows[8:16], rows[16:]
    assert queries(few) == queries(many)
    changed_few = [dict(r, value=str(int(r["value"]) + 1)) for r in few]
    changed_many = [dict(r, value=str(int(r["value"]) + 1)) for r in many]
    assert queries(changed_few) == queries(changed_many)
