"""With a real Celery worker, the local Redis and a real SMTP server on localhost.

Run in CI's PostgreSQL pass (CELERY_BROKER_URL set); skipped elsewhere.
"""

import datetime as dt
import os
from unittest import mock

import pytest
from django.db import connection, transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from appraisals.models import Appraisal
from appraisals.services.cycles import cycle_open
from notifications import tasks
from notifications.models import DeadLetter, InboxItem, Message, OutboxEvent, Preference
from notifications.relay import outbox_fan_out
from workflow.actors import system_actor

from ..factories import EmployeeFactory, supervise
from ..flow import advance
from .live import LiveCelery, smtp_server, wait_for

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.real_worker,
    pytest.mark.skipif(
        not os.environ.get("CELERY_BROKER_URL"),
        reason="needs the local Redis (CI's second run sets CELERY_BROKER_URL)",
    ),
]


@pytest.fixture
def live(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("a worker process needs a database it can share: PostgreSQL")
    with smtp_server() as (sink, port), LiveCelery(port) as celery:
        celery.sink = sink
        yield celery


def all_final() -> bool:
    return not Message.objects.exclude(status__in=Message.FINAL).exists()


def test_a_transition_reaches_the_inbox_and_a_real_smtp_server(org, at_state, with_email, live):
    appraiser = org.users["appraiser"]
    Preference.objects.create(user=appraiser, language="en")
    live.start_worker()
    appraisal = at_state("plan_submitted")  # committed: the relay is nudged through Redis

    def arrived():
        return (
            InboxItem.objects.filter(kind="appraisal.submit_plan").exists() and live.sink.messages
        )

    assert wait_for(arrived, timeout=30), live.workers[0].output[-20:]
    item = InboxItem.objects.get(kind="appraisal.submit_plan")
    assert item.user == appraiser and item.subject_id == appraisal.pk
    assert item.subject == "[Kinerja] Staf Pendidikan's plan awaits your approval"
    [mail] = live.sink.messages
    email = Message.objects.get(channel="email")
    assert mail["To"] == appraiser.email
    assert mail["Subject"] == item.subject
    assert mail["Message-ID"] == f"<{email.pk}@kinerja>"
    # Plain text and HTML alternatives (issue #16: links clickable in the e-mail too).
    [text] = [p for p in mail.walk() if p.get_content_type() == "text/plain"]
    assert "submitted their performance plan" in text.get_payload(decode=True).decode()
    assert wait_for(all_final, timeout=10)
    assert set(Message.objects.values_list("status", flat=True)) == {"delivered"}


def test_worker_killed_mid_delivery_and_broker_down_at_commit_lose_and_repeat_nothing(
    org, appraisal, with_email, live
):
    appraisals = [appraisal]
    people = {**org.users}
    for n in (2, 3):
        other = EmployeeFactory(unit=org.dinas, name=f"Staf {n}", user__username=f"staf{n}")
        supervise(other, org.appraiser)
        cycle_open(cycle=org.cycle, actor=system_actor(), employees=[other])
        appraisals.append(Appraisal.objects.get(employee=other))
        people[f"staf{n}"] = other.user

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    # The broker is down while the transitions commit: they succeed, nothing is published.
    with mock.patch.object(tasks.relay, "apply_async", side_effect=broker_down) as nudge:
        for a, employee in zip(appraisals, ("employee", "staf2", "staf3"), strict=True):
            advance(a, "plan_submitted", users={**people, "employee": people[employee]})
    assert nudge.call_count == 1  # then the breaker skips the nudge: no wait per request
    assert OutboxEvent.objects.filter(relayed_at__isnull=True).count() == 3
    assert not Message.objects.exists()

    # The broker is back; a worker starts delivering and is SIGKILLed mid-SMTP.
    live.sink.hold_next = True
    first = live.start_worker()
    tasks.relay.delay()  # what beat does every few seconds
    assert live.sink.holding.wait(30), first.output[-20:]
    first.kill()
    live.sink.release.set()
    assert Message.objects.count() == 6  # 3 events x (inbox, e-mail) for the appraiser
    assert not all_final()

    live.start_worker()
    assert wait_for(all_final, timeout=60, kick=tasks.relay.delay), live.workers[1].output[-30:]

    # 0 lost, 0 duplicated.
    inbox = list(InboxItem.objects.values_list("message_id", flat=True))
    inbox_messages = set(Message.objects.filter(channel="inbox").values_list("pk", flat=True))
    assert len(inbox) == 3 and set(inbox) == inbox_messages
    assert set(Message.objects.values_list("status", flat=True)) == {"delivered"}
    assert not DeadLetter.objects.exists()
    # The killed attempt counted; e-mail is at least once, the same Message-ID each time.
    assert Message.objects.filter(attempts=2).count() == 1
    emails = {
        f"<{pk}@kinerja>"
        for pk in Message.objects.filter(channel="email").values_list("pk", flat=True)
    }
    assert set(live.sink.message_ids()) == emails
    assert len(live.sink.messages) in (3, 4)


def test_a_poison_message_is_dead_lettered_by_the_worker_without_endless_requeue(
    org, appraisal, live
):
    event = OutboxEvent.objects.create(
        kind="deadline.unknown_kind",
        subject_type="appraisals.appraisal",
        subject_id=appraisal.pk,
        data={"unit_id": org.dinas.pk, "audience": [["employee", org.employee.pk]]},
    )
    live.env["NOTIFICATIONS_MAX_ATTEMPTS"] = "3"
    live.start_worker()
    tasks.relay.delay()
    assert wait_for(DeadLetter.objects.exists, timeout=30), live.workers[0].output[-30:]
    message = Message.objects.get(event=event)
    assert (message.status, message.attempts) == ("dead", 3)
    # Beat keeps relaying: the dead letter stays dead, nothing is tried again.
    wait_for(lambda: False, timeout=4, kick=tasks.relay.delay)
    message.refresh_from_db()
    assert (message.status, message.attempts, message.published_count) == ("dead", 3, 1)
    assert DeadLetter.objects.get().attempts == 3


def _waiting_on_locks() -> int:
    with connection.cursor() as cursor:
        # Inside a transaction the activity view is a snapshot taken once: take a new one.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def _story(live, message) -> str:
    """What each worker said last, the message's attempts and who waits on a lock."""
    attempts = Message.objects.filter(pk=message.pk).values_list("attempts", flat=True)
    said = "\n".join(f"worker {n}:\n" + "".join(w.output[-6:]) for n, w in enumerate(live.workers))
    return f"attempts={list(attempts)} waiting={_waiting_on_locks()}\n{said}"


def _finished(live) -> int:
    return sum("succeeded in" in line for w in live.workers for line in w.output)


@pytest.mark.postgres
def test_two_workers_racing_on_one_email_send_it_once(org, appraisal, with_email, live):
    """The same message handed to two workers at once (a republished lease, a redelivery).

    This test holds the event row that the delivery block locks with the message. The first
    worker waits there holding the message's row; the second waits for that row, either in
    the delivery block too (it had counted its attempt before) or while counting it.
    Released, one sends; the other must find the message delivered under the lock and send
    nothing. Which of the two waits the second was in depends on timing: both end alike.
    """
    with mock.patch.object(tasks.relay, "apply_async"):  # no worker relays meanwhile
        advance(appraisal, "plan_submitted", users=org.users)
    outbox_fan_out(now=timezone.now(), limit=100)  # the messages, not yet published
    email = Message.objects.get(channel="email", recipient=org.users["appraiser"])
    live.start_worker()
    live.start_worker()

    with transaction.atomic():
        OutboxEvent.objects.select_for_update().get(pk=email.event_id)
        tasks.deliver.delay(str(email.pk))
        tasks.deliver.delay(str(email.pk))

        def both_wait():
            return _waiting_on_locks() >= 2

        assert wait_for(both_wait, timeout=60), _story(live, email)
    # Released: the two deliveries go on, one after the other under the row lock.
    assert wait_for(lambda: _finished(live) == 2, timeout=30), [w.output for w in live.workers]

    email.refresh_from_db()
    assert email.status == "delivered" and email.attempts in (1, 2)
    assert live.sink.message_ids() == [f"<{email.pk}@kinerja>"]
    outcomes = "".join(line for w in live.workers for line in w.output)
    assert "'delivered'" in outcomes and "'duplicate'" in outcomes


@pytest.mark.postgres
def test_two_workers_polling_at_once_act_on_a_deadline_once(org, appraisal, live):
    """Beat's poll handed to two workers at the same moment (two beats by mistake, a
    redelivered task): both find the same overdue deadline; both wait for the appraisal's
    row lock, which this test holds. Released, one escalates; the other finds nothing due."""
    from audit.models import AuditEvent
    from notifications.deadlines import deadlines_sync
    from notifications.models import Deadline, PhaseDeadline

    now = timezone.now()
    PhaseDeadline.objects.create(
        cycle=org.cycle,
        state="plan_submitted",
        due_on=timezone.localdate(now) - dt.timedelta(days=2),
        remind_days=[],
    )
    with mock.patch.object(tasks.relay, "apply_async"):  # no worker relays meanwhile
        advance(appraisal, "plan_submitted", users=org.users)
    # The deadline opened before its day had passed (a week ago); now it is overdue.
    deadlines_sync(now=now - dt.timedelta(days=7))
    deadline = Deadline.objects.get(subject_id=appraisal.pk, closed_at__isnull=True)
    assert deadline.on_due == "escalate" and deadline.next_action_at < now
    live.start_worker()
    live.start_worker()

    with transaction.atomic():
        Appraisal.objects.select_for_update().get(pk=appraisal.pk)
        tasks.deadlines_poll.delay()
        tasks.deadlines_poll.delay()
        assert wait_for(lambda: _waiting_on_locks() >= 2, timeout=30), [
            w.output[-5:] for w in live.workers
        ]
    assert wait_for(lambda: _finished(live) == 2, timeout=30), [w.output for w in live.workers]
    assert all(any("succeeded in" in line for line in w.output) for w in live.workers)

    outcomes = "".join(line for w in live.workers for line in w.output)
    assert outcomes.count("'escalated': 1") == 1, outcomes
    assert OutboxEvent.objects.filter(kind="deadline.escalation").count() == 1
    escalations = AuditEvent.objects.filter(
        subject_id=str(appraisal.pk), action="deadline.escalated"
    )
    assert escalations.count() == 1
    # Relayed (beat's part, kicked here), the superior is told once.
    told = InboxItem.objects.filter(kind="deadline.escalation")
    assert wait_for(lambda: told.exists() and all_final(), timeout=30, kick=tasks.relay.delay)
    assert list(told.values_list("user__username", flat=True)) == ["superior"]
