"""The HR administrator's pages speak in words and offer the next step (issue #16, HR).

Cycles say where they stand ("Draf — belum ada penilaian", "Berjalan (n penilaian)",
"Ditutup"); the dashboard opens on a cycle with appraisals; the import lists its
columns, offers a template and names who changes; newly imported employees get
their appraisal by one button; the appraisal list filters by cycle and unit.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.urls import reverse

from appraisals.imports import ImportReport, source_from_bytes
from appraisals.imports.columns import LABELS, REQUIRED
from appraisals.imports.records import columns_find
from appraisals.models import Appraisal, BulkJob, Cycle, Employee
from appraisals.services.cycles import cycle_open
from workflow.actors import system_actor

from ..appraisals.importing import KABID, STAF1, STAF2, base_rows, run, to_csv
from ..factories import EmployeeFactory, UserFactory, assign_role, make_cycle, supervise

pytestmark = pytest.mark.django_db


def html_of(client, user, url) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def text(fragment: str) -> str:
    """What a person reads in an HTML fragment: tags dropped, spaces squeezed."""
    return " ".join(re.sub(r"<[^>]+>", " ", fragment).split())


def row_of(html: str, cycle: Cycle) -> str:
    return html.split(f'id="cycle-{cycle.pk}"', 1)[1].split("</tr>", 1)[0]


def active_in(instansi) -> int:
    return Employee.objects.filter(active=True, unit__path__startswith=instansi.path).count()


# -- cycles: status in words, one next step ----------------------------------------------------


def test_a_new_cycle_reads_draft_with_no_appraisals_and_offers_to_open_it(client, org):
    row = row_of(html_of(client, org.users["hr_admin"], reverse("web:hr-cycles")), org.cycle)
    assert 'data-phase="draft"' in row
    assert "Draf — belum ada penilaian" in text(row)
    assert "Dibuka" not in text(row)
    assert f'id="open-cycle-{org.cycle.pk}"' in row
    assert f"Membuat penilaian untuk {active_in(org.instansi)} pegawai." in text(row)


def test_a_running_cycle_reads_running_with_its_count_and_offers_the_missing_ones(client, org):
    cycle_open(cycle=org.cycle, actor=system_actor(), employees=[org.employee, org.outsider])
    row = row_of(html_of(client, org.users["hr_admin"], reverse("web:hr-cycles")), org.cycle)
    assert "Berjalan (2 penilaian)" in text(row)
    missing = active_in(org.instansi) - 2
    assert f"Buat penilaian untuk {missing} pegawai baru" in text(row)

    cycle_open(cycle=org.cycle, actor=system_actor())
    row = row_of(html_of(client, org.users["hr_admin"], reverse("web:hr-cycles")), org.cycle)
    assert f"Berjalan ({active_in(org.instansi)} penilaian)" in text(row)
    assert f'id="open-cycle-{org.cycle.pk}"' not in row
    assert f'href="{reverse("web:appraisals")}?cycle={org.cycle.pk}"' in row


def test_a_closed_cycle_reads_closed_and_leads_to_its_appraisals(client, org):
    cycle_open(cycle=org.cycle, actor=system_actor(), employees=[org.employee])
    Cycle.objects.filter(pk=org.cycle.pk).update(status=Cycle.Status.CLOSED)
    row = row_of(html_of(client, org.users["hr_admin"], reverse("web:hr-cycles")), org.cycle)
    assert 'data-phase="closed"' in row and "Ditutup (1 penilaian)" in text(row)
    assert "open-cycle" not in row and "?cycle=" in row


def test_a_cycle_being_opened_leads_to_its_progress(client, org):
    job = BulkJob.objects.create(
        kind=BulkJob.Kind.CYCLE_OPEN,
        cycle=org.cycle,
        total=5,
        status=BulkJob.Status.RUNNING,
        requested_by=org.users["hr_admin"],
    )
    row = row_of(html_of(client, org.users["hr_admin"], reverse("web:hr-cycles")), org.cycle)
    assert "Sedang dibuka" in text(row)
    assert reverse("web:hr-job", args=[job.pk]) in row and "open-cycle" not in row


def test_hr_of_a_dinas_sees_who_opens_the_instansi_cycle_not_a_button(client, org):
    dinas_hr = UserFactory(username="dinas_hr")
    assign_role(dinas_hr, "hr_admin", org.dinas)
    row = row_of(html_of(client, dinas_hr, reverse("web:hr-cycles")), org.cycle)
    assert "open-cycle" not in row and "Menunggu pengelola kinerja instansi" in text(row)


def test_the_cycles_columns_each_have_their_own_name(client, org):
    html = html_of(client, org.users["hr_admin"], reverse("web:hr-cycles"))
    head = html.split('id="cycles"', 1)[1].split("</thead>", 1)[0]
    names = [text(h) for h in re.findall(r"<th[^>]*>(.*?)</th>", head)]
    assert len(names) == len(set(names)), names
    assert "Nama periode penilaian" in names and "Tanggal" in names
    assert "Langkah berikutnya" in names


def test_the_cycle_page_states_the_status_and_offers_the_missing_appraisals(
    client, org, django_capture_on_commit_callbacks
):
    cycle_open(cycle=org.cycle, actor=system_actor(), employees=[org.employee])
    html = html_of(client, org.users["hr_admin"], reverse("web:hr-cycle", args=[org.cycle.pk]))
    summary = html.split('id="cycle-summary"', 1)[1].split("</p>", 1)[0]
    assert "Berjalan (1 penilaian)" in text(summary)
    missing = active_in(org.instansi) - 1
    assert f"{missing} pegawai baru belum punya penilaian" in text(html)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("web:hr-cycle-open", args=[org.cycle.pk]))
    assert response.status_code == 302
    assert Appraisal.objects.filter(cycle=org.cycle).count() == active_in(org.instansi)
    html = html_of(client, org.users["hr_admin"], reverse("web:hr-cycle", args=[org.cycle.pk]))
    assert 'id="create-missing"' not in html


# -- dashboard ---------------------------------------------------------------------------------


def test_the_dashboard_opens_on_the_latest_cycle_with_appraisals_and_offers_the_others(client, org):
    cycle_open(cycle=org.cycle, actor=system_actor(), employees=[org.employee])
    newer = make_cycle(org.instansi, year=org.cycle.year + 1)
    html = html_of(client, org.users["hr_admin"], reverse("web:hr-unit", args=[org.dinas.pk]))
    picker = html.split('id="cycle-picker"', 1)[1].split("</form>", 1)[0]
    assert f'<option value="{org.cycle.pk}" selected>' in picker
    assert f'<option value="{newer.pk}">' in picker
    options = dict(re.findall(r'<option value="(\d+)"[^>]*>([^<]+)</option>', picker))
    assert options[str(org.cycle.pk)] == f"{org.cycle.name} — Berjalan"
    assert options[str(newer.pk)] == f"{newer.name} — belum ada penilaian di sini"
    assert "Dibuka" not in picker
    assert re.search(r'id="state-total">1<', html)
    # Asked for, the empty cycle is shown.
    url = reverse("web:hr-unit", args=[org.dinas.pk]) + f"?cycle={newer.pk}"
    assert re.search(r'id="state-total">0<', html_of(client, org.users["hr_admin"], url))


def test_with_no_appraisals_anywhere_the_dashboard_opens_on_the_latest_cycle(client, org):
    newer = make_cycle(org.instansi, year=org.cycle.year + 1)
    html = html_of(client, org.users["hr_admin"], reverse("web:hr-unit", args=[org.dinas.pk]))
    assert f'<option value="{newer.pk}" selected>' in html


# -- import: columns and template --------------------------------------------------------------


def test_the_import_page_lists_every_column_with_what_it_holds(client, org):
    html = html_of(client, org.users["hr_admin"], reverse("web:hr-import"))
    table = html.split('id="import-columns-table"', 1)[1].split("</table>", 1)[0]
    shown = re.findall(r'data-column="([^"]+)"', table)
    assert shown == list(LABELS.values())
    nip = table.split('data-column="NIP"', 1)[1].split("</tr>", 1)[0]
    assert "Wajib" not in nip  # the header cell says "Wajib"; each row says Ya or Tidak
    assert "<td>Ya</td>" in nip and "18 angka" in nip
    required = re.findall(r'data-column="([^"]+)"><th scope="row">.*?</th><td>Ya</td>', table)
    assert required == [LABELS[k] for k in REQUIRED]
    assert reverse("web:hr-import-template") in html


def test_the_template_is_the_header_the_import_reads(client, org):
    client.force_login(org.users["hr_admin"])
    response = client.get(reverse("web:hr-import-template"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    data = response.content
    header = next(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert header == list(LABELS.values())
    # Filled in, the template is a file the import accepts.
    rows = base_rows()
    filled = data.decode("utf-8-sig") + to_csv(rows, delimiter=";").decode().split("\r\n", 1)[1]
    columns, problems = columns_find(source_from_bytes(data=filled.encode(), name="t.csv"))
    assert problems == [] and set(columns.index) == set(LABELS)
    report = run(data=filled.encode(), commit=False)
    assert report.ok and report.employees.created == len(rows)


@pytest.mark.parametrize("persona", ["employee", "appraiser", "inspector"])
def test_the_template_is_for_hr_admins_only(client, org, persona):
    client.force_login(org.users[persona])
    assert client.get(reverse("web:hr-import-template")).status_code == 403


# -- import: who changes -----------------------------------------------------------------------


def _upload(client, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    body = {"action": "check", "file": SimpleUploadedFile("pegawai.csv", data)}
    return client.post(reverse("web:hr-import"), body)


def _changed_rows() -> list[dict]:
    """The base file after it was applied: one moves, one changes rank, one is new."""
    rows = base_rows()
    rows[4]["Kode Unit"], rows[4]["Nama Unit"], rows[4]["Kode Unit Induk"] = (
        "DISDIK",
        "Dinas Pendidikan",
        "PEMKAB",
    )
    rows[3]["Golongan"] = "X"
    new = dict(rows[3], NIP="199505052022031006", Nama="Dewi Lestari")
    return [*rows, new]


def _people(html: str) -> dict[str, tuple[str, str]]:
    table = html.split('id="import-people"', 1)[1].split("</table>", 1)[0]
    found = {}
    for change, nip, body in re.findall(
        r'<tr data-change="(\w+)" data-nip="(\d+)">(.*?)</tr>', table, flags=re.S
    ):
        found[nip] = (change, text(body))
    return found


def test_the_dry_run_names_who_is_added_moved_and_changed_with_the_fields(client, org):
    run(base_rows())
    client.force_login(org.users["hr_admin"])
    response = _upload(client, to_csv(_changed_rows()))
    assert response.status_code == 200
    html = response.content.decode()
    people = _people(html)
    assert set(people) == {STAF1, STAF2, "199505052022031006"}
    change, seen = people["199505052022031006"]
    assert change == "new" and "Dewi Lestari" in seen and "Baru" in seen
    change, seen = people[STAF2]
    assert change == "moved" and "Bidang SD → Dinas Pendidikan" in seen and "unit" in seen
    change, seen = people[STAF1]
    assert change == "changed" and "golongan" in seen and "Nur Aisyah" in seen
    assert KABID not in people  # unchanged people are not listed
    assert "Siapa yang berubah" in text(html)


def test_a_supervisor_change_is_named_as_such(client, org):
    run(base_rows())
    rows = base_rows()
    rows[4]["NIP Atasan"] = rows[1]["NIP"]
    client.force_login(org.users["hr_admin"])
    people = _people(_upload(client, to_csv(rows)).content.decode())
    assert list(people) == [STAF2]
    assert people[STAF2][0] == "changed" and "atasan" in people[STAF2][1]


def test_a_long_list_of_people_is_capped_with_a_count(client, org, monkeypatch):
    monkeypatch.setattr("appraisals.imports.plan.PEOPLE_KEPT", 2)
    client.force_login(org.users["hr_admin"])
    html = _upload(client, to_csv(base_rows())).content.decode()
    assert len(_people(html)) == 2
    assert "…dan 3 orang lainnya." in text(html)


def test_an_import_job_report_from_before_the_list_still_reads(org):
    report = run(base_rows(), commit=False)
    data = report.as_dict()
    assert len(data["people"]) == data["people_total"] == 5
    del data["people"], data["people_total"]
    assert ImportReport.from_dict(data).people == []


# -- import: the new employees' appraisals -----------------------------------------------------


def test_after_an_import_into_a_running_cycle_the_new_employees_get_appraisals_by_one_button(
    client, org, django_capture_on_commit_callbacks
):
    cycle_open(cycle=org.cycle, actor=system_actor())
    client.force_login(org.users["hr_admin"])
    checked = _upload(client, to_csv(base_rows())).content.decode()
    assert f'id="awaiting-{org.cycle.pk}"' not in checked  # a dry run writes nobody yet
    token = re.search(r'name="token" value="([^"]+)"', checked).group(1)
    applied = client.post(reverse("web:hr-import"), {"action": "apply", "token": token})
    html = applied.content.decode()
    notice = html.split(f'id="awaiting-{org.cycle.pk}"', 1)[1].split("</form>", 1)[0]
    assert f"5 pegawai baru belum punya penilaian dalam {org.cycle.name}." in text(notice)
    assert "Buat penilaian" in text(notice)
    assert reverse("web:hr-cycle-open", args=[org.cycle.pk]) in html

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("web:hr-cycle-open", args=[org.cycle.pk]))
    job = BulkJob.objects.filter(cycle=org.cycle).latest("id")
    assert response.url == reverse("web:hr-job", args=[job.pk])
    assert Appraisal.objects.filter(cycle=org.cycle, employee__nip=STAF1).exists()
    assert Appraisal.objects.filter(cycle=org.cycle).count() == active_in(org.instansi)


def test_an_import_with_no_running_cycle_offers_nothing(client, org):
    client.force_login(org.users["hr_admin"])
    checked = _upload(client, to_csv(base_rows())).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', checked).group(1)
    html = client.post(reverse("web:hr-import"), {"action": "apply", "token": token}).content
    assert b'id="awaiting-' not in html  # the draft cycle takes them when it opens


# -- the appraisal list: by cycle and unit -----------------------------------------------------


@pytest.fixture
def two_cycles(org):
    """Both dinas in the org cycle; the education dinas also in next year's."""
    nurse = EmployeeFactory(unit=org.other_dinas, name="Perawat Puskesmas")
    supervise(nurse, org.other_appraiser)
    cycle_open(cycle=org.cycle, actor=system_actor())
    later = make_cycle(org.instansi, year=org.cycle.year + 1)
    later.name = "Penilaian Lanjutan"
    later.save()
    cycle_open(cycle=later, actor=system_actor(), employees=[org.employee])
    return later


