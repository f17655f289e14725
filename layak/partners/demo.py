"""Demo partner data for Kabupaten Bekasi and Kabupaten Gunung Mas: profiles and contact persons,
commitments for 2025–2026 across the clusters, and contributions (funds, people, facilities) of
which most are accepted, some wait for the secretariat and one was returned.

Following the seed reports: Bekasi's industrial estates bring CSR from businesses (one of them an
APSAI member); Gunung Mas leans on the PKK, churches and mosques, and local radio. People and
businesses are invented. Idempotent: a district whose partners already have commitments is left
alone. Needs the KLA instrument (loaded by ``setup``) and the organisations of
``layak.core.demo``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from layak.accounts.models import User
from layak.core.demo import demo_email
from layak.organisations.models import Organisation
from layak.partners import actions, clusters
from layak.partners.models import Commitment

D = datetime.date


@dataclass
class Delivery:
    date: datetime.date
    kind: str
    description: str
    amount: int = 0
    people: int = 0
    children: int = 0
    status: str = "accepted"  # draft, submitted, accepted or returned
    reason: str = ""


@dataclass
class Pledge:
    partner: str  # organisation name
    title: str
    cluster: str
    indicators: list[str]
    period: tuple[datetime.date, datetime.date]
    description: str = ""
    funds: int = 0
    people: int = 0
    facilities: str = ""
    methods: str = ""
    status: str = "accepted"
    deliveries: list[Delivery] = field(default_factory=list)


@dataclass
class Profile:
    partner: str
    description: str
    clusters: list[str]
    indicators: list[str]
    address: str = ""
    website: str = ""
    apsai: tuple[str, int] | None = None
    contacts: list[tuple[str, str, str, str]] = field(default_factory=list)


BEKASI_PROFILES = [
    Profile(
        "PT Sinar Cikarang Sejahtera",
        "Produsen komponen otomotif di kawasan industri Cikarang. Program CSR untuk kesehatan "
        "ibu dan anak, taman bermain ramah anak, dan ruang laktasi bagi pekerja.",
        ["K3", "K4"],
        ["K3-13", "K3-14", "K4-20"],
        address="Jl. Industri Selatan 5 Blok JJ, Cikarang Selatan",
        website="https://sinarcikarang.example.id",
        apsai=("APSAI-JB-0457", 2019),
        contacts=[
            ("Hendra Wijaya", "Kepala CSR", "0812-8800-1201", "csr@sinarcikarang.example.id"),
            ("Maya Sari", "Staf HRD (ruang laktasi)", "0813-1100-4521", ""),
        ],
    ),
    Profile(
        "Asosiasi Perusahaan Sahabat Anak Indonesia Kabupaten Bekasi",
        "Wadah perusahaan sahabat anak di Kabupaten Bekasi; mendorong kebijakan ramah anak di "
        "tempat kerja dan menyalurkan CSR anggota.",
        ["KL"],
        ["KL-3"],
        apsai=("APSAI-JB-0001", 2017),
        contacts=[("Irwan Prasetya", "Ketua", "0811-9000-2233", "apsai.bekasi@example.id")],
    ),
    Profile(
        "Tim Penggerak PKK Kabupaten Bekasi",
        "Pendampingan keluarga, posyandu dan PAUD melalui kader PKK di desa.",
        ["K2", "K3"],
        ["K2-8", "K2-10", "K3-13"],
        contacts=[("Ny. Laksmi Handayani", "Ketua Pokja I", "0812-7700-3344", "")],
    ),
    Profile(
        "Lembaga Perlindungan Anak Kabupaten Bekasi",
        "Pendampingan anak korban kekerasan dan sosialisasi perlindungan anak di sekolah.",
        ["K5"],
        ["K5-21B"],
        contacts=[("Arief Nugroho", "Sekretaris", "0857-2211-9090", "lpa.bekasi@example.id")],
    ),
    Profile(
        "Radio Suara Bekasi",
        "Radio swasta lokal; siaran mingguan suara anak bersama Forum Anak.",
        ["K1"],
        ["K1-5", "K1-6"],
        website="https://suarabekasi.example.id",
        contacts=[("Dimas Arya", "Produser siaran", "0821-3300-7788", "")],
    ),
]

GUNUNG_MAS_PROFILES = [
    Profile(
        "PT Kahayan Kurun Lestari",
        "Perkebunan dan pengolahan kelapa sawit; CSR untuk sekolah dan air bersih di desa "
        "sekitar kebun.",
        ["K3", "K4"],
        ["K3-16", "K4-18"],
        address="Jl. Tjilik Riwut Km 7, Kuala Kurun",
        contacts=[("Agus Rahman", "Manajer CSR", "0813-4900-1122", "csr@kkl.example.id")],
    ),
    Profile(
        "Tim Penggerak PKK Kabupaten Gunung Mas",
        "Kader PKK mendampingi posyandu dan kelas pengasuhan di kecamatan.",
        ["K2", "K3"],
        ["K2-8", "K3-13"],
        contacts=[("Ny. Ester Dewi", "Ketua Pokja IV", "0852-5100-6677", "")],
    ),
    Profile(
        "Forum Kerukunan Umat Beragama Kabupaten Gunung Mas",
        "Tokoh agama menyampaikan pencegahan perkawinan anak di rumah ibadah.",
        ["K2"],
        ["K2-7"],
        contacts=[("Pdt. Markus Ipung", "Ketua", "0811-5200-3030", "")],
    ),
    Profile(
        "Radio Kuala Kurun",
        "Radio komunitas; iklan layanan masyarakat tentang akta kelahiran dan hak anak.",
        ["K1"],
        ["K1-4", "K1-5"],
        contacts=[("Rina Tambun", "Penyiar", "0821-5400-8181", "")],
    ),
]

BEKASI_PLEDGES = [
    Pledge(
        "PT Sinar Cikarang Sejahtera",
        "Posyandu ramah anak di desa sekitar kawasan industri",
        "K3",
        ["K3-13", "K3-14"],
        (D(2025, 1, 1), D(2026, 12, 31)),
        "Makanan tambahan balita, timbangan digital dan pelatihan kader di 6 posyandu "
        "Kecamatan Cikarang Selatan.",
        funds=450_000_000,
        people=12,
        facilities="Timbangan digital, alat ukur tinggi badan, ruang tunggu ramah anak.",
        deliveries=[
            Delivery(
                D(2025, 3, 12),
                "funds",
                "Dana CSR tahap 1 untuk PMT balita di 6 posyandu.",
                amount=150_000_000,
                children=640,
            ),
            Delivery(
                D(2025, 8, 20),
                "facilities",
                "Penyerahan 12 timbangan digital dan 6 alat ukur tinggi badan.",
                children=640,
            ),
            Delivery(
                D(2026, 2, 16),
                "funds",
                "Dana CSR tahap 2 untuk PMT dan kelas gizi ibu balita.",
                amount=175_000_000,
                children=705,
            ),
            Delivery(
                D(2026, 6, 3),
                "people",
                "Relawan karyawan membantu pencatatan tumbuh kembang di bulan timbang.",
                people=12,
                children=705,
                status="submitted",
            ),
        ],
    ),
    Pledge(
        "PT Sinar Cikarang Sejahtera",
        "Taman bermain ramah anak di Desa Sukaresmi",
        "K4",
        ["K4-20"],
        (D(2026, 1, 1), D(2026, 12, 31)),
        "Pembangunan ruang bermain ramah anak (RBRA) bersama pemerintah desa.",
        funds=300_000_000,
        facilities="Lahan 600 m², permainan standar SNI, pagar dan toilet.",
        deliveries=[
            Delivery(
                D(2026, 4, 22),
                "funds",
                "Pembayaran termin pertama pembangunan RBRA.",
                amount=120_000_000,
                status="returned",
                reason="Lampirkan kuitansi dan berita acara termin pertama.",
            ),
        ],
    ),
    Pledge(
        "Asosiasi Perusahaan Sahabat Anak Indonesia Kabupaten Bekasi",
        "Ruang laktasi dan penitipan anak di 10 perusahaan anggota",
        "KL",
        ["KL-3"],
        (D(2025, 7, 1), D(2026, 12, 31)),
        methods="Pendampingan perusahaan anggota menyusun kebijakan ramah anak di tempat kerja.",
        people=4,
        deliveries=[
            Delivery(
                D(2025, 11, 5),
                "methods",
                "Lokakarya kebijakan ramah anak untuk 24 perusahaan anggota.",
                people=4,
            ),
        ],
    ),
    Pledge(
        "Tim Penggerak PKK Kabupaten Bekasi",
        "Kelas pengasuhan bagi orang tua di 23 kecamatan",
        "K2",
        ["K2-8"],
        (D(2025, 1, 1), D(2025, 12, 31)),
        methods="Kelas Bina Keluarga Balita dan konseling bersama PUSPAGA.",
        people=46,
        deliveries=[
            Delivery(
                D(2025, 9, 30),
                "people",
                "46 kader PKK memfasilitasi kelas pengasuhan.",
                people=46,
                children=1_380,
            ),
        ],
    ),
    Pledge(
        "Lembaga Perlindungan Anak Kabupaten Bekasi",
        "Pendampingan anak korban kekerasan 2026",
        "K5",
        ["K5-21B"],
        (D(2026, 1, 1), D(2026, 12, 31)),
        methods="Pendampingan psikososial dan hukum bersama UPTD PPA.",
        people=6,
        status="submitted",
    ),
    Pledge(
        "Radio Suara Bekasi",
        "Siaran Suara Anak Bekasi",
        "K1",
        ["K1-5", "K1-6"],
        (D(2025, 7, 23), D(2026, 7, 23)),
        methods="Siaran mingguan satu jam bersama Forum Anak Kabupaten Bekasi.",
        people=2,
        deliveries=[
            Delivery(
                D(2025, 12, 20),
                "methods",
                "26 episode Suara Anak Bekasi disiarkan.",
                people=2,
                children=35,
            ),
        ],
    ),
]

GUNUNG_MAS_PLEDGES = [
    Pledge(
        "PT Kahayan Kurun Lestari",
        "Air bersih dan jamban sehat di sekolah dasar sekitar kebun",
        "K3",
        ["K3-16"],
        (D(2025, 1, 1), D(2026, 12, 31)),
        funds=260_000_000,
        facilities="Sumur bor, tandon air dan jamban terpisah putra-putri di 5 SD.",
        deliveries=[
            Delivery(
                D(2025, 10, 14),
                "funds",
                "Pembangunan sumur bor dan jamban di 3 SD Kecamatan Kurun.",
                amount=140_000_000,
                children=420,
            ),
            Delivery(
                D(2026, 5, 8),
                "funds",
                "Pembangunan di 2 SD Kecamatan Tewah.",
                amount=95_000_000,
                children=260,
                status="submitted",
            ),
        ],
    ),
    Pledge(
        "Tim Penggerak PKK Kabupaten Gunung Mas",
        "Pendampingan posyandu di desa terpencil",
        "K3",
        ["K3-13"],
        (D(2025, 1, 1), D(2026, 12, 31)),
        people=30,
        methods="Kader PKK mendampingi posyandu yang dijangkau lewat sungai.",
        deliveries=[
            Delivery(
                D(2025, 6, 30),
                "people",
                "30 kader mendampingi 18 posyandu.",
                people=30,
                children=910,
            ),
        ],
    ),
    Pledge(
        "Forum Kerukunan Umat Beragama Kabupaten Gunung Mas",
        "Pesan pencegahan perkawinan anak di rumah ibadah",
        "K2",
        ["K2-7"],
        (D(2026, 1, 1), D(2026, 12, 31)),
        methods="Khotbah dan bimbingan pranikah yang menekankan usia minimal 19 tahun.",
        people=20,
        status="submitted",
    ),
    Pledge(
        "Radio Kuala Kurun",
        "Iklan layanan masyarakat akta kelahiran",
        "K1",
        ["K1-4"],
        (D(2025, 1, 1), D(2025, 12, 31)),
        methods="Spot 60 detik tiga kali sehari dalam bahasa Indonesia dan Dayak Ngaju.",
        people=1,
        deliveries=[
            Delivery(
                D(2025, 11, 1),
                "methods",
                "1.095 spot siaran tentang akta kelahiran gratis.",
                people=1,
            ),
        ],
    ),
]

DISTRICTS = [
    ("32.16", "bekasi", BEKASI_PROFILES, BEKASI_PLEDGES),
    ("62.10", "gunungmas", GUNUNG_MAS_PROFILES, GUNUNG_MAS_PLEDGES),
]


def _step(item: Any, status: str, author: User, admin: User, reason: str = "") -> None:
    is_commitment = isinstance(item, Commitment)
    submit = actions.commitment_submit if is_commitment else actions.contribution_submit
    accept = actions.commitment_accept if is_commitment else actions.contribution_accept
    give_back = actions.commitment_return if is_commitment else actions.contribution_return
    key = "commitment" if is_commitment else "contribution"
    if status == "draft":
        return
    submit(actor=author, **{key: item})
    if status == "accepted":
        accept(actor=admin, **{key: item})
    elif status == "returned":
        give_back(actor=admin, reason=reason or "Lengkapi bukti.", **{key: item})


def _seed_district(
    code: str, slug: str, profiles: list[Profile], pledges: list[Pledge], users: dict[str, User]
) -> None:
    partners = {o.name: o for o in Organisation.objects.filter(region__code=code)}
    admin = users["admin"]
    contributor = users["partner"]
    contributor_org = contributor.memberships.values_list("organisation_id", flat=True).first()
    today = timezone.localdate()
    for profile in profiles:
        organisation = partners[profile.partner]
        actions.profile_save(
            actor=admin,
            organisation=organisation,
            description=profile.description,
            address=profile.address,
            website=profile.website,
            apsai_member=profile.apsai is not None,
            apsai_number=profile.apsai[0] if profile.apsai else "",
            apsai_year=profile.apsai[1] if profile.apsai else None,
            clusters=list(clusters.clusters().filter(code__in=profile.clusters)),
            indicators=list(clusters.indicators().filter(code__in=profile.indicators)),
        )
        for name, position, phone, email in profile.contacts:
            actions.contact_create(
                actor=admin,
                organisation=organisation,
                name=name,
                position=position,
                phone=phone,
                email=email,
            )
    for pledge in pledges:
        organisation = partners[pledge.partner]
        # The business with a demo contributor enters its own records; the secretariat enters
        # the others' (partners without an account).
        author = contributor if organisation.pk == contributor_org else admin
        commitment = actions.commitment_create(
            actor=author,
            organisation=organisation,
            title=pledge.title,
            description=pledge.description,
            cluster=clusters.clusters().get(code=pledge.cluster),
            indicators=list(clusters.indicators().filter(code__in=pledge.indicators)),
            starts_on=pledge.period[0],
            ends_on=pledge.period[1],
            funds=Decimal(pledge.funds),
            people=pledge.people,
            facilities=pledge.facilities,
            methods=pledge.methods,
        )
        made = []
        for d in pledge.deliveries:
            made.append(
                (
                    actions.contribution_create(
                        actor=author,
                        commitment=commitment,
                        date=min(d.date, today),
                        kind=d.kind,
                        description=d.description,
                        amount=Decimal(d.amount),
                        people=d.people,
                        children_reached=d.children,
                    ),
                    d,
                )
            )
        _step(commitment, pledge.status, author, admin)
        for contribution, d in made:
            _step(contribution, d.status, author, admin, d.reason)


@transaction.atomic
def seed_demo() -> None:
    """Partner profiles, contacts, commitments and contributions of both demo districts."""
    if clusters.current_version() is None:
        return
    for code, slug, profiles, pledges in DISTRICTS:
        if Commitment.objects.filter(organisation__region__code=code).exists():
            continue
        users = {
            key: User.objects.get(email=demo_email(f"{slug}.{key}")) for key in ("admin", "partner")
        }
        _seed_district(code, slug, profiles, pledges, users)
