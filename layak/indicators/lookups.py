"""What the codes of an input's rows name (``Lookups``), and the national definitions an import
reads (``Definitions``: the active data elements with their categories and options, and the
active validation rules), kept between the jobs of one process while they are unchanged.

A worker checks file after file against the same definitions; reading them again for each file
costs more than checking a thousand of its rows. On PostgreSQL they are kept with a version of
the definition tables read first, in one small query (``_VERSION_SQL``): every row's id,
``xmin`` (the transaction that wrote its current version) and ``ctid`` (where that version
lies: every update writes a new one elsewhere, also the second update of a row in the same
transaction), so any insert, update or delete of an element, category, option, element's
category or rule, audited or not, committed or still in the asking transaction, gives another
version and the definitions are read again. The audit
log's data stamp (``reports.versions``) is not used for this: definitions made by
``definitions.ensure_definitions`` (seeding, the demo) are not audited, and a database emptied
and filled again may repeat its ids and its stamps. Elsewhere (SQLite) they are read each time.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import connection

from layak.indicators.checks import _UNKNOWN, district_of, own_offices
from layak.indicators.models import (
    Category,
    CategoryOption,
    DataElement,
    ValidationRule,
)
from layak.indicators.writing import _numbers, _texts
from layak.organisations.models import Organisation
from layak.regions.models import Region

if TYPE_CHECKING:
    from layak.accounts.models import User


@dataclass(frozen=True)
class Definitions:
    """The active data elements by code (their categories and options prefetched) and the
    active validation rules (their elements joined), as one version of the tables holds them.
    Shared by the jobs of a process: never changed once read."""

    elements: dict[str, DataElement]
    rules: list[ValidationRule]

    def rules_for(self, element_ids: Iterable[int]) -> list[ValidationRule]:
        """The rules that name any of ``element_ids``, in their order (``writing._rules_for``)."""
        ids = set(element_ids)
        return [r for r in self.rules if r.left_id in ids or r.right_id in ids]


def _read() -> Definitions:
    elements = {
        e.code: e
        for e in DataElement.objects.filter(is_active=True).prefetch_related("categories__options")
    }
    rules = list(ValidationRule.objects.filter(is_active=True).select_related("left", "right"))
    return Definitions(elements, rules)


_VERSION_SQL = """
SELECT count(*), md5(string_agg(v.k, ',' ORDER BY v.k)) FROM (
  {parts}
) v
"""


@functools.cache
def _version_sql() -> str:
    """``_VERSION_SQL`` for the definition tables (the models' own names: no value goes into
    the statement)."""
    quote = connection.ops.quote_name
    tables = [
        DataElement._meta.db_table,
        Category._meta.db_table,
        CategoryOption._meta.db_table,
        DataElement.categories.through._meta.db_table,
        ValidationRule._meta.db_table,
    ]
    parts = "\n  UNION ALL ".join(
        f"SELECT '{n}:' || t.id || ':' || t.xmin || ':' || t.ctid AS k "  # noqa: S608
        f"FROM {quote(table)} t"
        for n, table in enumerate(tables)
    )
    return _VERSION_SQL.format(parts=parts).strip()


_kept: tuple[Any, Definitions] | None = None


def definitions() -> Definitions:
    """The definitions as the database now holds them; on PostgreSQL those read for an earlier
    job when the tables' version (asked first, so a change made meanwhile is never kept under
    an older version) is the same."""
    global _kept
    if connection.vendor != "postgresql":
        return _read()
    with connection.cursor() as cursor:
        cursor.execute(_version_sql())
        version = (connection.settings_dict.get("NAME"), *cursor.fetchone())
    kept = _kept
    if kept is not None and kept[0] == version:
        return kept[1]
    found = _read()
    _kept = (version, found)
    return found


@functools.cache
def _regions_sql() -> str:
    """``_regions``' statement: the model's own columns and table, the codes one parameter."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(str(f.column)) for f in Region._meta.concrete_fields)
    table = quote(Region._meta.db_table)
    return f"SELECT {columns} FROM {table} WHERE {quote('code')} = ANY(%s::text[])"  # noqa: S608


