"""The national set of data elements, indicators and validation rules the KLA monitoring starts
with (the Konvensi Hak Anak data of the evaluation's clusters). Loaded by the demo and tests;
on a real installation the ministry maintains them in the admin.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from layak.indicators.models import (
    Category,
    Cluster,
    DataElement,
    EntryLevel,
    Indicator,
    ValidationRule,
)

# code → (name, description, unit, cluster, categories, entry level, sensitive)
ELEMENTS: dict[str, tuple[str, str, str, str, list[str], int, bool]] = {
    "children": (
        "Jumlah anak usia 0–17 tahun",
        "Penduduk usia 0 sampai 17 tahun menurut data kependudukan (DKB) semester II.",
        "anak",
        Cluster.K1,
        ["sex"],
        EntryLevel.DISTRICT,
        False,
    ),
    "birth_certificates": (
        "Anak 0–17 tahun yang memiliki kutipan akta kelahiran",
        "Anak usia 0–17 tahun yang telah memiliki kutipan akta kelahiran (Disdukcapil).",
        "anak",
        Cluster.K1,
        ["sex"],
        EntryLevel.DISTRICT,
        False,
    ),
    "births": (
        "Jumlah kelahiran hidup",
        "Kelahiran hidup yang dilaporkan fasilitas kesehatan dan bidan desa dalam setahun.",
        "kelahiran",
        Cluster.K3,
        [],
        EntryLevel.DISTRICT,
        False,
    ),
    "births_facility": (
        "Persalinan di fasilitas kesehatan",
        "Persalinan yang ditolong tenaga kesehatan di fasilitas pelayanan kesehatan.",
        "persalinan",
        Cluster.K3,
        [],
        EntryLevel.DISTRICT,
        False,
    ),
    "marriages": (
        "Jumlah perkawinan tercatat",
        "Perkawinan yang dicatat KUA dan Disdukcapil dalam setahun.",
        "perkawinan",
        Cluster.K2,
        [],
        EntryLevel.DISTRICT,
        False,
    ),
    "child_marriages": (
        "Perkawinan anak",
        "Perkawinan tercatat dengan salah satu mempelai berusia di bawah 19 tahun "
        "(termasuk dispensasi kawin Pengadilan Agama).",
        "perkawinan",
        Cluster.K2,
        [],
        EntryLevel.DISTRICT,
        True,
    ),
    "under5_measured": (
        "Balita yang diukur tinggi badannya",
        "Balita yang ditimbang dan diukur di posyandu pada bulan penimbangan (e-PPGBM).",
        "balita",
        Cluster.K3,
        ["sex"],
        EntryLevel.VILLAGE,
        False,
    ),
    "under5_stunted": (
        "Balita pendek dan sangat pendek (stunting)",
        "Balita dengan tinggi badan menurut umur di bawah −2 SD (e-PPGBM).",
        "balita",
        Cluster.K3,
        ["sex"],
        EntryLevel.VILLAGE,
        False,
    ),
    "schools": (
        "Jumlah satuan pendidikan",
        "Satuan pendidikan PAUD, SD, SMP dan SMA/SMK sederajat (Dapodik dan EMIS).",
        "sekolah",
        Cluster.K4,
        [],
        EntryLevel.DISTRICT,
        False,
    ),
    "schools_child_friendly": (
        "Satuan pendidikan ramah anak (SRA)",
        "Satuan pendidikan yang telah ditetapkan sebagai Sekolah Ramah Anak.",
        "sekolah",
        Cluster.K4,
        [],
        EntryLevel.DISTRICT,
        False,
    ),
    "violence_cases": (
        "Kasus kekerasan terhadap anak yang dilaporkan",
        "Kasus kekerasan dan eksploitasi terhadap anak yang dilaporkan ke UPTD PPA (SIMFONI-PPA).",
        "kasus",
        Cluster.K5,
        ["sex"],
        EntryLevel.DISTRICT,
        True,
    ),
    "violence_cases_served": (
        "Kasus kekerasan terhadap anak yang terlayani",
        "Kasus yang mendapat layanan pengaduan, kesehatan, bantuan hukum atau rehabilitasi.",
        "kasus",
        Cluster.K5,
        ["sex"],
        EntryLevel.DISTRICT,
        True,
    ),
}

# code → (name, numerator, denominator, factor, unit, cluster, higher is better, question)
INDICATORS: dict[str, tuple[str, str, str | None, int, str, str, bool, str]] = {
    "birth_certificate_coverage": (
        "Cakupan kepemilikan akta kelahiran anak",
        "birth_certificates",
        "children",
        100,
        "%",
        Cluster.K1,
        True,
        "K1-4.1",
    ),
    "child_marriage_share": (
        "Proporsi perkawinan anak",
        "child_marriages",
        "marriages",
        100,
        "%",
        Cluster.K2,
        False,
        "K2-7.1",
    ),
    "child_marriage_cases": (
        "Jumlah perkawinan anak",
        "child_marriages",
        None,
        1,
        "perkawinan",
        Cluster.K2,
        False,
        "",
    ),
    "facility_births": (
        "Persalinan di fasilitas kesehatan",
        "births_facility",
        "births",
        100,
        "%",
        Cluster.K3,
        True,
        "K3-12.1",
    ),
    "stunting_prevalence": (
        "Prevalensi balita stunting",
        "under5_stunted",
        "under5_measured",
        100,
        "%",
        Cluster.K3,
        False,
        "K3-13.1",
    ),
    "child_friendly_schools": (
        "Satuan pendidikan ramah anak",
        "schools_child_friendly",
        "schools",
        100,
        "%",
        Cluster.K4,
        True,
        "K4-19.1",
    ),
    "violence_cases_served_share": (
        "Anak korban kekerasan yang terlayani",
        "violence_cases_served",
        "violence_cases",
        100,
        "%",
        Cluster.K5,
        True,
        "K5-21.1",
    ),
}

# (name, left, operator, right)
RULES: list[tuple[str, str, str, str]] = [
    ("Akta kelahiran ≤ jumlah anak", "birth_certificates", "<=", "children"),
    ("Persalinan di faskes ≤ kelahiran hidup", "births_facility", "<=", "births"),
    ("Perkawinan anak ≤ perkawinan tercatat", "child_marriages", "<=", "marriages"),
    ("Balita stunting ≤ balita diukur", "under5_stunted", "<=", "under5_measured"),
    ("SRA ≤ satuan pendidikan", "schools_child_friendly", "<=", "schools"),
    ("Kasus terlayani ≤ kasus dilaporkan", "violence_cases_served", "<=", "violence_cases"),
]


def _ensure_categories() -> None:
    """Sex and the KLA age bands (the data migration adds them too; a database emptied since,
    as between transactional tests, gets them back here)."""
    from importlib import import_module

    from layak.indicators.models import CategoryOption

    seed = import_module("layak.indicators.migrations.0002_seed_categories")
    for code, name, order, options in seed.CATEGORIES:
        category, _new = Category.objects.get_or_create(
            code=code, defaults={"name": name, "order": order}
        )
        for i, (option_code, option_name) in enumerate(options, start=1):
            CategoryOption.objects.get_or_create(
                category=category, code=option_code, defaults={"name": option_name, "order": i}
            )


@transaction.atomic
def ensure_definitions() -> dict[str, DataElement]:
    """Create the elements, indicators and rules that do not exist yet (idempotent; an element
    or indicator already there is left as it is)."""
    _ensure_categories()
    categories = Category.objects.in_bulk(field_name="code")
    elements: dict[str, DataElement] = {}
    for code, (name, description, unit, cluster, cats, level, sensitive) in ELEMENTS.items():
        element, created = DataElement.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "description": description,
                "unit": unit,
                "cluster": cluster,
                "entry_level": level,
                "sensitive": sensitive,
            },
        )
        if created:
            element.categories.set([categories[c] for c in cats])
        elements[code] = element
    for order, (code, spec) in enumerate(INDICATORS.items(), start=1):
        name, numerator, denominator, factor, unit, cluster, higher, question = spec
        Indicator.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "numerator": elements[numerator],
                "denominator": elements[denominator] if denominator else None,
                "factor": Decimal(factor),
                "unit": unit,
                "cluster": cluster,
                "higher_is_better": higher,
                "question_code": question,
                "order": order,
            },
        )
    for name, left, operator, right in RULES:
        ValidationRule.objects.get_or_create(
            name=name,
            defaults={"left": elements[left], "operator": operator, "right": elements[right]},
        )
    return elements
