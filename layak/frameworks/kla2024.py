"""The national KLA 2024 evaluation instrument, bundled as the default KLA instrument.

Its structure, maxima, question texts and supplying offices come from ``data/kla-2024.csv``
(how it was made and from what: ``data/build_kla2024.py``): 7 groups (Kelembagaan 164,
clusters I–V 115, 156, 150, 110 and 205, KELANA/DEKELA 100), 31 indicators whose maxima add up
to 1000, and 274 questions.

What the recap does not give is the answer levels. The national scale gives each answer level a
fixed fraction of the question's maximum, and the recap's scores show which fractions each kind
of question uses; the options below follow them:

- policy questions (Indikator 1, 1 and 2a–2zb): quarter steps by the form of the regulation
  (Perda > head-of-region regulation > decree or circular > being drafted > none);
- budget questions (Indikator 1, 3a–3zg): thirds by the source of the money (APBD and other
  sources > APBD only > other sources only > none), with 2/3 and 1/3 written 0.66 and 0.33 of
  the maximum, as the recap scores them;
- questions on a share of kecamatan or villages: bands of the percentage in fifths (lower is
  better where the question counts cases of malnutrition or stunting);
- questions on something the district must not do (tobacco advertising and sponsorship,
  children handled together with adults): "no" earns the points;
- every other question: fifths by how far it is met.

Because those levels are inferred, the version is marked ``reconstructed``; the ministry's
official workbook, imported as a new version, replaces it.

The recap flags the KELANA/DEKELA questions a kecamatan (``for_kecamatan``) or a village
(``for_desa``) answers for itself. Those rows make two more instruments, ``kelana2024`` (level 3)
and ``dekela2024`` (level 4): each district share question becomes a yes/no question about the
kecamatan or village itself, under the same question code, on a scale of 100 that keeps the
national weights' proportions. At the district, each flagged share question is computed: the
share of its kecamatan or villages whose latest determined evaluation answered "yes"
(``layak/evaluation/computed.py``).

Where the source disagrees with itself the indicator maxima win: a group's maximum is the sum of
its indicators' (Klaster I is 115, not the 150 the recap states), and an indicator whose
questions add up to more (Indikator 19: 54 against 51; 21 B: 18 against 17) is capped at its
own maximum in every total.
"""

from __future__ import annotations

import csv
import re
from decimal import ROUND_DOWN, Decimal
from functools import cache
from pathlib import Path

from layak.frameworks.spec import (
    BandSpec,
    EvidenceSpec,
    GroupSpec,
    IndicatorSpec,
    InstrumentSpec,
    OptionSpec,
    QuestionSpec,
    ScoreBandSpec,
)

DATA = Path(__file__).parent / "data" / "kla-2024.csv"
CODE = "kla2024"
KELANA_CODE = "kelana2024"
DEKELA_CODE = "dekela2024"
D = Decimal
CENT = D("0.01")

SOURCE = (
    "Instrumen evaluasi KLA 2024 (KemenPPPA), sebagaimana diimpor Kabupaten Ogan Ilir dari "
    "Rekap Penilaian Mandiri KLA 2024 ke sistem informasinya (BIDADARI OI). Struktur, nilai "
    "maksimum, teks pertanyaan dan perangkat daerah dari sumber tersebut; tingkat jawaban dan "
    "poinnya direkonstruksi dari pola nilai rekap."
)

# The groups in the recap's order: (code, cluster name in the recap, Indonesian name).
GROUPS = [
    ("KL", "KELEMBAGAAN", "Kelembagaan"),
    ("K1", "KLASTER I", "Klaster I: Hak Sipil dan Kebebasan"),
    ("K2", "KLASTER II", "Klaster II: Lingkungan Keluarga dan Pengasuhan Alternatif"),
    ("K3", "KLASTER III", "Klaster III: Kesehatan Dasar dan Kesejahteraan"),
    (
        "K4",
        "KLASTER IV",
        "Klaster IV: Pendidikan, Pemanfaatan Waktu Luang, dan Kegiatan Budaya",
    ),
    ("K5", "KLASTER V", "Klaster V: Perlindungan Khusus"),
    ("KD", "KELANA DEKELA", "Kecamatan Layak Anak (KELANA) dan Desa/Kelurahan Layak Anak (DEKELA)"),
]

