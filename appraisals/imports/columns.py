"""The columns of an HR office's export (BKD/BKPSDM, SIASN) and the words used in them.

Headers are matched case-, space- and punctuation-insensitively ("NIP ATASAN",
"nip_atasan", "Nip Atasan Langsung" are one column); unknown columns are
ignored, since SIASN exports carry dozens we do not use. Values of the kind
and status columns accept the codes and the Indonesian labels, in any case.
"""

from __future__ import annotations

import re

from appraisals.models import Employee, Position
from workflow.text import Text

# The canonical field names, in the order a template shows them, with their labels.
LABELS = {
    "nip": "NIP",
    "nama": "Nama",
    "kode_unit": "Kode Unit",
    "nama_unit": "Nama Unit",
    "kode_unit_induk": "Kode Unit Induk",
    "jabatan": "Jabatan",
    "jenis_jabatan": "Jenis Jabatan",
    "golongan": "Golongan",
    "nip_atasan": "NIP Atasan",
    "status_kepegawaian": "Status Kepegawaian",
    "status": "Status",
}
# Without these a row cannot be placed in the tree. An optional column that is
# absent leaves the field as it is (new rows get the model's default); present
# but empty, Jabatan and NIP Atasan mean "none".
REQUIRED = ("nip", "nama", "kode_unit", "nama_unit", "kode_unit_induk")

_ALIASES = {
    "nip": ("nip_baru", "nip_pegawai", "nip_asn"),
    "nama": ("nama_pegawai", "nama_lengkap", "nama_asn", "name"),
    "kode_unit": (
        "kode_unit_kerja",
        "kode_unor",
        "unor_id",
        "id_unor",
        "kode_satker",
        "unit_code",
    ),
    "nama_unit": ("nama_unit_kerja", "nama_unor", "unor_nama", "unit_kerja", "unit_name", "unit"),
    "kode_unit_induk": (
        "kode_induk",
        "kode_unor_induk",
        "unor_induk_id",
        "induk_unor_id",
        "kode_unit_atasan",
        "parent_unit_code",
        "parent_code",
    ),
    "jabatan": ("nama_jabatan", "jabatan_nama", "position", "position_name"),
    "jenis_jabatan": ("jenis_jabatan_nama", "jenis_jabatan_id", "position_kind"),
    "golongan": (
        "gol",
        "golongan_ruang",
        "gol_ruang",
        "pangkat_golongan",
        "golongan_nama",
        "grade",
    ),
    "nip_atasan": (
        "nip_atasan_langsung",
        "atasan_nip",
        "nip_pejabat_penilai",
        "supervisor_nip",
    ),
    "status_kepegawaian": (
        "jenis_pegawai",
        "jenis_asn",
        "status_asn",
        "kepegawaian",
        "employment",
        "employment_type",
    ),
    "status": (
        "status_pegawai_aktif",
        "status_aktif",
        "kedudukan_hukum",
        "kedudukan_hukum_nama",
        "employee_status",
    ),
}
ALIASES: dict[str, str] = {
    **{field: field for field in LABELS},
    **{alias: field for field, aliases in _ALIASES.items() for alias in aliases},
}

MAX_LENGTH = {
    "nama": Employee._meta.get_field("name").max_length,
    "kode_unit": 50,
    "kode_unit_induk": 50,
    "nama_unit": 255,
    "jabatan": Position._meta.get_field("name").max_length,
    "golongan": Employee._meta.get_field("grade").max_length,
}


_PUNCTUATION = re.compile(r"[^0-9a-z]+")


def header_key(text: object) -> str:
    """ "NIP ATASAN", " nip-atasan ", "Nip_Atasan" -> "nip_atasan"."""
    return _PUNCTUATION.sub("_", str(text or "").replace("\ufeff", "").lower()).strip("_")


def value_key(text: str) -> str:
    """ "Jabatan  Fungsional", "JABATAN_FUNGSIONAL" -> "jabatan fungsional"."""
    return " ".join(_PUNCTUATION.sub(" ", text.lower()).split())


