"""The relay nudge after commit: at most one per window per process, none later than it (#17).

A nudge is a broker publish of a few ms on the request; beat relays every few seconds
anyway. The first commit after a quiet window nudges at once; the commits within the
window share one nudge at its end.
"""

import time
from unittest import mock

import pytest

from notifications import relay, tasks

WINDOW = 0.3


@pytest.fixture
def broker(settings):
    """Publishing to a broker (not eager), the window set, each nudge's time recorded."""
    settings.NOTIFICATIONS_NUDGE_WINDOW = WINDOW
    conf = tasks.relay.app.conf
    eager = conf.task_always_eager
    conf.task_always_eager = False
    relay.coalescer.reset()
    sent: list[float] = []
    try:
        with mock.patch.object(
            tasks.relay, "apply_async", side_effect=lambda **kw: sent.append(time.monotonic())
        ) as nudge:
            yield nudge, sent
    finally:
        relay.coalescer.reset()
        conf.task_always_eager = eager


def settled(sent: list[float], count: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if len(sent) >= count:
            return True
        time.sleep(0.01)
    return len(sent) >= count


def test_a_burst_of_commits_makes_one_nudge_at_once_and_one_at_the_window_end(broker):
    nudge, sent = broker
    start = time.monotonic()
    for _ in range(20):
        relay.relay_trigger()
    assert nudge.call_count == 1  # the first commit: at once, as before
    assert sent[0] - start < 0.1
    assert settled(sent, 2, timeout=WINDOW + 1)
    # The others waited at most the window for theirs, and shared it.
    assert sent[1] - start <= WINDOW + 0.2
    time.sleep(WINDOW + 0.1)
    assert nudge.call_count == 2
    assert nudge.call_args.kwargs == {"retry": False}


def test_after_a_quiet_window_a_commit_nudges_at_once_again(broker):
    nudge, sent = broker
    relay.relay_trigger()
    time.sleep(WINDOW + 0.05)
    before = time.monotonic()
    relay.relay_trigger()
    assert nudge.call_count == 2
    assert sent[1] >= before


def test_a_commit_after_the_window_end_nudge_waits_for_the_next_window(broker):
    nudge, sent = broker
    relay.relay_trigger()
    relay.relay_trigger()
    assert settled(sent, 2, timeout=WINDOW + 1)
    relay.relay_trigger()  # right after the window's nudge: folded into the next one
    assert nudge.call_count == 2
    assert settled(sent, 3, timeout=WINDOW + 1)
    assert sent[2] - sent[1] <= WINDOW + 0.2


def test_the_breaker_still_skips_the_nudge_while_the_broker_is_away(broker, settings):
    from kombu.exceptions import OperationalError

    nudge, _sent = broker
    settings.NOTIFICATIONS_NUDGE_WINDOW = 0
    nudge.side_effect = OperationalError("Connection refused.")
    for _ in range(5):
        relay.relay_trigger()
    assert nudge.call_count == 1
    assert not relay.breaker.closed()


def test_in_eager_mode_every_commit_runs_the_relay(broker):
    nudge, _sent = broker
    tasks.relay.app.conf.task_always_eager = True  # the fixture restores it
    for _ in range(3):
        relay.relay_trigger()
    assert nudge.call_count == 3
