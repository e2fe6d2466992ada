"""JSON log lines carry the request id, from the request into the Celery tasks it publishes."""

from __future__ import annotations

import json
import logging
from types import SimpleNamespace

from audit.context import request_id
from settings import logs


def record(message: str, *args) -> logging.LogRecord:
    return logging.LogRecord("kinerja.test", logging.WARNING, __file__, 1, message, args, None)


def test_a_line_is_one_json_object_with_the_request_id():
    token = request_id.set("abc123")
    try:
        line = logs.JsonFormatter().format(record("relay: %d messages", 3))
    finally:
        request_id.reset(token)
    assert "\n" not in line
    doc = json.loads(line)
    assert doc["message"] == "relay: 3 messages"
    assert doc["level"] == "WARNING" and doc["logger"] == "kinerja.test"
    assert doc["request_id"] == "abc123"
    assert doc["at"].endswith("+00:00")


def test_the_request_id_travels_with_a_published_task_and_is_dropped_after():
    headers = {}
    token = request_id.set("req-42")
    try:
        logs.carry_request_id(headers=headers)
    finally:
        request_id.reset(token)
    assert headers == {logs.HEADER: "req-42"}

    # In the worker: the message's header becomes the task's request attribute.
    task = SimpleNamespace(name="notifications.relay", request=SimpleNamespace(**headers))
    logs.adopt_request_id(task_id="t-1", task=task)
    doc = json.loads(logs.JsonFormatter().format(record("relayed")))
    assert (doc["request_id"], doc["task"], doc["task_id"]) == (
        "req-42",
        "notifications.relay",
        "t-1",
    )
    logs.drop_request_id(task_id="t-1")
    doc = json.loads(logs.JsonFormatter().format(record("idle")))
    assert doc["request_id"] == "" and "task" not in doc


def test_the_celery_app_is_wired():
    from celery.signals import before_task_publish, task_postrun, task_prerun

    import settings.celery  # noqa: F401 (connects the receivers)

    def connected(signal) -> set:
        return {receiver for _, receiver in signal.receivers}

    assert logs.carry_request_id in connected(before_task_publish)
    assert logs.adopt_request_id in connected(task_prerun)
    assert logs.drop_request_id in connected(task_postrun)
