"""Demo RAD KLA 2025–2029 for Kabupaten Bekasi and Kabupaten Gunung Mas: per indicator a
programme, an activity and a sub-activity with targets and budgets, and a year of quarterly
progress reports (2025 accepted; 2026 partly submitted, one returned). Figures are invented."""

from __future__ import annotations

import datetime
from decimal import Decimal as D

from django.db import transaction

from layak.accounts.models import User
from layak.frameworks.models import Indicator
from layak.organisations.models import Membership, Organisation
from layak.organisations.roles import Role
from layak.plans import actions
from layak.plans.models import Plan, PlanItem
from layak.regions.models import Region

# indicator (its KLA 2024 code: K2-9 is PAUD-HI, K2-10 alternative care) → (office short name,
# programme, activity, sub-activity, performance indicator,
# unit, baseline, yearly target, yearly APBD in millions, partner kinds giving CSR)
ROWS: dict[str, tuple[str, str, str, str, str, str, int, int, int]] = {
    "KL-1": (
        "Setda",
        "Program penataan peraturan daerah",
        "Penyusunan produk hukum daerah",
        "Penyusunan Perbup pelaksanaan Perda KLA",
        "Produk hukum KLA ditetapkan",
        "dokumen",
        1,
        1,
        150,
    ),
    "KL-2": (
        "DP3A",
        "Program pengarusutamaan hak anak",
        "Penguatan kelembagaan KLA",
        "Rapat koordinasi Gugus Tugas KLA",
        "Rapat koordinasi terlaksana",
        "rapat",
        4,
        6,
        120,
    ),
    "KL-3": (
        "DP3A",
        "Program kemitraan pemenuhan hak anak",
        "Penguatan jejaring mitra",
        "Forum CSR dan APSAI daerah",
        "Mitra dunia usaha terlibat",
        "lembaga",
        5,
        8,
        80,
    ),
    "K1-4": (
        "Disdukcapil",
        "Program pendaftaran penduduk",
        "Pelayanan pencatatan sipil",
        "Jemput bola akta kelahiran di desa dan sekolah",
        "Akta kelahiran anak terbit",
        "akta",
        9000,
        12000,
        600,
    ),
    "K1-5": (
        "Diskominfo",
        "Program informasi dan komunikasi publik",
        "Pengelolaan informasi layak anak",
        "Pojok baca dan ruang informasi layak anak",
        "Titik informasi layak anak",
        "titik",
        10,
        15,
        200,
    ),
    "K1-6": (
        "DP3A",
        "Program pemenuhan hak anak",
        "Fasilitasi partisipasi anak",
        "Musrenbang Anak dan pelatihan Forum Anak",
        "Forum Anak kecamatan aktif",
        "forum",
        8,
        12,
        180,
    ),
    "K2-7": (
        "DP3A",
        "Program perlindungan khusus anak",
        "Pencegahan perkawinan anak",
        "Sosialisasi pencegahan perkawinan anak di sekolah",
        "Sekolah tersosialisasi",
        "sekolah",
        20,
        40,
        250,
    ),
    "K2-8": (
        "DP3A",
        "Program peningkatan kualitas keluarga",
        "Layanan PUSPAGA",
        "Konseling pengasuhan bagi orang tua",
        "Keluarga terlayani konseling",
        "keluarga",
        300,
        450,
        220,
    ),
    "K2-9": (
        "Disdik",
        "Program pengelolaan pendidikan",
        "Pengembangan PAUD-HI",
        "Pelatihan pendidik PAUD holistik integratif",
        "Lembaga PAUD-HI",
        "lembaga",
        60,
        90,
        400,
    ),
    "K2-10": (
        "Dinsos",
        "Program rehabilitasi sosial",
        "Pengasuhan alternatif",
        "Standardisasi LKSA",
        "LKSA terakreditasi",
        "lembaga",
        3,
        5,
        180,
    ),
    "K2-11": (
        "DPUPR",
        "Program penataan ruang",
        "Infrastruktur ramah anak",
        "Pembangunan trotoar dan zona selamat sekolah",
        "Zona selamat sekolah",
        "lokasi",
        12,
        20,
        900,
    ),
    "K3-12": (
        "Dinkes",
        "Program pemenuhan upaya kesehatan",
        "Pelayanan kesehatan ibu",
        "Persalinan di fasilitas kesehatan",
        "Persalinan di faskes",
        "%",
        92,
        97,
        700,
    ),
    "K3-13": (
        "Dinkes",
        "Program pemenuhan upaya kesehatan",
        "Penanganan gizi",
        "Pemberian makanan tambahan balita stunting",
        "Balita stunting tertangani",
        "balita",
        1500,
        2200,
        850,
    ),
    "K3-14": (
        "Dinkes",
        "Program pemenuhan upaya kesehatan",
        "Pemberian makan bayi dan anak",
        "Kelas ibu balita dan konseling PMBA",
        "Kelas ibu balita",
        "kelas",
        80,
        120,
        300,
    ),
    "K3-15": (
        "Dinkes",
        "Program pemenuhan upaya kesehatan",
        "Puskesmas ramah anak",
        "Pendampingan puskesmas PRAP",
        "Puskesmas ramah anak",
        "puskesmas",
        20,
        30,
        260,
    ),
    "K3-16": (
        "DPUPR",
        "Program pengelolaan air minum",
        "Air minum dan sanitasi",
        "Sambungan air minum rumah tangga",
        "Rumah tangga tersambung",
        "SR",
        4000,
        6000,
        1500,
    ),
    "K3-17": (
        "Satpol PP",
        "Program ketenteraman dan ketertiban",
        "Penegakan KTR",
        "Operasi kawasan tanpa rokok",
        "Operasi KTR",
        "kali",
        6,
        12,
        90,
    ),
    "K4-18": (
        "Disdik",
        "Program pengelolaan pendidikan",
        "Wajib belajar 12 tahun",
        "Penanganan anak tidak sekolah",
        "Anak kembali bersekolah",
        "anak",
        400,
        700,
        500,
    ),
    "K4-19": (
        "Disdik",
        "Program pengelolaan pendidikan",
        "Sekolah ramah anak",
        "Pendampingan sekolah ramah anak",
        "Sekolah ramah anak",
        "sekolah",
        150,
        220,
        350,
    ),
    "K4-20": (
        "Disparbud",
        "Program pengembangan kebudayaan",
        "Pusat kreativitas anak",
        "Pengelolaan pusat kreativitas anak",
        "Kegiatan kreativitas anak",
        "kegiatan",
        12,
        24,
        210,
    ),
    "K5-21A": (
        "DP3A",
        "Program perlindungan khusus anak",
        "Pencegahan kekerasan terhadap anak",
        "Sosialisasi pencegahan kekerasan di sekolah dan desa",
        "Kegiatan pencegahan terlaksana",
        "kegiatan",
        12,
        20,
        150,
    ),
    "K5-21B": (
        "DP3A",
        "Program perlindungan khusus anak",
        "Layanan UPTD PPA",
        "Pendampingan anak korban kekerasan",
        "Anak korban terlayani",
        "anak",
        150,
        200,
        450,
    ),
    "K5-21C": (
        "Dinsos",
        "Program perlindungan khusus anak",
        "Penghapusan pekerja anak",
        "Penarikan pekerja anak kembali ke sekolah",
        "Anak ditarik dari pekerjaan",
        "anak",
        30,
        45,
        90,
    ),
    "K5-22A": (
        "Dinsos",
        "Program rehabilitasi sosial",
        "Anak dalam situasi darurat",
        "Layanan anak korban NAPZA dan HIV/AIDS",
        "Anak terlayani",
        "anak",
        40,
        60,
        200,
    ),
    "K5-22B": (
        "DP3A",
        "Program penanggulangan bencana",
        "Anak dalam situasi bencana",
        "Ruang ramah anak di pengungsian",
        "Ruang ramah anak tersedia",
        "lokasi",
        2,
        4,
        110,
    ),
    "K5-23A": (
        "Dinsos",
        "Program rehabilitasi sosial",
        "Anak penyandang disabilitas",
        "Alat bantu dan terapi anak disabilitas",
        "Anak disabilitas terlayani",
        "anak",
        120,
        180,
        260,
    ),
    "K5-23B": (
        "Dinsos",
        "Program rehabilitasi sosial",
        "Anak dengan perilaku sosial menyimpang",
        "Konseling dan pembinaan anak PSM",
        "Anak PSM dibina",
        "anak",
        35,
        50,
        95,
    ),
    "K5-24A": (
        "Dinsos",
        "Program rehabilitasi sosial",
        "Anak berhadapan dengan hukum",
        "Pendampingan diversi ABH",
        "ABH didampingi",
        "anak",
        25,
        35,
        120,
    ),
    "K5-24B": (
        "Dinsos",
        "Program rehabilitasi sosial",
        "Anak korban stigmatisasi",
        "Pendampingan anak dari keluarga terpapar terorisme",
        "Anak didampingi",
        "anak",
        3,
        5,
        60,
    ),
    "KD-25": (
        "DP3A",
        "Program pengarusutamaan hak anak",
        "Pengembangan Kecamatan Layak Anak",
        "Pendampingan kecamatan menuju KELANA",
        "Kecamatan layak anak",
        "kecamatan",
        4,
        8,
        140,
    ),
    "KD-26": (
        "DPMD",
        "Program pemberdayaan masyarakat desa",
        "Pengembangan Desa/Kelurahan Layak Anak",
        "Pendampingan desa/kelurahan menuju DEKELA",
        "Desa/kelurahan layak anak",
        "desa",
        40,
        80,
        220,
    ),
}
REGULATION = {
    "32.16": ("Peraturan Bupati Bekasi Nomor 27 Tahun 2025", datetime.date(2025, 3, 17)),
    "62.10": ("Peraturan Bupati Gunung Mas Nomor 14 Tahun 2025", datetime.date(2025, 4, 8)),
}
TOTAL_APBD = {"32.16": D("7200000000000"), "62.10": D("1650000000000")}