# Perpres 25/2021: the predicate bands on the scale of 1000.
BANDS = [
    ("NONE", "Tidak mendapat predikat", 0, 499),
    ("PRATAMA", "Pratama", 500, 600),
    ("MADYA", "Madya", 601, 700),
    ("NINDYA", "Nindya", 701, 800),
    ("UTAMA", "Utama", 801, 900),
    ("KLA", "Kabupaten/Kota Layak Anak", 901, 1000),
]
# The predicates are names (Pratama … Utama stay as they are); the two described ones in words.
BANDS_EN = {
    "NONE": "No predicate",
    "PRATAMA": "Pratama",
    "MADYA": "Madya",
    "NINDYA": "Nindya",
    "UTAMA": "Utama",
    "KLA": "Child-Friendly Regency/City",
}
# The KELANA/DEKELA status: held or not yet.
LOWER_BANDS_EN = {"NONE": "Not yet child-friendly", "LAYAK": "Child-friendly"}

POLICY = [
    ("Perda", D(1)),
    ("Peraturan Kepala Daerah (Perbup/Perwali)", D("0.75")),
    ("Keputusan, Instruksi atau Surat Edaran Kepala Daerah", D("0.5")),
    ("Dalam proses penyusunan", D("0.25")),
    ("Belum ada", D(0)),
]
BUDGET = [
    ("Ada, dari APBD dan anggaran lainnya", D(1)),
    ("Ada, dari APBD saja", D("0.66")),
    ("Ada, dari anggaran lainnya saja (bukan APBD)", D("0.33")),
    ("Tidak ada anggaran", D(0)),
]
FIFTHS = [
    ("Terpenuhi sepenuhnya, dengan data dukung lengkap", D(1)),
    ("Sebagian besar terpenuhi", D("0.8")),
    ("Terpenuhi sebagian", D("0.6")),
    ("Sebagian kecil terpenuhi", D("0.4")),
    ("Ada, tetapi belum berjalan atau tanpa data dukung", D("0.2")),
    ("Tidak ada", D(0)),
]
# Share of kecamatan or villages: (from, below, fraction) for "higher is better".
SHARE_HIGHER = [
    (D(80), None, D(1)),
    (D(60), D(80), D("0.8")),
    (D(40), D(60), D("0.6")),
    (D(20), D(40), D("0.4")),
    (D("0.01"), D(20), D("0.2")),
    (None, D("0.01"), D(0)),
]
SHARE_LOWER = [
    (None, D(20), D(1)),
    (D(20), D(40), D("0.8")),
    (D(40), D(60), D("0.6")),
    (D(60), D(80), D("0.4")),
    (D(80), D(100), D("0.2")),
    (D(100), None, D(0)),
]
# Questions where "no" is the good answer: tobacco advertising and sponsorship accepted, tobacco
# companies' CSR, children handled together with adults.
NO_IS_GOOD = {"K3-17.5", "K3-17.6", "K5-24A.4"}


@cache
def rows() -> list[dict[str, str]]:
    """The recap's rows, one per question (the project's own copy)."""
    with DATA.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _points(maximum: Decimal, fraction: Decimal) -> Decimal:
    return (maximum * fraction).quantize(CENT, rounding=ROUND_DOWN)


def _options(maximum: Decimal, levels: list[tuple[str, Decimal]]) -> list[OptionSpec]:
    return [
        OptionSpec(label, _points(maximum, fraction), i)
        for i, (label, fraction) in enumerate(levels)
    ]


