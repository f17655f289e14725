"""Demo data: the two districts of the seed reports, Kabupaten Bekasi (Jawa Barat, 32.16) and
Kabupaten Gunung Mas (Kalimantan Tengah, 62.10), with their offices, partners, children's forum,
a province verifier for each province, a ministry administrator and an independent assessor.

Names of people and businesses are invented. Only loaded in demo mode (``make run``) and by tests.
"""

from __future__ import annotations

from base64 import b32decode
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from layak.accounts.models import User
from layak.organisations.models import Membership, Organisation
from layak.organisations.roles import OrganisationKind as K
from layak.organisations.roles import Role
from layak.regions.models import Region

DEMO_PASSWORD = "layak-demo"  # noqa: S105 - demo mode only, shown on the sign-in page
DEMO_DOMAIN = "demo.layak.id"
# The demo accounts whose role requires two-factor sign-in share this published time-based key
# (base32, 30-second codes of six digits): add it to any authenticator app to try them.
DEMO_TOTP_KEY = "LAYAKDEMOTOTPKEYKLAKABUPATENKOTA"

# Offices (OPD) every demo district has; the first is the KLA secretariat.
OFFICES: list[tuple[str, str]] = [
    ("DP3A", "Dinas Pemberdayaan Perempuan dan Perlindungan Anak"),
    ("Bappeda", "Badan Perencanaan Pembangunan Daerah"),
    ("Dinkes", "Dinas Kesehatan"),
    ("Disdik", "Dinas Pendidikan"),
    ("Disdukcapil", "Dinas Kependudukan dan Pencatatan Sipil"),
    ("Dinsos", "Dinas Sosial"),
    ("Satpol PP", "Satuan Polisi Pamong Praja"),
    ("DPMD", "Dinas Pemberdayaan Masyarakat dan Desa"),
    ("Diskominfo", "Dinas Komunikasi dan Informatika"),
    ("DPUPR", "Dinas Pekerjaan Umum dan Penataan Ruang"),
    ("Disparbud", "Dinas Pariwisata dan Kebudayaan"),
    ("Setda", "Sekretariat Daerah"),
]


@dataclass(frozen=True)
class District:
    code: str
    slug: str
    short: str
    kecamatan: str  # the kecamatan whose office and one village have demo operators
    partners: list[tuple[str, str, str]]  # (kind, acronym, name)
    people: dict[str, str]  # persona key -> full name


DISTRICTS = [
    District(
        code="32.16",
        slug="bekasi",
        short="Kabupaten Bekasi",
        kecamatan="32.16.09",
        partners=[
            (K.COMMUNITY, "TP PKK", "Tim Penggerak PKK Kabupaten Bekasi"),
            (K.COMMUNITY, "LPA", "Lembaga Perlindungan Anak Kabupaten Bekasi"),
            (K.RELIGIOUS, "MUI", "Majelis Ulama Indonesia Kabupaten Bekasi"),
            (K.BUSINESS, "PT SCS", "PT Sinar Cikarang Sejahtera"),
            (K.BUSINESS, "APSAI", "Asosiasi Perusahaan Sahabat Anak Indonesia Kabupaten Bekasi"),
            (K.MEDIA, "Radio SB", "Radio Suara Bekasi"),
            (K.UNIVERSITY, "UPB", "Universitas Pelita Bekasi"),
        ],
        people={
            "admin": "Rina Kartika",
            "operator_dinkes": "Dewi Anggraini",
            "operator_disdukcapil": "Budi Santoso",
            "partner": "Hendra Wijaya",
            "forum": "Sri Mulyani",
            "reader": "Ahmad Fauzi",
            "kecamatan": "Iwan Setiawan",
            "village": "Nur Aini",
        },
    ),
    District(
        code="62.10",
        slug="gunungmas",
        short="Kabupaten Gunung Mas",
        kecamatan="62.10.02",
        partners=[
            (K.COMMUNITY, "TP PKK", "Tim Penggerak PKK Kabupaten Gunung Mas"),
            (K.COMMUNITY, "LPA", "Lembaga Perlindungan Anak Kabupaten Gunung Mas"),
            (K.RELIGIOUS, "FKUB", "Forum Kerukunan Umat Beragama Kabupaten Gunung Mas"),
            (K.BUSINESS, "PT KKL", "PT Kahayan Kurun Lestari"),
            (K.MEDIA, "Radio KK", "Radio Kuala Kurun"),
        ],
        people={
            "admin": "Yuliana Ningsih",
            "operator_dinkes": "Tomi Saputra",
            "operator_disdukcapil": "Maria Lestari",
            "partner": "Agus Rahman",
            "forum": "Natalia Dewi",
            "reader": "Yohanes Tingang",
            "kecamatan": "Elisabet Minah",
            "village": "Daniel Nahan",
        },
    ),
]

PROVINCES = [
    (
        "32",
        "verifier.jabar",
        "DP3AKB Provinsi Jawa Barat",
        "Dinas Pemberdayaan Perempuan, Perlindungan Anak dan Keluarga Berencana "
        "Provinsi Jawa Barat",
        "Lina Marlina",
    ),
    (
        "62",
        "verifier.kalteng",
        "DP3APPKB Provinsi Kalimantan Tengah",
        "Dinas Pemberdayaan Perempuan, Perlindungan Anak, Pengendalian Penduduk dan KB "
        "Provinsi Kalimantan Tengah",
        "Rudi Hartono",
    ),
]


def demo_email(key: str) -> str:
    return f"{key}@{DEMO_DOMAIN}"