def _listed(html: str) -> list[str]:
    return re.findall(r'<td><a href="/appraisals/\d+/">([^<]+)</a></td>', html)


def test_hr_filters_the_list_by_unit_and_by_cycle(client, org, two_cycles):
    url = reverse("web:appraisals")
    html = html_of(client, org.users["hr_admin"], url)
    units = html.split('id="filter-unit"', 1)[1].split("</select>", 1)[0]
    assert org.dinas.name in units and org.other_dinas.name in units
    cycles = html.split('id="filter-cycle"', 1)[1].split("</select>", 1)[0]
    assert org.cycle.name in cycles and two_cycles.name in cycles

    by_unit = _listed(html_of(client, org.users["hr_admin"], f"{url}?unit={org.other_dinas.pk}"))
    assert sorted(by_unit) == sorted(
        Appraisal.objects.filter(unit=org.other_dinas).values_list("employee__name", flat=True)
    )
    assert "Perawat Puskesmas" in by_unit and org.employee.name not in by_unit

    by_cycle = _listed(html_of(client, org.users["hr_admin"], f"{url}?cycle={two_cycles.pk}"))
    assert by_cycle == [org.employee.name]
    both = html_of(client, org.users["hr_admin"], f"{url}?cycle={org.cycle.pk}&unit={org.dinas.pk}")
    assert f'<option value="{org.cycle.pk}" selected>' in both
    assert sorted(_listed(both)) == sorted(
        Appraisal.objects.filter(cycle=org.cycle, unit=org.dinas).values_list(
            "employee__name", flat=True
        )
    )