K = Position.Kind
POSITION_KINDS = {
    **{kind.value: kind.value for kind in K},
    **{value_key(kind.label): kind.value for kind in K},
    "pimpinan tinggi": K.JPT,
    "jpt pratama": K.JPT,
    "jpt madya": K.JPT,
    "jpt utama": K.JPT,
    "pimpinan tinggi pratama": K.JPT,
    "pimpinan tinggi madya": K.JPT,
    "pimpinan tinggi utama": K.JPT,
    "eselon i": K.JPT,
    "eselon ii": K.JPT,
    "eselon iii": K.ADMINISTRATOR,
    "eselon iv": K.PENGAWAS,
    "administrasi": K.ADMINISTRATOR,
    # Before 2019 pelaksana were "jabatan fungsional umum" (JFU) and
    # fungsional "jabatan fungsional tertentu" (JFT); old exports still say so.
    "jfu": K.PELAKSANA,
    "fungsional umum": K.PELAKSANA,
    "jft": K.FUNGSIONAL,
    "fungsional tertentu": K.FUNGSIONAL,
}


def position_kind(text: str) -> str | None:
    key = value_key(text)
    if key.startswith("jabatan "):
        key = key.removeprefix("jabatan ")
    return POSITION_KINDS.get(key)


EMPLOYMENT = {
    "pns": Employee.Kind.PNS,
    # A CPNS is appraised like a PNS; the model has no separate kind.
    "cpns": Employee.Kind.PNS,
    "pegawai negeri sipil": Employee.Kind.PNS,
    "pppk": Employee.Kind.PPPK,
    "p3k": Employee.Kind.PPPK,
    "pegawai pemerintah dengan perjanjian kerja": Employee.Kind.PPPK,
}

# Status -> active. Only "aktif" keeps an employee active; every other
# kedudukan hukum ends or suspends their appraisal (PermenPANRB 8/2021 annex).
STATUSES = {
    "aktif": True,
    "active": True,
    "aktif bekerja": True,
    "nonaktif": False,
    "non aktif": False,
    "tidak aktif": False,
    "inactive": False,
    "pensiun": False,
    "retired": False,
    "meninggal": False,
    "meninggal dunia": False,
    "wafat": False,
    "deceased": False,
    "berhenti": False,
    "diberhentikan": False,
    "dismissed": False,
    "diberhentikan sementara": False,
    "pemberhentian sementara": False,
    "cltn": False,
    "cuti di luar tanggungan negara": False,
    "mutasi keluar": False,
    "pindah keluar": False,
}
STATUS_HINT = "aktif, nonaktif, pensiun, meninggal, diberhentikan, CLTN"


# What each column holds, with an example: the import page's column list and template.
DESCRIPTIONS: dict[str, tuple[Text, str]] = {
    "nip": (
        Text("NIP baru pegawai, 18 angka.", "The employee's NIP, 18 digits."),
        "198001012005011001",
    ),
    "nama": (Text("Nama lengkap pegawai.", "The employee's full name."), "Siti Rahmawati"),
    "kode_unit": (
        Text(
            "Kode unit kerja tempat pegawai bertugas (mis. ID UNOR SIASN).",
            "Code of the employee's unit (e.g. the SIASN UNOR id).",
        ),
        "DISDIK-SD",
    ),
    "nama_unit": (Text("Nama unit kerja itu.", "That unit's name."), "Bidang Pembinaan SD"),
    "kode_unit_induk": (
        Text(
            "Kode unit di atasnya; kosong hanya untuk instansi (puncak pohon).",
            "Code of the unit above it; blank only for the instansi (the tree's top).",
        ),
        "DISDIK",
    ),
    "jabatan": (
        Text(
            "Nama jabatan pegawai; kosong berarti tanpa jabatan.",
            "The employee's position; blank means none.",
        ),
        "Kepala Seksi Kurikulum",
    ),
    "jenis_jabatan": (
        Text(
            "JPT, Administrator, Pengawas, Pelaksana atau Fungsional (juga eselon I–IV, JFU, JFT).",
            "JPT, Administrator, Pengawas, Pelaksana or Fungsional (also eselon I–IV, JFU, JFT).",
        ),
        "Pengawas",
    ),
    "golongan": (Text("Golongan ruang.", "Rank (golongan ruang)."), "III/c"),
    "nip_atasan": (
        Text(
            "NIP atasan langsung, yang menjadi pejabat penilai; kosong berarti tanpa atasan.",
            "NIP of the direct superior, who appraises; blank means none.",
        ),
        "197501012000031002",
    ),
    "status_kepegawaian": (Text("PNS, CPNS atau PPPK.", "PNS, CPNS or PPPK."), "PNS"),
    "status": (
        Text(
            f"Kedudukan pegawai: {STATUS_HINT}. Selain aktif, pegawai menjadi nonaktif.",
            f"The employee's standing: {STATUS_HINT}. Anything but aktif makes them inactive.",
        ),
        "aktif",
    ),
}
