"""Delivering one message, idempotently, by id.

1. Count the attempt in its own transaction, so an attempt that kills the
   worker still counts and a poison message cannot come back forever.
2. Lock the message row, skip it if it was already delivered, deliver
   (inbox row unique on the message id; e-mail with the message id as its
   Message-ID), record, commit.
3. On failure: retry later with exponential backoff, or after the last
   attempt write a DeadLetter and stop.

E-mail is at least once: a crash after the SMTP server accepted the mail but
before the commit sends it again, with the same Message-ID header.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from .models import DeadLetter, InboxItem, Message
from .render import message_render

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    status: str  # delivered, skipped, duplicate, missing, retry, dead
    retry_in: float | None = None


def backoff(attempt: int) -> float:
    """Seconds before attempt `attempt + 1`: base, 2x base, 4x base ... capped."""
    base = settings.NOTIFICATIONS_RETRY_BACKOFF
    return min(settings.NOTIFICATIONS_RETRY_BACKOFF_MAX, base * 2 ** max(0, attempt - 1))


def _lease(now: dt.datetime, extra: float = 0.0) -> dt.datetime:
    return now + dt.timedelta(seconds=settings.NOTIFICATIONS_LEASE_SECONDS + extra)


def _attempt_start(message_id: str, now: dt.datetime) -> int | Outcome:
    with transaction.atomic():
        message = Message.objects.select_for_update().filter(pk=message_id).first()
        if message is None:
            return Outcome("missing")
        if message.status in Message.FINAL:
            return Outcome("duplicate")
        message.attempts += 1
        message.lease_until = _lease(now)
        message.save(update_fields=["attempts", "lease_until"])
        return message.attempts


def _send(message: Message, now: dt.datetime) -> str:
    rendered = message_render(message)
    message.subject = rendered.subject
    if message.channel == Message.Channel.INBOX:
        event = message.event
        InboxItem.objects.create(
            message=message,
            user_id=message.recipient_id,
            kind=event.kind,
            subject=rendered.subject,
            body=rendered.body,
            subject_type=event.subject_type,
            subject_id=event.subject_id,
            created_at=event.created_at,
        )
        return Message.Status.DELIVERED
    address = message.recipient.email
    if not address:
        return Message.Status.SKIPPED
    mail = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.body,
        to=[address],
        headers={"Message-ID": f"<{message.pk}@kinerja>", "X-Kinerja-Kind": message.event.kind},
    )
    # The same text as HTML, its page links clickable in any mail reader.
    if rendered.html:
        mail.attach_alternative(rendered.html, "text/html")
    mail.send(fail_silently=False)
    return Message.Status.DELIVERED


def message_deliver(*, message_id: str, now: dt.datetime | None = None) -> Outcome:
    now = now or timezone.now()
    started = _attempt_start(message_id, now)
    if isinstance(started, Outcome):
        return started
    attempts = started
    if attempts > settings.NOTIFICATIONS_MAX_ATTEMPTS:
        # Earlier attempts died with their worker: give up on it.
        message_dead_letter(message_id=message_id, attempts=attempts - 1, error="worker lost")
        return Outcome("dead")
    try:
        with transaction.atomic():
            message = (
                Message.objects.select_for_update()
                .select_related("event", "recipient")
                .get(pk=message_id)
            )
            if message.status in Message.FINAL:
                return Outcome("duplicate")
            message.status = _send(message, now)
            message.delivered_at = timezone.now()
            message.lease_until = None
            message.last_error = ""
            message.save(
                update_fields=["status", "delivered_at", "lease_until", "last_error", "subject"]
            )
        return Outcome(message.status)
    except Exception as exc:  # noqa: BLE001 - every failure is retried or dead-lettered
        error = f"{type(exc).__name__}: {exc}"[:2000]
        # Only ids and the error's class: the text may name a person or an address.
        logger.warning(
            "notifications: message %s attempt %s failed (%s)", message_id, attempts, type(exc)
        )
        if attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS:
            message_dead_letter(message_id=message_id, attempts=attempts, error=error)
            return Outcome("dead")
        delay = backoff(attempts)
        Message.objects.filter(pk=message_id).update(
            last_error=error, lease_until=_lease(now, delay)
        )
        return Outcome("retry", retry_in=delay)


def message_dead_letter(*, message_id: str, attempts: int, error: str) -> None:
    with transaction.atomic():
        updated = (
            Message.objects.filter(pk=message_id)
            .exclude(status__in=Message.FINAL)
            .update(status=Message.Status.DEAD, lease_until=None, last_error=error)
        )
        if updated:
            DeadLetter.objects.create(message_id=message_id, attempts=attempts, error=error)
    logger.error("notifications: message %s dead-lettered after %s attempts", message_id, attempts)


def dead_letter_requeue(*, dead_letter_ids, now: dt.datetime | None = None) -> int:
    """A person fixed the cause: give the messages a fresh set of attempts."""
    now = now or timezone.now()
    with transaction.atomic():
        letters = list(
            DeadLetter.objects.select_for_update()
            .filter(pk__in=dead_letter_ids, resolved_at__isnull=True)
            .values_list("pk", "message_id")
        )
        Message.objects.filter(pk__in=[m for _pk, m in letters], status=Message.Status.DEAD).update(
            status=Message.Status.PENDING, attempts=0, lease_until=None
        )
        DeadLetter.objects.filter(pk__in=[pk for pk, _m in letters]).update(resolved_at=now)
    return len(letters)
