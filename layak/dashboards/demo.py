"""Demo data of the dashboards: a historical national cycle, "Evaluasi KLA 2022", so the
national and province dashboards have a past to compare with.

Its results have the shape of the real 2022 evaluation: 457 regencies and cities took part and
312 received a predicate (8 Utama, 66 Nindya, 117 Madya, 121 Pratama); 8 provinces had every
district with a predicate (Provinsi Layak Anak). Districts are drawn with a fixed random seed
over all provinces (every province has at least one district with a predicate), Kabupaten
Bekasi is Nindya and Kabupaten Gunung Mas Pratama, as in the demo's later cycles. Which
district got which predicate is invented.

The cycle holds totals and predicates only: ``Assessment`` rows with ``final_total``,
``final_band`` and ``determined_at``, created in one ``bulk_create``; there are no answers and
no ``Score`` rows, so the district dashboard shows 2022 in the total row of "score by group"
and leaves its group cells empty. Idempotent: nothing happens when the cycle exists. Run it
after ``layak.core.demo`` (its ministry account is the actor) and after the frameworks are
loaded.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from layak.accounts.models import User
from layak.audit.log import record
from layak.core.demo import demo_email
from layak.evaluation.models import Assessment, Cycle, Stage
from layak.frameworks.current import current_kla_version
from layak.frameworks.models import InstrumentVersion, PredicateBand
from layak.regions.models import Region

CYCLE_NAME = "Evaluasi KLA 2022"
# Predicate code → districts holding it in 2022, best first.
SHAPE = {"UTAMA": 8, "NINDYA": 66, "MADYA": 117, "PRATAMA": 121}
TAKING_PART = 457
PROVILA = 8
FIXED = {"32.16": "NINDYA", "62.10": "PRATAMA"}
SEED = 2022
CENT = Decimal("0.01")


def _at(month: int, day: int) -> datetime.datetime:
    return datetime.datetime(2022, month, day, tzinfo=timezone.get_current_timezone())


# Self-assessment, province verification, ministry review, field verification, determination.
WINDOWS = [
    (Stage.Kind.SELF_ASSESSMENT, _at(1, 10), _at(4, 1)),
    (Stage.Kind.PROVINCE, _at(4, 1), _at(5, 1)),
    (Stage.Kind.MINISTRY, _at(5, 1), _at(5, 21)),
    (Stage.Kind.FIELD, _at(5, 21), _at(6, 21)),
    (Stage.Kind.FINAL, _at(6, 21), _at(7, 16)),
]
DETERMINED = _at(7, 15)


def _instrument() -> InstrumentVersion | None:
    return current_kla_version()


def draw(districts: list[tuple[str, str]], rng: random.Random) -> tuple[dict[str, str], list[str]]:
    """Which district gets which predicate code, and which take part without one.

    ``districts`` are (district code, province code). The smallest provinces (other than the
    two demo districts') become the Provila ones, every other province gets at least one
    predicate but never all of them, the rest of the predicates fall at random; the counts
    shrink proportionally when there are fewer districts than in the real country (tests)."""
    scale = min(1.0, len(districts) / 514)
    pool = [band for band, n in SHAPE.items() for _i in range(round(n * scale))]
    province_of = dict(districts)
    for code, band in FIXED.items():
        if code in province_of and band in pool:
            pool.remove(band)
    rng.shuffle(pool)
    members: dict[str, list[str]] = {}
    for code, province in districts:
        members.setdefault(province, []).append(code)
    fixed = {province_of[c] for c in FIXED if c in province_of}
    holding = {p: sum(1 for c in FIXED if province_of.get(c) == p) for p in members}
    chosen: list[str] = []

    def take(code: str) -> None:
        chosen.append(code)
        holding[province_of[code]] += 1

    provila: set[str] = set()
    for province in sorted((p for p in members if p not in fixed), key=lambda p: len(members[p])):
        if len(provila) == round(PROVILA * scale):
            break
        if len(chosen) + len(members[province]) <= len(pool):
            provila.add(province)
            for code in members[province]:
                take(code)
    for province in sorted(members):
        spread = province not in provila and province not in fixed and len(members[province]) > 1
        if spread and len(chosen) < len(pool):
            take(rng.choice(members[province]))
    rest = [c for c, _p in districts if c not in chosen and c not in FIXED]
    rng.shuffle(rest)
    left: list[str] = []
    for code in rest:
        province = province_of[code]
        completes = holding[province] + 1 == len(members[province])
        if len(chosen) < len(pool) and not completes:
            take(code)
        else:
            left.append(code)
    bands = dict(zip(chosen, pool, strict=True))
    bands.update({c: b for c, b in FIXED.items() if c in province_of})
    without = max(round(TAKING_PART * scale) - len(bands), 0)
    return bands, sorted(left[:without])


def _score(band: PredicateBand, rng: random.Random) -> Decimal:
    low, high = float(band.min_score), float(band.max_score)
    return Decimal(str(rng.uniform(low, high))).quantize(CENT)


@transaction.atomic
def seed_demo() -> None:
    if Cycle.objects.filter(name=CYCLE_NAME).exists():
        return
    instrument = _instrument()
    if instrument is None:
        return
    ministry = User.objects.filter(email=demo_email("ministry")).first()
    bands = {b.code: b for b in PredicateBand.objects.filter(version=instrument)}
    none = next((b for b in bands.values() if b.rank == 0), None)
    districts = list(
        Region.objects.filter(level=Region.Level.REGENCY, is_active=True)
        .order_by("code")
        .values_list("code", "parent__code")
    )
    rng = random.Random(SEED)
    with_band, without = draw(districts, rng)
    cycle = Cycle.objects.create(name=CYCLE_NAME, instrument=instrument, created_by=ministry)
    # Sorted among the cycles by its own time, not by when the demo was loaded.
    Cycle.objects.filter(pk=cycle.pk).update(created_at=WINDOWS[0][1])
    Stage.objects.bulk_create(
        Stage(cycle=cycle, kind=kind, opens_at=opens, closes_at=closes)
        for kind, opens, closes in WINDOWS
    )
    ids = dict(Region.objects.filter(code__in=[*with_band, *without]).values_list("code", "pk"))
    rows: list[Assessment] = []
    for code in sorted(ids):
        if code in with_band:
            band = bands[with_band[code]]
            total = _score(band, rng)
        else:
            band = none  # type: ignore[assignment]
            total = Decimal(str(rng.uniform(350, 499.99))).quantize(CENT)
        rows.append(
            Assessment(
                cycle=cycle,
                region_id=ids[code],
                status=Assessment.Status.SUBMITTED,
                submitted_at=WINDOWS[0][2],
                final_total=total,
                final_band=band,
                determined_at=DETERMINED,
                determined_by=ministry,
            )
        )
    Assessment.objects.bulk_create(rows, batch_size=500)
    record(
        actor=ministry,
        action="dashboards.history_loaded",
        obj=cycle,
        region=None,
        after={
            "cycle": CYCLE_NAME,
            "taking_part": len(rows),
            "with_predicate": len(with_band),
        },
    )
