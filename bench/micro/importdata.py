"""The indicator-value file of the import benchmark, in the documented layout
(docs/indicator-data.md): one CSV of ``values`` rows for the active data elements, spread evenly
over the active regencies/cities, each district's rows together so that its part of the file is
also a valid upload of its own (the app takes at most ``MAX_ROWS`` rows per file).

Values respect every active validation rule (each rule's two elements are written for the same
region, period and disaggregation, left below right for "<=") and the elements' bounds, so an
all-or-nothing import of the file succeeds. Periods are past years before any stored value
(so every value is new), counted back.
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.utils import timezone

NULL = "\\N"  # COPY's text format
COLUMNS = ["element", "region", "period", "disaggregation", "value", "dataset", "comment"]


@dataclass
class Part:
    """One district's slice of the file (byte offsets into it, header excluded)."""

    district: str
    start: int
    end: int
    rows: int


@dataclass
class ImportFile:
    path: Path
    rows: int
    parts: list[Part] = field(default_factory=list)

    def part_bytes(self, part: Part) -> bytes:
        """The district's slice as a complete CSV file of its own (header included)."""
        with self.path.open("rb") as fh:
            header = fh.readline()
            fh.seek(part.start)
            return header + fh.read(part.end - part.start)


def _multipliers(elements: list, rules: list) -> dict[int, int]:  # type: ignore[type-arg]
    """A factor per element (percent of a base figure) that satisfies the rules: the left of an
    "<=" rule gets less than its right, "==" the same."""
    factor = {e.pk: 100 for e in elements}
    for _round in range(len(rules) + 1):
        for rule in rules:
            left, right = factor.get(rule.left_id), factor.get(rule.right_id)
            if left is None or right is None:
                continue
            if rule.operator == "<=" and left > right - 7:
                factor[rule.left_id] = right - 7
            elif rule.operator == ">=" and right > left - 7:
                factor[rule.right_id] = left - 7
            elif rule.operator == "==" and left != right:
                factor[rule.left_id] = factor[rule.right_id] = min(left, right)
    return factor


def _fits(element, value: Decimal) -> bool:  # type: ignore[no-untyped-def]
    low = element.min_value if element.min_value is not None else Decimal(0)
    high = element.max_value
    return value >= low and (high is None or value <= high)


