"""Demo AFSE events of Kabupaten Bekasi and Kabupaten Gunung Mas in 2025–2026 (invented, in the
spirit of the seed reports: the Gugus Tugas coordinates advocacy, facilitation, socialisation and
education of offices, villages, schools, parents and business)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import transaction

from layak.accounts.models import User
from layak.afse.actions import EventData, event_create
from layak.afse.models import Event, current_indicators
from layak.core.demo import demo_email
from layak.organisations.models import Organisation
from layak.regions.models import Region

D = datetime.date


@dataclass(frozen=True)
class Demo:
    kind: str
    topic: str
    organiser: str  # acronym (or name) of the organiser in the district
    start: D
    place: str  # kecamatan name; "" for the whole district
    venue: str
    counts: tuple[int, int, int, int]  # boys, girls, men, women
    targets: tuple[str, ...]
    indicators: tuple[int, ...] = ()  # numbers of the KLA indicators
    end: D | None = None
    partners: tuple[str, ...] = ()
    description: str = ""
    materials: str = ""
    recorder: str = "admin"  # persona key suffix of the person who records it
    extra: dict[str, str] = field(default_factory=dict)


EVENTS: dict[str, list[Demo]] = {
    "32.16": [
        Demo(
            "S",
            "Sosialisasi pencegahan perkawinan anak di SMP dan SMA",
            "DP3A",
            D(2025, 8, 14),
            "Cikarang Utara",
            "Aula SMPN 2 Cikarang Utara",
            (96, 118, 6, 9),
            ("schools", "children"),
            indicators=(7,),
            partners=("MUI", "TP PKK"),
            description="Penyuluhan dampak perkawinan usia anak bagi kesehatan dan pendidikan, "
            "bersama penyuluh agama dan kader PKK.",
            materials="Materi: UU 16/2019 tentang batas usia perkawinan; video testimoni; "
            "leaflet Stop Perkawinan Anak.",
        ),
        Demo(
            "E",
            "Pelatihan Konvensi Hak Anak bagi aparat desa",
            "DPMD",
            D(2025, 9, 23),
            "Tambun Selatan",
            "Kantor Kecamatan Tambun Selatan",
            (0, 0, 38, 22),
            ("village_officials",),
            indicators=(2, 6),
            end=D(2025, 9, 24),
            partners=("LPA",),
            materials="Modul KHA untuk desa: hak sipil, pengasuhan, kesehatan, pendidikan, "
            "perlindungan khusus; pembentukan Forum Anak Desa.",
        ),
        Demo(
            "A",
            "Advokasi anggaran responsif anak kepada DPRD",
            "Bappeda",
            D(2025, 10, 6),
            "",
            "Ruang Rapat Komisi IV DPRD Kabupaten Bekasi",
            (2, 3, 14, 9),
            ("offices",),
            indicators=(1, 2),
            description="Paparan kebutuhan anggaran RAD KLA 2026 dan usulan Forum Anak dari "
            "Musrenbang Anak 2025; dua perwakilan Forum Anak menyampaikan aspirasi.",
        ),
        Demo(
            "E",
            "Kelas parenting: pengasuhan tanpa kekerasan",
            "DP3A",
            D(2025, 11, 8),
            "Cibitung",
            "Balai Desa Wanasari",
            (0, 0, 11, 47),
            ("parents",),
            indicators=(8,),
            partners=("TP PKK",),
            materials="Modul PUSPAGA: disiplin positif, komunikasi dengan remaja.",
        ),
        Demo(
            "F",
            "Fasilitasi kawasan tanpa rokok di sekolah dan Puskesmas",
            "Dinkes",
            D(2026, 1, 20),
            "Cikarang Barat",
            "Puskesmas Telaga Murni",
            (0, 0, 17, 21),
            ("schools", "offices"),
            indicators=(15, 17),
            recorder="dinkes",
        ),
        Demo(
            "S",
            "Sosialisasi perusahaan sahabat anak dan ruang laktasi",
            "APSAI",
            D(2026, 2, 12),
            "Cikarang Selatan",
            "Kawasan industri Jababeka",
            (0, 0, 31, 26),
            ("business",),
            indicators=(3, 14),
            partners=("PT SCS",),
        ),
        Demo(
            "S",
            "Sosialisasi akta kelahiran dan KIA keliling",
            "Disdukcapil",
            D(2026, 3, 5),
            "Babelan",
            "Balai Desa Babelan Kota",
            (25, 31, 40, 72),
            ("parents", "village_officials"),
            indicators=(4,),
            recorder="disdukcapil",
        ),
        Demo(
            "E",
            "Edukasi anti perundungan oleh Forum Anak",
            "Forum Anak",
            D(2026, 4, 18),
            "Setu",
            "SMAN 1 Setu",
            (72, 85, 3, 5),
            ("children", "schools"),
            indicators=(6, 21),
            recorder="forum",
        ),
    ],
    "62.10": [
        Demo(
            "S",
            "Sosialisasi pencegahan perkawinan anak bagi tokoh agama dan adat",
            "DP3A",
            D(2025, 8, 21),
            "Kurun",
            "Aula Bappedalitbang Kuala Kurun",
            (0, 0, 28, 17),
            ("religious_leaders", "parents"),
            indicators=(7,),
            partners=("FKUB",),
        ),
        Demo(
            "E",
            "Pelatihan KHA untuk aparat desa se-Kecamatan Tewah",
            "DPMD",
            D(2025, 10, 15),
            "Tewah",
            "Kantor Kecamatan Tewah",
            (0, 0, 26, 12),
            ("village_officials",),
            indicators=(2,),
            end=D(2025, 10, 16),
        ),
        Demo(
            "A",
            "Advokasi Perda KLA kepada DPRD Kabupaten Gunung Mas",
            "DP3A",
            D(2025, 11, 3),
            "",
            "Gedung DPRD Kabupaten Gunung Mas",
            (1, 2, 11, 6),
            ("offices",),
            indicators=(1,),
        ),
        Demo(
            "E",
            "Edukasi gizi anak dan posyandu keliling",
            "Dinkes",
            D(2026, 2, 10),
            "Kahayan Hulu Utara",
            "Posyandu Desa Tumbang Miri",
            (18, 21, 4, 39),
            ("parents", "children"),
            indicators=(13, 14),
            recorder="dinkes",
        ),
        Demo(
            "F",
            "Fasilitasi pembentukan Forum Anak Desa",
            "Forum Anak",
            D(2026, 3, 14),
            "Rungan",
            "Balai Desa Tumbang Jutuh",
            (14, 19, 6, 4),
            ("children", "village_officials"),
            indicators=(6,),
            recorder="forum",
        ),
    ],
}

SLUGS = {"32.16": "bekasi", "62.10": "gunungmas"}


def _organisation(region: Region, key: str) -> Organisation:
    orgs = Organisation.objects.filter(region=region)
    return orgs.filter(acronym=key).order_by("pk").first() or orgs.get(name__startswith=key)


@transaction.atomic
def seed_demo() -> None:
    """Create the demo events (idempotent: an event already recorded is left as it is)."""
    indicators = {i.number: i for i in current_indicators()}
    for code, events in EVENTS.items():
        region = Region.objects.filter(code=code).first()
        if region is None:
            continue
        kecamatan = {r.name: r for r in Region.objects.filter(parent=region)}
        for demo in events:
            organiser = _organisation(region, demo.organiser)
            if Event.objects.filter(organiser=organiser, topic=demo.topic).exists():
                continue
            actor = User.objects.get(email=demo_email(f"{SLUGS[code]}.{demo.recorder}"))
            boys, girls, men, women = demo.counts
            event_create(
                actor=actor,
                data=EventData(
                    kind=demo.kind,
                    topic=demo.topic,
                    description=demo.description,
                    organiser=organiser,
                    partners=[_organisation(region, p) for p in demo.partners],
                    target_groups=list(demo.targets),
                    starts_on=demo.start,
                    ends_on=demo.end,
                    place=kecamatan.get(demo.place),
                    venue=demo.venue,
                    boys=boys,
                    girls=girls,
                    men=men,
                    women=women,
                    materials=demo.materials,
                    indicators=[indicators[n] for n in demo.indicators if n in indicators],
                ),
            )
