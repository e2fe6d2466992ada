"""Retries with backoff, and a poison message ends as a dead letter, not in an endless requeue."""

from unittest import mock

import pytest
from django.contrib.auth import get_user_model

from notifications import delivery, tasks
from notifications.delivery import backoff, message_deliver
from notifications.models import DeadLetter, InboxItem, Message, OutboxEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def poison(org, appraisal):
    """A message no template can render: it fails on every attempt."""
    event = OutboxEvent.objects.create(
        kind="deadline.unknown_kind",
        subject_type="appraisals.appraisal",
        subject_id=appraisal.pk,
        data={"unit_id": org.dinas.pk, "audience": [["employee", org.employee.pk]]},
    )
    return event


def test_backoff_is_exponential_and_capped(settings):
    settings.NOTIFICATIONS_RETRY_BACKOFF = 10
    settings.NOTIFICATIONS_RETRY_BACKOFF_MAX = 60
    assert [backoff(n) for n in range(1, 6)] == [10, 20, 40, 60, 60]


def test_poison_message_is_dead_lettered_after_the_retry_limit(poison, relay, settings):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 4
    render = mock.Mock(wraps=delivery.message_render)
    with (
        mock.patch.object(delivery, "message_render", render),
        mock.patch.object(delivery, "backoff", wraps=delivery.backoff) as waits,
    ):
        relay()  # eager: Celery runs each retry at once
        assert render.call_count == 4
        assert [c.args[0] for c in waits.call_args_list] == [1, 2, 3]
        message = Message.objects.get(event=poison)
        assert message.status == "dead" and message.attempts == 4
        letter = DeadLetter.objects.get(message=message)
        assert letter.attempts == 4 and "TemplateDoesNotExist" in letter.error
        assert not InboxItem.objects.exists()
        # Dead is final: beat's next rounds and a stray redelivery do nothing.
        from notifications.relay import outbox_relay

        far = message.created_at + __import__("datetime").timedelta(days=1)
        assert outbox_relay(now=far).published == 0
        tasks.deliver.delay(str(message.pk))
        assert render.call_count == 4


def test_a_message_that_keeps_killing_its_worker_is_dead_lettered(poison, relay, settings):
    with mock.patch.object(tasks.deliver, "apply_async"):
        relay()
    message = Message.objects.get(event=poison)
    # Every earlier attempt died with its worker: counted, never finished.
    Message.objects.filter(pk=message.pk).update(attempts=settings.NOTIFICATIONS_MAX_ATTEMPTS)
    with mock.patch.object(delivery, "message_render") as render:
        assert message_deliver(message_id=str(message.pk)).status == "dead"
    render.assert_not_called()
    assert DeadLetter.objects.get(message=message).error == "worker lost"


def test_a_transient_failure_is_retried_and_then_delivered(org, at_state, relay):
    at_state("plan_submitted")
    real = delivery.message_render
    failures = iter([RuntimeError("database hiccup")])

    def flaky(message):
        for exc in failures:
            raise exc
        return real(message)

    with mock.patch.object(delivery, "message_render", side_effect=flaky):
        relay()
    message = Message.objects.get()
    assert (message.status, message.attempts) == ("delivered", 2)
    assert InboxItem.objects.count() == 1
    assert not DeadLetter.objects.exists()


def test_requeued_dead_letter_gets_fresh_attempts(poison, relay, settings):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 2
    relay()
    letter = DeadLetter.objects.get()
    assert delivery.dead_letter_requeue(dead_letter_ids=[letter.pk]) == 1
    message = Message.objects.get()
    assert (message.status, message.attempts) == ("pending", 0)
    relay()  # still poison: a second, separate dead letter
    assert DeadLetter.objects.filter(resolved_at__isnull=True).count() == 1
    assert DeadLetter.objects.count() == 2


def test_dead_letters_and_backlog_are_visible_in_the_admin(poison, relay, client, settings):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 1
    relay()
    OutboxEvent.objects.create(kind="appraisal.submit_plan", data={})  # one waiting
    admin = get_user_model().objects.create_superuser("root", "root@example.go.id", "x" * 12)
    client.force_login(admin)
    message = Message.objects.get()
    page = client.get("/admin/notifications/deadletter/")
    assert page.status_code == 200 and str(message.pk) in page.content.decode()
    page = client.get("/admin/notifications/outboxevent/")
    assert page.status_code == 200
    assert "events waiting to be relayed: 1" in page.content.decode()
    assert "open dead letters: 1" in page.content.decode()
    letter = DeadLetter.objects.get()
    page = client.post(
        "/admin/notifications/deadletter/",
        {"action": "requeue", "_selected_action": [letter.pk]},
        follow=True,
    )
    assert page.status_code == 200
    assert Message.objects.get().status in ("pending", "queued", "dead")
    assert DeadLetter.objects.get(pk=letter.pk).resolved_at is not None


def test_no_personal_data_in_task_arguments_or_logs(org, at_state, with_email, relay, caplog):
    at_state("plan_submitted")
    with mock.patch.object(tasks.deliver, "apply_async") as publish, caplog.at_level("DEBUG"):
        relay()
        Message.objects.update(status="pending")
        with mock.patch.object(delivery, "message_render", side_effect=RuntimeError("x")):
            for message in Message.objects.all():
                message_deliver(message_id=str(message.pk))
    args = [c.kwargs.get("args") or c.args[0] for c in publish.call_args_list]
    assert all(len(a) == 1 and len(a[0]) == 36 for a in args)  # a message id, nothing else
    text = caplog.text + repr(args)
    for person in (org.employee, org.appraiser):
        assert person.nip not in text and person.user.email not in text and person.name not in text
