"""Deadlines as data, with a frozen clock: the right day, once, audited."""

import datetime as dt

import pytest

from audit.models import AuditEvent
from audit.verify import verify_chains
from notifications.deadlines import deadlines_poll
from notifications.models import Deadline, InboxItem, OutboxEvent, PhaseDeadline
from workflow.services import perform

from ..factories import UserFactory, assign_role
from .conftest import JAKARTA, at

pytestmark = pytest.mark.django_db


def audit_actions(appraisal, prefix="deadline."):
    events = AuditEvent.objects.filter(subject_id=str(appraisal.pk), action__startswith=prefix)
    return [(e.action, e.actor_username, e.at.astimezone(JAKARTA).date()) for e in events]


def inbox(kind):
    return sorted(InboxItem.objects.filter(kind=kind).values_list("user__username", flat=True))


def poll_and_relay(relay):
    result = deadlines_poll()
    relay()
    return result


def test_plan_approval_reminded_then_escalated_to_the_superior(org, at_state, clock, relay):
    PhaseDeadline.objects.create(
        cycle=org.cycle, state="plan_submitted", due_on=dt.date(2026, 1, 31), remind_days=[3, 1]
    )
    clock.set(2026, 1, 20, 10, 0)
    appraisal = at_state("plan_submitted")
    poll_and_relay(relay)
    deadline = Deadline.objects.get(subject_id=appraisal.pk, closed_at__isnull=True)
    assert deadline.responsible == "appraiser"
    assert deadline.due_at == at(2026, 2, 1, 0, 0)

    for day in (21, 25, 27):
        clock.set(2026, 1, day, 12, 0)
        poll_and_relay(relay)
    clock.set(2026, 1, 28, 6, 59)  # reminders go out from 07:00 local
    poll_and_relay(relay)
    assert inbox("deadline.reminder") == []

    clock.set(2026, 1, 28, 7, 5)
    poll_and_relay(relay)
    assert inbox("deadline.reminder") == ["appraiser"]
    item = InboxItem.objects.get(kind="deadline.reminder")
    assert "31 Januari 2026" in item.subject and "3 hari lagi" in item.body
    clock.set(2026, 1, 28, 18, 0)
    poll_and_relay(relay)  # once
    clock.set(2026, 1, 30, 8, 0)
    poll_and_relay(relay)
    clock.set(2026, 1, 31, 23, 59)
    poll_and_relay(relay)
    assert inbox("deadline.reminder") == ["appraiser", "appraiser"]
    assert inbox("deadline.escalation") == []

    clock.set(2026, 2, 1, 0, 15)
    poll_and_relay(relay)
    clock.set(2026, 2, 2, 9, 0)
    poll_and_relay(relay)
    assert inbox("deadline.escalation") == ["superior"]  # the appraiser's superior, once
    assert "Kepala Bidang" in InboxItem.objects.get(kind="deadline.escalation").body
    assert audit_actions(appraisal) == [
        ("deadline.reminded", "system", dt.date(2026, 1, 28)),
        ("deadline.reminded", "system", dt.date(2026, 1, 30)),
        ("deadline.escalated", "system", dt.date(2026, 2, 1)),
    ]
    assert verify_chains().ok  # appended to the appraisal's chain like any change

    perform(appraisal, "approve_plan", actor=org.users["appraiser"])
    poll_and_relay(relay)
    deadline.refresh_from_db()
    assert deadline.closed_at is not None
    assert not Deadline.objects.filter(subject_id=appraisal.pk, closed_at__isnull=True).exists()


def test_appeal_window_lapses_and_the_system_accepts_the_result(org, at_state, clock, relay):
    clock.set(2026, 3, 2, 10, 0)
    appraisal = at_state("result_issued")
    # PP 30/2019 Pasal 59: through the end of the 14th day (local), not 14 x 24 h.
    assert appraisal.appeal_deadline == at(2026, 3, 16, 23, 59, 59, 999999)
    poll_and_relay(relay)
    clock.set(2026, 3, 12, 12, 0)
    poll_and_relay(relay)
    assert inbox("deadline.reminder") == []
    clock.set(2026, 3, 13, 7, 30)
    poll_and_relay(relay)
    assert inbox("deadline.reminder") == ["employee"]

    clock.set(2026, 3, 16, 23, 59)
    poll_and_relay(relay)
    appraisal.refresh_from_db()
    assert appraisal.state == "result_issued"  # the window is still open

    clock.set(2026, 3, 17, 0, 1)
    poll_and_relay(relay)
    clock.set(2026, 3, 17, 1, 0)
    poll_and_relay(relay)
    appraisal.refresh_from_db()
    assert appraisal.state == "final"
    [accepted] = AuditEvent.objects.filter(subject_id=str(appraisal.pk), action="accept_result")
    assert accepted.actor_username == "system"
    assert accepted.at == at(2026, 3, 17, 0, 1)
    assert (accepted.from_state, accepted.to_state) == ("result_issued", "final")
    assert "Masa keberatan berakhir" in accepted.reason
    assert audit_actions(appraisal) == [("deadline.reminded", "system", dt.date(2026, 3, 13))]
    # Both hear that the system accepted it.
    assert inbox("appraisal.accept_result") == ["appraiser", "employee"]
    body = InboxItem.objects.get(kind="appraisal.accept_result", user=org.users["employee"]).body
    assert "diterima otomatis oleh sistem" in body


