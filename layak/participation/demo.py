"""Demo Forum Anak data of Kabupaten Bekasi and Kabupaten Gunung Mas: decrees, facilitators and
the children's proposals of Musrenbang Anak 2025 with the government's follow-up (invented;
children appear only by a first name or initials and an age group)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction

from layak.accounts.models import User
from layak.core.demo import demo_email
from layak.organisations.models import Organisation
from layak.organisations.roles import OrganisationKind
from layak.participation import actions
from layak.participation.models import Facilitator, ForumDecree, Proposal, Status
from layak.regions.models import Region

D = datetime.date


@dataclass(frozen=True)
class Idea:
    topic: str
    description: str
    to: str  # "" for the district, else the name of a kecamatan
    proposers: tuple[tuple[str, str], ...]
    status: str
    response: str = ""
    # Sub-activity of the plans demo it was taken into; skipped when the plan is not loaded.
    activity: str = ""


@dataclass(frozen=True)
class ForumDemo:
    slug: str
    kecamatan: str  # a kecamatan whose own forum is added
    decrees: tuple[tuple[str, D, D, D], ...]  # number, issued, period from, to (oldest first)
    facilitators: tuple[tuple[str, str], ...]  # name, organisation
    musrenbang: D
    ideas: tuple[Idea, ...]


FORUMS: dict[str, ForumDemo] = {
    "32.16": ForumDemo(
        slug="bekasi",
        kecamatan="Cikarang Utara",
        decrees=(
            ("400.3/Kep.112-DP3A/2023", D(2023, 3, 6), D(2023, 3, 6), D(2025, 3, 5)),
            ("400.3/Kep.87-DP3A/2025", D(2025, 3, 10), D(2025, 3, 10), D(2027, 3, 9)),
        ),
        facilitators=(
            ("Wartini Suherman", "DP3A Kabupaten Bekasi"),
            ("Rizky Pratama", "Lembaga Perlindungan Anak Kabupaten Bekasi"),
        ),
        musrenbang=D(2025, 2, 19),
        ideas=(
            Idea(
                "Ruang bermain ramah anak di setiap kecamatan",
                "Banyak anak bermain di pinggir jalan dan lahan pabrik karena tidak ada taman.",
                "",
                (("Alya", "13-15"), ("R.F.", "16-17"), ("Bagas", "10-12")),
                Status.PLANNED,
                "Masuk RAD KLA 2026: pusat kreativitas anak dikelola bersama Disparbud.",
                "Pengelolaan pusat kreativitas anak",
            ),
            Idea(
                "Zona selamat sekolah dan trotoar di Jalan Industri",
                "Jalan menuju sekolah dilalui truk kawasan industri tanpa trotoar.",
                "Cikarang Utara",
                (("Nadia", "13-15"), ("M.I.", "13-15")),
                Status.PLANNED,
                "DPUPR menganggarkan trotoar dan zona selamat sekolah tahun 2026.",
                "Pembangunan trotoar dan zona selamat sekolah",
            ),
            Idea(
                "Sosialisasi bahaya perkawinan anak oleh teman sebaya",
                "Forum Anak ingin menjadi pelopor dan pelapor di sekolah.",
                "",
                (("Salsa", "16-17"),),
                Status.DONE,
                "Dilaksanakan bersama DP3A di 12 SMP dan SMA pada Agustus 2025.",
                "Sosialisasi pencegahan perkawinan anak di sekolah",
            ),
            Idea(
                "Pojok baca di balai desa",
                "Anak-anak desa sulit mendapat buku bacaan di luar sekolah.",
                "",
                (("Fikri", "10-12"), ("D.A.", "u10")),
                Status.CONSIDERING,
                "Sedang dibahas Diskominfo dan Dinas Perpustakaan untuk APBD Perubahan.",
            ),
            Idea(
                "Wifi gratis di semua sekolah",
                "Untuk tugas daring dan mencari informasi.",
                "",
                (("Kevin", "16-17"),),
                Status.NOT_TAKEN,
                "Jaringan SMA/SMK adalah kewenangan provinsi; usulan diteruskan ke Diskominfo "
                "Provinsi Jawa Barat. Wifi di taman baca desa diusulkan lewat dana desa.",
            ),
            Idea(
                "Layanan konseling remaja di Puskesmas",
                "Remaja malu bertanya soal kesehatan reproduksi dan kesehatan jiwa.",
                "",
                (("Tasya", "13-15"), ("Y.P.", "16-17")),
                Status.RECEIVED,
            ),
        ),
    ),
    "62.10": ForumDemo(
        slug="gunungmas",
        kecamatan="Kurun",
        decrees=(("188.45/112/DP3APPKB/2024", D(2024, 5, 2), D(2024, 5, 2), D(2026, 5, 1)),),
        facilitators=(("Margaretha Inan", "DP3A Kabupaten Gunung Mas"),),
        musrenbang=D(2025, 2, 26),
        ideas=(
            Idea(
                "Perahu sekolah untuk anak di desa seberang Sungai Kahayan",
                "Anak harus menyeberang sungai dengan perahu pinjaman untuk ke sekolah.",
                "",
                (("Yosua", "13-15"), ("E.N.", "10-12")),
                Status.PLANNED,
                "Dimasukkan ke RAD KLA melalui program penanganan anak tidak sekolah.",
                "Penanganan anak tidak sekolah",
            ),
            Idea(
                "Akta kelahiran keliling ke desa-desa hulu",
                "Masih ada teman yang belum punya akta karena jauh ke Kuala Kurun.",
                "",
                (("Ririn", "16-17"),),
                Status.DONE,
                "Disdukcapil melayani 14 desa hulu pada Juli–September 2025.",
                "Jemput bola akta kelahiran di desa dan sekolah",
            ),
            Idea(
                "Lapangan olahraga dan sanggar seni budaya Dayak",
                "Tempat latihan tari dan musik tradisional untuk anak.",
                "Kurun",
                (("Natan", "13-15"), ("S.M.", "13-15")),
                Status.CONSIDERING,
                "Disparbud meninjau lahan bersama Kecamatan Kurun.",
            ),
            Idea(
                "Kawasan tanpa rokok di sekitar sekolah",
                "Warung di depan sekolah menjual rokok kepada anak.",
                "",
                (("Gita", "13-15"),),
                Status.PLANNED,
                "Satpol PP dan Dinkes menjadwalkan operasi KTR tiap triwulan.",
                "Operasi kawasan tanpa rokok",
            ),
            Idea(
                "Bus sekolah gratis ke SMA di Kuala Kurun",
                "Ongkos ojek ke sekolah mahal.",
                "",
                (("Andre", "16-17"),),
                Status.NOT_TAKEN,
                "Belum dapat dianggarkan pada 2026; dibahas lagi pada Musrenbang 2026.",
            ),
            Idea(
                "Pelatihan jurnalis cilik Forum Anak",
                "Supaya suara anak Gunung Mas terdengar lewat radio.",
                "",
                (("Lia", "10-12"), ("T.H.", "13-15")),
                Status.RECEIVED,
            ),
        ),
    ),
}


def _kecamatan_forum(admin: User, region: Region, kecamatan: Region | None) -> None:
    """The children's forum of one kecamatan (forums exist at every level)."""
    from layak.organisations.actions import organisation_create

    if kecamatan is None:
        return
    name = f"Forum Anak Kecamatan {kecamatan.name}"
    if not Organisation.objects.filter(region=kecamatan, name=name).exists():
        organisation_create(
            actor=admin,
            region=kecamatan,
            name=name,
            acronym="FA Kec.",
            kind=OrganisationKind.FORUM_ANAK,
        )