def indicator_code(group: str, recap_code: str) -> str:
    """ "Indikator 21 A" in Klaster V → "K5-21A" (the codes of the 24-indicator instrument)."""
    return f"{group}-{recap_code.removeprefix('Indikator ').replace(' ', '')}"


def question_code(indicator: str, recap_code: str) -> str:
    """ "Pertanyaan 2a" of KL-1 → "KL-1.2a"."""
    return f"{indicator}.{recap_code.removeprefix('Pertanyaan ').replace(' ', '')}"


def _evidence(text: str, required: bool, policy: bool) -> list[EvidenceSpec]:
    """What the question asks to attach, from its text; the first one is required where the
    recap marks the attachment compulsory."""
    lower = text.lower()
    found: list[tuple[str, str]] = []
    if policy:
        found.append(("regulation", "Salinan peraturan/kebijakan yang ditetapkan"))
    if "bappeda" in lower:
        found.append(
            ("budget", "Data dukung APBD dan anggaran lainnya yang ditandatangani Bappeda")
        )
    elif "dokumen anggaran" in lower:
        found.append(("budget", "Dokumen anggaran yang ditandatangani kepala desa/lurah"))
    if "matriks" in lower:
        found.append(("matrix", "Matriks isian"))
    budget = any(kind == "budget" for kind, _name in found)
    if re.search(r"lampir|dokumen|data dukung|data pendukung|laporan", lower) and not budget:
        found.append(("document", "Dokumen pendukung"))
    if "sertifikat" in lower:
        found.append(("certificate", "Sertifikat"))
    if "foto" in lower:
        found.append(("photo", "Foto kegiatan atau lokasi"))
    return [
        EvidenceSpec(name, required=required and i == 0, order=i, kind=kind)
        for i, (kind, name) in enumerate(found)
    ]


def _question(row: dict[str, str], indicator: str) -> QuestionSpec:
    code = question_code(indicator, row["question_code"])
    number = row["question_code"].removeprefix("Pertanyaan ").replace(" ", "")
    maximum = D(row["question_max"])
    text = row["question_text"]
    lower = text.lower()
    question = QuestionSpec(
        code=code,
        indicator=indicator,
        kind="single",
        text=text,
        max_points=maximum,
        order=int(row["question_order"]),
        offices=[o for o in row["offices"].split(";") if o],
    )
    policy = indicator == "KL-1" and (number == "1" or number.startswith("2"))
    if policy:
        question.options = _options(maximum, POLICY)
    elif indicator == "KL-1" and number.startswith("3"):
        question.options = _options(maximum, BUDGET)
    elif re.search(r"persentase (kecamatan|desa)", lower):
        question.kind = "percentage"
        lower_better = "kasus anak dengan" in lower
        question.direction = "lower" if lower_better else "higher"
        question.score_bands = [
            ScoreBandSpec(start, below, _points(maximum, fraction))
            for start, below, fraction in (SHARE_LOWER if lower_better else SHARE_HIGHER)
        ]
        question.help_text = (
            "Nilai menurut persentase, makin rendah makin baik: di bawah 20% nilai penuh, "
            "lalu turun per 20%; 100% tanpa nilai."
            if lower_better
            else "Nilai menurut persentase: 80% ke atas nilai penuh, lalu turun per 20%."
        )
        for level, (flag, computed, unit) in LOWER.items():
            if row[flag] == "true" and f"persentase {unit.split('/')[0]}" in lower:
                question.computed = computed
                question.help_text += (
                    f" Dihitung otomatis oleh Layak dari hasil evaluasi {unit} yang ditetapkan "
                    f"(instrumen {'KELANA' if level == 3 else 'DEKELA'} 2024)."
                )
    elif code in NO_IS_GOOD:
        question.kind = "yes_no"
        question.options = [
            OptionSpec("Tidak", maximum, 0),
            OptionSpec("Ya", D(0), 1),
        ]
    elif maximum == 0:
        # An unscored lead-in to the next question (children working in plantations, …).
        question.kind = "yes_no"
        question.required = False
        question.options = [OptionSpec("Ya", D(0), 0), OptionSpec("Tidak", D(0), 1)]
    else:
        question.options = _options(maximum, FIFTHS)
    question.evidence = _evidence(
        text, row["district_requires_attachment"] == "true", policy=policy
    )
    return question


