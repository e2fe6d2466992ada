"""The HR administrator's pages and the lifecycle diagram: who sees what, and that it adds up."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from appraisals.lifecycle import APPRAISAL_WORKFLOW
from appraisals.models import Appraisal, BulkJob, Cycle, Employee
from appraisals.services.calibration import unit_predicate_set
from appraisals.services.cycles import cycle_open
from workflow.actors import system_actor

from ..factories import EmployeeFactory, UserFactory, assign_role, make_cycle, supervise

pytestmark = pytest.mark.django_db


def page(client, user, url, **headers):
    client.force_login(user)
    return client.get(url, headers=headers)


def queries_of(client, user, url) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def staff(org, n: int) -> list:
    people = [EmployeeFactory(unit=org.dinas) for _ in range(n)]
    for person in people:
        supervise(person, org.appraiser)
    return people


# -- anonymous and strangers ------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,args",
    [
        ("web:hr-cycles", ()),
        ("web:hr-job", (1,)),
        ("web:hr-unit", (1,)),
        ("web:hr-import", ()),
        ("web:lifecycle", ()),
    ],
)
def test_anonymous_is_sent_to_login(client, name, args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302
    assert response.url.startswith(reverse("web:login"))


# -- cycles -----------------------------------------------------------------------------------


def test_cycles_page_lists_cycles_units_and_open_buttons(client, org):
    response = page(client, org.users["hr_admin"], reverse("web:hr-cycles"))
    assert response.status_code == 200
    html = response.content.decode()
    assert org.cycle.name in html
    assert f'id="open-cycle-{org.cycle.pk}"' in html
    assert reverse("web:hr-unit", args=[org.dinas.pk]) in html
    assert 'id="cycle-form"' in html


@pytest.mark.parametrize("persona", ["employee", "appraiser", "inspector", "panel", "authority"])
def test_cycles_page_is_forbidden_to_others(client, org, persona):
    assert page(client, org.users[persona], reverse("web:hr-cycles")).status_code == 403


def test_hr_admin_of_a_dinas_sees_the_instansi_cycle_but_cannot_open_it(client, org):
    dinas_hr = UserFactory(username="dinas_hr")
    assign_role(dinas_hr, "hr_admin", org.dinas)
    html = page(client, dinas_hr, reverse("web:hr-cycles")).content.decode()
    assert org.cycle.name in html and f'id="open-cycle-{org.cycle.pk}"' not in html
    response = client.post(reverse("web:hr-cycle-open", args=[org.cycle.pk]))
    assert response.status_code == 403
    assert not BulkJob.objects.exists()


def test_cycle_of_another_instansi_is_not_found(client, org):
    from ..factories import make_unit

    elsewhere = make_cycle(make_unit("PEMKOT", "Pemerintah Kota", "instansi"), year=2027)
    client.force_login(org.users["hr_admin"])
    assert client.post(reverse("web:hr-cycle-open", args=[elsewhere.pk])).status_code == 404
    assert elsewhere.name not in client.get(reverse("web:hr-cycles")).content.decode()


def test_create_then_open_a_cycle_makes_the_job_and_the_appraisals(
    client, org, django_capture_on_commit_callbacks
):
    client.force_login(org.users["hr_admin"])
    response = client.post(
        reverse("web:hr-cycles"),
        {
            "name": "Penilaian Kinerja 2027",
            "instansi": org.instansi.pk,
            "year": "2027",
            "starts_on": "2027-01-01",
            "ends_on": "2027-12-31",
            "check_in_frequency": "monthly",
        },
    )
    assert response.status_code == 302
    cycle = Cycle.objects.get(name="Penilaian Kinerja 2027")
    assert (cycle.check_in_frequency, cycle.appeal_window_days) == ("monthly", 14)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("web:hr-cycle-open", args=[cycle.pk]))
    job = BulkJob.objects.get(cycle=cycle)
    assert response.status_code == 302 and response.url == reverse("web:hr-job", args=[job.pk])
    active = Employee.objects.filter(active=True).count()
    assert Appraisal.objects.filter(cycle=cycle).count() == active

    html = client.get(response.url).content.decode()
    assert 'id="job" data-status="done"' in html
    assert f'<progress id="job-progress" value="{active}" max="{active}"' in html
    assert "hx-trigger" not in html  # finished: no more polling


def test_cycle_form_keeps_input_and_shows_errors_inline(client, org):
    client.force_login(org.users["hr_admin"])
    response = client.post(
        reverse("web:hr-cycles"),
        {
            "name": "Siklus Salah",
            "instansi": org.instansi.pk,
            "year": "2027",
            "starts_on": "2027-12-31",
            "ends_on": "2027-01-01",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="Siklus Salah"' in html and 'value="2027-12-31"' in html
    assert re.search(r'id="c-ends_on"[^>]*aria-invalid="true"', html)
    assert not Cycle.objects.filter(name="Siklus Salah").exists()


def test_cycle_for_a_unit_outside_scope_is_refused_beside_the_field(client, org):
    dinas_hr = UserFactory(username="dinas_hr")
    assign_role(dinas_hr, "hr_admin", org.dinas)
    client.force_login(dinas_hr)
    response = client.post(
        reverse("web:hr-cycles"),
        {"name": "X", "instansi": org.instansi.pk, "year": "2027"}
        | {"starts_on": "2027-01-01", "ends_on": "2027-12-31"},
    )
    assert response.status_code == 403
    assert re.search(r'id="c-instansi"[^>]*aria-invalid="true"', response.content.decode())
    assert not Cycle.objects.filter(name="X").exists()


def test_cycles_page_queries_do_not_grow_with_rows(client, org):
    one = queries_of(client, org.users["hr_admin"], reverse("web:hr-cycles"))
    for year in range(2027, 2037):
        make_cycle(org.instansi, year=year)
    assert queries_of(client, org.users["hr_admin"], reverse("web:hr-cycles")) == one


# -- job ------------------------------------------------------------------------------------


def test_job_fragment_polls_while_running_and_only_for_whom_may_see_it(client, org):
    job = BulkJob.objects.create(
        kind="cycle_open", cycle=org.cycle, total=10, done=4, status="running",
        requested_by=org.users["hr_admin"],
    )  # fmt: skip
    url = reverse("web:hr-job", args=[job.pk])
    full = page(client, org.users["hr_admin"], url).content.decode()
    assert "<html" in full and 'id="job" data-status="running"' in full
    fragment = page(client, org.users["hr_admin"], url, HX_Request="true").content.decode()
    assert "<html" not in fragment
    assert f'hx-get="{url}"' in fragment and 'hx-trigger="every 1s"' in fragment
    assert 'hx-swap="outerHTML"' in fragment
    assert '<progress id="job-progress" value="4" max="10"' in fragment
    for persona in ("employee", "inspector", "authority"):
        assert page(client, org.users[persona], url).status_code == 404
    assert (
        page(client, org.users["hr_admin"], reverse("web:hr-job", args=[999999])).status_code == 404
    )


def test_failed_job_shows_its_error(client, org):
    job = BulkJob.objects.create(
        kind="cycle_open", cycle=org.cycle, total=3, status="failed", error="Boom: disk full",
        requested_by=org.users["hr_admin"],
    )  # fmt: skip
    html = page(client, org.users["hr_admin"], reverse("web:hr-job", args=[job.pk])).content
    assert b'data-status="failed"' in html and b"Boom: disk full" in html
    assert b"hx-trigger" not in html


# -- unit dashboard ------------------------------------------------------------------------


@pytest.fixture
def rated(org):
    """Ten employees of the dinas in the org cycle: 7 baik, 2 sangat baik, 1 unrated."""
    people = staff(org, 10)
    cycle_open(cycle=org.cycle, actor=system_actor(), employees=people)
    ids = list(
        Appraisal.objects.filter(employee__in=people).order_by("id").values_list("id", flat=True)
    )
    Appraisal.objects.filter(pk__in=ids[:7]).update(state="final", predicate="baik")
    Appraisal.objects.filter(pk__in=ids[7:9]).update(state="result_issued", predicate="sangat_baik")
    unit_predicate_set(
        unit=org.dinas, cycle=org.cycle, predicate="baik", actor=org.users["authority"]
    )
    return ids


def _cells(html: str, table_id: str) -> dict[str, str]:
    table = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    return dict(
        re.findall(
            r'data-(?:state|predicate)="(\w+)"><th scope="row">[^<]*</th><td class="count">(\d+)<',
            table,
        )
    )


def test_dashboard_counts_and_chart_match_the_data(client, org, rated):
    url = reverse("web:hr-unit", args=[org.dinas.pk])
    response = page(client, org.users["hr_admin"], url)
    assert response.status_code == 200
    html = response.content.decode()
    states = _cells(html, "state-counts")
    assert set(states) == {s.name for s in APPRAISAL_WORKFLOW.states}
    assert (states["final"], states["result_issued"], states["draft"]) == ("7", "2", "1")
    assert {k: v for k, v in states.items() if v != "0"} == {
        "final": "7",
        "result_issued": "2",
        "draft": "1",
    }
    chart = html.split('id="dashboard-chart"', 1)[1].split("</svg>", 1)[0]
    assert "<title" in chart and "<desc" in chart
    pattern = r'data-predicate="(\w+)" data-count="(\d+)" data-min="(\d+)" data-max="(\d+)"'
    bars = {p: (c, lo, hi) for p, c, lo, hi in re.findall(pattern, chart)}
    # "baik": at most 70 % of 10 = 7; the others unbounded but by the unit's size.
    assert bars["baik"] == ("7", "0", "7")
    assert bars["sangat_baik"] == ("2", "0", "10")
    assert bars["kurang"] == ("0", "0", "10")
    assert _cells(html, "curve-table") == {
        "sangat_baik": "2", "baik": "7", "butuh_perbaikan": "0", "kurang": "0", "sangat_kurang": "0"
    }  # fmt: skip


@pytest.mark.parametrize("persona", ["hr_admin", "panel", "authority", "inspector"])
def test_dashboard_is_for_the_calibration_readers(client, org, persona):
    url = reverse("web:hr-unit", args=[org.dinas.pk])
    assert page(client, org.users[persona], url).status_code == 200


@pytest.mark.parametrize("persona", ["employee", "appraiser", "superior"])
def test_dashboard_is_forbidden_to_the_units_own_staff(client, org, persona):
    # They see their unit in the directory (the API answers 403 too), not its calibration.
    url = reverse("web:hr-unit", args=[org.dinas.pk])
    assert page(client, org.users[persona], url).status_code == 403


def test_dashboard_is_not_found_for_other_units_staff(client, org):
    url = reverse("web:hr-unit", args=[org.dinas.pk])
    assert page(client, org.users["outsider"], url).status_code == 404


def test_dashboard_of_an_unknown_cycle_is_not_found(client, org):
    url = reverse("web:hr-unit", args=[org.dinas.pk]) + "?cycle=999999"
    assert page(client, org.users["hr_admin"], url).status_code == 404


def test_dashboard_queries_do_not_grow_with_rows(client, org):
    people = staff(org, 1)
    cycle_open(cycle=org.cycle, actor=system_actor(), employees=people)
    url = reverse("web:hr-unit", args=[org.dinas.pk])
    one = queries_of(client, org.users["hr_admin"], url)
    more = staff(org, 20)
    cycle_open(cycle=org.cycle, actor=system_actor(), employees=more)
    Appraisal.objects.filter(employee__in=more[:10]).update(state="final", predicate="baik")
    assert queries_of(client, org.users["hr_admin"], url) == one


# -- lifecycle ------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["employee", "outsider", "hr_admin", "inspector"])
def test_lifecycle_diagram_is_drawn_from_the_table_for_everyone(client, org, persona):
    response = page(client, org.users[persona], reverse("web:lifecycle"))
    assert response.status_code == 200
    html = response.content.decode()
    svg = html.split('id="lifecycle-diagram"', 1)[1].split("</svg>", 1)[0]
    assert "<title" in svg and "<desc" in svg
    drawn_states = re.findall(r'class="state" data-state="(\w+)"', svg)
    assert drawn_states == [s.name for s in APPRAISAL_WORKFLOW.states]
    drawn = set(re.findall(r'data-transition="(\w+)"', svg))
    assert drawn == {t.name for t in APPRAISAL_WORKFLOW.transitions}
    table = html.split('id="transitions"', 1)[1]
    rows = re.findall(r'<tr data-transition="(\w+)"', table)
    assert rows == [t.name for t in APPRAISAL_WORKFLOW.transitions]


# -- organisation import ------------------------------------------------------------------------


def _upload(client, data: bytes, name="pegawai.csv", **extra):
    from django.core.files.uploadedfile import SimpleUploadedFile

    body = {"action": "check", "file": SimpleUploadedFile(name, data), **extra}
    return client.post(reverse("web:hr-import"), body)


def test_import_dry_run_changes_nothing_then_apply_writes_it(client, org):
    from ..appraisals.importing import STAF1, base_rows, to_csv

    client.force_login(org.users["hr_admin"])
    assert 'id="import-form"' in client.get(reverse("web:hr-import")).content.decode()
    before = Employee.objects.count()
    response = _upload(client, to_csv(base_rows()), effective_date="2026-03-01")
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        'id="import-report" aria-labelledby="report-h" data-ok="true" data-committed="false"'
        in html
    )
    assert re.search(r'data-kind="employees"><th scope="row">[^<]*</th><td>5</td>', html)
    assert Employee.objects.count() == before and not Employee.objects.filter(nip=STAF1).exists()
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    assert 'id="import-apply"' in html

    response = client.post(reverse("web:hr-import"), {"action": "apply", "token": token})
    assert response.status_code == 200
    assert b'data-committed="true"' in response.content
    assert Employee.objects.count() == before + 5
    assert Employee.objects.get(nip=STAF1).unit.code == "DISDIK-B1"
    # The check is spent: the same token applies nothing twice.
    again = client.post(reverse("web:hr-import"), {"action": "apply", "token": token})
    assert again.status_code == 409


def test_import_problems_are_listed_per_row_and_nothing_applies(client, org):
    from ..appraisals.importing import base_rows, to_csv

    rows = base_rows()
    rows[3]["NIP"] = "123"
    client.force_login(org.users["hr_admin"])
    response = _upload(client, to_csv(rows))
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-ok="false"' in html and 'id="import-problems"' in html
    assert "<td>5</td>" in html  # the spreadsheet's row number of the bad NIP
    assert 'id="import-apply"' not in html


def test_import_file_errors_show_beside_the_field(client, org):
    client.force_login(org.users["hr_admin"])
    response = _upload(client, b"\x00\x01", name="pegawai.pdf", effective_date="2026-02-30")
    assert response.status_code == 400
    html = response.content.decode()
    assert re.search(r'id="i-effective_date"[^>]*aria-invalid="true"', html)
    response = _upload(client, b"\x00\x01", name="pegawai.pdf")
    assert re.search(r'id="i-file"[^>]*aria-invalid="true"', response.content.decode())


def test_apply_needs_this_sessions_own_check(client, org):
    client.force_login(org.users["hr_admin"])
    response = client.post(reverse("web:hr-import"), {"action": "apply", "token": "../../etc"})
    assert response.status_code == 409


@pytest.mark.parametrize("persona", ["employee", "inspector", "authority", "panel"])
def test_import_is_for_hr_admins_only(client, org, persona):
    assert page(client, org.users[persona], reverse("web:hr-import")).status_code == 403


@pytest.mark.parametrize("persona", ["hr_admin", "panel", "authority", "inspector"])
def test_dashboards_index_leads_the_readers_to_their_units(client, org, persona):
    response = page(client, org.users[persona], reverse("web:hr-units"))
    assert response.status_code == 200
    assert reverse("web:hr-unit", args=[org.dinas.pk]) in response.content.decode()


@pytest.mark.parametrize("persona", ["employee", "appraiser", "outsider"])
def test_dashboards_index_is_forbidden_to_staff(client, org, persona):
    assert page(client, org.users[persona], reverse("web:hr-units")).status_code == 403


def test_a_refused_opening_keeps_the_create_form_filled_with_its_defaults(client, org):
    org.cycle.status = "closed"
    org.cycle.save(update_fields=["status"])
    client.force_login(org.users["hr_admin"])
    response = client.post(reverse("web:hr-cycle-open", args=[org.cycle.pk]))
    assert response.status_code == 409
    assert response.context["form"]["values"]["appeal_window_days"] == "14"


def test_a_waiting_import_file_goes_at_sign_out_and_stale_ones_are_swept(client, org):
    import os
    import time

    from appraisals.imports.uploads import upload_store
    from appraisals.tasks import import_uploads_sweep

    from ..appraisals.importing import base_rows, to_csv

    client.force_login(org.users["hr_admin"])
    html = _upload(client, to_csv(base_rows())).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    waiting = upload_store() / f"{token}.upload"
    assert waiting.exists()
    client.post(reverse("web:logout"))
    assert not waiting.exists()

    client.force_login(org.users["hr_admin"])
    html = _upload(client, to_csv(base_rows())).content.decode()
    fresh = upload_store() / (re.search(r'name="token" value="([^"]+)"', html).group(1) + ".upload")
    stale = upload_store() / "abandoned.upload"
    stale.write_bytes(b"nip,nama")
    old = time.time() - 2 * 24 * 3600
    os.utime(stale, (old, old))
    assert import_uploads_sweep.delay().get() == 1
    assert fresh.exists() and not stale.exists()
