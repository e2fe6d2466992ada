"""Every message the import shows, in Indonesian first and English alongside."""

from __future__ import annotations

from workflow.text import Text

# -- the file ---------------------------------------------------------------------------------
FILE_UNREADABLE = Text(
    id="Berkas tidak dapat dibaca: {detail}.",
    en="The file cannot be read: {detail}.",
)
FILE_NOT_UTF8 = Text(
    id="Berkas CSV harus berenkode UTF-8 (simpan ulang sebagai 'CSV UTF-8').",
    en="A CSV file must be UTF-8 encoded (save it again as 'CSV UTF-8').",
)
FILE_FORMAT = Text(
    id="Format berkas '{suffix}' tidak didukung; gunakan .csv atau .xlsx.",
    en="File format '{suffix}' is not supported; use .csv or .xlsx.",
)
FILE_TOO_LARGE = Text(
    id="Berkas terlalu besar setelah dibuka (isi paling banyak {limit} MiB); "
    "pecah menjadi beberapa berkas.",
    en="The file is too large once unzipped (at most {limit} MiB of content); "
    "split it into several files.",
)
TOO_MANY_ROWS = Text(
    id="Terlalu banyak baris: paling banyak {limit} baris data per berkas; "
    "pecah menjadi beberapa berkas.",
    en="Too many rows: at most {limit} data rows per file; split it into several files.",
)
FILE_EMPTY = Text(id="Berkas tidak berisi baris data.", en="The file has no data rows.")
COLUMN_MISSING = Text(
    id="Kolom wajib '{column}' tidak ada di baris judul.",
    en="Required column '{column}' is missing from the header row.",
)
COLUMN_TWICE = Text(
    id="Kolom '{column}' muncul lebih dari sekali (juga sebagai '{other}').",
    en="Column '{column}' appears more than once (also as '{other}').",
)

# -- one row ----------------------------------------------------------------------------------
REQUIRED_EMPTY = Text(id="{column} wajib diisi.", en="{column} is required.")
TOO_LONG = Text(
    id="{column} terlalu panjang (paling banyak {limit} karakter).",
    en="{column} is too long (at most {limit} characters).",
)
NIP_INVALID = Text(
    id="NIP harus tepat 18 digit angka, bukan '{value}'.",
    en="A NIP must be exactly 18 digits, not '{value}'.",
)
NIP_AS_NUMBER = Text(
    id="NIP '{value}' tersimpan sebagai angka sehingga digitnya hilang; format kolom sebagai teks.",
    en="NIP '{value}' was stored as a number and lost digits; format the column as text.",
)
NIP_DUPLICATE = Text(
    id="NIP {value} sudah ada di baris {first}.",
    en="NIP {value} already appears in row {first}.",
)
POSITION_KIND_UNKNOWN = Text(
    id="Jenis jabatan '{value}' tidak dikenal (jpt, administrator, pengawas, pelaksana, "
    "fungsional).",
    en="Unknown position kind '{value}' (jpt, administrator, pengawas, pelaksana, fungsional).",
)
POSITION_KIND_REQUIRED = Text(
    id="Jenis jabatan wajib diisi untuk jabatan baru '{value}'.",
    en="The position kind is required for the new position '{value}'.",
)
POSITION_KIND_CONFLICT = Text(
    id="Jabatan '{value}' di unit {unit} berjenis lain di baris {first}.",
    en="Position '{value}' in unit {unit} has another kind in row {first}.",
)
EMPLOYMENT_UNKNOWN = Text(
    id="Status kepegawaian '{value}' tidak dikenal (PNS atau PPPK).",
    en="Unknown employment status '{value}' (PNS or PPPK).",
)
STATUS_UNKNOWN = Text(
    id="Status '{value}' tidak dikenal ({hint}).",
    en="Unknown status '{value}' ({hint}).",
)

# -- the unit tree ----------------------------------------------------------------------------
UNIT_CONFLICT = Text(
    id="Unit {unit} tertulis dengan {column} lain di baris {first} ('{other}').",
    en="Unit {unit} has another {column} in row {first} ('{other}').",
)
PARENT_UNKNOWN = Text(
    id="Unit induk '{value}' tidak ditemukan di berkas maupun di basis data.",
    en="Parent unit '{value}' is found neither in the file nor in the database.",
)
UNIT_CYCLE = Text(
    id="Unit induk membentuk lingkaran: {chain}.",
    en="The parent units form a cycle: {chain}.",
)

# -- supervisors ------------------------------------------------------------------------------
SUPERVISOR_SELF = Text(
    id="Pegawai tidak dapat menjadi atasannya sendiri.",
    en="An employee cannot be their own supervisor.",
)
SUPERVISOR_UNKNOWN = Text(
    id="NIP atasan {value} tidak ditemukan di berkas maupun di basis data.",
    en="Supervisor NIP {value} is found neither in the file nor in the database.",
)
SUPERVISOR_CYCLE = Text(
    id="Hubungan atasan membentuk lingkaran: {chain}.",
    en="The supervisor relations form a cycle: {chain}.",
)

# -- who may import ---------------------------------------------------------------------------
FORBIDDEN_UNIT = Text(
    id="Anda bukan pengelola kinerja (BKD/BKPSDM) atas unit {value}.",
    en="You are not an HR administrator over unit {value}.",
)
FORBIDDEN_ROOT = Text(
    id="Unit puncak baru ({value}) hanya dapat dibuat oleh sistem atau superuser.",
    en="A new top-level unit ({value}) can only be created by the system or a superuser.",
)

# -- warnings (do not block the import) -------------------------------------------------------
OPEN_APPRAISALS = Text(
    id="{count} pegawai yang berubah atasan, unit atau status memiliki penilaian berjalan "
    "(mis. NIP {sample}); penilaian itu ikut diperbarui (pejabat penilai baru, atau dibatalkan "
    "bila pegawai berhenti).",
    en="{count} employees whose supervisor, unit or status changes have open appraisals "
    "(e.g. NIP {sample}); those appraisals follow (a new appraiser, or cancelled if the "
    "employee left).",
)
