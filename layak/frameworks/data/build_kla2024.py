"""Write ``kla-2024.csv``, the bundled KLA 2024 instrument, from a recap of that instrument.

Source: the national KLA 2024 evaluation instrument (KemenPPPA, Kepmen PPPA 21/2023 and its
annual instrument) as Kabupaten Ogan Ilir (South Sumatra) imported it from its "Rekap Penilaian
Mandiri KLA 2024" workbook into its own information system, "BIDADARI OI"
(github.com/arepsyu/bidadari-oi, ``database/seeders/KlaSeeder.php``, commit b7258b4), read one
row per question with its cluster, indicator, maxima, offices, kecamatan/village flags, the
district's attachment flags and the district's 2024 scores. Only facts are taken: names, texts,
numbers and flags.

Run once when the source recap changes::

    python layak/frameworks/data/build_kla2024.py SOURCE.csv

The output keeps one row per question and cleans the texts: words split by the extraction
("Pengembanga n"), a stray backslash, doubled spaces and spaces before punctuation. Line breaks
inside a text stay, because some of them separate list items.
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

OUT = Path(__file__).with_name("kla-2024.csv")

COLUMNS = [
    "cluster_order",
    "cluster_name",
    "cluster_stated_max",
    "indicator_order",
    "indicator_code",
    "indicator_name",
    "indicator_max",
    "question_order",
    "question_code",
    "question_text",
    "question_max",
    "for_kecamatan",
    "for_desa",
    "offices",
    "district_requires_attachment",
    "ogan_ilir_2024_score",
]

# Words split or glued by the extraction, and plain typos of the source.
FIXES = {
    "Pengembanga n": "Pengembangan",
    "kegi atan": "kegiatan",
    "ApakaKLASh": "Apakah",
    "anggaran\\lainnya": "anggaran lainnya",
    "di-SK- kan": "di-SK-kan",
    "di- SK-kan": "di-SK-kan",
    "Puskemas": "Puskesmas",
    "Corprate": "Corporate",
    "menjalanani": "menjalani",
    "Lampirkan,MATRIKS": "Lampirkan MATRIKS",
}


def clean(text: str) -> str:
    for wrong, right in FIXES.items():
        text = text.replace(wrong, right)
    lines = []
    for line in text.replace("\u00a0", " ").splitlines():
        line = re.sub(r"[ \t]+", " ", line).strip()
        line = re.sub(r" ([?!.,;:)])", r"\1", line)
        if line:
            lines.append(line)
    return "\n".join(lines)


def code(raw: str) -> str:
    """ "Pertanyaan 7 a" → "Pertanyaan 7a" (the source spells some codes with a space)."""
    return re.sub(r"(\d) ([a-z])$", r"\1\2", raw.strip())


def main(source: Path) -> None:
    with source.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, COLUMNS, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow(
                {
                    "cluster_order": row["cluster_order"],
                    "cluster_name": row["cluster_name"],
                    "cluster_stated_max": row["cluster_max"],
                    "indicator_order": row["indicator_order"],
                    "indicator_code": row["indicator_code"].strip(),
                    "indicator_name": clean(row["indicator_name"]),
                    "indicator_max": row["indicator_max"],
                    "question_order": row["question_order"],
                    "question_code": code(row["question_code"]),
                    "question_text": clean(row["question_text"]),
                    "question_max": row["question_max"],
                    "for_kecamatan": row["for_kecamatan"],
                    "for_desa": row["for_desa"],
                    "offices": row["offices"],
                    "district_requires_attachment": "true"
                    if "district_wajib_lampiran" in row["needs_attachment_basis"]
                    else "false",
                    "ogan_ilir_2024_score": row["ogan_ilir_2024_score"],
                }
            )
    print(f"{len(rows)} questions written to {OUT}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
