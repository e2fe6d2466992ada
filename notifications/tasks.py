"""Celery tasks: thin, by id, calling a service. No personal data in arguments.

All are idempotent and acknowledged late: a worker killed mid-task leaves the
message to be delivered again, and the services make a second run harmless.
"""

from __future__ import annotations

from celery import shared_task


@shared_task(name="notifications.relay", acks_late=True, ignore_result=True)
def relay() -> dict:
    from .relay import outbox_relay

    result = outbox_relay()
    return {"events": result.events, "messages": result.messages, "published": result.published}


# Retries are counted in the database (delivery.message_deliver), not by
# Celery, so max_retries is unlimited here and the dead letter still comes.
@shared_task(
    name="notifications.deliver", bind=True, acks_late=True, ignore_result=True, max_retries=None
)
def deliver(self, message_id: str) -> str:
    from .delivery import message_deliver

    outcome = message_deliver(message_id=message_id)
    while outcome.retry_in is not None and self.request.is_eager:
        # Eager (demo, tests): no broker to wait in, so the next attempt is now.
        outcome = message_deliver(message_id=message_id)
    if outcome.retry_in is not None:
        raise self.retry(countdown=outcome.retry_in)
    return outcome.status


@shared_task(name="notifications.deadlines_poll", acks_late=True, ignore_result=True)
def deadlines_poll() -> dict:
    from .deadlines import deadlines_poll as poll

    return poll()


@shared_task(name="notifications.digest_send", acks_late=True, ignore_result=True)
def digest_send() -> int:
    from .digest import digest_send as send

    return send()


@shared_task(name="notifications.heartbeat", ignore_result=True)
def heartbeat() -> None:
    from .heartbeat import heartbeat_beat

    heartbeat_beat()
