"""The historical demo cycle has the shape of the real 2022 results."""

from __future__ import annotations

import pytest
from django.db.models import Count

from layak.dashboards import demo
from layak.evaluation import computed
from layak.evaluation.models import Assessment, Cycle
from layak.frameworks.actions import bundled_load
from layak.regions.models import Region, path_for

pytestmark = pytest.mark.django_db


def country() -> None:
    """Invented provinces and regencies up to 38 provinces and 514 regencies (the test
    database holds only the demo districts' provinces)."""
    provinces = [
        Region(code=str(c), name=f"Provinsi {c}", level=1, kind="provinsi", path=path_for(str(c)))
        for c in range(11, 100)
        if str(c) not in {"32", "62"}
    ][:36]
    Region.objects.bulk_create(provinces)
    have = Region.objects.filter(level=2).count()
    regencies = []
    for n in range(514 - have):
        province = provinces[n % len(provinces)]
        code = f"{province.code}.{n // len(provinces) + 1:02d}"
        regencies.append(
            Region(
                code=code,
                name=f"Kabupaten {code}",
                level=2,
                kind="kabupaten",
                path=path_for(code),
                parent=Region.objects.get(code=province.code),
            )
        )
    Region.objects.bulk_create(regencies)


def test_the_2022_cycle_has_the_real_shape(personas):
    bundled_load()
    country()
    demo.seed_demo()
    demo.seed_demo()  # idempotent
    cycle = Cycle.objects.get(name="Evaluasi KLA 2022")
    rows = Assessment.objects.filter(cycle=cycle)
    assert rows.count() == 457
    counts = dict(rows.values_list("final_band__code").annotate(n=Count("pk")))
    assert counts == {"UTAMA": 8, "NINDYA": 66, "MADYA": 117, "PRATAMA": 121, "NONE": 145}
    assert dict(
        rows.filter(region__code__in=["32.16", "62.10"]).values_list(
            "region__code", "final_band__code"
        )
    ) == {"32.16": "NINDYA", "62.10": "PRATAMA"}
    for band in cycle.instrument.bands.all():
        inside = rows.filter(final_band=band)
        assert not inside.exclude(final_total__range=(band.min_score, band.max_score)).exists()
    # Every province has a district with a predicate; eight are Provinsi Layak Anak.
    assert rows.filter(final_band__rank__gt=0).values("region__parent").distinct().count() == 38
    # (Jawa Barat and Kalimantan Tengah hold only the demo district in the test database.)
    provila = [
        p
        for p in Region.objects.filter(level=1).exclude(code__in=["32", "62"])
        if (s := computed.statuses(p, 2)) and all(v is not None for v in s.values())
    ]
    assert len(provila) == 8
    # It sorts before the cycles the demo made later.
    from layak.dashboards.figures import cycles

    assert cycles().first() == cycle