@transaction.atomic
def seed_demo() -> None:
    """Create the demo decrees, facilitators and proposals (idempotent)."""
    from layak.plans.models import PlanItem

    for code, demo in FORUMS.items():
        region = Region.objects.filter(code=code).first()
        forum = Organisation.objects.filter(region=region, kind=OrganisationKind.FORUM_ANAK).first()
        if region is None or forum is None:
            continue
        admin = User.objects.get(email=demo_email(f"{demo.slug}.admin"))
        facilitator = User.objects.get(email=demo_email(f"{demo.slug}.forum"))
        kecamatan = {r.name: r for r in Region.objects.filter(parent=region)}
        _kecamatan_forum(admin, region, kecamatan.get(demo.kecamatan))
        for number, issued, start, end in demo.decrees:
            if not ForumDecree.objects.filter(forum=forum, number=number).exists():
                actions.decree_add(
                    actor=admin,
                    forum=forum,
                    number=number,
                    issued_on=issued,
                    period_start=start,
                    period_end=end,
                )
        if not Facilitator.objects.filter(forum=forum, user=facilitator).exists():
            actions.facilitator_add(
                actor=admin, forum=forum, user=facilitator, affiliation=forum.name
            )
        for name, affiliation in demo.facilitators:
            if not Facilitator.objects.filter(forum=forum, name=name).exists():
                actions.facilitator_add(
                    actor=facilitator, forum=forum, name=name, affiliation=affiliation
                )
        for idea in demo.ideas:
            if Proposal.objects.filter(forum=forum, topic=idea.topic).exists():
                continue
            proposal = actions.proposal_create(
                actor=facilitator,
                forum=forum,
                data=actions.ProposalData(
                    topic=idea.topic,
                    description=idea.description,
                    region=kecamatan.get(idea.to, region),
                    proposed_on=demo.musrenbang,
                    source="musrenbang",
                    proposers=list(idea.proposers),
                ),
            )
            if idea.status == Status.RECEIVED:
                continue
            item = None
            if idea.activity:
                item = (
                    PlanItem.objects.filter(plan__region=region, name=idea.activity, is_active=True)
                    .order_by("pk")
                    .first()
                )
            actions.proposal_follow_up(
                actor=admin,
                proposal=proposal,
                status=idea.status,
                response=idea.response,
                plan_item=item,
            )
