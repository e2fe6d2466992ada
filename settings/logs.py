"""Structured logs: one JSON object per line, carrying the request id into Celery tasks.

`LOG_FORMAT=json` (production's default) formats every record as
`{"at", "level", "logger", "message", "request_id", ["task", "task_id"], ["exc"]}`. The
request id is the one the audit trail records for the request (audit.context); a task
published while serving a request carries it in a message header, and the task's log lines
show it as `request_id` (the audit events a task writes keep their own, empty, request id:
the header is for correlating logs, not for the permanent record).

Messages hold ids, never names, NIPs or e-mail addresses (the house rule for logs and task
arguments); this formatter adds nothing personal either.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging

from audit.context import request_id

HEADER = "kinerja_request_id"
# The originating request's id while a task runs (set from the message header).
task_origin: contextvars.ContextVar[str] = contextvars.ContextVar("task_origin", default="")
task_name: contextvars.ContextVar[str] = contextvars.ContextVar("task_name", default="")
task_id: contextvars.ContextVar[str] = contextvars.ContextVar("task_id", default="")


def current_request_id() -> str:
    return request_id.get() or task_origin.get()


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        doc = {
            "at": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": current_request_id(),
        }
        if task_name.get():
            doc["task"], doc["task_id"] = task_name.get(), task_id.get()
        if record.exc_info:
            doc["exc"] = self.formatException(record.exc_info)
        return json.dumps(doc, ensure_ascii=False, default=str)


# Celery signal receivers (connected in settings/celery.py).


def carry_request_id(headers=None, **kwargs) -> None:
    """before_task_publish: put the current request id on the outgoing message."""
    rid = current_request_id()
    if rid and headers is not None:
        headers.setdefault(HEADER, rid)


_tokens: dict[str, tuple] = {}


def adopt_request_id(task_id=None, task=None, **kwargs) -> None:
    """task_prerun: the task's log lines carry the id its message brought."""
    origin = getattr(task.request, HEADER, None) or ""
    _tokens[task_id] = (
        task_origin.set(origin),
        task_name.set(task.name),
        globals()["task_id"].set(task_id or ""),
    )


def drop_request_id(task_id=None, **kwargs) -> None:
    """task_postrun: forget it (a worker process runs many tasks)."""
    tokens = _tokens.pop(task_id, None)
    if tokens:
        origin, name, tid = tokens
        globals()["task_id"].reset(tid)
        task_name.reset(name)
        task_origin.reset(origin)
