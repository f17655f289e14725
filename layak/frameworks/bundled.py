"""The frameworks Layak ships, built from ``data/kla-frameworks.yaml`` (the project brief's
structured sources; every field's source and confidence is in that file) and, for the national
2024 instrument, ``data/kla-2024.csv`` (``kla2024.py``).

- ``kla2024``: the national KLA 2024 instrument, the default for new cycles (``kla2024.py``).
- ``kelana2024`` and ``dekela2024``: its questions a kecamatan or a village answers for itself
  (the rows the recap flags for them), whose "yes" answers make the district's shares
  (``kla2024.py``).
- ``kla24``: the 24 indicators in force (Perpres 25/2021, Permen PPPA 12/2022), with questions
  built from each indicator's measure and sub-items and a *default* scoring scheme whose maxima
  add up to 1000. The national instrument's points are not public (Kepmen PPPA 21/2023), so the
  version is labelled as a default to be replaced by the cycle's official instrument.
- ``kla31``: the 2011 set of 31 indicators (Permen PPPA 12/2011), indicators only, for
  historical data.
- ``unicef-cfci``: UNICEF's Child Friendly Cities Initiative: goal areas and minimum criteria,
  met or not, without points.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from layak.frameworks.kla2024 import BANDS_EN, LOWER_BANDS_EN, dekela2024, kelana2024, kla2024
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

DATA = Path(__file__).parent / "data" / "kla-frameworks.yaml"

# Default maxima per group (Kelembagaan + five clusters), adding up to 1000.
GROUP_POINTS = {"KL": 200, "K1": 150, "K2": 150, "K3": 200, "K4": 150, "K5": 150}
AGE_BANDS = ["0–<1", "1–<5", "5–<12", "12–<18"]
D = Decimal

# Indonesian wording for the brief's English sub-items and evidence descriptions (the bundled
# instrument is shown to district users in Indonesian).
INDONESIAN = {
    "Form of the regulation (Perda > head-of-region regulation/decree/instruction/circular > draft)": "Regulasi KLA telah ditetapkan (bukan lagi rancangan)",
    "Budget available to implement it (APBD vs APBN share)": "Tersedia anggaran untuk melaksanakan kebijakan KLA (APBD/APBN)",
    "Children's views considered in drafting and implementation (fully/partly/no)": "Pandangan anak dipertimbangkan dalam penyusunan dan pelaksanaan kebijakan",
    "Gugus Tugas KLA exists and functions": "Gugus Tugas KLA terbentuk dan berfungsi",
    "RAD KLA exists": "Tersedia Rencana Aksi Daerah (RAD) KLA",
    "Aggregated Profil Anak data, updated yearly": "Tersedia data terpilah Profil Anak yang diperbarui setiap tahun",
    "% Kecamatan Layak Anak (KELANA), rising yearly": "Persentase Kecamatan Layak Anak (KELANA) meningkat setiap tahun",
    "% Desa/Kelurahan Layak Anak (DEKELA), rising yearly": "Persentase Desa/Kelurahan Layak Anak (DEKELA) meningkat setiap tahun",
    "% DEKELA integrating PATBM or similar": "Persentase DEKELA yang mengintegrasikan PATBM atau sejenisnya meningkat",
    "GT legal basis (SK Bupati/Wali Kota)": "Gugus Tugas ditetapkan dengan SK Bupati/Wali Kota",
    "GT structure covers Kelembagaan + 5 clusters": "Struktur Gugus Tugas mencakup kelembagaan dan lima klaster",
    "GT budget": "Tersedia anggaran Gugus Tugas",
    "GT coordination meetings per year (>4 / 1-4)": "Gugus Tugas rapat koordinasi lebih dari 4 kali setahun",
    "RAD KLA exists and its status (integration with RPJMD is checked by evaluators)": "RAD KLA terintegrasi dengan RPJMD",
    "Perda KTR exists": "Tersedia Perda Kawasan Tanpa Rokok (KTR)",
    "implementation/enforcement": "Perda KTR dilaksanakan dan ditegakkan",
    "sanctions": "Sanksi diterapkan atas pelanggaran KTR",
    "budget": "Tersedia anggaran pelaksanaan KTR",
    "no tobacco ads/sponsorship": "Tidak ada iklan, promosi dan sponsor rokok",
    "6 SRA components (Pedoman SRA 2021)": "Satuan pendidikan memenuhi 6 komponen SRA (Pedoman SRA 2021)",
    "APBD extract showing child-rights budget": "Kutipan APBD yang menunjukkan anggaran pemenuhan hak anak",
    "APSAI (Asosiasi Perusahaan Sahabat Anak Indonesia) membership": "Keanggotaan APSAI (Asosiasi Perusahaan Sahabat Anak Indonesia)",
    "BPS/PUPR/Dinkes STBM data": "Data STBM dari BPS/PUPR/Dinkes",
    "CSR programmes for children": "Program CSR untuk anak",
    "Dapodik / Disdik data": "Data Dapodik / Disdik",
    "Dinas Sosial LKSA accreditation/standardisation data": "Data akreditasi/standardisasi LKSA dari Dinas Sosial",
    "Disdik/Gugus Tugas PAUD-HI data": "Data PAUD-HI dari Disdik/Gugus Tugas",
    "Dukcapil data by age band": "Data Disdukcapil menurut kelompok umur",
    "KIA (Kartu Identitas Anak) coverage is often requested too": "Cakupan KIA (Kartu Identitas Anak)",
    "KUA / Pengadilan Agama marriage-dispensation data": "Data dispensasi kawin dari KUA / Pengadilan Agama",
    "Minutes of GT meetings": "Notulen rapat Gugus Tugas",
    "MoUs with media": "Nota kesepahaman dengan media",
    "Musrenbang participation records": "Catatan partisipasi dalam Musrenbang",
    "NGO role matrix": "Matriks peran lembaga masyarakat",
    "PRAP checklist (Pedoman PRAP 2022)": "Daftar periksa PRAP (Pedoman PRAP 2022)",
    "Perda/Perwal on billboard advertising": "Perda/Perkada tentang reklame",
    "Proof of child consultation (Forum Anak input, Musrenbang Anak)": "Bukti konsultasi anak (masukan Forum Anak, Musrenbang Anak)",
    "RAD KLA document": "Dokumen RAD KLA",
    "RAD monitoring mechanism": "Mekanisme pemantauan RAD",
    "RBRA (Ruang Bermain Ramah Anak) certificates": "Sertifikat RBRA (Ruang Bermain Ramah Anak)",
    "SIMFONI-PPA (inferred)": "Data SIMFONI-PPA",
    "SK Forum Anak (all levels)": "SK Forum Anak (semua tingkat)",
    "SK TPPK (violence prevention team)": "SK TPPK (Tim Pencegahan dan Penanganan Kekerasan)",
    "Satpol PP enforcement reports": "Laporan penegakan oleh Satpol PP",
    "UPTD PPA case records": "Catatan kasus UPTD PPA",
    "children's arts/sports groups": "Kelompok seni/olahraga anak",
    "children's libraries / reading corners": "Perpustakaan anak / pojok baca",
    "children's proposals and follow-up": "Usulan anak dan tindak lanjutnya",
    "e-PPGBM / Dinkes data": "Data e-PPGBM / Dinkes",
    "exclusive breastfeeding and complementary feeding data": "Data ASI eksklusif dan MP-ASI",
    "lactation rooms": "Ruang laktasi",
    "other child-friendly public facilities (guess)": "Fasilitas umum ramah anak lainnya",
    "out-of-school children data": "Data anak tidak sekolah",
    "prevention programmes": "Program pencegahan",
    "safe internet access points": "Titik akses internet aman",
    "service logs": "Catatan layanan",
    "training certificates (KHA)": "Sertifikat pelatihan KHA",
}


COMPUTED = {
    "% Kecamatan Layak Anak (KELANA), rising yearly": "kelana_share",
    "% Desa/Kelurahan Layak Anak (DEKELA), rising yearly": "dekela_share",
    "GT coordination meetings per year (>4 / 1-4)": "gt_meetings",
}


def _id(text: str) -> str:
    return INDONESIAN.get(text, text)


@cache
def _data() -> dict[str, Any]:
    with DATA.open(encoding="utf-8") as fh:
        data: dict[str, Any] = yaml.safe_load(fh)
    return data


def _framework(code: str) -> dict[str, Any]:
    return next(f for f in _data()["frameworks"] if f["id"] == code)


def _split(total: Decimal, parts: int) -> list[Decimal]:
    """``total`` in ``parts`` shares of whole points where possible, the rest on the first."""
    if parts <= 0:
        return []
    share = (total / parts).quantize(D(1), rounding=ROUND_DOWN)
    shares = [share] * parts
    shares[0] += total - share * parts
    return shares


def _percentage_bands(max_points: Decimal, direction: str) -> list[ScoreBandSpec]:
    """Default thresholds: full points from 90 % (higher is better) or up to 5 % (lower)."""
    steps = [D("1"), D("0.7"), D("0.4"), D("0.1")]
    if direction == "higher":
        edges: list[tuple[Decimal | None, Decimal | None]] = [
            (D(90), None),
            (D(75), D(90)),
            (D(50), D(75)),
            (None, D(50)),
        ]
    else:
        edges = [(None, D(5)), (D(5), D(10)), (D(10), D(20)), (D(20), None)]
        steps[-1] = D(0)
    return [
        ScoreBandSpec(lower, upper, (max_points * step).quantize(D("0.01")))
        for (lower, upper), step in zip(edges, steps, strict=True)
    ]


def _graded_options(max_points: Decimal, labels: list[str]) -> list[OptionSpec]:
    """Options from best to worst, with points falling evenly to zero."""
    n = len(labels) - 1
    return [
        OptionSpec(label, (max_points * (n - i) / n).quantize(D("0.01")), i)
        for i, label in enumerate(labels)
    ]


def _yes_no(max_points: Decimal) -> list[OptionSpec]:
    return [OptionSpec("Ya", max_points, 0), OptionSpec("Tidak", D(0), 1)]


def _evidence(indicator: dict[str, Any], first_required: bool = True) -> list[EvidenceSpec]:
    return [
        EvidenceSpec(
            _id(name),
            required=first_required and i == 0,
            order=i,
            name_en=name if _id(name) != name else "",
        )
        for i, name in enumerate(indicator.get("evidence_examples", []))
    ]


def _questions(ind: dict[str, Any], max_points: Decimal) -> list[QuestionSpec]:
    """Questions for one indicator: a main question on its measure, then one yes/no question
    per sub-item. The main question carries 60 % of the points when there are sub-items."""
    code = ind["code"]
    measure = ind.get("measure_type", "")
    direction = "lower" if ind.get("direction") == "lower_better" else "higher"
    ukuran = ind.get("ukuran")
    subs: list[str] = list(ind.get("sub_items", []))
    if isinstance(ukuran, list):
        subs = [*ukuran, *subs]
    main_points = (max_points * D("0.6")).quantize(D(1)) if subs else max_points
    sub_points = _split(max_points - main_points, len(subs))
    name = ind["name_id"]
    questions: list[QuestionSpec] = []

    if code == "K1-4":
        # Birth certificates, disaggregated by age band (Dukcapil data).
        questions.append(
            QuestionSpec(
                code=f"{code}.1",
                indicator=code,
                kind="table",
                text="Jumlah anak dan anak yang memiliki kutipan akta kelahiran, menurut kelompok umur",
                help_text="Nilai dihitung dari persentase anak 0–<18 tahun yang memiliki kutipan akta kelahiran.",
                max_points=main_points,
                table_rows=AGE_BANDS,
                table_columns=["Jumlah anak", "Memiliki akta kelahiran"],
                table_ratio=["Memiliki akta kelahiran", "Jumlah anak"],
                score_bands=_percentage_bands(main_points, "higher"),
                evidence=_evidence(ind),
            )
        )
    elif measure in {"percentage", "prevalence"}:
        questions.append(
            QuestionSpec(
                code=f"{code}.1",
                indicator=code,
                kind="percentage",
                text=f"Capaian: {name} (%)",
                max_points=main_points,
                direction=direction,
                score_bands=_percentage_bands(main_points, direction),
                evidence=_evidence(ind),
            )
        )
    elif measure == "existence_graded":
        questions.append(
            QuestionSpec(
                code=f"{code}.1",
                indicator=code,
                kind="single",
                text="Bentuk peraturan/kebijakan daerah tentang KLA yang tersedia",
                max_points=main_points,
                options=_graded_options(
                    main_points,
                    [
                        "Perda",
                        "Peraturan/Keputusan/Instruksi/Surat Edaran Kepala Daerah",
                        "Dalam proses penyusunan",
                        "Belum ada",
                    ],
                ),
                evidence=_evidence(ind),
            )
        )
    elif measure in {"count", "count_or_existence", "existence_or_count"}:
        questions.append(
            QuestionSpec(
                code=f"{code}.1",
                indicator=code,
                kind="number",
                text=(
                    "Jumlah lembaga masyarakat, dunia usaha dan media yang terlibat "
                    "(dari daftar mitra)"
                    if code == "KL-3"
                    else f"Jumlah yang tersedia: {name}"
                ),
                help_text=(
                    "Dihitung otomatis oleh Layak dari komitmen mitra yang divalidasi."
                    if code == "KL-3"
                    else ""
                ),
                computed="partner_count" if code == "KL-3" else "",
                max_points=main_points,
                score_bands=[
                    ScoreBandSpec(D(5), None, main_points),
                    ScoreBandSpec(D(2), D(5), (main_points * D("0.6")).quantize(D("0.01"))),
                    ScoreBandSpec(D(1), D(2), (main_points * D("0.3")).quantize(D("0.01"))),
                    ScoreBandSpec(None, D(1), D(0)),
                ],
                evidence=_evidence(ind),
            )
        )
    elif measure == "composite":
        # Kelembagaan: the parts are listed as sub-items; the main question is the evidence set.
        questions.append(
            QuestionSpec(
                code=f"{code}.1",
                indicator=code,
                kind="evidence",
                text="Unggah dokumen kelembagaan KLA (SK Gugus Tugas, dokumen RAD KLA, Profil Anak)",
                max_points=main_points,
                evidence=_evidence(ind),
            )
        )
    else:
        questions.append(
            QuestionSpec(
                code=f"{code}.1",
                indicator=code,
                kind="single",
                text=f"Status: {name}",
                max_points=main_points,
                options=_graded_options(
                    main_points,
                    [
                        "Ada dan dilaksanakan",
                        "Ada, belum dilaksanakan",
                        "Dalam proses",
                        "Belum ada",
                    ],
                ),
                evidence=_evidence(ind),
            )
        )
    for i, (sub, points) in enumerate(zip(subs, sub_points, strict=True), start=2):
        computed = COMPUTED.get(str(sub), "")
        if computed == "gt_meetings":
            # Counted from the task force's recorded meetings of the year, never typed.
            questions.append(
                QuestionSpec(
                    code=f"{code}.{i}",
                    indicator=code,
                    kind="number",
                    text="Jumlah rapat koordinasi Gugus Tugas KLA dalam setahun",
                    help_text="Dihitung otomatis oleh Layak dari rapat koordinasi yang dicatat.",
                    max_points=points,
                    computed=computed,
                    score_bands=[
                        ScoreBandSpec(D(5), None, points),
                        ScoreBandSpec(D(1), D(5), (points * D("0.5")).quantize(D("0.01"))),
                        ScoreBandSpec(None, D(1), D(0)),
                    ],
                )
            )
            continue
        if computed:
            # Counted from the kecamatan and village results, never typed.
            questions.append(
                QuestionSpec(
                    code=f"{code}.{i}",
                    indicator=code,
                    kind="percentage",
                    text=_id(str(sub)).replace(
                        "meningkat setiap tahun", "(dihitung dari hasil evaluasi)"
                    ),
                    help_text="Dihitung otomatis oleh Layak dari hasil penetapan kecamatan/desa.",
                    max_points=points,
                    computed=computed,
                    score_bands=[
                        ScoreBandSpec(D(50), None, points),
                        ScoreBandSpec(D(25), D(50), (points * D("0.6")).quantize(D("0.01"))),
                        ScoreBandSpec(D(1), D(25), (points * D("0.3")).quantize(D("0.01"))),
                        ScoreBandSpec(None, D(1), D(0)),
                    ],
                )
            )
            continue
        questions.append(
            QuestionSpec(
                code=f"{code}.{i}",
                indicator=code,
                kind="yes_no",
                text=_id(str(sub)),
                max_points=points,
                options=_yes_no(points),
            )
        )
    if code == "KL-3":
        questions.append(
            QuestionSpec(
                code=f"{code}.{len(questions) + 1}",
                indicator=code,
                kind="text",
                text="Sebutkan lembaga masyarakat, dunia usaha dan media yang terlibat serta perannya",
                required=False,
            )
        )
    if code == "K2-11":
        questions.append(
            QuestionSpec(
                code=f"{code}.{len(questions) + 1}",
                indicator=code,
                kind="multiple",
                text="Sarana dan prasarana ramah anak yang tersedia",
                max_points=D(0),
                required=False,
                options=[
                    OptionSpec("Ruang Bermain Ramah Anak (RBRA)", D(0), 0),
                    OptionSpec("Rute Aman Selamat Sekolah (RASS)", D(0), 1),
                    OptionSpec("Ruang laktasi di fasilitas umum", D(0), 2),
                    OptionSpec("Taman/ruang terbuka publik ramah anak", D(0), 3),
                ],
            )
        )
    return questions


def kla24() -> InstrumentSpec:
    fw = _framework("kla_24_perpres25_2021")
    bands = _data()["scoring_bands"]["bands"]
    spec = InstrumentSpec(
        framework_code="kla24",
        framework_name="Indikator KLA (24 indikator, Perpres 25/2021)",
        framework_name_en="KLA indicators (24 indicators, Perpres 25/2021)",
        label="Instrumen bawaan — skema nilai contoh (ganti dengan instrumen resmi siklus)",
        label_en="Bundled instrument — example scores (replace with the cycle's official one)",
        scale_max=D(1000),
        is_default_scheme=True,
        description=(
            "24 indikator KLA (Perpres 25/2021, Permen PPPA 12/2022), dipakai dalam evaluasi "
            "sejak 2019. Bobot nilainya contoh, bukan bobot nasional."
        ),
        description_en=(
            "The 24 KLA indicators (Perpres 25/2021, Permen PPPA 12/2022), used in evaluations "
            "since 2019. Its points are an example, not the national weights."
        ),
        bands=[
            BandSpec(
                code=b["code"],
                name="Tidak mendapat predikat"
                if b["code"] == "NONE"
                else b["name_id"].split(" (")[0],
                name_en=BANDS_EN[b["code"]],
                min_score=D(b["min"]),
                max_score=D(b["max"]),
                rank=i,
            )
            for i, b in enumerate(bands)
        ],
        groups=[GroupSpec(c["code"], c["name_id"], c["number"]) for c in fw["clusters"]],
    )
    by_group: dict[str, list[dict[str, Any]]] = {}
    for ind in fw["indicators"]:
        by_group.setdefault(ind["cluster"], []).append(ind)
    for group_code, indicators in by_group.items():
        for ind, points in zip(
            indicators, _split(D(GROUP_POINTS[group_code]), len(indicators)), strict=True
        ):
            ukuran = ind.get("ukuran")
            spec.indicators.append(
                IndicatorSpec(
                    code=ind["code"],
                    group=group_code,
                    name=ind["name_id"],
                    number=ind["number"],
                    measure="; ".join(map(_id, ukuran))
                    if isinstance(ukuran, list)
                    else str(ukuran or ""),
                    order=ind["number"],
                )
            )
            spec.questions.extend(_questions(ind, points))
    return spec


def kla31() -> InstrumentSpec:
    fw = _framework("kla_31_permen12_2011")
    names = {c["code"]: c["name_id"] for c in _framework("kla_24_perpres25_2021")["clusters"]}
    groups: list[str] = []
    for ind in fw["indicators"]:
        if ind["cluster"] not in groups:
            groups.append(ind["cluster"])
    return InstrumentSpec(
        framework_code="kla31",
        framework_name="Indikator KLA 2011 (31 indikator, Permen PPPA 12/2011)",
        framework_name_en="KLA indicators 2011 (31 indicators, Permen PPPA 12/2011)",
        label="Indikator 2011 (tanpa pertanyaan; untuk data historis)",
        label_en="2011 indicators (no questions; for historical data)",
        has_points=False,
        description="Indikator KLA yang berlaku sekitar 2011 sampai 2019, untuk data historis.",
        description_en="The KLA indicators in force from about 2011 to 2019, for historical data.",
        groups=[GroupSpec(code, names[code], i) for i, code in enumerate(groups)],
        indicators=[
            IndicatorSpec(ind["code"], ind["cluster"], ind["name_en"], n + 1, order=n)
            for n, ind in enumerate(fw["indicators"])
        ],
    )


# The CFCI's goal areas and minimum criteria in Indonesian (UNICEF's texts are English).
CFCI_INDONESIAN = {
    "Every child/young person valued, respected and treated fairly": (
        "Setiap anak dan remaja dihargai, dihormati dan diperlakukan secara adil"
    ),
    "Voice, needs and priorities heard in laws, policies, budgets, programmes, decisions": (
        "Suara, kebutuhan dan prioritas anak didengar dalam peraturan, kebijakan, anggaran, "
        "program dan keputusan"
    ),
    "Access to quality essential social services": (
        "Akses pada layanan sosial dasar yang berkualitas"
    ),
    "Safe, secure and clean environment": "Lingkungan yang aman, terlindungi dan bersih",
    "Family life, play and leisure": "Kehidupan keluarga, bermain dan rekreasi",
    "Demonstrated results for children across several goal areas": (
        "Hasil nyata bagi anak di beberapa bidang tujuan"
    ),
    "Meaningful and inclusive child participation (e.g. child/youth councils) through all phases": (
        "Partisipasi anak yang bermakna dan inklusif (misalnya dewan anak/remaja) di semua tahap"
    ),
    "Demonstrated commitment to eliminating discrimination against children": (
        "Komitmen nyata untuk menghapus diskriminasi terhadap anak"
    ),
}


def _met_or_not() -> list[OptionSpec]:
    return [
        OptionSpec("Terpenuhi", D(0), 0, label_en="Met", meets=True),
        OptionSpec("Belum terpenuhi", D(0), 1, label_en="Not met"),
    ]


def unicef_cfci() -> InstrumentSpec:
    """UNICEF's Child Friendly Cities Initiative: each goal area and each minimum criterion for
    recognition is met or not; no points, no predicate."""
    fw = _framework("unicef_cfci")
    spec = InstrumentSpec(
        framework_code="unicef-cfci",
        framework_name="UNICEF Child Friendly Cities Initiative (Kota Ramah Anak)",
        framework_name_en="UNICEF Child Friendly Cities Initiative",
        label="Bidang tujuan dan kriteria minimum pengakuan (terpenuhi atau tidak)",
        label_en="Goal areas and minimum recognition criteria (met or not)",
        has_points=False,
        description=(
            "Inisiatif Kota Ramah Anak UNICEF: lima bidang tujuan dan kriteria minimum untuk "
            "pengakuan, dinilai terpenuhi atau tidak, tanpa poin."
        ),
        description_en=(
            "UNICEF's Child Friendly Cities Initiative: five goal areas and the minimum "
            "criteria for recognition, each met or not, without points."
        ),
        groups=[
            GroupSpec(g["code"], CFCI_INDONESIAN[g["name_en"]], i, name_en=g["name_en"])
            for i, g in enumerate(fw["goal_areas"])
        ]
        + [
            GroupSpec(
                "MIN",
                "Kriteria minimum pengakuan",
                len(fw["goal_areas"]),
                name_en="Minimum criteria for recognition",
            )
        ],
    )
    for i, g in enumerate(fw["goal_areas"]):
        name, name_en = CFCI_INDONESIAN[g["name_en"]], g["name_en"]
        spec.indicators.append(
            IndicatorSpec(g["code"], g["code"], name, i + 1, order=i, name_en=name_en)
        )
        spec.questions.append(
            QuestionSpec(
                code=f"{g['code']}.1",
                indicator=g["code"],
                kind="yes_no",
                text=f"Hasil bagi anak terbukti: {name}",
                text_en=f"Results for children are demonstrated: {name_en}",
                options=_met_or_not(),
            )
        )
    for i, criterion in enumerate(fw["minimum_recognition_criteria"], start=1):
        code = f"MIN-{i}"
        name = CFCI_INDONESIAN[criterion]
        spec.indicators.append(
            IndicatorSpec(code, "MIN", name, 5 + i, order=5 + i, name_en=criterion)
        )
        spec.questions.append(
            QuestionSpec(
                code=f"{code}.1",
                indicator=code,
                kind="yes_no",
                text=name,
                text_en=criterion,
                options=_met_or_not(),
            )
        )
    return spec


# Option labels of the village example, in Indonesian.
_VILLAGE_LABELS = {
    "none": "Tidak ada",
    "exists, inactive": "Ada, tidak aktif",
    "occasionally active": "Kadang-kadang aktif",
    "regularly active": "Aktif rutin",
    "1 cluster": "1 klaster",
    "2-3": "2–3",
    "4": "4",
    "5": "5",
    "3": "3",
    "1-2": "1–2",
    ">=4": "≥ 4",
}


def _village_options(indicator: dict[str, Any], max_points: Decimal) -> list[OptionSpec]:
    options = indicator.get("options")
    if options:
        ordered = sorted(
            ((D(str(p)), str(label)) for p, label in options.items()), key=lambda x: -x[0]
        )
        return [
            OptionSpec(_VILLAGE_LABELS.get(label, label), points, i)
            for i, (points, label) in enumerate(ordered)
        ]
    if "Perkawinan anak" in indicator["name_id"]:
        labels = [
            "Tidak ada perkawinan anak",
            "Menurun dibanding tahun lalu",
            "Tetap atau meningkat",
        ]
    else:
        labels = ["Ada dan berjalan baik", "Ada, belum optimal", "Belum ada"]
    return _graded_options(max_points, labels)


def _lower_level(
    code: str, name: str, level: int, label: str, english: tuple[str, str]
) -> InstrumentSpec:
    """The village example of the brief (a district app's design, not national policy) as an
    instrument for villages (level 4) or, adapted, for kecamatan (level 3)."""
    example = _framework("dekela_local_example_tasikmalaya")
    names = {c["code"]: c["name_id"] for c in _framework("kla_24_perpres25_2021")["clusters"]}
    spec = InstrumentSpec(
        framework_code=code,
        framework_name=name,
        label=label,
        region_level=level,
        is_default_scheme=True,
        framework_name_en=english[0],
        label_en=english[1],
        description=(
            "Contoh instrumen dengan nilai per pilihan jawaban dan kategori bukti, "
            "untuk dipakai sampai instrumen resmi dimuat."
        ),
        description_en=(
            "An example instrument with points per answer option and evidence categories, "
            "to be used until the official instrument is loaded."
        ),
    )
    total = D(0)
    for g, cluster in enumerate(example["clusters"]):
        spec.groups.append(GroupSpec(cluster["code"], names[cluster["code"]], g))
        for n, ind in enumerate(cluster["indicators"], start=1):
            icode = f"{code.upper()}-{cluster['code']}-{n}"
            max_points = D(str(ind["max"]))
            total += max_points
            spec.indicators.append(
                IndicatorSpec(
                    icode,
                    cluster["code"],
                    ind["name_id"],
                    len(spec.indicators) + 1,
                    order=len(spec.indicators),
                )
            )
            spec.questions.append(
                QuestionSpec(
                    code=f"{icode}.1",
                    indicator=icode,
                    kind="single",
                    text=ind["name_id"],
                    max_points=max_points,
                    options=_village_options(ind, max_points),
                    evidence=[
                        EvidenceSpec(_id(e), False, i)
                        for i, e in enumerate(ind.get("evidence", []))
                    ],
                )
            )
    spec.scale_max = total
    threshold = (total * D("0.7")).quantize(D(1))
    spec.bands = [
        BandSpec(
            "NONE", "Belum layak", D(0), threshold - D("0.01"), 0, name_en=LOWER_BANDS_EN["NONE"]
        ),
        BandSpec("LAYAK", "Layak", threshold, total, 1, name_en=LOWER_BANDS_EN["LAYAK"]),
    ]
    return spec


def dekela() -> InstrumentSpec:
    return _lower_level(
        "dekela",
        "Desa/Kelurahan Layak Anak (DEKELA) — contoh",
        4,
        "Contoh instrumen desa (bukan kebijakan nasional)",
        (
            "Child-friendly villages (DEKELA) — example",
            "Example village instrument (not national policy)",
        ),
    )


def kelana() -> InstrumentSpec:
    return _lower_level(
        "kelana",
        "Kecamatan Layak Anak (KELANA) — contoh",
        3,
        "Contoh instrumen kecamatan, diadaptasi dari contoh instrumen desa",
        (
            "Child-friendly kecamatan (KELANA) — example",
            "Example kecamatan instrument, adapted from the village example",
        ),
    )


BUNDLED = {
    "kla2024": kla2024,
    "kla24": kla24,
    "kla31": kla31,
    "unicef-cfci": unicef_cfci,
    "dekela": dekela,
    "kelana": kelana,
    "kelana2024": kelana2024,
    "dekela2024": dekela2024,
}