def _regions(codes: set[str]) -> list[Region]:
    """The regions with these codes: on PostgreSQL read as plain rows, each made a region as
    a query would make it (``Model.from_db``), without building the query for each file."""
    if connection.vendor != "postgresql":
        return list(Region.objects.filter(code__in=codes))
    with connection.cursor() as cursor:
        cursor.execute(_regions_sql(), [_texts(codes)])
        rows = cursor.fetchall()
    fields = [f.attname for f in Region._meta.concrete_fields]
    alias = connection.alias
    return [Region.from_db(alias, fields, row) for row in rows]


@functools.cache
def _offices_sql() -> str:
    """``_offices``' statement: the model's own columns, table and order, the regions one
    parameter."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(str(f.column)) for f in Organisation._meta.concrete_fields)
    table = quote(Organisation._meta.db_table)
    # The model's order (``Meta.ordering``, field names): of two offices of the same name or
    # acronym, the later one is the one a row names (``Lookups.of``).
    columns_of = {f.name: str(f.column) for f in Organisation._meta.concrete_fields}
    order = ", ".join(
        quote(columns_of[str(name).lstrip("-")]) + (" DESC" if str(name).startswith("-") else "")
        for name in Organisation._meta.ordering or ["id"]
    )
    return (
        f"SELECT {columns} FROM {table} WHERE {quote('region_id')} = ANY(%s::bigint[]) "  # noqa: S608
        f"AND {quote('is_active')} ORDER BY {order}"
    )


def _offices(region_ids: Iterable[int]) -> list[Organisation]:
    """The active offices of these regions, in the model's order: on PostgreSQL read as plain
    rows (as ``_regions``), without building the query for each file."""
    if connection.vendor != "postgresql":
        return list(Organisation.objects.filter(region_id__in=region_ids, is_active=True))
    with connection.cursor() as cursor:
        cursor.execute(_offices_sql(), [_numbers(region_ids)])
        rows = cursor.fetchall()
    fields = [f.attname for f in Organisation._meta.concrete_fields]
    alias = connection.alias
    return [Organisation.from_db(alias, fields, row) for row in rows]


def _district_code(code: str) -> str:
    """``checks.district_of`` of the region with this code."""
    return ".".join(code.split(".")[:2])


@dataclass
class Lookups:
    """What the codes of an input's rows name: the active elements (by code), the regions (by
    code), each region's district code, and the district's active offices by name or acronym
    (any case), with the office a person enters for by default (their own); and the
    definitions they were read from (``Definitions``: the rules are asked of them too)."""

    elements: dict[str, DataElement]
    regions: dict[str, Region]
    districts: dict[str, str]
    offices: dict[tuple[str, str], Organisation]
    default_office: dict[str, Organisation]
    definitions: Definitions | None = None

    @classmethod
    def of(cls, actor: User, element_codes: set[str], region_codes: set[str]) -> Lookups:
        known = definitions()
        active = known.elements
        elements = {code: active[code] for code in element_codes if code in active}
        # The regions named and their districts (a region's district is known from its code),
        # in one query; the districts' offices each given its district, not read again.
        codes = set(region_codes)
        wanted = codes | {_district_code(code) for code in codes}
        fetched = {r.code: r for r in _regions(wanted)}
        regions = {code: r for code, r in fetched.items() if code in codes}
        districts = {code: district_of(r) for code, r in regions.items()}
        their = {r.id: r for r in map(fetched.get, set(districts.values())) if r is not None}
        offices: dict[tuple[str, str], Organisation] = {}
        for org in _offices(their):
            assert org.region_id is not None
            org.region = their[org.region_id]
            for label in (org.name, org.acronym):
                if label:
                    offices[(org.region.code, label.casefold())] = org
        own = own_offices(actor)
        default_office = {
            org.region.code: org
            for org in offices.values()
            if org.pk in own and org.region is not None
        }
        return cls(elements, regions, districts, offices, default_office, known)

    def office(self, region_code: str, name: str) -> Any:
        """The office a row names (``name``; empty: the person's own, or None) for a region
        of the input; ``_UNKNOWN`` when the district has no office of that name."""
        if name:
            return self.offices.get((self.districts[region_code], name.casefold()), _UNKNOWN)
        return self.default_office.get(self.districts[region_code])
