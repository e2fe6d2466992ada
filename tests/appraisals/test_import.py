"""Importing the organisation from an HR export (issue #3, item 9)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from appraisals.imports import ImportFileError, organisation_import, source_from_bytes, source_read
from appraisals.models import Employee, Position, SupervisorRelation, Unit
from appraisals.services.cycles import cycle_open
from appraisals.services.organisation import supervisor_resolve
from workflow.actors import system_actor

from ..factories import EmployeeFactory, UserFactory, assign_role, make_cycle, make_unit

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
ON = dt.date(2026, 3, 1)
HEADER = [
    "NIP",
    "Nama",
    "Kode Unit",
    "Nama Unit",
    "Kode Unit Induk",
    "Jabatan",
    "Jenis Jabatan",
    "Golongan",
    "NIP Atasan",
    "Status Kepegawaian",
    "Status",
]
SEKDA = "196801011990031001"
KADIS = "197203152000031002"
KABID = "198005202005012003"
STAF1 = "199107072020122004"
STAF2 = "199202022021032005"


def base_rows() -> list[dict]:
    def row(nip, name, unit, unit_name, parent, position, kind, grade, boss, emp="PNS"):
        return dict(
            zip(
                HEADER,
                [nip, name, unit, unit_name, parent, position, kind, grade, boss, emp, "Aktif"],
                strict=True,
            )
        )

    return [
        row(SEKDA, "Ahmad Yani", "PEMKAB", "Pemkab Aceh Tenggara", "", "Sekda", "JPT", "IV/d", ""),
        row(KADIS, "Siti Aminah", "DISDIK", "Dinas Pendidikan", "PEMKAB", "Kadis", "jpt", "IV/c",
            SEKDA),
        row(KABID, "Rahmat Hidayat", "DISDIK-B1", "Bidang SD", "DISDIK", "Kabid SD",
            "Administrator", "IV/a", KADIS),
        row(STAF1, "Nur Aisyah", "DISDIK-B1", "Bidang SD", "DISDIK", "Guru", "Jabatan Fungsional",
            "IX", KABID, "PPPK"),
        row(STAF2, "Budi Santoso", "DISDIK-B1", "Bidang SD", "DISDIK", "Pengadministrasi",
            "pelaksana", "II/c", KABID),
    ]  # fmt: skip


def to_csv(rows: list[dict], header=HEADER, delimiter=",", bom=False) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    for r in rows:
        writer.writerow([r.get(h, "") for h in header])
    return (("\ufeff" if bom else "") + out.getvalue()).encode("utf-8")


def run(rows=None, *, commit=True, actor=None, on=ON, data=None, name="pegawai.csv"):
    source = source_from_bytes(data=data if data is not None else to_csv(rows), name=name)
    return organisation_import(
        rows_source=source, actor=actor or system_actor(), commit=commit, effective_date=on
    )


def history_rows() -> int:
    return sum(m.history.count() for m in (Unit, Position, Employee, SupervisorRelation))


def emp(nip: str) -> Employee:
    return Employee.objects.get(nip=nip)


def supervisor_of(nip: str, on=ON):
    boss = supervisor_resolve(employee=emp(nip), on=on)
    return boss.nip if boss else None


# -- dry run and first import ----------------------------------------------------------------


def test_dry_run_counts_everything_and_writes_nothing():
    report = run(base_rows(), commit=False)
    assert report.ok and not report.committed
    assert (report.units.created, report.positions.created, report.employees.created) == (3, 5, 5)
    assert report.supervisors.created == 4
    assert Unit.objects.count() == Employee.objects.count() == Position.objects.count() == 0
    assert SupervisorRelation.objects.count() == 0
    assert history_rows() == 0


def test_commit_builds_tree_positions_employees_and_supervisors():
    actor = system_actor()
    report = run(base_rows(), actor=actor)
    assert report.ok and report.committed
    root, dinas, bidang = (Unit.objects.get(code=c) for c in ("PEMKAB", "DISDIK", "DISDIK-B1"))
    assert root.path == f"/{root.pk}/" and root.parent is None and root.kind == "instansi"
    assert dinas.path == f"/{root.pk}/{dinas.pk}/" and dinas.kind == "unit_kerja"
    assert bidang.path == f"/{root.pk}/{dinas.pk}/{bidang.pk}/" and bidang.kind == "sub_unit"
    staf = emp(STAF1)
    assert (staf.unit, staf.grade, staf.kind, staf.active) == (bidang, "IX", "pppk", True)
    assert (staf.position.name, staf.position.kind, staf.position.unit) == (
        "Guru",
        "fungsional",
        bidang,
    )
    assert Position.objects.get(name="Kadis").kind == "jpt"
    assert supervisor_of(STAF1) == KABID and supervisor_of(KABID) == KADIS
    assert supervisor_of(SEKDA) is None
    relation = SupervisorRelation.objects.get(employee=staf)
    assert (relation.valid_from, relation.valid_until) == (ON, None)
    # One "+" history row per object, under the actor, with the import's reason (a new
    # unit's row already holds its final path).
    for model, n in ((Unit, 3), (Position, 5), (Employee, 5), (SupervisorRelation, 4)):
        rows = model.history.all()
        assert rows.count() == n
        assert {(h.history_type, h.history_user_id, h.history_change_reason) for h in rows} == {
            ("+", actor.pk, "import_organisation")
        }
    assert Unit.history.get(code="DISDIK-B1").path == bidang.path


def test_new_units_hang_under_existing_ones_with_correct_paths():
    root = make_unit("PEMKAB", "Pemkab Aceh Tenggara", "instansi")
    rows = [r for r in base_rows() if r["Kode Unit"] != "PEMKAB"]
    for r in rows:
        if r["NIP Atasan"] == SEKDA:
            r["NIP Atasan"] = ""
    report = run(rows)
    assert report.ok and report.units.created == 2 and report.units.unchanged == 0
    dinas, bidang = Unit.objects.get(code="DISDIK"), Unit.objects.get(code="DISDIK-B1")
    assert bidang.path == f"{root.path}{dinas.pk}/{bidang.pk}/"
    assert dinas.parent == root and dinas.kind == "unit_kerja"


# -- re-import and updates --------------------------------------------------------------------


def test_reimporting_the_same_file_changes_nothing_and_writes_no_history():
    run(base_rows())
    before = history_rows()
    report = run(base_rows())
    assert report.ok and report.committed
    assert report.changes == 0
    assert (report.units.unchanged, report.positions.unchanged) == (3, 5)
    assert (report.employees.unchanged, report.supervisors.unchanged) == (5, 4)
    assert history_rows() == before


def test_changed_names_units_and_grades_update_with_history():
    run(base_rows())
    rows = base_rows()
    rows[1]["Nama Unit"] = "Dinas Pendidikan dan Kebudayaan"
    rows[3]["Nama"] = "Nur Aisyah, S.Pd."
    rows[4]["Golongan"] = "III/a"
    rows[4]["Kode Unit"], rows[4]["Nama Unit"] = "DISDIK", "Dinas Pendidikan dan Kebudayaan"
    rows[4]["Kode Unit Induk"] = "PEMKAB"
    rows[4]["Jenis Jabatan"] = "Pelaksana"
    user = UserFactory(is_superuser=True)
    before = history_rows()
    dry = run(rows, commit=False, actor=user)
    assert (dry.units.updated, dry.employees.updated, dry.positions.created) == (1, 2, 1)
    assert history_rows() == before and emp(STAF2).grade == "II/c"
    report = run(rows, actor=user)
    assert report.ok, [str(e) for e in report.errors]
    assert (report.units.updated, report.employees.updated) == (1, 2)
    assert report.positions.created == 1  # "Pengadministrasi" in the dinas itself
    budi = emp(STAF2)
    assert (budi.grade, budi.unit.code, budi.position.unit.code) == ("III/a", "DISDIK", "DISDIK")
    assert emp(STAF1).name == "Nur Aisyah, S.Pd."
    last = Employee.history.filter(nip=STAF2).latest("history_id")
    assert (last.history_type, last.history_user, last.history_change_reason) == (
        "~",
        user,
        "import_organisation",
    )
    assert Unit.history.filter(code="DISDIK", history_type="~").count() == 1


def test_supervisor_change_closes_old_relation_and_keeps_unchanged_ones():
    run(base_rows(), on=dt.date(2026, 1, 1))
    kept = SupervisorRelation.objects.get(employee=emp(STAF2))
    old = SupervisorRelation.objects.get(employee=emp(STAF1))
    rows = base_rows()
    rows[3]["NIP Atasan"] = KADIS
    report = run(rows, on=ON)
    assert report.ok
    assert (report.supervisors.created, report.supervisors.closed) == (1, 1)
    assert report.supervisors.unchanged == 3
    old.refresh_from_db()
    assert old.valid_until == ON - dt.timedelta(days=1)
    new = SupervisorRelation.objects.get(employee=emp(STAF1), valid_until__isnull=True)
    assert (new.supervisor.nip, new.valid_from) == (KADIS, ON)
    kept.refresh_from_db()
    assert (
        kept.valid_until is None
        and SupervisorRelation.objects.filter(employee=emp(STAF2)).count() == 1
    )
    assert supervisor_of(STAF1, ON - dt.timedelta(days=1)) == KABID
    assert supervisor_of(STAF1, ON) == KADIS
    closed = SupervisorRelation.history.filter(id=old.pk).latest("history_id")
    assert (closed.history_type, closed.history_change_reason) == ("~", "import_organisation")


def test_changes_for_people_with_open_appraisals_are_named_in_a_warning():
    run(base_rows(), on=dt.date(2026, 1, 1))
    cycle = make_cycle(Unit.objects.get(code="PEMKAB"))
    cycle_open(cycle=cycle, actor=system_actor(), on=dt.date(2026, 1, 2))
    rows = base_rows()
    rows[3]["NIP Atasan"] = KADIS
    rows[4]["Golongan"] = "II/d"  # not an organisation change: no warning for it
    report = run(rows, commit=False)
    assert len(report.warnings) == 1
    assert "1 pegawai" in report.warnings[0].id and STAF1 in report.warnings[0].id
    assert any("Peringatan" in line for line in report.summary_lines())


def test_empty_supervisor_ends_the_relation():
    run(base_rows(), on=dt.date(2026, 1, 1))
    rows = base_rows()
    rows[1]["NIP Atasan"] = ""
    report = run(rows)
    assert (report.supervisors.closed, report.supervisors.created) == (1, 0)
    assert supervisor_of(KADIS) is None


@pytest.mark.parametrize("status", ["nonaktif", "Pensiun", "MENINGGAL", "meninggal dunia"])
def test_leaving_statuses_deactivate_without_deleting(status):
    run(base_rows())
    rows = base_rows()
    rows[4]["Status"] = status
    report = run(rows)
    assert report.ok and report.deactivated == 1 and report.employees.updated == 1
    assert emp(STAF2).active is False
    assert Employee.objects.count() == 5 and SupervisorRelation.objects.count() == 4
    rows[4]["Status"] = "aktif"
    assert run(rows).employees.updated == 1 and emp(STAF2).active is True


def test_absent_optional_columns_leave_fields_alone():
    run(base_rows())
    header = ["NIP", "Nama", "Kode Unit", "Nama Unit", "Kode Unit Induk"]
    report = run(data=to_csv(base_rows(), header=header))
    assert report.ok and report.changes == 0
    assert emp(STAF1).kind == "pppk" and supervisor_of(STAF1) == KABID


def test_moving_a_unit_rewrites_the_paths_of_its_subtree():
    run(base_rows())
    rows = base_rows()
    rows.append(dict(rows[1], NIP="197501012000031009", Nama="Kepala Badan", **{
        "Kode Unit": "BKPSDM", "Nama Unit": "BKPSDM", "Jabatan": "Kaban"}))  # fmt: skip
    for r in rows[2:5]:
        r["Kode Unit Induk"] = "BKPSDM"
    report = run(rows)
    assert report.ok, [str(e) for e in report.errors]
    assert report.units.created == 1 and report.units.updated == 1
    root, bkpsdm, bidang = (Unit.objects.get(code=c) for c in ("PEMKAB", "BKPSDM", "DISDIK-B1"))
    assert bidang.parent == bkpsdm and bidang.path == f"/{root.pk}/{bkpsdm.pk}/{bidang.pk}/"


def test_supervisor_may_be_an_employee_already_in_the_database():
    unit = make_unit("PEMKAB", "Pemkab Aceh Tenggara", "instansi")
    boss = EmployeeFactory(unit=unit, nip="196001011985031001")
    rows = base_rows()
    rows[0]["NIP Atasan"] = boss.nip
    rows[0]["Nama Unit"] = "Pemkab Aceh Tenggara"
    report = run(rows)
    assert report.ok and supervisor_of(SEKDA) == boss.nip


# -- errors ---------------------------------------------------------------------------------


def _break(rows, index, **changes):
    rows[index].update(changes)
    return rows


@pytest.mark.parametrize(
    "change, code, row, column, words",
    [
        (lambda r: _break(r, 4, NIP="19920202202103200"), "nip_invalid", 6, "NIP", "18 digit"),
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


def test_hr_admin_imports_only_within_their_units():
    root = make_unit("PEMKAB", "Pemkab Aceh Tenggara", "instansi")
    other = make_unit("PEMKOT", "Pemkot", "instansi")
    rows = [r for r in base_rows() if r["NIP"] != SEKDA]
    rows[0]["NIP Atasan"] = ""
    admin, stranger = UserFactory(), UserFactory()
    assign_role(admin, "hr_admin", root)
    assign_role(stranger, "hr_admin", other)
    refused = run(rows, actor=stranger)
    assert {e.code for e in refused.errors} == {"forbidden"} and Employee.objects.count() == 0
    assert "bukan pengelola kinerja" in refused.errors[0].message.id
    assert run(rows, actor=admin).ok and Employee.objects.count() == 4
    assert not run(base_rows(), actor=UserFactory()).ok  # no role at all


# -- file formats -----------------------------------------------------------------------------


def test_semicolon_csv_with_bom_and_other_header_spellings():
    source = source_read(path=DATA / "organisation_semicolon_bom.csv")
    assert source.headers[0] == "nip" and len(source.rows) == 4
    report = organisation_import(
        rows_source=source, actor=system_actor(), commit=True, effective_date=ON
    )
    assert report.ok, [str(e) for e in report.errors]
    assert report.employees.created == 4
    nur = emp("199107072020122004")
    assert (nur.name, nur.kind, nur.position.kind) == ("Nur Aisyah; S.Pd.", "pppk", "fungsional")
    assert supervisor_of(nur.nip) == "198005202005012003"


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_delimiter_is_sniffed(delimiter):
    data = to_csv(base_rows(), delimiter=delimiter, bom=True)
    assert run(data=data, commit=False).employees.created == 5


def test_header_aliases_are_case_and_space_insensitive():
    header = [" nip ", "nama_lengkap", "KODE_UNIT", "Nama  Unit", "kode-unit-induk", "JABATAN",
              "Jenis_Jabatan", "golongan ruang", "nip_atasan", "STATUS KEPEGAWAIAN",
              "status"]  # fmt: skip
    rows = [dict(zip(header, r.values(), strict=True)) for r in base_rows()]
    report = run(data=to_csv(rows, header=header))
    assert report.ok and report.employees.created == 5 and supervisor_of(STAF2) == KABID


def test_nip_with_print_spaces_is_accepted():
    rows = base_rows()
    rows[4]["NIP"] = "19920202 202103 2 005"
    assert run(rows).ok and emp(STAF2).name == "Budi Santoso"


def test_non_utf8_csv_is_refused_as_a_whole():
    with pytest.raises(ImportFileError) as caught:
        source_from_bytes(data="NIP;Nama\n1;Andi Müller\n".encode("cp1252"), name="x.csv")
    assert "UTF-8" in caught.value.message.id


def _xlsx(tmp_path, rows, *, title=True, numeric_nip=False):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    if title:
        sheet.append(["DAFTAR PEGAWAI PEMKAB ACEH TENGGARA"])
        sheet.append([])
    sheet.append(HEADER)
    for r in rows:
        values = [r[h] for h in HEADER]
        if numeric_nip:
            values[0] = float(values[0])
        sheet.append(values)
    path = tmp_path / "pegawai.xlsx"
    book.save(path)
    return path


def test_xlsx_with_a_title_above_the_header(tmp_path):
    source = source_read(path=_xlsx(tmp_path, base_rows()))
    assert source.rows[0][0] == 4  # the spreadsheet's own row number
    report = organisation_import(
        rows_source=source, actor=system_actor(), commit=True, effective_date=ON
    )
    assert report.ok and report.employees.created == 5
    assert supervisor_of(STAF1) == KABID and emp(STAF1).kind == "pppk"


def test_xlsx_nip_stored_as_a_number_is_an_error(tmp_path):
    source = source_read(path=_xlsx(tmp_path, base_rows()[:1], title=False, numeric_nip=True))
    report = organisation_import(
        rows_source=source, actor=system_actor(), commit=True, effective_date=ON
    )
    assert [(e.code, e.row, e.column) for e in report.errors] == [("nip_as_number", 2, "NIP")]
    assert "sebagai teks" in report.errors[0].message.id


# -- the command ------------------------------------------------------------------------------


def test_command_is_a_dry_run_unless_commit(tmp_path, capsys):
    path = tmp_path / "pegawai.csv"
    path.write_bytes(to_csv(base_rows(), delimiter=";", bom=True))
    call_command("import_organisation", str(path))
    captured = capsys.readouterr()
    out = captured.out
    assert "UJI COBA / DRY RUN" in out and "3 baru/new" in out
    assert "Memeriksa / checking: 5/5" in captured.err
    assert Employee.objects.count() == 0
    call_command("import_organisation", str(path), "--commit", "--effective-date", "2026-02-01")
    assert Employee.objects.count() == 5
    assert SupervisorRelation.objects.filter(valid_from=dt.date(2026, 2, 1)).count() == 4


def test_command_reports_errors_and_writes_them_out(tmp_path, capsys):
    rows = base_rows()
    rows[3]["Status"] = "cuti"
    path, errors = tmp_path / "pegawai.csv", tmp_path / "errors.csv"
    path.write_bytes(to_csv(rows))
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("import_organisation", str(path), "--commit", "--errors-out", str(errors))
    assert "Baris 5, kolom Status: Status 'cuti' tidak dikenal" in capsys.readouterr().out
    assert "5;Status;status_unknown" in errors.read_text(encoding="utf-8-sig")
    assert Employee.objects.count() == 0


def test_command_acts_as_the_named_user_and_refuses_what_it_cannot_read(tmp_path):
    path = tmp_path / "pegawai.csv"
    path.write_bytes(to_csv(base_rows()))
    with pytest.raises(CommandError, match="no user"):
        call_command("import_organisation", str(path), "--as", "nobody")
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_organisation", str(tmp_path / "missing.csv"))
    (tmp_path / "x.pdf").write_bytes(b"%PDF-1.4")
    with pytest.raises(CommandError, match="not supported"):
        call_command("import_organisation", str(tmp_path / "x.pdf"))
    admin = UserFactory(is_superuser=True, username="bkpsdm")
    call_command("import_organisation", str(path), "--commit", "--as", "bkpsdm")
    assert {h.history_user for h in Employee.history.all()} == {admin}


# -- size -----------------------------------------------------------------------------------


def big_file(n: int) -> bytes:
    """An instansi, 20 dinas of 5 bidang each, their heads, and n employees in all."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(HEADER)
    sekda = f"{196001010000000000:018d}"
    writer.writerow([sekda, "Sekda", "ROOT", "Instansi", "", "Sekda", "jpt", "IV/e", "", "PNS",
                     "Aktif"])  # fmt: skip
    heads, serial = [], 196501010000000001
    for d in range(20):
        kadis = f"{serial:018d}"
        serial += 1
        writer.writerow([kadis, f"Kadis {d}", f"D{d}", f"Dinas {d}", "ROOT", "Kadis", "jpt",
                         "IV/c", sekda, "PNS", "Aktif"])  # fmt: skip
        for b in range(5):
            kabid = f"{serial:018d}"
            serial += 1
            writer.writerow([kabid, f"Kabid {d}.{b}", f"D{d}-B{b}", f"Bidang {d}.{b}", f"D{d}",
                             "Kabid", "administrator", "IV/a", kadis, "PNS", "Aktif"])  # fmt: skip
            heads.append((f"D{d}-B{b}", f"Bidang {d}.{b}", f"D{d}", kabid))
    staff = n - 1 - 20 - 100
    for i in range(staff):
        unit, unit_name, parent, kabid = heads[i % len(heads)]
        writer.writerow([f"{199001010000000000 + i:018d}", f"Pegawai {i}", unit, unit_name,
                         parent, "Pelaksana" if i % 2 else "Pranata Komputer",
                         "pelaksana" if i % 2 else "fungsional", "III/a", kabid,
                         "PPPK" if i % 3 == 2 else "PNS", "Aktif"])  # fmt: skip
    return out.getvalue().encode("utf-8")