def _admin(region: Region) -> User:
    m = (
        Membership.objects.filter(
            organisation__region=region, role=Role.DISTRICT_ADMIN, is_active=True
        )
        .select_related("user")
        .first()
    )
    assert m is not None
    return m.user


def _office(region: Region, acronym: str) -> Organisation:
    return Organisation.objects.get(region=region, acronym=acronym)


def _operator(region: Region, office: Organisation, admin: User) -> User:
    m = Membership.objects.filter(
        organisation=office, role=Role.OFFICE_OPERATOR, is_active=True
    ).first()
    return m.user if m else admin


@transaction.atomic
def seed_district(code: str) -> Plan | None:
    region = Region.objects.get(code=code)
    if Plan.objects.filter(region=region).exists():
        return None
    admin = _admin(region)
    number, date = REGULATION[code]
    plan = actions.plan_create(
        actor=admin,
        region=region,
        title="RAD KLA 2025–2029",
        start_year=2025,
        regulation_number=number,
        regulation_date=date,
    )
    scale = D(1) if code == "32.16" else D("0.3")
    indicators = {i.code: i for i in Indicator.objects.filter(version=plan.version)}
    partners = list(actions.district_partners(region))
    business = [p for p in partners if p.kind == "business"]
    for n, (ind_code, row) in enumerate(ROWS.items(), start=1):
        office_code, programme, activity, sub, perf, unit, base, target, millions = row
        indicator = indicators.get(ind_code)
        if indicator is None:
            continue
        office = _office(region, office_code)
        common = {
            "actor": admin,
            "plan": plan,
            "item": None,
            "indicator": indicator,
            "responsible": office,
        }
        p = actions.item_save(
            **common,  # type: ignore[arg-type]
            level=PlanItem.Level.PROGRAMME,
            parent=None,
            ref=f"P{n}",
            budget_code="",
            name=programme,
            partners=[],
            performance_indicator=f"{perf} (program)",
            unit=unit,
            baseline=D(base),
            years={},
        )
        a = actions.item_save(
            **common,  # type: ignore[arg-type]
            level=PlanItem.Level.ACTIVITY,
            parent=p,
            ref=f"P{n}.A1",
            budget_code="",
            name=activity,
            partners=[],
            performance_indicator=f"{perf} (kegiatan)",
            unit=unit,
            baseline=D(base),
            years={},
        )
        years: dict[int, dict[str, D | None]] = {}
        for k, year in enumerate(plan.years):
            yearly = D(target) * (1 + D(k) / 10)
            if unit == "%":
                yearly = min(D(target) + k, D(100))
            csr = (
                D(millions) * D("0.1") * 1_000_000
                if ind_code in ("K1-4", "K3-13", "K4-19")
                else D(0)
            )
            years[year] = {
                "target": (yearly * (scale if unit != "%" else 1)).quantize(D(1)),
                "apbd": (D(millions) * 1_000_000 * scale * (1 + D(k) / 20)).quantize(D(1000)),
                "apbn": D(millions) * 200_000 if ind_code.startswith("K3") else D(0),
                "village": D(25_000_000) if ind_code in ("K1-6", "K2-7") else D(0),
                "csr": csr,
                "other": D(0),
            }
        actions.item_save(
            **common,  # type: ignore[arg-type]
            level=PlanItem.Level.SUB_ACTIVITY,
            parent=a,
            ref=f"P{n}.A1.S1",
            name=sub,
            budget_code=f"{n + 1}.{n % 9 + 1:02}.01.2.{n % 7 + 1:02}.{n:04}",
            partners=business[:1] if years[2025]["csr"] else [],
            performance_indicator=perf,
            unit=unit,
            baseline=D(base),
            years=years,
        )
    for year in (2025, 2026):
        actions.budget_total_set(
            actor=admin,
            region=region,
            year=year,
            total=TOTAL_APBD[code] * (1 + D(year - 2025) / 20),
        )
    _reports(plan, admin)
    return plan


