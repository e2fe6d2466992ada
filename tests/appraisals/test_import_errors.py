"""Organisation import: every error names its row and column and blocks the commit."""

from __future__ import annotations

import pytest

from appraisals.models import Employee, Unit

from .importing import (
    KABID,
    SEKDA,
    STAF1,
    STAF2,
    base_rows,
    history_rows,
    run,
    supervisor_of,
    to_csv,
)

pytestmark = pytest.mark.django_db

# -- errors ---------------------------------------------------------------------------------


def _break(rows, index, **changes):
    rows[index].update(changes)
    return rows


@pytest.mark.parametrize(
    "change, code, row, column, words",
    [
        (lambda r: _break(r, 4, NIP="19920202202103200"), "nip_invalid", 6, "NIP", "18 digit"),
        # One character too many, or a letter after 18 digits: the pattern is anchored at
        # both ends, so these are row errors, not a crash on the database's constraint.
        (lambda r: _break(r, 4, NIP="1992020220210320011"), "nip_invalid", 6, "NIP", "18 digit"),
        (lambda r: _break(r, 4, NIP="199202022021032001A"), "nip_invalid", 6, "NIP", "18 digit"),
        (
            lambda r: _break(r, 3, **{"NIP Atasan": KABID + "9"}),
            "nip_invalid",
            5,
            "NIP Atasan",
            "18 digit",
        ),
        (
            lambda r: _break(r, 3, **{"NIP Atasan": KABID + "x"}),
            "nip_invalid",
            5,
            "NIP Atasan",
            "18 digit",
        ),
        (lambda r: _break(r, 4, NIP=STAF1), "nip_duplicate", 6, "NIP", "sudah ada di baris 5"),
        (
            lambda r: _break(r, 1, **{"Kode Unit Induk": "PEMPROV"}),
            "parent_unknown",
            3,
            "Kode Unit Induk",
            "Unit induk 'PEMPROV' tidak ditemukan",
        ),
        (
            lambda r: _break(r, 3, **{"NIP Atasan": "199901012022031099"}),
            "supervisor_unknown",
            5,
            "NIP Atasan",
            "NIP atasan 199901012022031099 tidak ditemukan",
        ),
        (
            lambda r: _break(r, 3, **{"NIP Atasan": STAF1}),
            "supervisor_self",
            5,
            "NIP Atasan",
            "atasannya sendiri",
        ),
        (
            lambda r: _break(r, 3, **{"Jenis Jabatan": "eselon V"}),
            "position_kind_unknown",
            5,
            "Jenis Jabatan",
            "Jenis jabatan 'eselon V' tidak dikenal",
        ),
        (
            lambda r: _break(r, 3, **{"Jenis Jabatan": ""}),
            "position_kind_required",
            5,
            "Jenis Jabatan",
            "wajib diisi untuk jabatan baru",
        ),
        (
            lambda r: _break(r, 4, Status="cuti besar"),
            "status_unknown",
            6,
            "Status",
            "Status 'cuti besar' tidak dikenal",
        ),
        (
            lambda r: _break(r, 4, **{"Status Kepegawaian": "honorer"}),
            "employment_unknown",
            6,
            "Status Kepegawaian",
            "Status kepegawaian 'honorer' tidak dikenal",
        ),
        (
            lambda r: _break(r, 4, **{"Nama Unit": "Bidang SMP"}),
            "unit_conflict",
            6,
            "Nama Unit",
            "tertulis dengan Nama Unit lain di baris 4",
        ),
        (lambda r: _break(r, 4, Nama=""), "required", 6, "Nama", "Nama wajib diisi"),
    ],
)
def test_each_error_names_row_and_column_in_indonesian_and_blocks_the_commit(
    change, code, row, column, words
):
    report = run(change(base_rows()), commit=True)
    assert not report.ok and not report.committed
    assert [(e.code, e.row, e.column) for e in report.errors] == [(code, row, column)]
    error = report.errors[0]
    assert words in error.message.id and error.message.en
    assert f"Baris {row}, kolom {column}: " in str(error) and f"Row {row}" in str(error)
    assert Unit.objects.count() == Employee.objects.count() == history_rows() == 0


def test_supervisor_cycle_is_reported_on_every_row_in_it():
    rows = base_rows()
    rows[2]["NIP Atasan"] = STAF2  # KABID -> STAF2 -> KABID
    report = run(rows)
    assert [(e.code, e.row) for e in report.errors] == [
        ("supervisor_cycle", 4),
        ("supervisor_cycle", 6),
    ]
    assert "lingkaran" in report.errors[0].message.id and KABID in report.errors[0].message.id
    assert Employee.objects.count() == 0


def test_supervisor_cycle_through_the_database_is_found():
    run(base_rows())
    rows = [r for r in base_rows() if r["NIP"] == SEKDA]
    rows[0]["NIP Atasan"] = STAF1  # STAF1 -> KABID -> KADIS -> SEKDA (database) -> STAF1
    report = run(rows)
    assert [(e.code, e.row) for e in report.errors] == [("supervisor_cycle", 2)]
    assert supervisor_of(SEKDA) is None


def test_unit_cycle_is_an_error():
    rows = base_rows()
    rows[0]["Kode Unit Induk"] = "DISDIK-B1"
    report = run(rows)
    assert {e.code for e in report.errors} == {"unit_cycle"}


def test_missing_required_columns_are_reported_once():
    header = ["NIP", "Nama", "Kode Unit", "Jabatan"]
    report = run(data=to_csv(base_rows(), header=header))
    assert [(e.code, e.row, e.column) for e in report.errors] == [
        ("column_missing", None, "Nama Unit"),
        ("column_missing", None, "Kode Unit Induk"),
    ]
    assert str(report.errors[0]).startswith("Berkas: Kolom wajib 'Nama Unit' tidak ada")


def test_every_problem_of_a_file_is_listed_at_once():
    rows = base_rows()
    rows[0]["NIP"] = "1968"
    rows[4]["Status"] = "?"
    rows[4]["NIP Atasan"] = "199901012022031099"
    report = run(rows)
    # Row 2's NIP is invalid, so KADIS's supervisor (that NIP) is unknown too.
    assert [(e.row, e.code) for e in report.errors] == [
        (2, "nip_invalid"),
        (3, "supervisor_unknown"),
        (6, "status_unknown"),
        (6, "supervisor_unknown"),
    ]
