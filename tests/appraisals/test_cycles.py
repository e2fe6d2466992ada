"""Opening a cycle for everyone in scope, as a job with progress."""

import pytest
from django.core.management import call_command

from appraisals.models import Appraisal, BulkJob, Employee

from ..factories import EmployeeFactory, supervise

pytestmark = pytest.mark.django_db


def test_hr_admin_creates_and_opens_a_cycle(org, api, django_capture_on_commit_callbacks):
    for _ in range(3):
        supervise(EmployeeFactory(unit=org.dinas), org.appraiser)
    client = api(org.users["hr_admin"])
    r = client.post(
        "/api/cycles/",
        {
            "name": "Penilaian Kinerja 2027",
            "instansi": org.instansi.pk,
            "year": 2027,
            "starts_on": "2027-01-01",
            "ends_on": "2027-12-31",
            "check_in_frequency": "monthly",
        },
        format="json",
    )
    assert r.status_code == 201, r.json()
    cycle_id = r.json()["id"]
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(f"/api/cycles/{cycle_id}/open/", format="json")
    assert r.status_code == 202
    job = client.get(f"/api/jobs/{r.json()['id']}/").json()
    active = Employee.objects.filter(active=True).count()
    assert job["status"] == "done" and job["percent"] == 100
    assert job["done"] == job["total"] == active
    assert Appraisal.objects.filter(cycle_id=cycle_id, state="draft").count() == active


def test_only_hr_admin_opens(org, api):
    for persona in ("appraiser", "authority", "inspector"):
        r = api(org.users[persona]).post(f"/api/cycles/{org.cycle.pk}/open/", format="json")
        assert r.status_code == 403, persona
    assert not BulkJob.objects.exists()


def test_job_progress_is_private(org, api, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job_id = api(org.users["hr_admin"]).post(f"/api/cycles/{org.cycle.pk}/open/").json()["id"]
    assert api(org.users["employee"]).get(f"/api/jobs/{job_id}/").status_code == 404


def test_cycle_dates_validated(org, api):
    r = api(org.users["hr_admin"]).post(
        "/api/cycles/",
        {
            "name": "x",
            "instansi": org.instansi.pk,
            "year": 2027,
            "starts_on": "2027-12-31",
            "ends_on": "2027-01-01",
        },
        format="json",
    )
    assert r.status_code == 400
    assert r.json()["problems"][0]["field"] == "ends_on"


def test_open_cycle_command_shows_progress(org, capsys):
    call_command("open_cycle", str(org.cycle.pk))
    out = capsys.readouterr()
    assert "[" in out.err and f"{Employee.objects.count()}/" in out.err
    assert Appraisal.objects.filter(cycle=org.cycle).count() == Employee.objects.count()
    call_command("open_cycle", str(org.cycle.pk))  # idempotent
    assert Appraisal.objects.filter(cycle=org.cycle).count() == Employee.objects.count()


@pytest.mark.django_db
def test_open_cycle_for_50000_on_postgres(org):
    from django.db import connection

    from appraisals.models import Employee as E
    from appraisals.models import SupervisorRelation
    from appraisals.services.cycles import cycle_open
    from workflow.actors import system_actor

    if connection.vendor != "postgresql":
        pytest.skip("the 50,000-employee run is for PostgreSQL (CI's second run)")
    n = 50_000
    E.objects.bulk_create(
        [E(nip=f"{197001010000000000 + i:018d}", name=f"P{i}", unit=org.dinas) for i in range(n)],
        batch_size=10_000,
    )
    new_ids = E.objects.filter(name__startswith="P").values_list("id", flat=True)
    SupervisorRelation.objects.bulk_create(
        [
            SupervisorRelation(
                employee_id=i, supervisor=org.appraiser, valid_from=org.cycle.starts_on
            )
            for i in new_ids
        ],
        batch_size=10_000,
    )
    done = []
    created = cycle_open(
        cycle=org.cycle, actor=system_actor(), batch_size=5000, progress=lambda d, t: done.append(d)
    )
    total = E.objects.filter(active=True).count()
    assert created == total == n + 5
    assert done[-1] == total
    assert Appraisal.objects.filter(cycle=org.cycle, appraiser=org.appraiser).count() == n + 1
    from audit.models import AuditEvent

    assert AuditEvent.objects.filter(action="appraisal.created").count() == total
    assert Appraisal.history.filter(history_type="+").count() == total


@pytest.mark.django_db(transaction=True)  # on_commit runs inside the request, as in production
def test_a_broker_that_is_away_fails_the_job_at_once_instead_of_the_request(org, api):
    from unittest import mock

    from kombu.exceptions import OperationalError

    from appraisals.tasks import cycle_open_task

    refused = OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
    client = api(org.users["hr_admin"])
    client.raise_request_exception = False
    with mock.patch.object(cycle_open_task, "apply_async", side_effect=refused) as enqueue:
        r = client.post(f"/api/cycles/{org.cycle.pk}/open/", format="json")
    assert enqueue.call_count == 1
    assert enqueue.call_args.kwargs.get("retry") is False  # no retry loop inside the request
    assert r.status_code == 202
    assert r.json()["status"] == "failed"  # said at once, never a job queued forever
    job = BulkJob.objects.get()
    assert job.status == "failed" and "try again" in job.error
    assert not Appraisal.objects.filter(cycle=org.cycle).exists()