def _reports(plan: Plan, admin: User) -> None:
    """2025: four accepted quarters per office; 2026: Q1–Q2 accepted, Q3 submitted (one office's
    returned with a reason)."""
    offices = Organisation.objects.filter(plan_items__plan=plan).distinct().order_by("name")
    for i, office in enumerate(offices):
        user = _operator(plan.region, office, admin)
        periods = [(2025, q) for q in (1, 2, 3, 4)] + [(2026, q) for q in (1, 2, 3)]
        for year, period in periods:
            report = actions.report_create(
                actor=admin, plan=plan, organisation=office, year=year, period=period
            )
            entries = {}
            for entry in report.entries.select_related("item"):
                target = entry.item.years.get(year=year)
                share = D("0.22") if (i + period) % 4 == 0 else D("0.26")
                per_quarter = ((target.target or D(0)) * share).quantize(D(1))
                entries[entry.pk] = {
                    "output": per_quarter,
                    "budget": (target.budget * share).quantize(D(1000)),
                    "done": f"Pelaksanaan {entry.item.name.lower()} triwulan {period}.",
                    "planned": "Melanjutkan kegiatan sesuai jadwal triwulan berikutnya.",
                    "obstacles": "" if (i + period) % 4 else "Anggaran perubahan belum cair.",
                }
            actions.report_save(actor=user, report=report, entries=entries)
            if (year, period) == (2026, 3) and i % 5 == 4:
                continue  # still a draft
            actions.report_submit(actor=user, report=report)
            if (year, period) == (2026, 3):
                if i % 5 == 1:
                    actions.report_return(
                        actor=admin,
                        report=report,
                        reason="Lampirkan daftar hadir dan dokumentasi kegiatan.",
                    )
                continue
            actions.report_accept(actor=admin, report=report)


def seed_demo() -> None:
    for code in ("32.16", "62.10"):
        seed_district(code)
