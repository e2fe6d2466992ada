"""The transactional outbox: written with the change, relayed after it, delivered once."""

import datetime as dt
from unittest import mock

import pytest
from django.core import mail
from django.db import transaction
from kombu.exceptions import OperationalError

from notifications import tasks
from notifications.models import InboxItem, Message, OutboxEvent
from workflow.services import perform

pytestmark = pytest.mark.django_db


def broker_down(*args, **kwargs):
    raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


def test_transition_writes_its_outbox_row_in_the_same_transaction(org, at_state):
    appraisal = at_state("plan_submitted")
    event = OutboxEvent.objects.get(kind="appraisal.submit_plan")
    assert event.subject_id == appraisal.pk
    assert event.actor_id == org.users["employee"].pk
    assert event.audit_event_id is not None
    assert event.relayed_at is None
    assert event.data["appraiser_id"] == org.appraiser.pk
    assert event.data["to_state"] == "plan_submitted"


def test_rolled_back_transition_sends_nothing(
    org, at_state, with_email, relay, django_capture_on_commit_callbacks
):
    appraisal = at_state("plan_submitted")
    OutboxEvent.objects.all().delete()
    with (
        mock.patch.object(tasks.relay, "apply_async") as trigger,
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        perform(appraisal, "approve_plan", actor=org.users["appraiser"])
        raise RuntimeError("boom after the transition")
    assert callbacks == []
    trigger.assert_not_called()
    assert not OutboxEvent.objects.exists()
    relay()
    assert not Message.objects.exists()
    assert not InboxItem.objects.exists()
    assert mail.outbox == []


def test_commit_triggers_the_relay_and_each_message_arrives_once(
    org, at_state, with_email, relay, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        at_state("plan_submitted")
    appraiser = org.users["appraiser"]
    item = InboxItem.objects.get(user=appraiser, kind="appraisal.submit_plan")
    assert "menunggu persetujuan" in item.subject
    [email] = [m for m in mail.outbox if m.to == [appraiser.email]]
    sent = Message.objects.get(recipient=appraiser, channel="email")
    assert email.extra_headers["Message-ID"] == f"<{sent.pk}@kinerja>"
    assert item.message.event_id == sent.event_id
    # A second relay, and the broker handing every message out again, change nothing.
    relay()
    for message in Message.objects.all():
        tasks.deliver.delay(str(message.pk))
    assert InboxItem.objects.filter(user=appraiser, kind="appraisal.submit_plan").count() == 1
    assert len([m for m in mail.outbox if m.to == [appraiser.email]]) == 1
    assert set(Message.objects.values_list("status", flat=True)) == {"delivered"}


def test_broker_down_at_commit_delays_delivery_but_loses_nothing(
    org, at_state, with_email, relay, django_capture_on_commit_callbacks
):
    appraisal = at_state("plan_submitted")
    OutboxEvent.objects.update(relayed_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    with (
        mock.patch.object(tasks.relay, "apply_async", side_effect=broker_down) as trigger,
        django_capture_on_commit_callbacks(execute=True),
    ):
        perform(appraisal, "approve_plan", actor=org.users["appraiser"])  # no error
    trigger.assert_called_once()
    event = OutboxEvent.objects.get(kind="appraisal.approve_plan")
    assert event.relayed_at is None
    assert not InboxItem.objects.exists()
    relay()  # beat, once the broker is back
    relay()
    assert InboxItem.objects.filter(user=org.users["employee"]).count() == 1
    assert len(mail.outbox) == 1


def test_broker_down_while_publishing_keeps_messages_pending(org, at_state, with_email, relay):
    at_state("plan_submitted")
    with mock.patch.object(tasks.deliver, "apply_async", side_effect=broker_down):
        result = relay()
    assert result.messages == 2 and result.published == 0
    assert set(Message.objects.values_list("status", flat=True)) == {"pending"}
    result = relay()
    assert result.published == 2
    assert InboxItem.objects.count() == 1 and len(mail.outbox) == 1


def test_a_message_the_broker_lost_is_published_again_after_its_lease(
    org, at_state, with_email, relay, settings
):
    at_state("plan_submitted")
    with mock.patch.object(tasks.deliver, "apply_async") as lost:
        relay()
    assert lost.call_count == 2
    assert set(Message.objects.values_list("status", flat=True)) == {"queued"}
    assert relay().published == 0  # still within the lease
    later = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=settings.NOTIFICATIONS_LEASE_SECONDS + 1)
    from notifications.relay import outbox_relay

    assert outbox_relay(now=later).published == 2
    assert InboxItem.objects.count() == 1 and len(mail.outbox) == 1
    assert set(Message.objects.values_list("published_count", flat=True)) == {2}


def test_message_ids_are_deterministic_so_a_second_fan_out_adds_nothing(org, at_state, relay):
    at_state("plan_submitted")
    relay()
    before = list(Message.objects.values_list("pk", flat=True))
    OutboxEvent.objects.update(relayed_at=None)
    relay()
    assert list(Message.objects.values_list("pk", flat=True)) == before
    assert InboxItem.objects.count() == len(before)


def test_transition_adds_one_query_for_the_outbox(org, at_state, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    appraisal = at_state("plan_submitted")
    with CaptureQueriesContext(connection) as ctx:
        perform(appraisal, "approve_plan", actor=org.users["appraiser"])
    inserts = [q["sql"] for q in ctx.captured_queries if "notifications_" in q["sql"]]
    assert len(inserts) == 1 and inserts[0].startswith("INSERT INTO")
