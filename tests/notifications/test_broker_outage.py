"""The broker's Redis goes down and comes back: transitions keep their pace, nothing is lost.

A private redis-server is the broker of this process's Celery app (and, once
it is back, of a real worker). Transitions with the broker up and down are
timed in the same test; the relay nudge after commit must be skipped quickly
while it is down, and the outbox delivers everything once it returns.
"""

from __future__ import annotations

import contextlib
import time
from unittest import mock

import pytest
from django.db import connection
from kombu import pools
from kombu.exceptions import OperationalError

from notifications import tasks
from notifications.models import InboxItem, Message, OutboxEvent

from ..outage import plan_returned, redis_server, transitions_timed  # noqa: F401 - fixture
from .live import LiveCelery, smtp_server, wait_for


def test_after_a_broker_failure_the_nudge_is_skipped_for_a_pause_then_tried_again(settings):
    from notifications.relay import breaker, relay_trigger

    settings.KINERJA_OUTAGE_RETRY_SECONDS = 0.3
    refused = OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
    with mock.patch.object(tasks.relay, "apply_async", side_effect=refused) as nudge:
        for _ in range(5):
            relay_trigger()
        assert nudge.call_count == 1
        assert nudge.call_args.kwargs == {"retry": False}  # one attempt, never a retry loop
        time.sleep(0.35)
        relay_trigger()
        assert nudge.call_count == 2  # tried again after the pause: still away
        nudge.side_effect = None
        time.sleep(0.35)
        relay_trigger()
        relay_trigger()
    assert nudge.call_count == 4 and breaker.closed()  # back: every commit nudges again


@contextlib.contextmanager
def broker_at(url: str):
    """This process's Celery app publishes to `url`; its pools are rebuilt before and after."""
    from notifications import relay
    from settings.celery import app

    # Publishing goes by broker_write_url (CELERY_BROKER_URL in the environment outranks
    # broker_url, but not this).
    saved = app.conf.get("broker_write_url")

    def fresh_pools() -> None:
        pools.reset()  # kombu's registries of connection and producer pools, closed and emptied
        app._pool = None
        app.amqp._producer_pool = None
        app.amqp.flush_routes()  # the routes to this test's queues, not a former test's
        relay.breaker.reset()

    app.conf.broker_write_url = url
    fresh_pools()
    try:
        yield
    finally:
        app.conf.broker_write_url = saved
        fresh_pools()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_broker_down_transitions_keep_pace_and_notifications_arrive_after_it_returns(
    org,
    at_state,
    with_email,
    redis_server,  # noqa: F811 - the fixture
    settings,
):
    if connection.vendor != "postgresql":
        pytest.skip("a worker process needs a database it can share: PostgreSQL")
    settings.KINERJA_OUTAGE_RETRY_SECONDS = 1
    appraisal = plan_returned(org, at_state)
    before = OutboxEvent.objects.order_by("-id").values_list("id", flat=True).first()
    with (
        smtp_server() as (sink, port),
        LiveCelery(port, CELERY_BROKER_URL=redis_server.url) as celery,
        broker_at(redis_server.url),
    ):
        transitions_timed(org, appraisal, rounds=2)  # warm-up
        # The best of three runs each side: one slow moment on a shared machine is no verdict.
        normal = min(transitions_timed(org, appraisal) for _ in range(3))

        redis_server.stop()
        degraded = min(transitions_timed(org, appraisal) for _ in range(3))
        # At least half the normal throughput: the nudge is skipped, not waited for.
        assert degraded <= 2 * normal, (degraded, normal)

        # The broker returns (empty: what was queued before went with it); a worker starts
        # and beat's relay, kicked as beat would, hands over everything the outbox holds.
        redis_server.start()
        celery.start_worker()

        def all_delivered() -> bool:
            return (
                not OutboxEvent.objects.filter(relayed_at__isnull=True).exists()
                and not Message.objects.exclude(status="delivered").exists()
            )

        worker_log = "".join(celery.workers[0].output[-40:])
        assert wait_for(all_delivered, timeout=25, kick=tasks.relay.delay), worker_log

    # 0 lost: every transition's event made its messages, and every message arrived.
    events = OutboxEvent.objects.filter(id__gt=before)
    assert events.count() == 2 * (2 + 6 * 8)  # the warm-up's 2 rounds and six runs of 8
    inbox = Message.objects.filter(channel="inbox", event__in=events)
    assert inbox.count() == events.count()  # one recipient each (appraiser / employee)
    inbox_ids = set(inbox.values_list("pk", flat=True))
    arrived = InboxItem.objects.filter(message_id__in=inbox_ids)
    assert arrived.count() == len(inbox_ids)  # each in an inbox, once
    email = Message.objects.filter(channel="email", event__in=events)
    emails = {f"<{pk}@kinerja>" for pk in email.values_list("pk", flat=True)}
    assert len(emails) == events.count()
    assert emails <= set(sink.message_ids())