def _import_big(tmp_path, n: int, seconds: float):
    path = tmp_path / "pegawai-besar.csv"
    path.write_bytes(b"\xef\xbb\xbf" + big_file(n))
    seen = []
    started = time.perf_counter()
    source = source_read(path=path)
    report = organisation_import(
        rows_source=source,
        actor=system_actor(),
        commit=True,
        effective_date=ON,
        progress=lambda stage, done, total: seen.append((stage, done, total)),
    )
    elapsed = time.perf_counter() - started
    assert report.ok and report.employees.created == n and report.units.created == 121
    assert Employee.objects.count() == n and Employee.history.count() == n
    assert SupervisorRelation.objects.count() == n - 1
    assert seen[-1] == ("write", seen[-1][2], seen[-1][2])
    assert ("check", n, n) in seen
    assert elapsed < seconds, elapsed
    # The same file again: nothing to do, nothing written.
    before = history_rows()
    again = organisation_import(
        rows_source=source, actor=system_actor(), commit=True, effective_date=ON
    )
    assert again.changes == 0 and again.employees.unchanged == n and history_rows() == before
    # And a cycle opens for the imported organisation, appraisers resolved from it.
    cycle = make_cycle(Unit.objects.get(code="ROOT"))
    assert cycle_open(cycle=cycle, actor=system_actor(), on=ON) == n
    staff = Employee.objects.get(nip=f"{199001010000000000:018d}")
    assert cycle.appraisals.get(employee=staff).appraiser.name == "Kabid 0.0"


def test_import_2000_employees(tmp_path):
    _import_big(tmp_path, 2000, 30)


@pytest.mark.postgres
def test_import_50000_employees_on_postgres(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the 50,000-employee import runs on PostgreSQL (CI's second run)")
    _import_big(tmp_path, 50_000, 60)
