"""Cycle endpoints under attack (#13 item 11). A cycle-open job is queued once: opening again
while it waits or runs returns that job (a fuzzer queued 106 jobs for one cycle); a finished
or failed job does not block a new one; a job never started within JOB_START_TIMEOUT is given
up. A non-HR user creating a cycle is told about creating, not opening."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from appraisals.models import Appraisal, BulkJob
from appraisals.services.jobs import JOB_START_TIMEOUT

pytestmark = pytest.mark.django_db


def _open(api, org):
    return api(org.users["hr_admin"]).post(f"/api/cycles/{org.cycle.pk}/open/", format="json")


@pytest.mark.parametrize("status", ["queued", "running"])
def test_api_open_while_a_job_waits_or_runs_returns_that_job(api, org, status):
    first = _open(api, org)
    assert first.status_code == 202
    BulkJob.objects.update(status=status)
    again = [_open(api, org) for _ in range(5)]
    assert {r.status_code for r in again} == {202}
    assert {r.json()["id"] for r in again} == {first.json()["id"]}
    assert BulkJob.objects.count() == 1


def test_page_open_while_a_job_waits_shows_that_job(client, org):
    client.force_login(org.users["hr_admin"])
    url = reverse("web:hr-cycle-open", args=[org.cycle.pk])
    first = client.post(url)
    job = BulkJob.objects.get()
    assert first.status_code == 302 and first.url == reverse("web:hr-job", args=[job.pk])
    for _ in range(3):
        again = client.post(url)
        assert again.status_code == 302 and again.url == first.url
    assert BulkJob.objects.count() == 1


@pytest.mark.parametrize("status", ["done", "failed"])
def test_a_finished_job_does_not_block_a_new_one(
    api, org, status, django_capture_on_commit_callbacks
):
    first = _open(api, org).json()["id"]
    BulkJob.objects.update(status=status)
    with django_capture_on_commit_callbacks(execute=True):
        second = _open(api, org)
    assert second.status_code == 202 and second.json()["id"] != first
    assert BulkJob.objects.count() == 2
    assert Appraisal.objects.filter(cycle=org.cycle).exists()


def test_a_job_that_never_started_is_given_up(api, org):
    first = _open(api, org).json()["id"]
    BulkJob.objects.update(created_at=timezone.now() - JOB_START_TIMEOUT - dt.timedelta(seconds=1))
    second = _open(api, org)
    assert second.status_code == 202 and second.json()["id"] != first
    lost = BulkJob.objects.get(pk=first)
    assert lost.status == "failed" and lost.error


@pytest.mark.parametrize("persona", ["employee", "appraiser", "inspector", "authority"])
def test_a_non_hr_user_creating_a_cycle_is_told_about_creating(api, org, persona):
    body = {
        "name": "Siklus 2027",
        "instansi": org.instansi.pk,
        "year": 2027,
        "starts_on": "2027-01-01",
        "ends_on": "2027-12-31",
    }
    r = api(org.users[persona]).post("/api/cycles/", body, format="json")
    assert r.status_code == 403
    messages = r.json()["messages"]
    assert "create a cycle" in messages["en"] and "open" not in messages["en"]
    assert "membuat siklus" in messages["id"] and "membuka" not in messages["id"]
    assert r.json()["detail"] == messages["id"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_opens_queue_one_job(org, monkeypatch):
    """The cycle's row lock: eight HR requests at once still queue a single job."""
    import threading

    from django.db import connection, connections
    from rest_framework.test import APIClient

    from appraisals import tasks

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks (run with DATABASE_URL)")
    monkeypatch.setattr(tasks.cycle_open_task, "delay", lambda *a, **k: None)  # stays queued
    barrier, ids, lock = threading.Barrier(8), [], threading.Lock()

    def fire():
        client = APIClient()
        client.force_authenticate(org.users["hr_admin"])
        try:
            barrier.wait(timeout=30)
            r = client.post(f"/api/cycles/{org.cycle.pk}/open/", format="json")
            with lock:
                ids.append((r.status_code, r.json()["id"]))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=fire) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(ids) == 8 and len(set(ids)) == 1 and ids[0][0] == 202
    assert BulkJob.objects.count() == 1
