"""Helpers for the notification tests: e-mail addresses, a frozen clock, one relay round."""

from __future__ import annotations

import datetime as dt
from unittest import mock
from zoneinfo import ZoneInfo

import pytest

from notifications.relay import outbox_relay

JAKARTA = ZoneInfo("Asia/Jakarta")


def at(*args) -> dt.datetime:
    """A moment in Jakarta time: at(2026, 3, 16, 10, 0)."""
    return dt.datetime(*args, tzinfo=JAKARTA)


@pytest.fixture
def with_email(org):
    """Every persona gets an e-mail address (the factories leave it blank)."""
    for name, user in org.users.items():
        user.email = f"{name}@example.go.id"
        user.save(update_fields=["email"])
    return org


class Clock:
    """django.utils.timezone.now, frozen and movable; every `timezone.now()` caller sees it."""

    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def set(self, *args) -> dt.datetime:
        self.now = at(*args)
        return self.now

    def advance(self, **delta) -> dt.datetime:
        self.now += dt.timedelta(**delta)
        return self.now


@pytest.fixture
def clock():
    frozen = Clock(at(2026, 1, 5, 9, 0))
    with mock.patch("django.utils.timezone.now", frozen):
        yield frozen


@pytest.fixture
def relay():
    """One relay round, as beat would run it (eager: deliveries happen inside)."""
    return outbox_relay
