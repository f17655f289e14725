"""Word lists for the benchmark dataset: offices, partners, people and RAD KLA activities.

People and businesses are invented; office names follow the usual regional nomenclature.
"""

from __future__ import annotations

from layak.organisations.roles import OrganisationKind as K

# (kind, acronym, name prefix). The order matters: a small scale takes the first ones, so every
# office the evaluation assigns questions to comes first (see ``layak.evaluation.demo``), then
# one partner of each kind and the children's forum.
ORGANISATIONS: list[tuple[str, str, str]] = [
    (K.GOVERNMENT_OFFICE, "DP3A", "Dinas Pemberdayaan Perempuan dan Perlindungan Anak"),
    (K.GOVERNMENT_OFFICE, "Bappeda", "Badan Perencanaan Pembangunan Daerah"),
    (K.GOVERNMENT_OFFICE, "Dinkes", "Dinas Kesehatan"),
    (K.GOVERNMENT_OFFICE, "Disdik", "Dinas Pendidikan"),
    (K.GOVERNMENT_OFFICE, "Disdukcapil", "Dinas Kependudukan dan Pencatatan Sipil"),
    (K.GOVERNMENT_OFFICE, "Dinsos", "Dinas Sosial"),
    (K.GOVERNMENT_OFFICE, "Satpol PP", "Satuan Polisi Pamong Praja"),
    (K.GOVERNMENT_OFFICE, "Diskominfo", "Dinas Komunikasi dan Informatika"),
    (K.GOVERNMENT_OFFICE, "DPUPR", "Dinas Pekerjaan Umum dan Penataan Ruang"),
    (K.GOVERNMENT_OFFICE, "Disparbud", "Dinas Pariwisata dan Kebudayaan"),
    (K.GOVERNMENT_OFFICE, "Setda", "Sekretariat Daerah"),
    (K.FORUM_ANAK, "Forum Anak", "Forum Anak"),
    (K.COMMUNITY, "TP PKK", "Tim Penggerak PKK"),
    (K.BUSINESS, "APSAI", "Asosiasi Perusahaan Sahabat Anak Indonesia"),
    (K.MEDIA, "RRI", "Radio Republik Indonesia Siaran Daerah"),
    (K.RELIGIOUS, "MUI", "Majelis Ulama Indonesia"),
    (K.GOVERNMENT_OFFICE, "DPMD", "Dinas Pemberdayaan Masyarakat dan Desa"),
    (K.GOVERNMENT_OFFICE, "Disnaker", "Dinas Tenaga Kerja"),
    (K.GOVERNMENT_OFFICE, "Dishub", "Dinas Perhubungan"),
    (K.GOVERNMENT_OFFICE, "DLH", "Dinas Lingkungan Hidup"),
    (K.GOVERNMENT_OFFICE, "Dispora", "Dinas Pemuda dan Olahraga"),
    (K.GOVERNMENT_OFFICE, "Dispusip", "Dinas Perpustakaan dan Kearsipan"),
    (K.GOVERNMENT_OFFICE, "BPBD", "Badan Penanggulangan Bencana Daerah"),
    (K.GOVERNMENT_OFFICE, "Disperkim", "Dinas Perumahan dan Kawasan Permukiman"),
    (K.GOVERNMENT_OFFICE, "Inspektorat", "Inspektorat Daerah"),
    (K.COMMUNITY, "LPA", "Lembaga Perlindungan Anak"),
    (K.COMMUNITY, "PATBM", "Forum Perlindungan Anak Terpadu Berbasis Masyarakat"),
    (K.COMMUNITY, "Aisyiyah", "Pimpinan Daerah Aisyiyah"),
    (K.COMMUNITY, "Fatayat NU", "Pimpinan Cabang Fatayat NU"),
    (K.RELIGIOUS, "FKUB", "Forum Kerukunan Umat Beragama"),
    (K.BUSINESS, "PT SM", "PT Sejahtera Mandiri"),
    (K.BUSINESS, "PT NB", "PT Nusantara Bangun"),
    (K.BUSINESS, "Bank Daerah", "Kantor Cabang Bank Pembangunan Daerah"),
    (K.BUSINESS, "KADIN", "Kamar Dagang dan Industri"),
    (K.MEDIA, "Radio Suara", "Radio Suara Warga"),
    (K.MEDIA, "Harian Lokal", "Harian Warta Daerah"),
    (K.MEDIA, "TV Lokal", "Televisi Lokal"),
    (K.UNIVERSITY, "Univ", "Universitas Negeri"),
    (K.UNIVERSITY, "Poltekkes", "Politeknik Kesehatan"),
    (K.COMMUNITY, "Pramuka", "Kwartir Cabang Gerakan Pramuka"),
]