def write(
    path: Path,
    values: int = 1_000_000,
    max_per_district: int | None = None,
    districts: int | None = None,
) -> ImportFile:
    """Write the file; returns its districts' byte ranges. Refuses when the database has too few
    regions or elements for ``values`` rows. ``districts`` takes only the first so many."""
    from django.db.models import Min
    from django.db.models.functions import Substr

    from layak.indicators import disaggregation as dis
    from layak.indicators.actions import MAX_ROWS
    from layak.indicators.models import DataElement, DataValue, PeriodType, ValidationRule
    from layak.regions.models import Region

    cap = max_per_district or MAX_ROWS
    elements = list(
        DataElement.objects.active()
        .filter(period_type=PeriodType.YEAR)
        .prefetch_related("categories__options")
        .order_by("code")
    )
    if not elements:
        raise RuntimeError("no active yearly data elements to import")
    rules = list(ValidationRule.objects.filter(is_active=True))
    factor = _multipliers(elements, rules)
    combos = {e.pk: [c.key for c in dis.combos(e)] for e in elements}
    chosen = list(
        Region.objects.filter(level=Region.Level.REGENCY, is_active=True)
        .order_by("code")
        .values_list("code", "path")
    )
    if districts is not None:
        chosen = chosen[:districts]
    if not chosen:
        raise RuntimeError("no districts")
    levels = {e.entry_level for e in elements}
    below: dict[str, dict[int, list[str]]] = {code: {2: [code]} for code, _p in chosen}
    by_path = {path: code for code, path in chosen}
    for level in levels - {2}:
        for code in (
            Region.objects.filter(level=level, is_active=True)
            .order_by("code")
            .values_list("code", flat=True)
        ):
            district = by_path.get(".".join(code.split(".")[:2]) + ".")
            if district:
                below[district].setdefault(level, []).append(code)
    per_district = -(-values // len(chosen))
    if per_district > cap:
        raise RuntimeError(
            f"{values} values need {per_district} rows per district, more than {cap} per file"
        )
    last_year = timezone.localdate().year - 1
    # Per district, years before its earliest stored value: every value is new and the rules
    # never meet older data.
    earliest = {
        row["district"]: row["first"].year
        for row in DataValue.objects.annotate(district=Substr("region__path", 1, 6))
        .values("district")
        .annotate(first=Min("period_start"))
    }
    out = ImportFile(path, 0)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(COLUMNS)
        fh.flush()
        left = values
        carry = 0  # what districts without room for their share left to the next ones
        for district, path in chosen:
            want = min(per_district + carry, cap, left)
            if want <= 0:
                break
            first_year = min(last_year, earliest.get(path, last_year + 1) - 1)
            start = fh.tell()
            buffer = io.StringIO()
            rows = csv.writer(buffer)
            written = 0
            for row in _rows(district, below[district], elements, combos, factor, first_year):
                rows.writerow(row)
                written += 1
                if written >= want:
                    break
            carry = per_district + carry - written
            if not written:
                continue
            fh.write(buffer.getvalue())
            fh.flush()
            out.parts.append(Part(district, start, fh.tell(), written))
            out.rows += written
            left -= written
    if out.rows < values:
        raise RuntimeError(f"only {out.rows} values fit in the districts")
    return out


def _rows(
    district: str,
    regions: dict[int, list[str]],
    elements: list,  # type: ignore[type-arg]
    combos: dict[int, list[str]],
    factor: dict[int, int],
    first_year: int,
) -> Iterator[list[str]]:
    """A district's rows, a year at a time counting back from ``first_year``; the elements of
    one region and year together, so a file cut short never parts most rule pairs (and a cut
    one only leaves a rule's side unchecked, never broken)."""
    seed = sum(ord(c) * (i + 1) for i, c in enumerate(district))
    for year in range(first_year, 1900, -1):
        for level in sorted(regions):
            here = [e for e in elements if e.entry_level == level]
            for index, region in enumerate(regions[level]):
                base = 1000 + (seed * 7919 + index * 104729 + year * 31) % 90000
                for element in here:
                    value = (Decimal(base * factor[element.pk]) / 100).quantize(Decimal(1))
                    if not _fits(element, value):
                        continue
                    for key in combos[element.pk]:
                        yield [element.code, region, str(year), key, str(value), "Benchmark", ""]


def copy_reference(path: Path, actor_id: int) -> tuple[float, int]:
    """PostgreSQL's own speed at storing the file's values: ``COPY`` of the same values, already
    resolved to the table's columns (ids for codes, the period's first day, the author, the
    latest batch of values), into a scratch copy of the real value table with the same indexes
    and constraints (``LIKE … INCLUDING ALL``), the same foreign keys and the same reference
    triggers, then the commit (where deferred foreign keys are checked). Preparing the rows is
    not timed. Returns (seconds, rows); the scratch table is dropped afterwards."""
    from django.db import connection, transaction

    from layak.indicators.models import DataElement, DataValue, ValueBatch
    from layak.regions.models import Region

    table = DataValue._meta.db_table
    scratch = "bench_datavalue_copy"
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    elements = dict(DataElement.objects.values_list("code", "id"))
    # Every region's id by code, read in one pass: the file's codes (villages included) can
    # outnumber the parameters one statement may carry.
    wanted = {r["region"] for r in rows}
    regions = {
        code: pk
        for code, pk in Region.objects.values_list("code", "id").iterator(chunk_size=20_000)
        if code in wanted
    }
    batch = ValueBatch.objects.order_by("-pk").values_list("pk", flat=True).first()
    now = timezone.now().isoformat()
    tail = f"\tt\t{actor_id}\t{now}\t{actor_id}\t{now}\t{batch or NULL}\n"
    data = "".join(
        f"{elements[r['element']]}\t{regions[r['region']]}\t{r['period']}\t"
        f"{r['period']}-01-01\t{r['disaggregation']}\t{r['value']}\t{NULL}\t{r['dataset']}\t"
        f"{NULL}\t{r['comment']}{tail}"
        for r in rows
    ).encode()
    columns = (
        "element_id, region_id, period, period_start, disaggregation, value, organisation_id, "
        "dataset, source_date, comment, is_active, created_by_id, created_at, updated_by_id, "
        "updated_at, batch_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {scratch}")
        cursor.execute(f"CREATE TABLE {scratch} (LIKE {table} INCLUDING ALL)")
        # The real table's foreign keys (as declared: deferred or not) and its own triggers.
        cursor.execute(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'f'",
            [table],
        )
        for (definition,) in cursor.fetchall():
            cursor.execute(f"ALTER TABLE {scratch} ADD {definition}")
        cursor.execute(
            "SELECT pg_get_triggerdef(oid) FROM pg_trigger "
            "WHERE tgrelid = %s::regclass AND NOT tgisinternal",
            [table],
        )
        for (definition,) in cursor.fetchall():
            cursor.execute(definition.replace(f" ON public.{table} ", f" ON {scratch} "))
    try:
        started = time.perf_counter()
        with (
            transaction.atomic(),
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {scratch} ({columns}) FROM STDIN") as copy,
        ):
            for start in range(0, len(data), 1 << 20):
                copy.write(data[start : start + (1 << 20)])
        seconds = time.perf_counter() - started  # the commit included
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {scratch}")  # noqa: S608 - a constant
            copied = cursor.fetchone()[0]
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {scratch}")
    return seconds, copied
