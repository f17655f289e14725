"""Free text about children checked for what could identify a child.

UU 27/2022 (personal data protection) treats children's data as specific, sensitive data, and
UU 35/2014 (child protection) forbids making a child victim's identity known. A proposal's topic
and description and the government's response are written freely, and the topic and response are
public; so before they are saved, they are read for what *looks like* a child's name, an age or an
incident that happened to a particular child, and the person writing is asked to anonymise ("a
child in Desa X" instead of a name, "a teenager" instead of "14 years old"). The reading is a
heuristic in Indonesian and English: it flags, it does not decide. The person may confirm that
what was flagged identifies no one (a public figure's name, a general problem) and save anyway;
the confirmation is audited with the text.

Who reads a proposal's free text at all is decided in ``querysets.ProposalQuerySet.handled_by``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Finding:
    kind: str  # "name", "age" or "incident"
    excerpt: str

    @property
    def label(self) -> str:
        return {
            "name": _("what looks like a name"),
            "age": _("an age"),
            "incident": _("an incident that happened to a child"),
        }[self.kind]


# An age: "14 tahun", "umur 9", "usia 12 thn", "berusia 7", "9 years old", "aged 9", "kelas 5
# SD" ("12 tahun terakhir" and the like are periods, not ages).
_AGE = re.compile(
    r"(?<![\w.,])\d{1,2}\s*(?:tahun|thn|th)\b(?!\s+(?:terakhir|lalu|ke|anggaran|depan|sekali))"
    r"|\b(?:umur|usia|berusia|berumur|aged|age)\s*:?\s*\d{1,2}\b"
    r"|\b\d{1,2}[\s-]*(?:years?|yrs?)[\s-]*old\b"
    r"|\b\d{1,2}\s*(?:yo|y\.o\.)\b"
    r"|\bkelas\s+\d{1,2}\s+(?:SD|SMP|SMA|SMK|MI|MTs|MA)\b",
    re.IGNORECASE,
)
# A person named: a word that introduces a name, followed by a capitalised word ("bernama
# Budi", "adik Sari", "an. Putri", "named Budi"), or a capitalised word followed by an age in
# brackets or after a comma ("Budi (12)", "Budi, 12 tahun").
_NAME_CUE = (
    r"(?i:bernama|namanya|nama(?:\s+anak)?\s*:|atas\s+nama|an\.|adik|adek|dik|ananda|"
    r"saudara|saudari|sdr\.?|sdri\.?|si|named|called)"
)
_NAME = re.compile(
    rf"\b{_NAME_CUE}\s+(?P<n1>[A-Z][a-z'’]+(?:\s+[A-Z][a-z'’]+)*)"
    r"|\b(?P<n2>[A-Z][a-z'’]+(?:\s+[A-Z][a-z'’]+)*)\s*(?:\(\s*\d{1,2}\s*(?:th|thn|tahun)?\s*\)"
    r"|,\s*\d{1,2}\s*(?:th|thn|tahun)\b)"
)
_NAME_CUE_CASE = re.compile(rf"^{_NAME_CUE}$", re.IGNORECASE)
# An incident: something done to or suffered by a particular child, as a passive verb or an
# event ("dipukul", "dicabuli", "meninggal", "was beaten"); general words for a problem
# ("kekerasan", "perundungan", "bullying") are not flagged, they describe what to prevent.
_INCIDENT = re.compile(
    r"\b(?:dipukul(?:i)?|dianiaya|ditampar|ditendang|disiksa|dicabuli|diperkosa|dilecehkan|"
    r"disetubuhi|dirudapaksa|dibully|dirundung|diculik|dijual|ditelantarkan|dibuang|"
    r"dikeroyok|ditusuk|dibacok|dibakar|ditabrak|dihamili|meninggal(?:\s+dunia)?|"
    r"tewas|bunuh\s+diri|gantung\s+diri|tenggelam|tertabrak|kabur\s+dari\s+rumah|"
    r"ditangkap|dipenjara|menjadi\s+korban|jadi\s+korban|korban\s+(?:pemerkosaan|pencabulan|"
    r"penganiayaan|kekerasan\s+seksual)|"
    r"was\s+(?:beaten|abused|raped|assaulted|bullied|kidnapped|killed|arrested)|"
    r"committed\s+suicide|got\s+pregnant|died)\b",
    re.IGNORECASE,
)
# Capitalised words that start a sentence or name a place or an institution, not a child.
_NOT_NAMES = {
    "Anak",
    "Forum",
    "Desa",
    "Kelurahan",
    "Kecamatan",
    "Kabupaten",
    "Kota",
    "Dinas",
    "Sekolah",
    "Bapak",
    "Ibu",
    "Pak",
    "Bu",
}


def findings(text: str, names: Iterable[str] = ()) -> list[Finding]:
    """What in ``text`` looks like a child's name, an age or an incident; ``names`` are names
    known to belong to children (the proposal's proposers), found wherever they appear."""
    out: list[Finding] = []
    seen: set[tuple[str, str]] = set()

    def add(kind: str, excerpt: str) -> None:
        excerpt = " ".join(excerpt.split())[:60]
        if (kind, excerpt.lower()) not in seen:
            seen.add((kind, excerpt.lower()))
            out.append(Finding(kind, excerpt))

    for match in _NAME.finditer(text):
        words = (match.group("n1") or match.group("n2") or "").split()
        while words and _NAME_CUE_CASE.match(words[0]):
            words = words[1:]  # "Adik Sari (12)": the name is "Sari"
        if not words or words[0] in _NOT_NAMES:
            continue
        add("name", match.group(0))
    for known in names:
        known = known.strip()
        if len(known) >= 2 and re.search(rf"(?<!\w){re.escape(known)}(?!\w)", text):
            add("name", known)
    for match in _AGE.finditer(text):
        add("age", match.group(0))
    for match in _INCIDENT.finditer(text):
        add("incident", match.group(0))
    return out


def describe(found: list[Finding]) -> str:
    """The message beside the field: what was found, and what to do."""
    parts = "; ".join(f"{f.label} (“{f.excerpt}”)" for f in found)
    return _(
        "This text may identify a child: %(found)s. Write it without names, ages or what "
        "happened to a particular child (for example “a child in the village” instead of a "
        "name), or confirm below that it identifies no one."
    ) % {"found": parts}