def test_an_appeal_filed_in_time_is_never_accepted_by_the_system(org, at_state, clock, relay):
    clock.set(2026, 3, 2, 10, 0)
    appraisal = at_state("result_issued")
    poll_and_relay(relay)
    clock.set(2026, 3, 10, 10, 0)
    perform(
        appraisal,
        "file_appeal",
        actor=org.users["employee"],
        payload={"grounds": "Bukti dukung belum dipertimbangkan."},
    )
    clock.set(2026, 3, 17, 10, 0)
    poll_and_relay(relay)
    appraisal.refresh_from_db()
    assert appraisal.state == "appealed"
    assert not AuditEvent.objects.filter(subject_id=str(appraisal.pk), action="accept_result")


def test_a_reviewer_who_misses_the_decision_date_is_escalated_to_the_authority(
    org, at_state, clock, relay
):
    elsewhere = UserFactory(username="authority_dinkes")
    assign_role(elsewhere, "authority", org.other_dinas)
    clock.set(2026, 3, 2, 10, 0)
    appraisal = at_state("appealed")  # filed 2 March: decision due 16 March, end of day
    poll_and_relay(relay)
    assert Deadline.objects.get(subject_id=appraisal.pk).responsible == "appeal_reviewer"
    clock.set(2026, 3, 13, 8, 0)
    poll_and_relay(relay)
    assert inbox("deadline.reminder") == ["superior"]  # the reviewer: the appraiser's superior
    clock.set(2026, 3, 17, 0, 30)
    poll_and_relay(relay)
    clock.set(2026, 3, 17, 11, 0)
    poll_and_relay(relay)
    assert inbox("deadline.escalation") == ["authority"]
    assert [a for a, _u, _d in audit_actions(appraisal)] == [
        "deadline.reminded",
        "deadline.escalated",
    ]


def test_polling_after_an_outage_sends_only_the_latest_reminder(org, at_state, clock, relay):
    PhaseDeadline.objects.create(
        cycle=org.cycle, state="plan_submitted", due_on=dt.date(2026, 1, 31), remind_days=[7, 3, 1]
    )
    clock.set(2026, 1, 10, 10, 0)
    appraisal = at_state("plan_submitted")
    poll_and_relay(relay)
    clock.set(2026, 1, 30, 9, 0)  # beat was down from the 10th to the 30th
    poll_and_relay(relay)
    [reminder] = OutboxEvent.objects.filter(kind="deadline.reminder")
    assert reminder.data["days_before"] == 1
    assert len(audit_actions(appraisal)) == 1


def test_no_escalation_for_a_date_that_passed_before_the_appraisal_arrived(
    org, at_state, clock, relay
):
    PhaseDeadline.objects.create(
        cycle=org.cycle, state="plan_submitted", due_on=dt.date(2026, 1, 31)
    )
    clock.set(2026, 2, 5, 10, 0)
    appraisal = at_state("plan_submitted")
    poll_and_relay(relay)
    clock.set(2026, 2, 20, 10, 0)
    poll_and_relay(relay)
    assert not OutboxEvent.objects.filter(kind__startswith="deadline.").exists()
    assert audit_actions(appraisal) == []


def test_moving_a_phase_date_moves_open_deadlines(org, at_state, clock, relay):
    phase = PhaseDeadline.objects.create(
        cycle=org.cycle, state="plan_submitted", due_on=dt.date(2026, 1, 31), remind_days=[1]
    )
    clock.set(2026, 1, 20, 10, 0)
    appraisal = at_state("plan_submitted")
    poll_and_relay(relay)
    phase.due_on = dt.date(2026, 2, 14)
    phase.save()
    clock.set(2026, 2, 1, 9, 0)
    poll_and_relay(relay)
    deadline = Deadline.objects.get(subject_id=appraisal.pk)
    assert deadline.due_at == at(2026, 2, 15, 0, 0)
    assert not OutboxEvent.objects.filter(kind__startswith="deadline.").exists()