def kla2024() -> InstrumentSpec:
    spec = InstrumentSpec(
        framework_code=CODE,
        framework_name="Instrumen Evaluasi KLA 2024",
        framework_name_en="KLA 2024 evaluation instrument",
        label="KLA 2024 (274 pertanyaan, bobot nasional; tingkat jawaban direkonstruksi)",
        label_en="KLA 2024 (274 questions, national weights; answer levels reconstructed)",
        scale_max=D(1000),
        reconstructed=True,
        source=SOURCE,
        description=(
            "Instrumen evaluasi Kabupaten/Kota Layak Anak tahun 2024: kelembagaan, lima klaster "
            "dan KELANA/DEKELA, 31 indikator, 274 pertanyaan, nilai maksimum 1000."
        ),
        description_en=(
            "The 2024 evaluation instrument of child-friendly regencies and cities: "
            "institutions, five clusters and KELANA/DEKELA, 31 indicators, 274 questions, "
            "1000 points."
        ),
        bands=[
            BandSpec(code, name, D(low), D(high), rank, name_en=BANDS_EN[code])
            for rank, (code, name, low, high) in enumerate(BANDS)
        ],
        groups=[GroupSpec(code, name, i) for i, (code, _recap, name) in enumerate(GROUPS)],
    )
    group_of = {recap: code for code, recap, _name in GROUPS}
    seen: set[str] = set()
    for row in rows():
        group = group_of[row["cluster_name"]]
        indicator = indicator_code(group, row["indicator_code"])
        if indicator not in seen:
            seen.add(indicator)
            spec.indicators.append(
                IndicatorSpec(
                    code=indicator,
                    group=group,
                    name=row["indicator_name"],
                    number=int(re.sub(r"\D", "", row["indicator_code"])),
                    order=len(seen),
                    max_points=D(row["indicator_max"]),
                )
            )
        spec.questions.append(_question(row, indicator))
    return spec


# The lower levels: (the recap's flag, the district question's computed kind, the unit).
LOWER = {
    3: ("for_kecamatan", "kelana_yes", "kecamatan"),
    4: ("for_desa", "dekela_yes", "desa/kelurahan"),
}
LOWER_CODES = {3: KELANA_CODE, 4: DEKELA_CODE}
LOWER_SCALE = D(100)
# The predicate: "Layak" from 70 of 100, as in the kecamatan and village examples.
LOWER_THRESHOLD = D(70)

