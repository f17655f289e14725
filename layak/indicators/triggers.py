"""The references of data values, checked by the database once per statement.

A foreign key constraint checks each inserted row on its own (a lookup and a row lock in the
referenced table per row and per key, at commit for Django's deferred constraints); for an
import of thousands of values that costs as much as writing them. ``DataValue``'s references
are therefore declared without a constraint (``db_constraint=False``) and checked here instead:

- PostgreSQL: after each INSERT, COPY or UPDATE statement on the value table, one query per
  reference over the statement's new rows (a transition table) refuses a value whose element,
  region, office, author or batch does not exist, and locks the rows it refers to (``FOR KEY
  SHARE``, as a foreign key check does) so that a concurrent deletion waits; after a DELETE on a
  referenced table, one query refuses it when a value still refers to a deleted row.
- SQLite (development and the demo): no triggers (see ``SQLITE``).
"""

from __future__ import annotations

from typing import Any

VALUES = "indicators_datavalue"
# (column of the value table, referenced table, nullable)
REFERENCES = [
    ("element_id", "indicators_dataelement", False),
    ("region_id", "regions_region", False),
    ("organisation_id", "organisations_organisation", True),
    ("created_by_id", "accounts_user", False),
    ("updated_by_id", "accounts_user", False),
    ("batch_id", "indicators_valuebatch", True),
]
REFERENCED = sorted({table for _c, table, _n in REFERENCES})


def _postgresql_check() -> str:
    checks = []
    for column, table, _nullable in REFERENCES:
        checks.append(
            f"""
    PERFORM 1 FROM {table} r WHERE r.id IN (SELECT DISTINCT n.{column} FROM new_rows n)
        FOR KEY SHARE;
    IF EXISTS (SELECT 1 FROM (SELECT DISTINCT n.{column} AS id FROM new_rows n
                              WHERE n.{column} IS NOT NULL) d
               WHERE NOT EXISTS (SELECT 1 FROM {table} r WHERE r.id = d.id)) THEN
        RAISE EXCEPTION 'a data value refers to a missing row of {table} ({column})'
            USING ERRCODE = 'foreign_key_violation';
    END IF;"""  # noqa: S608 - names are this module's constants
        )
    return (
        "CREATE OR REPLACE FUNCTION indicators_datavalue_refs() RETURNS trigger AS $$\n"
        "BEGIN" + "".join(checks) + "\n    RETURN NULL;\nEND; $$ LANGUAGE plpgsql"
    )


def _postgresql_protect(table: str) -> str:
    columns = [column for column, referenced, _n in REFERENCES if referenced == table]
    match = " OR ".join(f"v.{column} = g.id" for column in columns)
    return f"""CREATE OR REPLACE FUNCTION {table}_protect_values() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM gone g JOIN {VALUES} v ON {match}) THEN
        RAISE EXCEPTION 'data values still refer to a deleted row of {table}'
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END; $$ LANGUAGE plpgsql"""  # noqa: S608 - names are this module's constants


POSTGRESQL = [
    _postgresql_check(),
    f"DROP TRIGGER IF EXISTS indicators_datavalue_refs_insert ON {VALUES}",
    f"""CREATE TRIGGER indicators_datavalue_refs_insert AFTER INSERT ON {VALUES}
        REFERENCING NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION indicators_datavalue_refs()""",
    f"DROP TRIGGER IF EXISTS indicators_datavalue_refs_update ON {VALUES}",
    f"""CREATE TRIGGER indicators_datavalue_refs_update AFTER UPDATE ON {VALUES}
        REFERENCING NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION indicators_datavalue_refs()""",
]
for _table in REFERENCED:
    POSTGRESQL += [
        _postgresql_protect(_table),
        f"DROP TRIGGER IF EXISTS {_table}_protect_values ON {_table}",
        f"""CREATE TRIGGER {_table}_protect_values AFTER DELETE ON {_table}
            REFERENCING OLD TABLE AS gone
            FOR EACH STATEMENT EXECUTE FUNCTION {_table}_protect_values()""",
    ]
POSTGRESQL_REMOVE = [
    f"DROP TRIGGER IF EXISTS indicators_datavalue_refs_insert ON {VALUES}",
    f"DROP TRIGGER IF EXISTS indicators_datavalue_refs_update ON {VALUES}",
    "DROP FUNCTION IF EXISTS indicators_datavalue_refs()",
]
for _table in REFERENCED:
    POSTGRESQL_REMOVE += [
        f"DROP TRIGGER IF EXISTS {_table}_protect_values ON {_table}",
        f"DROP FUNCTION IF EXISTS {_table}_protect_values()",
    ]


# SQLite (development and the demo) has no reference triggers: SQLite rebuilds a table to alter
# it, and renaming the rebuilt table fails while a trigger elsewhere names it, so a trigger here
# naming regions, users or offices would break other apps' migrations. There the models'
# lookups and ``PROTECT`` keep the references. Earlier SQLite triggers are removed.
SQLITE: list[str] = []
SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS indicators_datavalue_refs_insert",
    "DROP TRIGGER IF EXISTS indicators_datavalue_refs_update",
]


def _execute(connection: Any, statements: dict[str, list[str]]) -> None:
    with connection.cursor() as cursor:
        for sql in statements.get(connection.vendor, []):
            cursor.execute(sql)


def install(connection: Any) -> None:
    _execute(connection, {"sqlite": SQLITE, "postgresql": POSTGRESQL})


def remove(connection: Any) -> None:
    _execute(connection, {"sqlite": SQLITE_REMOVE, "postgresql": POSTGRESQL_REMOVE})