def test_the_filters_keep_to_the_pages(client, org, two_cycles, monkeypatch):
    monkeypatch.setattr("appraisals.web.views.PAGE_SIZE", 1)
    url = reverse("web:appraisals")
    html = html_of(client, org.users["hr_admin"], f"{url}?unit={org.other_dinas.pk}")
    assert f"unit={org.other_dinas.pk}" in html.split('id="filter-submit"', 1)[1]


def test_an_appraiser_is_offered_and_shown_only_their_own_units(client, org, two_cycles):
    url = reverse("web:appraisals")
    html = html_of(client, org.users["appraiser"], url)
    assert org.other_dinas.name not in html
    # Another unit's id filters nothing in: the list stays the appraiser's.
    other = _listed(html_of(client, org.users["appraiser"], f"{url}?unit={org.other_dinas.pk}"))
    assert "Perawat Puskesmas" not in other and org.employee.name in other


def test_an_unknown_cycle_or_unit_is_ignored(client, org, two_cycles):
    url = reverse("web:appraisals") + "?cycle=999999&unit=abc"
    html = html_of(client, org.users["hr_admin"], url)
    assert len(_listed(html)) == Appraisal.objects.count()


def test_the_opening_jobs_link_leads_to_that_cycles_appraisals(
    client, org, django_capture_on_commit_callbacks
):
    client.force_login(org.users["hr_admin"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("web:hr-cycle-open", args=[org.cycle.pk]))
    job = BulkJob.objects.get(cycle=org.cycle)
    html = html_of(client, org.users["hr_admin"], reverse("web:hr-job", args=[job.pk]))
    assert f"{reverse('web:appraisals')}?cycle={org.cycle.pk}" in html


def test_a_large_imports_job_page_names_who_changed_and_offers_the_appraisals(client, org):
    cycle_open(cycle=org.cycle, actor=system_actor())
    report = run(base_rows(), actor=org.users["hr_admin"])
    job = BulkJob.objects.create(
        kind=BulkJob.Kind.ORGANISATION_IMPORT,
        status=BulkJob.Status.DONE,
        total=5,
        done=5,
        requested_by=org.users["hr_admin"],
        report=report.as_dict(),
    )
    html = html_of(client, org.users["hr_admin"], reverse("web:hr-job", args=[job.pk]))
    assert set(_people(html)) == {r["NIP"] for r in base_rows()}
    notice = html.split(f'id="awaiting-{org.cycle.pk}"', 1)[1].split("</form>", 1)[0]
    assert "5 pegawai baru belum punya penilaian" in text(notice)
