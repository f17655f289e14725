"""Demo indicator data for Kabupaten Bekasi and Kabupaten Gunung Mas, 2022–2025: the national
elements and indicators, district figures from the offices that keep them (Disdukcapil, Dinkes,
Disdik, DP3A), posyandu measurements of under-fives per village, targets for 2024–2026 and the
indicator-years both districts published for 2024 and 2025. Figures are invented but in
proportion to each district (Bekasi about a million children, Gunung Mas about 45 thousand)."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from typing import Any

from django.db import transaction

from layak.accounts.models import User
from layak.indicators import actions
from layak.indicators.definitions import INDICATORS, ensure_definitions
from layak.indicators.models import DataValue, Indicator, IndicatorTarget, Publication
from layak.organisations.models import Membership
from layak.organisations.roles import Role
from layak.regions.models import Region

YEARS = [2022, 2023, 2024, 2025]

# district → element → (office, dataset, values per year as {disaggregation: value})
Figures = dict[str, tuple[str, str, dict[int, dict[str, int]]]]


def _by_sex(f: list[int], m: list[int]) -> dict[int, dict[str, int]]:
    return {y: {"sex=F": f[i], "sex=M": m[i]} for i, y in enumerate(YEARS)}


def _total(values: list[int]) -> dict[int, dict[str, int]]:
    return {y: {"": values[i]} for i, y in enumerate(YEARS)}


DISTRICT_FIGURES: dict[str, Figures] = {
    "32.16": {
        "children": (
            "Disdukcapil",
            "DKB Semester II",
            _by_sex([494210, 499830, 503120, 507460], [519870, 525140, 528900, 533010]),
        ),
        "birth_certificates": (
            "Disdukcapil",
            "DKB Semester II",
            _by_sex([436880, 453840, 469410, 483100], [457480, 475250, 491880, 506890]),
        ),
        "births": ("Dinkes", "Profil Kesehatan", _total([56120, 55480, 54870, 54210])),
        "births_facility": ("Dinkes", "Profil Kesehatan", _total([52630, 52540, 52790, 52860])),
        "marriages": (
            "Disdukcapil",
            "Data KUA dan Disdukcapil",
            _total([21840, 21310, 20960, 20570]),
        ),
        "child_marriages": ("DP3A", "Data dispensasi kawin PA Cikarang", _total([12, 9, 7, 5])),
        "schools": ("Disdik", "Dapodik dan EMIS", _total([3580, 3610, 3640, 3662])),
        "schools_child_friendly": ("Disdik", "SK penetapan SRA", _total([415, 640, 910, 1148])),
        "violence_cases": (
            "DP3A",
            "SIMFONI-PPA UPTD PPA",
            _by_sex([96, 104, 111, 108], [58, 63, 66, 61]),
        ),
        "violence_cases_served": (
            "DP3A",
            "SIMFONI-PPA UPTD PPA",
            _by_sex([88, 99, 108, 106], [51, 59, 63, 60]),
        ),
    },
    "62.10": {
        "children": (
            "Disdukcapil",
            "DKB Semester II",
            _by_sex([21430, 21610, 21790, 21950], [22710, 22900, 23080, 23260]),
        ),
        "birth_certificates": (
            "Disdukcapil",
            "DKB Semester II",
            _by_sex([16930, 17720, 18740, 19750], [17940, 18780, 19850, 20930]),
        ),
        "births": ("Dinkes", "Profil Kesehatan", _total([2470, 2440, 2415, 2390])),
        "births_facility": ("Dinkes", "Profil Kesehatan", _total([1930, 2000, 2070, 2110])),
        "marriages": ("Disdukcapil", "Data KUA dan Disdukcapil", _total([1080, 1055, 1032, 1010])),
        "child_marriages": ("DP3A", "Data dispensasi kawin PA Kuala Kurun", _total([6, 5, 3, 3])),
        "schools": ("Disdik", "Dapodik dan EMIS", _total([386, 389, 391, 394])),
        "schools_child_friendly": ("Disdik", "SK penetapan SRA", _total([18, 31, 47, 64])),
        "violence_cases": ("DP3A", "SIMFONI-PPA UPTD PPA", _by_sex([9, 11, 8, 10], [4, 3, 5, 4])),
        "violence_cases_served": (
            "DP3A",
            "SIMFONI-PPA UPTD PPA",
            _by_sex([8, 10, 8, 9], [3, 3, 4, 4]),
        ),
    },
}

# district → (under-fives measured per village per sex: low, high; stunting % per year)
VILLAGE_PROFILE: dict[str, tuple[int, int, list[float]]] = {
    "32.16": (260, 640, [18.2, 16.1, 13.4, 11.3]),
    "62.10": (40, 150, [27.5, 25.1, 22.0, 19.4]),
}

# indicator → {district: (target 2024, 2025, 2026)}
TARGETS: dict[str, dict[str, tuple[float, float, float]]] = {
    "birth_certificate_coverage": {"32.16": (92, 95, 97), "62.10": (85, 90, 93)},
    "child_marriage_share": {"32.16": (0.05, 0.04, 0.03), "62.10": (0.4, 0.3, 0.25)},
    "facility_births": {"32.16": (95, 97, 98), "62.10": (84, 87, 90)},
    "stunting_prevalence": {"32.16": (14, 12, 10), "62.10": (21, 19, 17)},
    "child_friendly_schools": {"32.16": (25, 32, 40), "62.10": (12, 18, 25)},
    "violence_cases_served_share": {"32.16": (95, 97, 100), "62.10": (90, 95, 100)},
}


def _spread(code: str, low: int, high: int, salt: str) -> int:
    """A stable pseudo-random whole number in [low, high] for a village."""
    digest = hashlib.sha256(f"{code}:{salt}".encode()).digest()
    return low + int.from_bytes(digest[:4], "big") % (high - low + 1)


def _admin(district: Region) -> User:
    membership = (
        Membership.objects.filter(
            role=Role.DISTRICT_ADMIN, organisation__region=district, is_active=True
        )
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if membership is None:
        raise RuntimeError(f"No demo secretariat in {district.code}; run the core demo first.")
    return membership.user


def _district_rows(district: Region) -> list[dict[str, Any]]:
    rows = []
    for element, (office, dataset, years) in DISTRICT_FIGURES[district.code].items():
        for year, values in years.items():
            for key, value in values.items():
                rows.append(
                    {
                        "element": element,
                        "region": district.code,
                        "period": str(year),
                        "disaggregation": key,
                        "value": str(value),
                        "organisation": office,
                        "dataset": f"{dataset} {year}",
                        "source_date": f"{year + 1}-03-31",
                    }
                )
    return rows


def _village_rows(district: Region) -> list[dict[str, Any]]:
    low, high, shares = VILLAGE_PROFILE[district.code]
    villages = Region.objects.active().filter(
        level=Region.Level.VILLAGE, path__startswith=district.path
    )
    rows = []
    for village in villages.order_by("code"):
        for sex in ("F", "M"):
            base = _spread(village.code, low, high, sex)
            for i, year in enumerate(YEARS):
                measured = base + _spread(village.code, -15, 15, f"{sex}{year}")
                measured = max(measured, 10)
                share = shares[i] + _spread(village.code, -40, 40, f"s{sex}{year}") / 10
                stunted = round(measured * max(share, 2.0) / 100)
                for element, value in (("under5_measured", measured), ("under5_stunted", stunted)):
                    rows.append(
                        {
                            "element": element,
                            "region": village.code,
                            "period": str(year),
                            "disaggregation": f"sex={sex}",
                            "value": str(value),
                            "organisation": "Dinkes",
                            "dataset": f"e-PPGBM bulan penimbangan Agustus {year}",
                            "source_date": f"{year}-09-15",
                        }
                    )
    return rows


def seed_demo() -> None:
    """Load the demo indicator data (idempotent: a second run changes nothing)."""
    ensure_definitions()
    for code in DISTRICT_FIGURES:
        district = Region.objects.filter(code=code).first()
        if district is None:
            continue
        _seed_district(district)


@transaction.atomic
def _seed_district(district: Region) -> None:
    admin = _admin(district)
    if not DataValue.objects.filter(region__path__startswith=district.path).exists():
        rows = _district_rows(district) + _village_rows(district)
        result = actions.import_rows(
            actor=admin, rows=rows, mode=actions.Mode.ALL_OR_NOTHING, dry_run=False
        )
        if result.errors:
            raise RuntimeError(f"demo indicator data refused: {result.errors[:3]}")
    indicators = Indicator.objects.in_bulk(list(INDICATORS), field_name="code")
    existing_targets = set(
        IndicatorTarget.objects.filter(region=district).values_list("indicator__code", "year")
    )
    for code, per_district in TARGETS.items():
        for year, value in zip((2024, 2025, 2026), per_district[district.code], strict=True):
            if (code, year) not in existing_targets:
                actions.target_set(
                    actor=admin,
                    region=district,
                    indicator=indicators[code],
                    year=year,
                    value=Decimal(str(value)),
                )
    published = set(
        Publication.objects.filter(region=district).values_list("indicator__code", "year")
    )
    for code in INDICATORS:
        for year in (2024, 2025):
            if (code, year) not in published:
                # The secretariat confirms what is partial (village data still coming in): the
                # portal shows how complete each figure is.
                actions.publish(
                    actor=admin,
                    region=district,
                    indicator=indicators[code],
                    year=year,
                    confirm_partial=True,
                )
