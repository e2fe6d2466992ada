"""The demo's static data: the organisation's shape, its plans, names and grades."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from appraisals.models import RoleAssignment

YEAR = 2026
STARTS_ON = dt.date(YEAR, 1, 1)
ENDS_ON = dt.date(YEAR, 12, 31)
REASON = "seed_demo"
URL_HINT = "http://127.0.0.1:8000/"
ROOT_CODE = "AGARA"
ROOT_NAME = "Pemerintah Kabupaten Aceh Tenggara"
DEFAULT_EMPLOYEES = 40
# The Sekda, a head of dinas, two heads of bidang and one staff member under each.
MIN_EMPLOYEES = 6
DEFAULT_PASSWORD = "kinerja-demo"
# Staff rows printed in the summary before "... and N more".
SUMMARY_STAFF = 5
# From this many employees on, the command reports progress while opening the cycle.
PROGRESS_FROM = 500

# The order of roles in api-contract.md's /api/me/.
ROLE_ORDER = (
    "staff",
    "supervisor",
    "appeal_reviewer",
    "panel",
    "authority",
    "inspector",
    "hr_admin",
)
ROLE_USERS = (
    # username, role, display name
    ("hr_admin", RoleAssignment.Role.HR_ADMIN, "Pengelola Kinerja BKPSDM"),
    ("inspektur", RoleAssignment.Role.INSPECTOR, "Auditor Inspektorat"),
    ("tim_penilai", RoleAssignment.Role.PANEL, "Tim Penilai Kinerja"),
    ("ppk", RoleAssignment.Role.AUTHORITY, "Pejabat Pembina Kepegawaian"),
)

SEKDA_PLAN = [
    (
        "Meningkatnya kualitas pelayanan publik di lingkungan Pemerintah Kabupaten Aceh Tenggara",
        ("Indeks Kepuasan Masyarakat (IKM) gabungan perangkat daerah", "quality", "≥ 82"),
    ),
    (
        "Meningkatnya akuntabilitas kinerja perangkat daerah",
        ("Nilai evaluasi SAKIP kabupaten", "quality", "BB"),
    ),
]


@dataclass(frozen=True)
class DinasSpec:
    slug: str
    code: str
    name: str
    bidang: tuple[str, str]
    fungsional: str
    pelaksana: str
    # (result, (indicator name, aspect, target)), the first cascades from the Sekda's first item.
    plan: tuple
    bidang_plan: tuple


DINAS = (
    DinasSpec(
        slug="pendidikan",
        code="DISDIK",
        name="Dinas Pendidikan",
        bidang=("Bidang Pembinaan Sekolah Dasar", "Bidang Pembinaan Sekolah Menengah Pertama"),
        fungsional="Pengembang Teknologi Pembelajaran Ahli Pertama",
        pelaksana="Pengadministrasi Perkantoran",
        plan=(
            (
                "Meningkatnya mutu layanan pendidikan dasar",
                ("Persentase sekolah terakreditasi minimal B", "quantity", "85%"),
            ),
            (
                "Terlaksananya tata kelola keuangan dinas yang akuntabel",
                ("Realisasi anggaran dinas", "cost", "≥ 95%"),
            ),
        ),
        bidang_plan=(
            (
                "Meningkatnya angka partisipasi murni SD/MI",
                ("Angka Partisipasi Murni SD", "quantity", "98%"),
            ),
            (
                "Meningkatnya kelulusan SMP tepat waktu",
                ("Persentase siswa SMP lulus tepat waktu", "time", "95%"),
            ),
        ),
    ),
    DinasSpec(
        slug="kesehatan",
        code="DINKES",
        name="Dinas Kesehatan",
        bidang=("Bidang Pelayanan Kesehatan", "Bidang Pencegahan dan Pengendalian Penyakit"),
        fungsional="Epidemiolog Kesehatan Ahli Pertama",
        pelaksana="Pengelola Layanan Kesehatan",
        plan=(
            (
                "Meningkatnya derajat kesehatan masyarakat",
                ("Prevalensi stunting balita", "quality", "≤ 14%"),
            ),
            (
                "Terpenuhinya standar pelayanan minimal bidang kesehatan",
                ("Capaian SPM bidang kesehatan", "quantity", "100%"),
            ),
        ),
        bidang_plan=(
            (
                "Meningkatnya mutu layanan puskesmas",
                ("Jumlah puskesmas terakreditasi paripurna", "quantity", "6 puskesmas"),
            ),
            (
                "Meningkatnya cakupan imunisasi dasar lengkap",
                ("Cakupan imunisasi dasar lengkap", "quantity", "95%"),
            ),
        ),
    ),
    DinasSpec(
        slug="perhubungan",
        code="DISHUB",
        name="Dinas Perhubungan",
        bidang=("Bidang Lalu Lintas dan Angkutan Jalan", "Bidang Sarana dan Prasarana"),
        fungsional="Penguji Kendaraan Bermotor Terampil",
        pelaksana="Pengelola Sarana dan Prasarana",
        plan=(
            (
                "Meningkatnya keselamatan dan kelancaran lalu lintas",
                ("Penurunan angka kecelakaan lalu lintas", "quantity", "10%"),
            ),
        ),
        bidang_plan=(
            (
                "Terlaksananya uji berkala kendaraan bermotor",
                ("Kendaraan wajib uji yang diuji tepat waktu", "time", "90%"),
            ),
            (
                "Tersedianya perlengkapan jalan yang memadai",
                ("Rambu dan marka jalan terpasang", "quantity", "250 unit"),
            ),
        ),
    ),
    DinasSpec(
        slug="sosial",
        code="DINSOS",
        name="Dinas Sosial",
        bidang=("Bidang Perlindungan dan Jaminan Sosial", "Bidang Rehabilitasi Sosial"),
        fungsional="Pekerja Sosial Ahli Pertama",
        pelaksana="Pengolah Data dan Informasi",
        plan=(
            (
                "Meningkatnya perlindungan sosial bagi masyarakat rentan",
                ("Data terpadu kesejahteraan sosial yang dimutakhirkan", "quality", "100%"),
            ),
            (
                "Meningkatnya pelayanan rehabilitasi sosial",
                (
                    "Penyandang masalah kesejahteraan sosial yang direhabilitasi",
                    "quantity",
                    "300 orang",
                ),
            ),
        ),
        bidang_plan=(
            (
                "Tersalurnya bantuan sosial tepat sasaran",
                ("Penyaluran bantuan sosial tepat waktu", "time", "100%"),
            ),
            (
                "Terlayaninya rehabilitasi sosial dasar",
                ("Penerima layanan rehabilitasi sosial dasar", "quantity", "150 orang"),
            ),
        ),
    ),
    DinasSpec(
        slug="dukcapil",
        code="DISDUKCAPIL",
        name="Dinas Kependudukan dan Pencatatan Sipil",
        bidang=(
            "Bidang Pelayanan Pendaftaran Penduduk",
            "Bidang Pelayanan Pencatatan Sipil",
        ),
        fungsional="Administrator Database Kependudukan Ahli Pertama",
        pelaksana="Operator Layanan Operasional",
        plan=(
            (
                "Meningkatnya kualitas layanan administrasi kependudukan",
                ("Dokumen kependudukan terbit dalam 1 hari kerja", "time", "90%"),
            ),
        ),
        bidang_plan=(
            (
                "Meningkatnya kepemilikan KTP elektronik",
                ("Penduduk wajib KTP yang memiliki KTP-el", "quantity", "98%"),
            ),
            (
                "Meningkatnya kepemilikan akta kelahiran anak",
                ("Anak usia 0-18 tahun yang memiliki akta kelahiran", "quantity", "95%"),
            ),
        ),
    ),
)

MALE_NAMES = (
    "Ahmad",
    "Muhammad",
    "Rizki",
    "Fajar",
    "Hendra",
    "Budi",
    "Darmawan",
    "Irfan",
    "Zulkifli",
    "Syahrul",
    "Teuku Amri",
    "Ridwan",
    "Arif",
    "Bambang",
    "Dedi",
    "Hasan",
    "Ilham",
    "Joko",
    "Khairul",
    "Mahmud",
    "Nasrul",
    "Rahmat",
    "Safrizal",
    "Taufik",
    "Yusuf",
    "Azhari",
    "Iskandar",
)
FEMALE_NAMES = (
    "Siti",
    "Nurhayati",
    "Rahmawati",
    "Dewi",
    "Putri",
    "Cut Nyak",
    "Fitri",
    "Indah",
    "Wulan",
    "Yuliana",
    "Rina",
    "Mutia",
    "Aisyah",
    "Erna",
    "Halimah",
    "Khairunnisa",
    "Lestari",
    "Maya",
    "Nurul",
    "Ratna",
    "Sri",
    "Yusnidar",
    "Zahara",
    "Agustina",
)
# Gendered middle names; "" leaves a two-part name.
MALE_MIDDLE = ("", "", "Fauzi", "Saputra", "Hidayat", "Ramadhan", "Kurniawan", "Rahman", "Putra")
FEMALE_MIDDLE = ("", "", "Sari", "Wati", "Aulia", "Rahmadani", "Fitriani", "Maulida", "Safitri")
FAMILY_NAMES = (
    "Selian",
    "Desky",
    "Keruas",
    "Pinem",
    "Sekedang",
    "Beruh",
    "Pagan",
    "Munthe",
    "Sugihen",
    "Ramin",
    "Kekaro",
    "Acih",
    "Menalu",
    "Cibero",
    "Bangko",
    "Tarigan",
    "Ginting",
    "Harahap",
    "Siregar",
    "Daulay",
    "Husin",
    "Syahputra",
    "Manik",
    "Sembiring",
)
PNS_GRADES = ("II/c", "II/d", "III/a", "III/a", "III/b", "III/c", "III/d")
PPPK_GRADES = ("V", "VII", "IX", "IX", "X")

ALREADY_SEEDED = (
    "Data demo sudah ada (unit {code} atau pengguna {users}); jalankan pada basis data "
    "kosong. / The demo data already exists (unit {code} or users {users}); run it on an "
    "empty database."
)