FIRST_NAMES = [
    "Siti",
    "Budi",
    "Dewi",
    "Agus",
    "Rina",
    "Hendra",
    "Sri",
    "Ahmad",
    "Yuliana",
    "Tomi",
    "Maria",
    "Rudi",
    "Lina",
    "Iwan",
    "Nur",
    "Daniel",
    "Wahyu",
    "Ratna",
    "Eko",
    "Fitri",
    "Bayu",
    "Indah",
    "Joko",
    "Kartika",
    "Made",
    "Putu",
    "Ketut",
    "Yohanes",
    "Natalia",
    "Rahmat",
]
LAST_NAMES = [
    "Santoso",
    "Wijaya",
    "Lestari",
    "Rahman",
    "Kurniawan",
    "Anggraini",
    "Setiawan",
    "Saputra",
    "Hartono",
    "Marlina",
    "Pratama",
    "Hidayat",
    "Nugroho",
    "Susanti",
    "Siregar",
    "Nasution",
    "Simanjuntak",
    "Wulandari",
    "Purnomo",
    "Permata",
    "Sembiring",
    "Tingang",
    "Mulyani",
    "Aini",
]

# RAD KLA activity wording per cluster (programme, activity, sub-activity stems).
RAD_WORDS: dict[str, tuple[list[str], list[str], list[str]]] = {
    "KL": (
        ["Program Pengarusutamaan Hak Anak", "Program Penguatan Kelembagaan KLA"],
        ["Koordinasi Gugus Tugas KLA", "Penyusunan Profil Anak Daerah"],
        [
            "Rapat koordinasi",
            "Pelatihan Konvensi Hak Anak",
            "Pendampingan KELANA/DEKELA",
            "Pemutakhiran data terpilah",
        ],
    ),
    "K1": (
        ["Program Pemenuhan Hak Sipil Anak"],
        ["Pelayanan Akta Kelahiran", "Penyediaan Pusat Informasi Sahabat Anak"],
        [
            "Jemput bola akta kelahiran",
            "Penerbitan Kartu Identitas Anak",
            "Pengadaan buku bacaan",
            "Pembinaan Forum Anak",
        ],
    ),
    "K2": (
        ["Program Pemenuhan Hak Anak atas Lingkungan Keluarga"],
        ["Pencegahan Perkawinan Anak", "Penguatan PUSPAGA"],
        [
            "Sosialisasi pencegahan perkawinan anak",
            "Konseling keluarga",
            "Kelas pengasuhan",
            "Pembinaan PAUD-HI",
        ],
    ),
    "K3": (
        ["Program Pemenuhan Upaya Kesehatan Anak"],
        ["Penurunan Stunting", "Puskesmas Ramah Anak"],
        [
            "Pemberian makanan tambahan",
            "Pelatihan konselor ASI",
            "Penegakan Kawasan Tanpa Rokok",
            "Penyediaan air minum layak",
        ],
    ),
    "K4": (
        ["Program Pengelolaan Pendidikan Ramah Anak"],
        ["Pengembangan Sekolah Ramah Anak", "Penyediaan Ruang Bermain Ramah Anak"],
        ["Pelatihan guru SRA", "Pembangunan RBRA", "Festival budaya anak", "Bantuan putus sekolah"],
    ),
    "K5": (
        ["Program Perlindungan Khusus Anak"],
        ["Layanan Anak Korban Kekerasan", "Rehabilitasi Sosial Anak"],
        [
            "Pendampingan korban",
            "Rumah aman",
            "Diversi anak berhadapan dengan hukum",
            "Layanan anak penyandang disabilitas",
        ],
    ),
}
