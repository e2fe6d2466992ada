"""Organisation import: dry run, first import, updates and re-imports."""

from __future__ import annotations

import datetime as dt

import pytest

from appraisals.models import Appraisal, Employee, Position, SupervisorRelation, Unit
from appraisals.services.cycles import cycle_open
from audit.models import AuditEvent
from workflow.actors import system_actor

from ..factories import EmployeeFactory, UserFactory, make_cycle, make_unit
from .importing import (
    KABID,
    KADIS,
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


def test_changes_reach_open_appraisals_through_the_engine():
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
    appraisal = Appraisal.objects.get(employee=emp(STAF1))
    assert appraisal.appraiser == emp(KABID)  # a dry run changes nothing

    run(rows)
    appraisal.refresh_from_db()
    assert appraisal.appraiser == emp(KADIS)
    event = AuditEvent.objects.filter(subject_id=str(appraisal.pk)).order_by("seq").last()
    assert event.action == "appraisal.reassigned" and event.reason == "import_organisation"

    rows[3]["Status"] = "pensiun"
    run(rows)
    appraisal.refresh_from_db()
    assert appraisal.state == "cancelled"


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
