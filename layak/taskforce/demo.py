"""Demo task forces of Kabupaten Bekasi and Kabupaten Gunung Mas: their decrees (Bekasi's older
one superseded), about twenty people across the sub-teams, and a year and a bit of coordination
meetings with attendance, decisions and follow-ups, made through the same action functions
people use. People are invented; offices are the demo districts' real ones.

Follows the seed reports: the Sekda opens the coordination meeting of the task force, the head
of DP3A runs its secretariat, the offices report on the evaluation's data and the RAD KLA.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from io import BytesIO

from django.db import transaction

from layak.accounts.models import User
from layak.core.demo import DISTRICTS, demo_email
from layak.evaluation.demo import tiny_pdf
from layak.evidence.attachments import attachment_add
from layak.organisations.models import Organisation
from layak.regions.models import Region
from layak.taskforce import actions
from layak.taskforce.models import Decree, Member, TaskForceRole

D = datetime.date
R = TaskForceRole

# (name, position, organisation acronym or name, role, sub-team, sex)
Person = tuple[str, str, str, str, str, str]


@dataclass
class Rapat:
    date: datetime.date
    title: str
    agenda: str
    place: str
    minutes: str
    decisions: list[str]
    # (what, owner acronym, due date, "done" note or "" for open)
    follow_ups: list[tuple[str, str, datetime.date, str]] = field(default_factory=list)
    absent: int = 3  # how many of those invited did not come
    guests: list[tuple[str, str, str, str]] = field(default_factory=list)  # name, pos, org, sex


@dataclass
class TaskForce:
    slug: str
    old_decree: tuple[str, datetime.date] | None
    old_people: list[Person]
    number: str
    signed_on: datetime.date
    period_end: datetime.date
    signatory: str
    people: list[Person]
    meetings: list[Rapat]


BEKASI = TaskForce(
    slug="bekasi",
    old_decree=("HK.02.02/Kep.112-DP3A/2021", D(2021, 3, 8)),
    old_people=[
        ("H. Endang Suherman, M.Si.", "Sekretaris Daerah", "Setda", R.CHAIR, "", "M"),
        ("Ir. Wahyu Hidayat", "Kepala Bappeda", "Bappeda", R.VICE_CHAIR, "", "M"),
        ("Dra. Euis Komalasari", "Kepala DP3A", "DP3A", R.SECRETARY, "", "F"),
        ("Asep Saepudin, S.T.", "Sekretaris Bappeda", "Bappeda", R.COORDINATOR, "KL", "M"),
        ("Agus Salim, S.H.", "Kepala Disdukcapil", "Disdukcapil", R.COORDINATOR, "K1", "M"),
        ("dr. Hana Marlina", "Kepala Dinas Kesehatan", "Dinkes", R.COORDINATOR, "K3", "F"),
    ],
    number="HK.02.02/Kep.48-DP3A/2024",
    signed_on=D(2024, 2, 12),
    period_end=D(2028, 12, 31),
    signatory="Bupati Bekasi",
    people=[
        ("H. Endang Suherman, M.Si.", "Sekretaris Daerah", "Setda", R.CHAIR, "", "M"),
        ("Ir. Wahyu Hidayat", "Kepala Bappeda", "Bappeda", R.VICE_CHAIR, "", "M"),
        ("Dra. Nia Kurniasih, M.M.", "Kepala DP3A", "DP3A", R.SECRETARY, "", "F"),
        ("Asep Saepudin, S.T.", "Sekretaris Bappeda", "Bappeda", R.COORDINATOR, "KL", "M"),
        ("Rudi Hermawan, S.Kom.", "Kabid Informasi Publik", "Diskominfo", R.MEMBER, "KL", "M"),
        ("Fajar Nugraha", "Pemimpin Redaksi", "Radio SB", R.MEMBER, "KL", "M"),
        ("Agus Salim, S.H.", "Kepala Disdukcapil", "Disdukcapil", R.COORDINATOR, "K1", "M"),
        ("Nadia (remaja)", "Ketua Forum Anak", "Forum Anak", R.MEMBER, "K1", "F"),
        ("Yayat Supriyatna, S.Sos.", "Kepala Dinas Sosial", "Dinsos", R.COORDINATOR, "K2", "M"),
        ("Hj. Ratna Dewi", "Ketua Pokja I", "TP PKK", R.MEMBER, "K2", "F"),
        (
            "dr. Rina Kusumawati, M.Kes.",
            "Kepala Dinas Kesehatan",
            "Dinkes",
            R.COORDINATOR,
            "K3",
            "F",
        ),
        ("Andi Pratama", "Manajer CSR", "PT SCS", R.MEMBER, "K3", "M"),
        ("Drs. Bambang Sutrisno", "Kepala Dinas Pendidikan", "Disdik", R.COORDINATOR, "K4", "M"),
        ("Lilis Suryani, S.Pd.", "Kabid Kebudayaan", "Disparbud", R.MEMBER, "K4", "F"),
        ("Dr. Yusuf Maulana", "Dosen Psikologi", "UPB", R.MEMBER, "K4", "M"),
        (
            "Siti Nurhasanah, S.Psi.",
            "Kabid Perlindungan Anak DP3A",
            "DP3A",
            R.COORDINATOR,
            "K5",
            "F",
        ),
        ("Heri Kurnia", "Ketua", "LPA", R.MEMBER, "K5", "M"),
        ("KH. Abdul Rosyid", "Ketua Komisi Perempuan dan Anak", "MUI", R.MEMBER, "K5", "M"),
        ("Tatang Sukarna", "Kabid Penegakan Perda", "Satpol PP", R.MEMBER, "K5", "M"),
    ],
    meetings=[
        Rapat(
            D(2025, 1, 21),
            "Rapat Koordinasi Gugus Tugas KLA Tahun 2025",
            "1. Persepsi gugus tugas tentang tahapan pengembangan KLA\n"
            "2. Pembagian tugas pengisian evaluasi mandiri KLA 2025",
            "Hotel Primebizz, Cikarang",
            "Sekretaris Daerah membuka rapat dan meminta seluruh perangkat daerah memantau dan "
            "mengevaluasi rencana aksi daerah. Kepala DP3A memaparkan tahapan evaluasi KLA 2025 "
            "dan pembagian indikator per perangkat daerah.",
            [
                "Setiap perangkat daerah menunjuk satu operator evaluasi KLA.",
                "Data dukung klaster I–V dikumpulkan paling lambat 28 Februari 2025.",
            ],
            [
                (
                    "Menunjuk operator evaluasi KLA dan mengirim namanya ke DP3A",
                    "Dinkes",
                    D(2025, 1, 31),
                    "Surat penunjukan operator dikirim 27 Januari 2025.",
                ),
                (
                    "Menyiapkan data kepemilikan akta kelahiran anak per kecamatan",
                    "Disdukcapil",
                    D(2025, 2, 28),
                    "Data akta kelahiran 23 kecamatan diunggah ke Layak.",
                ),
            ],
            guests=[("Iwan Setiawan", "Sekretaris Kecamatan", "Kantor Kecamatan", "M")],
        ),
        Rapat(
            D(2025, 3, 13),
            "Rapat Koordinasi Pengisian Evaluasi Mandiri KLA 2025",
            "Pemantauan kelengkapan jawaban dan data dukung evaluasi mandiri",
            "Ruang Rapat Bappeda, Komplek Perkantoran Pemkab Bekasi",
            "Kelengkapan jawaban mencapai 62 persen. Klaster III dan V masih kurang data dukung "
            "yang dipilah menurut jenis kelamin dan umur.",
            ["Klaster III dan V melengkapi data dukung terpilah paling lambat 31 Maret 2025."],
            [
                (
                    "Melengkapi data persalinan di fasilitas kesehatan terpilah per kecamatan",
                    "Dinkes",
                    D(2025, 3, 31),
                    "Data 2024 dari 47 puskesmas dilengkapi.",
                ),
                (
                    "Menyusun rekap layanan anak korban kekerasan dari UPTD PPA",
                    "DP3A",
                    D(2025, 3, 31),
                    "Rekap SIMFONI-PPA 2024 diunggah.",
                ),
            ],
        ),
        Rapat(
            D(2025, 5, 20),
            "Rapat Koordinasi Tindak Lanjut Verifikasi Administrasi",
            "Tindak lanjut catatan verifikasi administrasi Provinsi Jawa Barat",
            "Aula DP3A Kabupaten Bekasi",
            "Provinsi mengembalikan tiga butir dengan catatan. Perangkat daerah terkait "
            "menyampaikan rencana perbaikan.",
            ["Perbaikan butir yang dikembalikan diunggah dalam tujuh hari kerja."],
            [
                (
                    "Mengunggah SK kawasan tanpa rokok yang telah diperbarui",
                    "Satpol PP",
                    D(2025, 5, 30),
                    "SK diunggah 28 Mei 2025.",
                ),
            ],
        ),
        Rapat(
            D(2025, 8, 27),
            "Rapat Evaluasi Hasil Penilaian KLA 2025",
            "Capaian predikat Nindya dan rencana menuju Utama",
            "Ruang Rapat Sekda, Gedung Pemkab Bekasi",
            "Kabupaten Bekasi meraih predikat Nindya. Catatan penilai: pelarangan iklan rokok dan "
            "sekolah ramah anak perlu diperluas.",
            [
                "Menyusun peta jalan menuju predikat Utama.",
                "Memperluas sekolah ramah anak ke 60 sekolah pada 2026.",
            ],
            [
                (
                    "Menyusun rencana perluasan sekolah ramah anak 2026",
                    "Disdik",
                    D(2025, 10, 31),
                    "Rencana 60 sekolah disahkan kepala dinas.",
                ),
                ("Menyusun rancangan Perbup pelarangan iklan rokok", "Setda", D(2025, 12, 31), ""),
            ],
        ),
        Rapat(
            D(2025, 11, 18),
            "Rapat Koordinasi Penyusunan RAD KLA 2026",
            "Sinkronisasi program perangkat daerah ke dalam RAD KLA 2026",
            "Ruang Rapat Bappeda, Komplek Perkantoran Pemkab Bekasi",
            "Bappeda memaparkan integrasi RAD KLA dengan RPJMD. Perangkat daerah menyampaikan "
            "usulan kegiatan.",
            ["Usulan kegiatan RAD KLA 2026 disampaikan melalui Layak."],
            [
                (
                    "Menyampaikan usulan kegiatan kesehatan anak untuk RAD KLA 2026",
                    "Dinkes",
                    D(2025, 12, 15),
                    "Usulan 12 kegiatan disampaikan.",
                ),
            ],
        ),
        Rapat(
            D(2026, 2, 10),
            "Rapat Koordinasi Gugus Tugas KLA Awal Tahun 2026",
            "Persiapan evaluasi KLA 2026 dan pembaruan operator",
            "Aula DP3A Kabupaten Bekasi",
            "Sekretariat memaparkan jadwal evaluasi KLA 2026. Forum Anak menyampaikan hasil "
            "musyawarah anak.",
            ["Hasil musyawarah Forum Anak menjadi bahan RAD KLA."],
            [
                (
                    "Memutakhirkan daftar puskesmas ramah anak",
                    "Dinkes",
                    D(2026, 3, 31),
                    "Daftar 2026 diunggah: 18 puskesmas.",
                ),
            ],
        ),
        Rapat(
            D(2026, 7, 14),
            "Rapat Koordinasi Persiapan Verifikasi Lapangan KLA 2026",
            "Kesiapan lokasi verifikasi lapangan",
            "Hotel Primebizz, Cikarang",
            "Tim penilai akan meninjau puskesmas, sekolah dan ruang bermain ramah anak.",
            ["Setiap lokasi verifikasi menyiapkan dokumentasi layanan."],
            [
                (
                    "Menyiapkan dokumentasi layanan puskesmas ramah anak di lokasi verifikasi",
                    "Dinkes",
                    D(2026, 8, 31),
                    "",
                ),
                (
                    "Menyiapkan ruang bermain ramah anak di taman kecamatan",
                    "DPUPR",
                    D(2026, 8, 31),
                    "Dua taman siap dikunjungi.",
                ),
            ],
        ),
    ],
)

GUNUNG_MAS = TaskForce(
    slug="gunungmas",
    old_decree=None,
    old_people=[],
    number="188.45/212/2023",
    signed_on=D(2023, 4, 17),
    period_end=D(2027, 12, 31),
    signatory="Bupati Gunung Mas",
    people=[
        ("Drs. Yulius Tingan, M.Si.", "Sekretaris Daerah", "Setda", R.CHAIR, "", "M"),
        ("Ir. Lukas Tingkes", "Kepala Bappedalitbang", "Bappeda", R.VICE_CHAIR, "", "M"),
        ("Erni Pasaribu, S.Sos.", "Kepala DP3AP2KB", "DP3A", R.SECRETARY, "", "F"),
        ("Frans Ladju, S.E.", "Sekretaris Bappedalitbang", "Bappeda", R.COORDINATOR, "KL", "M"),
        ("Markus Ugang", "Kepala Seksi Siaran", "Radio KK", R.MEMBER, "KL", "M"),
        ("Yohana Lumbang, S.H.", "Kepala Disdukcapil", "Disdukcapil", R.COORDINATOR, "K1", "F"),
        ("Rian (remaja)", "Ketua Forum Anak", "Forum Anak", R.MEMBER, "K1", "M"),
        ("Debora Nyahu, S.Sos.", "Kepala Dinas Sosial", "Dinsos", R.COORDINATOR, "K2", "F"),
        ("Ny. Ester Dandan", "Ketua Pokja I", "TP PKK", R.MEMBER, "K2", "F"),
        ("dr. Stefanus Ahat", "Kepala Dinas Kesehatan", "Dinkes", R.COORDINATOR, "K3", "M"),
        ("Benyamin Sahay", "Kepala Humas", "PT KKL", R.MEMBER, "K3", "M"),
        ("Drs. Natalis Kiting", "Kepala Dinas Pendidikan", "Disdik", R.COORDINATOR, "K4", "M"),
        ("Pdt. Rosa Ingan", "Ketua", "FKUB", R.MEMBER, "K4", "F"),
        ("Maria Tamanggung, S.Psi.", "Kabid PPA DP3AP2KB", "DP3A", R.COORDINATOR, "K5", "F"),
        ("Yosef Bungai", "Ketua", "LPA", R.MEMBER, "K5", "M"),
    ],
    meetings=[
        Rapat(
            D(2025, 2, 17),
            "Rapat Koordinasi Evaluasi Menuju Kabupaten Gunung Mas Layak Anak",
            "Persiapan evaluasi KLA 2025 dan penyusunan RAD KLA",
            "Aula Bappedalitbang Kabupaten Gunung Mas, Kuala Kurun",
            "Sekretaris Daerah membacakan sambutan tertulis Bupati. Kepala Bappedalitbang "
            "memaparkan integrasi hak anak dalam kebijakan, program dan kegiatan.",
            ["Setiap perangkat daerah melaporkan strategi pemenuhan hak anak secara rinci."],
            [
                (
                    "Menyusun data cakupan akta kelahiran per kecamatan",
                    "Disdukcapil",
                    D(2025, 3, 31),
                    "Data 12 kecamatan diunggah.",
                ),
            ],
        ),
        Rapat(
            D(2025, 6, 16),
            "Rapat Koordinasi Gugus Tugas KLA Semester I",
            "Tindak lanjut verifikasi administrasi Provinsi Kalimantan Tengah",
            "Aula Bappedalitbang Kabupaten Gunung Mas, Kuala Kurun",
            "Provinsi meminta kelengkapan data Puskesmas ramah anak dan PAUD holistik integratif.",
            ["Data puskesmas dan PAUD-HI dilengkapi sebelum akhir Juni."],
            [
                (
                    "Melengkapi data puskesmas ramah anak",
                    "Dinkes",
                    D(2025, 6, 30),
                    "Data 8 puskesmas dilengkapi.",
                ),
            ],
        ),
        Rapat(
            D(2025, 10, 20),
            "Rapat Evaluasi Hasil Penilaian KLA 2025",
            "Capaian predikat Pratama dan langkah perbaikan",
            "Ruang Rapat Setda Kabupaten Gunung Mas",
            "Gunung Mas meraih predikat Pratama. Penguatan Forum Anak kecamatan dan layanan "
            "PUSPAGA menjadi prioritas.",
            ["Membentuk Forum Anak di seluruh kecamatan pada 2026."],
            [
                (
                    "Memfasilitasi pembentukan Forum Anak di 12 kecamatan",
                    "DP3A",
                    D(2026, 6, 30),
                    "",
                ),
            ],
        ),
        Rapat(
            D(2026, 3, 9),
            "Rapat Koordinasi Gugus Tugas KLA Tahun 2026",
            "Persiapan evaluasi mandiri KLA 2026",
            "Aula Bappedalitbang Kabupaten Gunung Mas, Kuala Kurun",
            "Sekretariat memaparkan pembukaan kembali evaluasi mandiri oleh kementerian.",
            ["Operator perangkat daerah menyelesaikan jawaban dalam dua minggu."],
            [],
        ),
    ],
)


def _organisation(short: str, key: str) -> Organisation:
    """An organisation of the district by acronym (the district's own, never a province's)."""
    qs = Organisation.objects.filter(
        region__code__in=[d.code for d in DISTRICTS if d.short == short]
    )
    return qs.get(acronym=key) if key != "Forum Anak" else qs.get(name=f"Forum Anak {short}")


def _attach_decree_file(admin: User, decree: Decree) -> None:
    pdf = tiny_pdf(f"Keputusan {decree.signatory} Nomor {decree.number}")
    attachment_add(
        actor=admin,
        owner=decree,
        data=BytesIO(pdf),
        name=f"SK Gugus Tugas KLA {decree.number.replace('/', '-')}.pdf",
        size=len(pdf),
        caption=f"SK {decree.number}",
    )


def _add_people(admin: User, decree: Decree, short: str, people: list[Person]) -> dict[str, str]:
    sexes: dict[str, str] = {}
    for name, position, org, role, sub_team, sex in people:
        actions.member_add(
            actor=admin,
            decree=decree,
            name=name,
            position=position,
            organisation=_organisation(short, org),
            role=role,
            sub_team=sub_team,
            served_from=decree.period_start,
        )
        sexes[name] = sex
    return sexes


@transaction.atomic
def seed_demo() -> None:
    """Idempotent: a district whose current decree is there is left as it is."""
    for tf in (BEKASI, GUNUNG_MAS):
        district = next(d for d in DISTRICTS if d.slug == tf.slug)
        region = Region.objects.get(code=district.code)
        if Decree.objects.filter(region=region, number=tf.number).exists():
            continue
        admin = User.objects.get(email=demo_email(f"{tf.slug}.admin"))
        operator = User.objects.get(email=demo_email(f"{tf.slug}.dinkes"))
        title = f"Pembentukan Gugus Tugas Kabupaten Layak Anak {district.short}"
        if tf.old_decree is not None:
            number, start = tf.old_decree
            old = actions.decree_create(
                actor=admin,
                region=region,
                number=number,
                title=title,
                signed_on=start,
                signatory=tf.signatory,
                period_start=start,
            )
            _attach_decree_file(admin, old)
            _add_people(admin, old, district.short, tf.old_people)
        decree = actions.decree_create(
            actor=admin,
            region=region,
            number=tf.number,
            title=title,
            signed_on=tf.signed_on,
            signatory=tf.signatory,
            period_start=tf.signed_on,
            period_end=tf.period_end,
        )
        _attach_decree_file(admin, decree)
        sexes = _add_people(admin, decree, district.short, tf.people)
        chair = decree.members.get(role=R.CHAIR)
        for rapat in tf.meetings:
            _meeting(admin, operator, region, district.short, chair, sexes, rapat)


def _meeting(
    admin: User,
    operator: User,
    region: Region,
    short: str,
    chair: Member,
    sexes: dict[str, str],
    rapat: Rapat,
) -> None:
    meeting = actions.meeting_create(
        actor=admin,
        region=region,
        title=rapat.title,
        agenda=rapat.agenda,
        date=rapat.date,
        start_time=datetime.time(9, 0),
        place=rapat.place,
        chair_member=chair,
        minutes=rapat.minutes,
        decisions=rapat.decisions,
    )
    rows = list(meeting.attendances.select_related("member").order_by("pk"))
    # The people absent vary from meeting to meeting; the chair and secretary always come.
    skip = {rows[(rapat.date.month * 3 + i * 5) % len(rows)].pk for i in range(rapat.absent)}
    marks = {
        a.pk: (
            a.pk not in skip
            or a.member_id == chair.pk
            or (a.member is not None and a.member.role == R.SECRETARY),
            sexes.get(a.name, "F"),
        )
        for a in rows
    }
    actions.attendance_record(actor=admin, meeting=meeting, marks=marks)
    for name, position, org, sex in rapat.guests:
        actions.attendee_add(
            actor=admin,
            meeting=meeting,
            name=name,
            position=position,
            organisation_name=f"{org} {short}",
            sex=sex,
            present=True,
        )
    for what, owner, due, done in rapat.follow_ups:
        follow_up = actions.follow_up_add(
            actor=admin,
            meeting=meeting,
            description=what,
            owner=_organisation(short, owner),
            due_date=due,
        )
        if done:
            actions.follow_up_complete(
                actor=operator if owner == "Dinkes" else admin, follow_up=follow_up, note=done
            )