def is_seeded() -> bool:
    return Organisation.objects.filter(kind=K.MINISTRY, name=MINISTRY_NAME).exists()


MINISTRY_NAME = "Kementerian Pemberdayaan Perempuan dan Perlindungan Anak"


@transaction.atomic
def seed_demo() -> dict[str, User]:
    """Create the demo organisations and people (idempotent: nothing changes on a second run).

    Returns the demo users by persona key, e.g. ``bekasi.admin`` or ``ministry``."""
    password = make_password(DEMO_PASSWORD)
    users: dict[str, User] = {}

    def person(key: str, full_name: str) -> User:
        user, _created = User.objects.get_or_create(
            email=demo_email(key), defaults={"full_name": full_name, "password": password}
        )
        users[key] = user
        return user

    def member(user: User, organisation: Organisation, role: str) -> Membership:
        membership, _created = Membership.objects.get_or_create(
            user=user, organisation=organisation, role=role
        )
        return membership

    def org(region: Region | None, kind: str, acronym: str, name: str) -> Organisation:
        organisation, _created = Organisation.objects.get_or_create(
            region=region, name=name, defaults={"kind": kind, "acronym": acronym}
        )
        return organisation

    ministry = org(None, K.MINISTRY, "KemenPPPA", MINISTRY_NAME)
    member(person("ministry", "Siti Rahayu"), ministry, Role.MINISTRY_ADMIN)

    regions = Region.objects.in_bulk(
        [d.code for d in DISTRICTS] + [p[0] for p in PROVINCES], field_name="code"
    )
    for code, key, acronym, name, full_name in PROVINCES:
        office = org(regions[code], K.PROVINCE_OFFICE, acronym, name)
        member(person(key, full_name), office, Role.PROVINCE_VERIFIER)

    assessor_org = org(None, K.MINISTRY, "Tim Penilai", "Tim Penilai Independen KLA")
    assessor = member(person("assessor", "Dr. Wahyu Prasetyo"), assessor_org, Role.ASSESSOR)

    for district in DISTRICTS:
        region = regions[district.code]
        assessor.assigned_regions.add(region)
        offices = {
            acronym: org(region, K.GOVERNMENT_OFFICE, acronym, f"{name} {district.short}")
            for acronym, name in OFFICES
        }
        forum = org(region, K.FORUM_ANAK, "Forum Anak", f"Forum Anak {district.short}")
        partners = [org(region, kind, acr, name) for kind, acr, name in district.partners]
        p = district.people
        s = district.slug
        member(person(f"{s}.admin", p["admin"]), offices["DP3A"], Role.DISTRICT_ADMIN)
        member(person(f"{s}.dinkes", p["operator_dinkes"]), offices["Dinkes"], Role.OFFICE_OPERATOR)
        member(
            person(f"{s}.disdukcapil", p["operator_disdukcapil"]),
            offices["Disdukcapil"],
            Role.OFFICE_OPERATOR,
        )
        business = next(o for o in partners if o.kind == K.BUSINESS)
        member(person(f"{s}.partner", p["partner"]), business, Role.PARTNER_CONTRIBUTOR)
        member(person(f"{s}.forum", p["forum"]), forum, Role.FORUM_FACILITATOR)
        member(person(f"{s}.regent", p["reader"]), offices["Setda"], Role.READER)
        kecamatan = Region.objects.get(code=district.kecamatan)
        village = Region.objects.filter(parent=kecamatan).order_by("code").first()
        office = org(
            kecamatan, K.SUBDISTRICT_OFFICE, "Kecamatan", f"Kantor Kecamatan {kecamatan.name}"
        )
        member(person(f"{s}.kecamatan", p["kecamatan"]), office, Role.SUBDISTRICT_OPERATOR)
        if village is not None:
            desa = org(
                village, K.VILLAGE_GOVERNMENT, "Pemdes", f"Pemerintah Desa/Kelurahan {village.name}"
            )
            member(person(f"{s}.village", p["village"]), desa, Role.VILLAGE_OPERATOR)
    _demo_authenticators(users.values())
    return users


def _demo_authenticators(users: Iterable[User]) -> None:
    """A confirmed authenticator with the published demo key for each demo person whose role
    requires two-factor sign-in and who has none yet."""
    required = Membership.objects.filter(
        user__in=list(users), role__in=settings.OTP_REQUIRED_ROLES, is_active=True
    ).values_list("user_id", flat=True)
    has_device = TOTPDevice.objects.filter(user_id__in=required).values_list("user_id", flat=True)
    key = b32decode(DEMO_TOTP_KEY).hex()
    TOTPDevice.objects.bulk_create(
        [
            TOTPDevice(user_id=user_id, name="authenticator", key=key, confirmed=True)
            for user_id in sorted(set(required) - set(has_device))
        ]
    )


def demo_logins() -> list[dict[str, str]]:
    """The demo accounts with their first role, for the sign-in page and the README."""
    rows = (
        Membership.objects.filter(user__email__endswith=f"@{DEMO_DOMAIN}", is_active=True)
        .select_related("user", "organisation")
        .order_by("organisation__region__code", "role", "user__email")
    )
    seen: set[str] = set()
    result = []
    for m in rows:
        if m.user.email in seen:
            continue
        seen.add(m.user.email)
        result.append(
            {
                "email": m.user.email,
                "role": str(m.get_role_display()),
                "organisation": m.organisation.name,
            }
        )
    return result


__all__ = ["DEMO_PASSWORD", "DEMO_TOTP_KEY", "demo_logins", "is_seeded", "seed_demo"]