# The lower-level questions in English (the recap is Indonesian).
ENGLISH = {
    "KD-25.2": "Does the kecamatan have a Kecamatan Children's Forum? (Attach the MATRIX and "
    "supporting documents)",
    "KD-25.3": "Does the kecamatan have children's sports or arts groups or other groups for "
    "children's interests and talents?",
    "KD-25.4": "Does the kecamatan have a mechanism to prevent violence against children and to "
    "respond quickly to child victims? (Attach supporting documents)",
    "KD-25.5": "Has the kecamatan reached birth certificate ownership above 90%? (Attach "
    "supporting documents)",
    "KD-25.9": "Does the kecamatan have a children's reading room or child-friendly information "
    "service (ILA), including in public spaces?",
    "KD-25.10": "Does the kecamatan have a family counselling unit that works well? (Attach "
    "supporting documents)",
    "KD-25.11": "Does the kecamatan have a smoke-free area? Attach photos of the location",
    "KD-25.12": "Does the kecamatan have a play space or playground for children? Attach photos "
    "of the location",
    "KD-25.13": "Does the kecamatan have a child profile disaggregated by sex and age that "
    "contains the KELANA indicators?",
    "KD-26.2": "Does the village have a village regulation or kelurahan policy on fulfilling "
    "children's rights and their special protection? (Attach supporting documents)",
    "KD-26.3": "Does the village have a budget for child protection? Show the supporting data "
    "from the budget document signed by the village head or lurah.",
    "KD-26.4": "Does the village have a Village Children's Forum? (Attach the MATRIX and "
    "supporting documents)",
    "KD-26.5": "Does the village have children's sports or arts groups or other groups for "
    "children's interests and talents?",
    "KD-26.6": "Has the village reached birth certificate ownership above 90%? (Attach "
    "supporting documents)",
    "KD-26.7": "Is the village free of child marriage?",
    "KD-26.10": "Does the village have a children's reading room or child-friendly information "
    "service (ILA), including in public spaces? (Attach supporting documents)",
    "KD-26.12": "Does the village have a smoke-free area?",
    "KD-26.14": "Does the village have a play space or playground for children?",
    "KD-26.15": "Does the village carry out the functions of community-based integrated child "
    "protection (PATBM) or similar? (ATTACH SUPPORTING DOCUMENTS)",
    "KD-26.16": "Does the village have a village profile with data on children disaggregated by "
    "sex and age that contains the child-friendly village indicators?",
    "KD-26.17": "Are there children working in plantations, farming, at sea, as domestic "
    "workers or elsewhere?",
    "KD-26.18": "Does the village make efforts to record and prevent child labour?",
}


def reworded(text: str, unit: str) -> str:
    """A district's question on a share of its kecamatan or villages as a question about one of
    them: "Berapa persentase kecamatan yang memiliki X?" → "Apakah kecamatan memiliki X?".
    Questions that already ask yes or no keep their text."""
    found = re.match(rf"Berapa persentase {re.escape(unit)} (?:yang )?(.*)", text, re.S)
    if found is None:
        return text
    # The count the district is asked to give in its note is not the village's to give.
    rest = re.sub(r"\s*dan Sebutkan jumlah .*$", "", found.group(1), flags=re.S)
    return f"Apakah di {unit} {rest}" if rest.startswith("tidak ada") else f"Apakah {unit} {rest}"


def lower_points(weights: list[Decimal]) -> list[Decimal]:
    """The national weights on a scale of 100: equal weights get equal points (cut to the
    cent), and the cents left over go to the heaviest question."""
    total = sum(weights, D(0))
    points = [(w * LOWER_SCALE / total).quantize(CENT, rounding=ROUND_DOWN) for w in weights]
    heaviest = weights.index(max(weights))
    points[heaviest] += LOWER_SCALE - sum(points, D(0))
    return points


