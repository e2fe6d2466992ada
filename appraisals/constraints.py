"""A message per named database constraint, for the refusals that get past the services.

Registered with the engine's mapping (workflow.constraints) when the app is
ready; the API's exception handler and the pages' middleware answer 400 with
them. A constraint not named here gets the generic message.
"""

from __future__ import annotations

from workflow.constraints import constraint_message_register
from workflow.text import Text

SUPERVISOR_NOT_SELF = Text(
    id="Pegawai tidak dapat menjadi atasan langsungnya sendiri.",
    en="An employee cannot be their own supervisor.",
)

AGENCY_DAY_TAKEN = Text(
    id="Tanggal ini sudah ada dalam kalender instansi.",
    en="This date is already in the instansi's calendar.",
)

MESSAGES: dict[str, tuple[Text, str | None]] = {
    "acting_not_self": (
        Text(
            id="Pelaksana tidak dapat menggantikan dirinya sendiri.",
            en="An acting official cannot replace themself.",
        ),
        "substitute",
    ),
    "acting_dates_ordered": (
        Text(
            id="Tanggal akhir tidak boleh sebelum tanggal mulai.",
            en="The end date cannot be before the start date.",
        ),
        "valid_until",
    ),
    "agency_day_unique": (AGENCY_DAY_TAKEN, "date"),
    "supervisor_not_self": (SUPERVISOR_NOT_SELF, "supervisor"),
    "employee_nip_18_digits": (
        Text(id="NIP harus 18 digit angka.", en="A NIP must be 18 digits."),
        "nip",
    ),
    # The race the services' check cannot close (two panels at once): tests/appraisals/
    # test_several_follow_ups.py. The text is the service's own, without the kind's name.
    "decision_one_live_per_kind": (
        Text(
            id="Tindak lanjut jenis ini sudah diusulkan atau disetujui untuk penilaian ini: satu "
            "usulan yang hidup per jenis.",
            en="A follow-up of this kind is already proposed or approved for this appraisal: "
            "one live proposal per kind.",
        ),
        "kind",
    ),
    "appraisal_one_live_per_cycle": (
        Text(
            id="Pegawai ini sudah memiliki penilaian yang berjalan pada siklus ini.",
            en="This employee already has a live appraisal in this cycle.",
        ),
        None,
    ),
    "one_head_per_unit": (
        Text(
            id="Unit ini sudah memiliki jabatan pimpinan unit kerja.",
            en="This unit already has a head position.",
        ),
        "heads_unit",
    ),
    "issued_document_code_once": (
        Text(
            id="Dokumen dengan kode verifikasi ini sudah diterbitkan.",
            en="A document with this verification code was already issued.",
        ),
        None,
    ),
    "unit_predicate_once": (
        Text(
            id="Predikat unit untuk siklus ini sudah ditetapkan.",
            en="The unit's predicate for this cycle is already set.",
        ),
        None,
    ),
    "behaviour_once": (
        Text(
            id="Setiap nilai BerAKHLAK hanya boleh satu kali.",
            en="Each BerAKHLAK value may appear only once.",
        ),
        "expectations",
    ),
    "checkin_once": (
        Text(
            id="Pencatatan untuk periode ini sudah ada.",
            en="A check-in for this period already exists.",
        ),
        "period",
    ),
    "periodic_evaluation_once": (
        Text(
            id="Evaluasi kinerja periodik untuk periode ini sudah ada.",
            en="A periodic evaluation for this period already exists.",
        ),
        "period",
    ),
    "checkin_entry_once": (
        Text(
            id="Setiap indikator hanya boleh dicatat satu kali per periode.",
            en="Each indicator may be recorded only once per period.",
        ),
        "entries",
    ),
    "peer_feedback_once": (
        Text(
            id="Rekan kerja ini sudah diminta memberi umpan balik.",
            en="This colleague has already been asked for feedback.",
        ),
        "peers",
    ),
    "survey_result_once": (
        Text(
            id="Hasil survei untuk layanan dan periode ini sudah ada.",
            en="A survey result for this service and period already exists.",
        ),
        None,
    ),
    "survey_score_0_100": (
        Text(id="Nilai survei harus antara 0 dan 100.", en="A survey score must be 0 to 100."),
        None,
    ),
}


def constraints_register() -> None:
    for name, (message, field) in MESSAGES.items():
        constraint_message_register(name, message, field=field)
