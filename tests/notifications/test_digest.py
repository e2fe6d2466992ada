"""The supervisor's digest: what waits for them, oldest first, once a day."""

import pytest

from notifications.digest import digest_send
from notifications.models import InboxItem, OutboxEvent

from ..factories import EmployeeFactory, supervise
from ..flow import advance

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_waiting(org, at_state, clock):
    from appraisals.models import Appraisal
    from appraisals.services.cycles import cycle_open
    from workflow.actors import system_actor

    second = EmployeeFactory(unit=org.dinas, name="Staf Kedua", user__username="employee2")
    supervise(second, org.appraiser)
    clock.set(2026, 1, 12, 9, 0)
    cycle_open(cycle=org.cycle, actor=system_actor(), employees=[second])
    later = Appraisal.objects.get(employee=second)
    clock.set(2026, 1, 13, 9, 0)
    first = at_state("plan_submitted")
    clock.set(2026, 1, 14, 9, 0)
    advance(later, "plan_submitted", users={**org.users, "employee": second.user})
    return first, later


def test_digest_lists_what_waits_oldest_first_once_a_day(org, two_waiting, clock, relay):
    first, later = two_waiting
    clock.set(2026, 1, 15, 7, 0)
    assert digest_send() == 1
    assert digest_send() == 0  # same day: nothing new
    event = OutboxEvent.objects.get(kind="digest.supervisor")
    assert event.data["employee_id"] == org.appraiser.pk
    assert [i["appraisal_id"] for i in event.data["items"]] == [first.pk, later.pk]
    relay()
    item = InboxItem.objects.get(kind="digest.supervisor")
    assert item.user == org.users["appraiser"]
    assert item.subject == "[Kinerja] 2 penilaian kinerja menunggu Anda"
    assert item.body.index("Staf Pendidikan") < item.body.index("Staf Kedua")
    clock.set(2026, 1, 16, 7, 0)
    assert digest_send() == 1


def test_waiting_api_is_the_digest_on_demand(org, two_waiting, api):
    first, later = two_waiting
    rows = api(org.users["appraiser"]).get("/api/notifications/waiting/").json()
    assert [r["appraisal"] for r in rows] == [first.pk, later.pk]
    assert rows[0]["state"] == "plan_submitted" and rows[0]["since"].startswith("2026-01-13")
    assert api(org.users["employee"]).get("/api/notifications/waiting/").json() == []
    assert api(org.users["panel"]).get("/api/notifications/waiting/").json() == []
