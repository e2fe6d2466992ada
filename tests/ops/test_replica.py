"""Reads from a streaming replica (issue #20), and a writer always reads its own writes.

Without DATABASE_REPLICA_URL the router keeps everything on the primary (checked here on
any database). With it (.ci/run starts a real streaming replica with pg_basebackup), the
replica is paused mid-test so it is certainly behind: the heavy page then reads from it, and
a browser that just wrote reads from the primary.
"""

from __future__ import annotations

import time
from unittest import mock

import pytest
from django.conf import settings
from django.db import connections
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from appraisals.models import Appraisal
from settings.replica import COOKIE, ReplicaRouter, replica_reads

from ..flow import set_expectations


def test_without_a_replica_every_read_stays_on_the_primary(db):
    router = ReplicaRouter()
    with replica_reads(), mock.patch("settings.replica.replica_configured", return_value=False):
        assert router.db_for_read(Appraisal) is None
    assert router.db_for_write(Appraisal) == "default"
    assert router.allow_migrate("replica", "appraisals") is False


@pytest.fixture
def replica():
    standby = connections["replica"]
    yield standby
    with standby.cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_resume()")


def caught_up(standby, seconds: float = 30) -> None:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()")
        (target,) = cursor.fetchone()
    deadline = time.monotonic() + seconds
    with standby.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target])
            if cursor.fetchone()[0]:
                return
            time.sleep(0.1)
    raise AssertionError("the replica did not catch up")


@pytest.mark.skipif(
    "replica" not in settings.DATABASES,
    reason="no DATABASE_REPLICA_URL (.ci/run starts a streaming replica on CI)",
)
@pytest.mark.django_db(databases=["default", "replica"], transaction=True)
@override_settings(KINERJA_REPLICA_ROUTES=["appraisals"])
def test_heavy_page_reads_the_replica_and_a_writer_reads_its_own_write(org, at_state, replica):
    appraiser = org.users["appraiser"]
    appraisal = at_state("plan_submitted")
    set_expectations(appraisal, appraiser)
    caught_up(replica)
    client = Client()
    client.force_login(appraiser)

    with CaptureQueriesContext(replica) as on_replica:
        assert client.get("/appraisals/").status_code == 200
    assert any("appraisals_appraisal" in q["sql"] for q in on_replica.captured_queries)

    with replica.cursor() as cursor:  # from now on the replica is behind
        cursor.execute("SELECT pg_wal_replay_pause()")
    response = client.post("/appraisals/approve/", {"appraisal": [appraisal.pk]})
    assert response.status_code == 302
    assert COOKIE in response.cookies
    assert Appraisal.objects.get(pk=appraisal.pk).state == "in_progress"
    assert Appraisal.objects.using("replica").get(pk=appraisal.pk).state == "plan_submitted"

    # The writer's next page reads the primary: it shows the approval.
    with CaptureQueriesContext(replica) as on_replica:
        page = client.get("/appraisals/")
    assert page.status_code == 200
    assert on_replica.captured_queries == []

    # Once the window is over (the cookie gone), the page reads the (stale) replica again.
    del client.cookies[COOKIE]
    with CaptureQueriesContext(replica) as on_replica:
        assert client.get("/appraisals/").status_code == 200
    assert on_replica.captured_queries
    # Never a write there: the standby would refuse it anyway.
    assert ReplicaRouter().db_for_write(Appraisal) == "default"
