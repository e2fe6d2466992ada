"""Organisation import: permissions, file formats, the command, and large files."""

from __future__ import annotations

import csv
import datetime as dt
import io
import time

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from appraisals.imports import ImportFileError, organisation_import, source_from_bytes, source_read
from appraisals.models import Employee, SupervisorRelation, Unit
from appraisals.services.cycles import cycle_open
from workflow.actors import system_actor

from ..factories import UserFactory, assign_role, make_cycle, make_unit
from .importing import (
    DATA,
    HEADER,
    KABID,
    ON,
    SEKDA,
    STAF1,
    STAF2,
    base_rows,
    emp,
    history_rows,
    run,
    supervisor_of,
    to_csv,
)

pytestmark = pytest.mark.django_db


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