def _lower(level: int) -> InstrumentSpec:
    flag, _computed, unit = LOWER[level]
    flagged = [row for row in rows() if row[flag] == "true"]
    first = flagged[0]
    indicator = indicator_code("KD", first["indicator_code"])
    kecamatan = level == 3
    spec = InstrumentSpec(
        framework_code=LOWER_CODES[level],
        framework_name=(
            "Instrumen Kecamatan Layak Anak (KELANA) 2024"
            if kecamatan
            else "Instrumen Desa/Kelurahan Layak Anak (DEKELA) 2024"
        ),
        framework_name_en=(
            "Child-friendly kecamatan (KELANA) instrument 2024"
            if kecamatan
            else "Child-friendly village (DEKELA) instrument 2024"
        ),
        label=(
            f"KELANA 2024 ({len(flagged)} pertanyaan dari Indikator 25 KLA 2024; "
            "poin direkonstruksi)"
            if kecamatan
            else f"DEKELA 2024 ({len(flagged)} pertanyaan dari Indikator 26 KLA 2024; "
            "poin direkonstruksi)"
        ),
        label_en=(
            f"KELANA 2024 ({len(flagged)} questions from KLA 2024 indicator 25; "
            "points reconstructed)"
            if kecamatan
            else f"DEKELA 2024 ({len(flagged)} questions from KLA 2024 indicator 26; "
            "points reconstructed)"
        ),
        region_level=level,
        scale_max=LOWER_SCALE,
        reconstructed=True,
        source=SOURCE
        + (
            " Pertanyaan kecamatan: baris yang ditandai untuk kecamatan, dirumuskan sebagai "
            "pertanyaan ya/tidak; poin mengikuti perbandingan bobot nasional pada skala 100."
            if kecamatan
            else " Pertanyaan desa/kelurahan: baris yang ditandai untuk desa/kelurahan, "
            "dirumuskan sebagai pertanyaan ya/tidak; poin mengikuti perbandingan bobot "
            "nasional pada skala 100."
        ),
        description=(
            f"Pertanyaan KLA 2024 yang dijawab oleh setiap {unit} ({len(flagged)} pertanyaan, "
            f"nilai maksimum 100, Layak mulai {LOWER_THRESHOLD}). Jawaban “Ya” menjadi bagian "
            f"persentase {unit} pada Indikator {first['indicator_code'].split()[-1]} "
            "evaluasi kabupaten/kota."
        ),
        description_en=(
            f"The KLA 2024 questions each {'kecamatan' if kecamatan else 'village'} answers "
            f"({len(flagged)} questions, 100 points, Layak from {LOWER_THRESHOLD}). Its “yes” "
            f"answers make the share of {'kecamatan' if kecamatan else 'villages'} in "
            f"indicator {first['indicator_code'].split()[-1]} of the district's evaluation."
        ),
        bands=[
            BandSpec(
                "NONE",
                "Belum layak",
                D(0),
                LOWER_THRESHOLD - CENT,
                0,
                name_en=LOWER_BANDS_EN["NONE"],
            ),
            BandSpec(
                "LAYAK", "Layak", LOWER_THRESHOLD, LOWER_SCALE, 1, name_en=LOWER_BANDS_EN["LAYAK"]
            ),
        ],
        groups=[
            GroupSpec(
                "KD",
                GROUPS[-1][2],
                0,
                name_en="Child-friendly kecamatan (KELANA) and villages (DEKELA)",
            )
        ],
        indicators=[
            IndicatorSpec(
                code=indicator,
                group="KD",
                name=first["indicator_name"],
                number=int(re.sub(r"\D", "", first["indicator_code"])),
                order=1,
                max_points=LOWER_SCALE,
                name_en=(
                    "Child-friendly provision in the kecamatan"
                    if kecamatan
                    else "Child-friendly provision in the village"
                ),
            )
        ],
    )
    points = lower_points([D(row["question_max"]) for row in flagged])
    for row, maximum in zip(flagged, points, strict=True):
        code = question_code(indicator, row["question_code"])
        text = reworded(row["question_text"], unit)
        question = QuestionSpec(
            code=code,
            indicator=indicator,
            kind="yes_no",
            text=text,
            text_en=ENGLISH[code],
            max_points=maximum,
            order=int(row["question_order"]),
            offices=[o for o in row["offices"].split(";") if o],
            options=[
                OptionSpec("Ya", maximum, 0, label_en="Yes"),
                OptionSpec("Tidak", D(0), 1, label_en="No"),
            ],
            evidence=_evidence(text, row["district_requires_attachment"] == "true", policy=False),
        )
        if maximum == 0:
            # An unscored lead-in to the next question (children working in plantations, …).
            question.required = False
        if text != row["question_text"]:
            question.help_text = (
                f"Jawaban “Ya” yang ditetapkan kabupaten/kota dihitung dalam persentase {unit} "
                f"pada pertanyaan {code} evaluasi KLA 2024 kabupaten/kota."
            )
        spec.questions.append(question)
    return spec


def kelana2024() -> InstrumentSpec:
    """The KLA 2024 questions a kecamatan answers for itself (level 3)."""
    return _lower(3)


def dekela2024() -> InstrumentSpec:
    """The KLA 2024 questions a village answers for itself (level 4)."""
    return _lower(4)
