"""The database checks a data value's references once per statement (PostgreSQL's triggers):
each referenced table refuses a value naming a row it lacks, with a message naming the table
and the column; an office and a batch may be left empty; the referenced rows are locked as a
foreign key check locks them."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from layak.indicators import triggers
from layak.indicators.models import DataElement, DataValue
from layak.indicators.tests.helpers import definitions, office, put

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="references are checked by PostgreSQL's triggers"
    ),
]
TABLE = DataValue._meta.db_table
COLUMNS = [
    "element_id",
    "region_id",
    "period",
    "period_start",
    "disaggregation",
    "value",
    "dataset",
    "source_date",
    "comment",
    "is_active",
    "created_at",
    "updated_at",
    "created_by_id",
    "updated_by_id",
    "organisation_id",
    "batch_id",
]


@pytest.fixture
def value(personas):
    definitions()
    put(personas.bekasi_admin, "births", "32.16", "2024", 1000, organisation=office())
    value = DataValue.objects.get()
    assert value.organisation_id and value.batch_id
    return value


def refused(sql: str, params: list[object]) -> str:
    with (
        pytest.raises(IntegrityError) as error,
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, params)
    return str(error.value)


@pytest.mark.parametrize(("column", "table", "nullable"), triggers.REFERENCES)
def test_a_value_naming_a_missing_row_is_refused_with_its_table_and_column(
    value, column, table, nullable
):
    message = refused(f"UPDATE {TABLE} SET {column} = %s WHERE id = %s", [999_999, value.pk])
    assert f"a data value refers to a missing row of {table} ({column})" in message
    # the same for a new row among rows that are right
    chosen = ", ".join(
        "%s" if name == column else "'2026'" if name == "period" else name for name in COLUMNS
    )
    message = refused(
        f"INSERT INTO {TABLE} ({', '.join(COLUMNS)})"
        f" SELECT {chosen} FROM {TABLE} WHERE id = %s"
        f" UNION ALL SELECT {', '.join(COLUMNS[:2])}, '2025', {', '.join(COLUMNS[3:])}"
        f" FROM {TABLE} WHERE id = %s",
        [999_999, value.pk, value.pk],
    )
    assert f"a data value refers to a missing row of {table} ({column})" in message
    value.refresh_from_db()
    assert getattr(value, column) != 999_999


@pytest.mark.parametrize("column", ["organisation_id", "batch_id"])
def test_a_value_may_leave_its_office_or_batch_empty(value, column):
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET {column} = NULL WHERE id = %s", [value.pk])
    value.refresh_from_db()
    assert getattr(value, column) is None


def test_a_checked_value_locks_the_rows_it_refers_to(value):
    """After a statement points a value at another element, that element is locked by this
    transaction (its row carries a lock marker), as a foreign key check locks it."""
    other = DataElement.objects.exclude(pk=value.element_id).order_by("pk")[0]
    locked = f"SELECT xmax::text <> '0' FROM {DataElement._meta.db_table} WHERE id = %s"
    with connection.cursor() as cursor:
        cursor.execute(locked, [other.pk])
        before = cursor.fetchone()[0]
        cursor.execute(f"UPDATE {TABLE} SET element_id = %s WHERE id = %s", [other.pk, value.pk])
        cursor.execute(locked, [other.pk])
        after = cursor.fetchone()[0]
    assert (before, after) == (False, True)
