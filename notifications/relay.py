"""The relay: outbox events become messages, and messages go to the broker by id.

Run by beat every few seconds and triggered after transitions commit (at most one
nudge per NOTIFICATIONS_NUDGE_WINDOW per process, none later than that window).
Rows are claimed with SELECT ... FOR UPDATE SKIP LOCKED, so several relays
never block each other or hand out the same row twice at once. Publishing is
at least once (a crash between publish and commit publishes again); delivery
deduplicates by message id, so the effect is exactly once.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import threading
import time
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from kombu.exceptions import OperationalError

from workflow import definition
from workflow.breaker import Breaker

from .models import Message, OutboxEvent
from .recipients import Resolver
from .rules import transition_audience

logger = logging.getLogger(__name__)
# The nudge after commit; its own breaker, apart from the cache's.
breaker = Breaker("notifications: broker (relay nudge; beat will relay)")

MESSAGE_NAMESPACE = uuid.UUID("6f1d3c2a-8b4e-4f0a-9c1d-2e5b7a9c0d41")


@dataclass(frozen=True)
class RelayResult:
    events: int
    messages: int
    published: int


def message_id_for(event_id: int, user_id: int, channel: str) -> uuid.UUID:
    """Deterministic: relaying the same event again makes the same ids."""
    return uuid.uuid5(MESSAGE_NAMESPACE, f"{event_id}:{user_id}:{channel}")


def relay_trigger() -> None:
    """Ask a worker to relay now: at once, or folded into the nudge at the window's end.

    Called after each commit. Beat relays every few seconds anyway; the nudge only makes a
    notification leave sooner. A publish costs a few ms of the request, so this process
    sends at most one per NOTIFICATIONS_NUDGE_WINDOW seconds (issue #17): the first
    commit after a quiet window nudges at once, as before; commits within the window are
    covered by one more nudge at its end, so none waits longer than the window (plus the
    relay) for what beat would otherwise do. In eager mode (demo, tests) the nudge is the
    relay itself, with no broker to spare: every commit runs it.
    """
    from .tasks import relay

    if relay.app.conf.task_always_eager:
        _nudge()
    else:
        coalescer.trigger()


def _nudge() -> None:
    """One attempt, no retries: the change is saved and must not fail now, nor wait for a
    broker that is away. After a failure the breaker skips the nudge for a pause (the
    outbox keeps every event; beat relays them)."""
    from .tasks import relay

    if not breaker.closed():
        return
    try:
        relay.apply_async(retry=False)
    except (OperationalError, OSError) as exc:  # the broker is away
        breaker.trip(exc)
    except Exception as exc:  # noqa: BLE001 - the outbox keeps the event either way
        logger.warning("notifications: relay not triggered (%s); beat will pick it up", type(exc))


class Coalescer:
    """At most one call of `send` per window in this process, none later than the window.

    The first trigger after a quiet window sends at once; later ones within it arm one
    timer for the window's end (one thread, daemon), which sends once for all of them.
    """

    def __init__(self, send) -> None:
        self._send = send
        self._lock = threading.Lock()
        self._last = -math.inf
        self._timer: threading.Timer | None = None

    def trigger(self) -> None:
        window = float(getattr(settings, "NOTIFICATIONS_NUDGE_WINDOW", 0))
        with self._lock:
            now = time.monotonic()
            if self._timer is not None:
                return  # the nudge at the window's end comes after this commit: it covers it
            if now - self._last >= window:
                self._last = now
                send_now = True
            else:
                self._timer = threading.Timer(self._last + window - now, self._at_window_end)
                self._timer.daemon = True
                self._timer.start()
                send_now = False
        if send_now:
            self._send()

    def _at_window_end(self) -> None:
        with self._lock:
            self._timer = None
            self._last = time.monotonic()
        self._send()

    def reset(self) -> None:
        """Forget the window (tests); a pending nudge is cancelled."""
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
            self._timer = None
            self._last = -math.inf


coalescer = Coalescer(_nudge)


def outbox_relay(*, now: dt.datetime | None = None, limit: int | None = None) -> RelayResult:
    now = now or timezone.now()
    limit = limit or settings.NOTIFICATIONS_RELAY_BATCH
    events, messages = outbox_fan_out(now=now, limit=limit)
    published = messages_publish(now=now, limit=limit)
    return RelayResult(events=events, messages=messages, published=published)


def _audience(event: OutboxEvent) -> list[tuple[str, object]]:
    """A transition's audience comes from its table; other events carry their own."""
    family, _dot, name = event.kind.partition(".")
    workflow = definition.get(family)
    if workflow is not None and (
        workflow.transition(name) is not None or name in workflow.announced_changes
    ):
        return transition_audience(name, event.data, workflow)
    return [tuple(spec) for spec in event.data.get("audience", [])]


def messages_for(event: OutboxEvent, resolver: Resolver) -> list[Message]:
    unit_id = event.data.get("unit_id")
    unit_path = resolver.unit_path(unit_id) if unit_id else event.data.get("scope", "")
    user_ids = resolver.users(_audience(event), unit_path=unit_path, exclude=event.actor_id)
    return [
        Message(
            id=message_id_for(event.pk, r.user_id, channel),
            event=event,
            recipient_id=r.user_id,
            channel=channel,
            language=r.language,
            created_at=event.created_at,
        )
        for r in resolver.recipients(user_ids)
        for channel in r.channels
    ]


def outbox_fan_out(*, now: dt.datetime, limit: int) -> tuple[int, int]:
    """Turn pending events into messages; an event that cannot be is marked, not retried."""
    with transaction.atomic():
        events = list(
            OutboxEvent.objects.select_for_update(skip_locked=True)
            .filter(relayed_at__isnull=True)
            .order_by("id")[:limit]
        )
        if not events:
            return 0, 0
        resolver = Resolver()
        messages: list[Message] = []
        done: list[int] = []
        for event in events:
            try:
                with transaction.atomic():
                    messages.extend(messages_for(event, resolver))
                done.append(event.pk)
            except Exception as exc:  # noqa: BLE001 - one bad event must not stop the rest
                logger.error("notifications: outbox event %s not relayed (%s)", event.pk, type(exc))
                OutboxEvent.objects.filter(pk=event.pk).update(
                    relayed_at=now, error=f"{type(exc).__name__}: {exc}"[:2000]
                )
        Message.objects.bulk_create(messages, ignore_conflicts=True, batch_size=500)
        OutboxEvent.objects.filter(pk__in=done).update(relayed_at=now)
    return len(events), len(messages)


def messages_publish(*, now: dt.datetime, limit: int) -> int:
    """Hand pending messages (and queued ones whose lease ran out) to the broker, by id."""
    from .tasks import deliver

    lease = dt.timedelta(seconds=settings.NOTIFICATIONS_LEASE_SECONDS)
    with transaction.atomic():
        ids = list(
            Message.objects.select_for_update(skip_locked=True)
            .filter(
                Q(status=Message.Status.PENDING)
                | Q(status=Message.Status.QUEUED, lease_until__lt=now)
            )
            .order_by("created_at", "id")
            .values_list("id", flat=True)[:limit]
        )
        if not ids:
            return 0
        # Marked before publishing: an eager delivery (demo, tests) runs inside
        # apply_async and must not have its outcome overwritten afterwards.
        Message.objects.filter(pk__in=ids).update(
            status=Message.Status.QUEUED,
            lease_until=now + lease,
            published_count=F("published_count") + 1,
        )
        published = 0
        for index, message_id in enumerate(ids):
            try:
                deliver.apply_async(args=[str(message_id)])
            except OperationalError as exc:
                # The broker is down: whatever was not handed over waits for the next relay.
                Message.objects.filter(pk__in=ids[index:], status=Message.Status.QUEUED).update(
                    status=Message.Status.PENDING, lease_until=None
                )
                logger.warning(
                    "notifications: broker unavailable (%s); %s messages wait",
                    type(exc),
                    len(ids) - index,
                )
                break
            except Exception as exc:  # noqa: BLE001 - eager mode: the delivery itself failed
                logger.error(
                    "notifications: message %s failed in delivery (%s)", message_id, type(exc)
                )
            published += 1
    return published
