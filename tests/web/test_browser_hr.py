"""The HR administrator's main task in a real browser (issue #16): cycles read in words,
the import's dry run names who changes, new employees get their appraisals, the
dashboard opens on a cycle with appraisals, and the list filters by unit and cycle."""

from __future__ import annotations

import pytest

from appraisals.models import Appraisal, Employee
from appraisals.services.cycles import cycle_open
from workflow.actors import system_actor

from ..appraisals.importing import STAF2, base_rows, run, to_csv
from ..factories import EmployeeFactory, make_cycle, supervise

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

NEWCOMER = "199505052022031006"


def _changed_file() -> bytes:
    """The organisation after the base import: one moves, one changes rank, one joins."""
    rows = base_rows()
    rows[4]["Kode Unit"], rows[4]["Nama Unit"], rows[4]["Kode Unit Induk"] = (
        "DISDIK",
        "Dinas Pendidikan",
        "PEMKAB",
    )
    rows[3]["Golongan"] = "X"
    return to_csv([*rows, dict(rows[3], NIP=NEWCOMER, Nama="Dewi Lestari")])


def test_hr_admin_reads_the_cycles_imports_and_filters_the_list(
    org, passwords, browser, monkeypatch
):
    from appraisals.services.jobs import cycle_open_job_run
    from appraisals.tasks import cycle_open_task

    nurse = EmployeeFactory(unit=org.other_dinas, name="Perawat Puskesmas")
    supervise(nurse, org.other_appraiser)
    cycle_open(cycle=org.cycle, actor=system_actor(), employees=[org.employee, nurse])
    newer = make_cycle(org.instansi, year=org.cycle.year + 1)
    older = make_cycle(org.instansi, year=org.cycle.year - 1)
    cycle_open(cycle=older, actor=system_actor(), employees=[org.employee, nurse])
    run(base_rows())  # the organisation as HR imported it last time
    queued = []
    monkeypatch.setattr(cycle_open_task, "apply_async", lambda args, **options: queued.extend(args))
    b = browser
    page = b.login("hr_admin")

    # The cycles say where they stand, in words, each with one next step.
    page.click("nav >> text=Periode")
    page.wait_for_selector("#cycles")
    running = page.locator(f"#cycle-{org.cycle.pk}")
    draft = page.locator(f"#cycle-{newer.pk}")
    assert "Berjalan (2 penilaian)" in running.inner_text()
    assert "Draf — belum ada penilaian" in draft.inner_text()
    assert "Dibuka" not in page.locator("#cycles").inner_text()
    assert draft.locator(f"#open-cycle-{newer.pk}").inner_text() == "Buka periode"
    missing = Employee.objects.filter(active=True).count() - 2
    assert f"Buat penilaian untuk {missing} pegawai baru" in running.inner_text()
    headers = page.locator("#cycles thead th").all_inner_texts()
    assert len(headers) == len(set(headers))
    b.shot("hr-cycles")

    # The import page lists its columns; the dry run names who changes and how.
    b.go("/hr/import/")
    assert page.locator("#import-columns-table tbody tr").count() == 11
    assert page.locator("#import-template").is_visible()
    page.set_input_files(
        "#i-file",
        files=[{"name": "pegawai.csv", "mimeType": "text/csv", "buffer": _changed_file()}],
    )
    page.click("#import-check")
    people = page.wait_for_selector("#import-people")
    newcomer = page.locator(f"#import-people tr[data-nip='{NEWCOMER}']").inner_text()
    assert "Dewi Lestari" in newcomer and "Baru" in newcomer
    moved = page.locator(f"#import-people tr[data-nip='{STAF2}']").inner_text()
    assert "Pindah unit" in moved and "Bidang SD → Dinas Pendidikan" in moved
    assert "golongan" in people.inner_text()
    assert not Employee.objects.filter(nip=NEWCOMER).exists()  # a dry run writes nothing
    b.shot("hr-import-dry-run")

    # Applied, the page says who has no appraisal yet and makes them by one button.
    page.click("#import-apply button")
    page.wait_for_selector("#import-report[data-committed=true]")
    notice = page.locator(f"#awaiting-{org.cycle.pk}").inner_text()
    assert f"pegawai baru belum punya penilaian dalam {org.cycle.name}" in notice
    page.click(f"#create-appraisals-{org.cycle.pk}")
    page.wait_for_selector("#job[data-status=queued]")
    cycle_open_job_run(job_id=queued[0])
    page.wait_for_selector("#job[data-status=done]")
    assert Appraisal.objects.filter(cycle=org.cycle, employee__nip=NEWCOMER).exists()

    # The dashboard opens on the cycle with appraisals, not the newer empty one.
    b.go(f"/hr/units/{org.dinas.pk}/")
    page.wait_for_selector("#state-counts")
    assert page.locator("#cycle").input_value() == str(org.cycle.pk)
    assert page.locator("#state-total").inner_text() != "0"
    b.shot("hr-dashboard")

    # The list filters by unit, then by cycle too.
    b.go("/appraisals/")
    page.select_option("#filter-unit", str(org.other_dinas.pk))
    page.click("#filter-submit")
    page.wait_for_url("**unit=*")
    names = page.locator("table tbody tr td:nth-child(2)").all_inner_texts()
    assert "Perawat Puskesmas" in names and org.employee.name not in names
    page.select_option("#filter-unit", str(org.dinas.pk))
    page.select_option("#filter-cycle", str(org.cycle.pk))
    page.click("#filter-submit")
    page.wait_for_url(f"**cycle={org.cycle.pk}*")
    names = page.locator("table tbody tr td:nth-child(2)").all_inner_texts()
    expected = Appraisal.objects.filter(cycle=org.cycle, unit__path__startswith=org.dinas.path)
    assert sorted(names) == sorted(expected.values_list("employee__name", flat=True))
    assert "Perawat Puskesmas" not in names
    b.shot("hr-appraisals-filtered")
