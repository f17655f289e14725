"""The references of data values, checked by the database once per statement.

A foreign key constraint checks each inserted row on its own (a lookup and a row lock in the
referenced table per row and per key, at commit for Django's deferred constraints); for an
import of thousands of values that costs as much as writing them. ``DataValue``'s references
are therefore declared without a constraint (``db_constraint=False``) and checked here instead:

- PostgreSQL: after each INSERT, COPY or UPDATE statement on the value table, one scan of the
  statement's new rows (a transition table) gathers the distinct ids of each reference, and one
  query per referenced table locks the rows they name (``FOR KEY SHARE``, as a foreign key
  check does, so that a concurrent deletion waits) and refuses a value whose element, region,
  office, author or batch does not exist; after a DELETE on a
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


def _missing(table: str, column: str) -> str:
    return (
        f"RAISE EXCEPTION 'a data value refers to a missing row of {table} ({column})'\n"
        "                USING ERRCODE = 'foreign_key_violation';"
    )


def _postgresql_check() -> str:
    """One scan of the statement's new rows gathers each reference's distinct ids; then one
    query per referenced table locks the rows they name and counts them: fewer rows than ids
    means a missing row, named by its table and the first column (in ``REFERENCES`` order)
    that refers to it."""
    columns = [column for column, _t, _n in REFERENCES]
    declare = "".join(f"\n    {column}s bigint[];" for column in columns)
    gather = ",\n           ".join(
        f"array_agg(DISTINCT n.{column})"
        + (f" FILTER (WHERE n.{column} IS NOT NULL)" if nullable else "")
        for column, _t, nullable in REFERENCES
    )
    checks = []
    for table in dict.fromkeys(table for _c, table, _n in REFERENCES):
        own = [column for column, referenced, _n in REFERENCES if referenced == table]
        missing = ""
        ids = f"{own[0]}s"
        if len(own) > 1:
            both = " || ".join(f"{column}s" for column in own)
            ids = f"ARRAY(SELECT DISTINCT u.id FROM unnest({both}) u(id))"  # noqa: S608
            missing = "".join(
                f"""
        IF EXISTS (SELECT 1 FROM unnest({column}s) d(id)
                   WHERE NOT EXISTS (SELECT 1 FROM {table} r WHERE r.id = d.id)) THEN
            {_missing(table, column)}
        END IF;"""  # noqa: S608 - names are this module's constants
                for column in own[:-1]
            )
        checks.append(
            f"""
    wanted := {ids};
    SELECT count(*) INTO found
      FROM (SELECT 1 FROM {table} r WHERE r.id = ANY(wanted) FOR KEY SHARE) locked;
    IF found <> coalesce(cardinality(wanted), 0) THEN{missing}
        {_missing(table, own[-1])}
    END IF;"""  # noqa: S608 - names are this module's constants
        )
    into = ", ".join(f"{column}s" for column in columns)
    variables = f"{declare}\n    wanted bigint[];\n    found bigint;"
    gathered = f"SELECT {gather}\n      INTO {into}\n      FROM new_rows n;"  # noqa: S608
    body = "".join(checks)
    return f"""CREATE OR REPLACE FUNCTION indicators_datavalue_refs() RETURNS trigger AS $$
DECLARE{variables}
BEGIN
    {gathered}{body}
    RETURN NULL;
END; $$ LANGUAGE plpgsql"""


CHECK = _postgresql_check()


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
    CHECK,
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
