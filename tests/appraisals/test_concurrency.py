"""Row locks for real: many clients firing the same transition at once."""

import threading

import pytest
from django.db import connection, connections
from rest_framework.test import APIClient

from audit.models import AuditEvent

THREADS = 16


def _is_postgres() -> bool:
    return connection.vendor == "postgresql"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_sixteen_threads_one_winner(org, appraisal, at_state):
    if not _is_postgres():
        pytest.skip("needs PostgreSQL row locks (run with DATABASE_URL)")
    appraisal = at_state("plan_submitted")
    user = org.users["appraiser"]
    url = f"/api/appraisals/{appraisal.pk}/transitions/approve_plan/"
    history_before = appraisal.history.count()
    events_before = AuditEvent.objects.filter(subject_id=str(appraisal.pk)).count()
    barrier = threading.Barrier(THREADS)
    statuses: list[int] = []
    lock = threading.Lock()

    def fire():
        client = APIClient()
        client.force_authenticate(user)
        try:
            barrier.wait(timeout=30)
            status = client.post(url, {}, format="json").status_code
            with lock:
                statuses.append(status)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=fire) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert sorted(statuses) == [200] + [409] * (THREADS - 1)
    appraisal.refresh_from_db()
    assert appraisal.state == "in_progress"
    assert appraisal.history.count() == history_before + 1
    assert AuditEvent.objects.filter(subject_id=str(appraisal.pk)).count() == events_before + 1


@pytest.mark.django_db
def test_stale_if_match_gets_412_and_changes_nothing(org, appraisal, at_state, api):
    appraisal = at_state("plan_submitted")
    client = api(org.users["appraiser"])
    url = f"/api/appraisals/{appraisal.pk}/transitions/approve_plan/"
    r = client.post(url, {}, format="json", HTTP_IF_MATCH=f'"{appraisal.version - 1}"')
    assert r.status_code == 412
    appraisal.refresh_from_db()
    assert appraisal.state == "plan_submitted"
    r = client.post(url, {}, format="json", HTTP_IF_MATCH=f'"{appraisal.version}"')
    assert r.status_code == 200
    assert r.json()["version"] == appraisal.version + 1


@pytest.mark.django_db
def test_detail_carries_etag(org, appraisal, api):
    r = api(org.users["employee"]).get(f"/api/appraisals/{appraisal.pk}/")
    assert r["ETag"] == f'"{appraisal.version}"'
