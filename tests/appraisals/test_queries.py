"""Queries per transition are pinned and do not grow with the history's length."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from appraisals.models import Appraisal
from appraisals.policies import forget_profile
from appraisals.services.cycles import cycle_open
from audit.services import audit_event_append
from workflow.actors import system_actor

from ..factories import EmployeeFactory, supervise
from ..flow import advance

pytestmark = pytest.mark.django_db

# Measured on both SQLite and PostgreSQL; a change here needs a reason.
# 12 + behaviour-expectations condition + outbox row (#5) + the cycle's status (a closed
# cycle is frozen, #14) + the agency's zone in the response (its units up the tree, #14)
# + issuing the SKP (#15: the three people with their positions and units, the appraiser's
# superior, items and indicators, expectations, annex, the document's row): constant,
# whatever the history's length.
MAX_QUERIES_APPROVE_PLAN = 32


def _count_approve(client, appraisal, user) -> int:
    forget_profile(user)  # each real request loads its user afresh
    url = f"/api/appraisals/{appraisal.pk}/transitions/approve_plan/"
    with CaptureQueriesContext(connection) as ctx:
        r = client.post(url, {}, format="json")
    assert r.status_code == 200, r.json()
    return len(ctx.captured_queries)


def test_transition_queries_do_not_grow_with_history(
    org, appraisal, api, at_state, django_assert_max_num_queries
):
    short = at_state("plan_submitted")

    other = EmployeeFactory(unit=org.dinas, user__username="employee2")
    supervise(other, org.appraiser)
    cycle_open(cycle=org.cycle, actor=system_actor(), employees=[other])
    long = Appraisal.objects.get(employee=other)
    users = {**org.users, "employee": other.user}
    long = advance(long, "plan_submitted", users=users)
    for i in range(1000):
        audit_event_append(
            subject=long, actor=other.user, action="note.added", reason=f"catatan {i}"
        )
    assert long.__class__.objects.get(pk=long.pk).state == "plan_submitted"

    user = org.users["appraiser"]
    client = api(user)
    with django_assert_max_num_queries(MAX_QUERIES_APPROVE_PLAN):
        few = _count_approve(client, short, user)
    many = _count_approve(client, long, user)
    assert few == many
