"""A real Celery worker (subprocess) and a real SMTP server (aiosmtpd) for the live tests.

The worker uses the test database (pytest-django's `test_<name>`) and the
local Redis, on queues with a prefix of its own so parallel runs sharing the
Redis never take each other's tasks. It is always killed at the end.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from email import message_from_bytes
from pathlib import Path
from urllib.parse import quote

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def wait_for(predicate, *, timeout: float, interval: float = 0.2, kick=None) -> bool:
    """Poll `predicate` until true or `timeout` seconds; `kick()` between polls (beat's part)."""
    deadline = time.monotonic() + timeout
    last_kick = 0.0
    while time.monotonic() < deadline:
        if predicate():
            return True
        if kick and time.monotonic() - last_kick >= 1.0:
            kick()
            last_kick = time.monotonic()
        time.sleep(interval)
    return predicate()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class MailSink:
    """aiosmtpd handler: records each mail; can hold the first DATA to catch a worker mid-send."""

    def __init__(self) -> None:
        self.messages = []
        self.hold_next = False
        self.holding = threading.Event()
        self.release = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        if self.hold_next:
            self.hold_next = False
            self.holding.set()
            loop = asyncio.get_running_loop()
            await loop.run_in_executor(None, self.release.wait, 60)
        self.messages.append(message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"

    def message_ids(self) -> list[str]:
        return [m["Message-ID"] for m in self.messages]


@contextlib.contextmanager
def smtp_server():
    from aiosmtpd.controller import Controller

    sink = MailSink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield sink, controller.port
    finally:
        sink.release.set()
        controller.stop()


def database_url() -> str:
    s = connection.settings_dict
    auth = quote(s["USER"] or "", safe="")
    if s.get("PASSWORD"):
        auth += ":" + quote(s["PASSWORD"], safe="")
    host = s.get("HOST") or "127.0.0.1"
    return f"postgres://{auth}@{host}:{s.get('PORT') or 5432}/{s['NAME']}"


class Worker:
    def __init__(self, env: dict, queues: str, name: str) -> None:
        self.output: list[str] = []
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "settings",
                "worker",
                "--pool=solo",
                # One task reserved at a time: a worker blocked on a row lock must not hold
                # in its prefetch buffer the task meant to race it in the other worker.
                "--prefetch-multiplier=1",
                "-Q",
                queues,
                "-n",
                name,
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "-l",
                "info",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.ready = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.output.append(line)
            if " ready." in line:
                self.ready.set()

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while not self.ready.wait(0.2):
            if self.process.poll() is not None or time.monotonic() > deadline:
                break
        if not self.ready.is_set():
            self.stop()
            raise AssertionError("worker did not start:\n" + "".join(self.output[-40:]))

    def kill(self) -> None:
        """SIGKILL: no warm shutdown, no acknowledgement, nothing flushed."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


class LiveCelery:
    """Starts workers on private queues and points this process's Celery app at them."""

    def __init__(self, smtp_port: int, **overrides: str) -> None:
        from settings.celery import app

        self.app = app
        self.prefix = f"t{uuid.uuid4().hex[:10]}."
        self.queues = f"{self.prefix}scheduler,{self.prefix}notifications"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "settings.test",
            "DATABASE_URL": database_url(),
            # The workers read and write the primary only (no replica alias in their settings).
            "DATABASE_REPLICA_URL": "",
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "CELERY_QUEUE_PREFIX": self.prefix,
            "TEST_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_port),
            "EMAIL_USE_TLS": "false",
            "NOTIFICATIONS_LEASE_SECONDS": "3",
            "NOTIFICATIONS_RETRY_BACKOFF": "0.2",
            "NOTIFICATIONS_RETRY_BACKOFF_MAX": "1",
            **overrides,
        }
        self.workers: list[Worker] = []
        self._saved = {k: app.conf[k] for k in ("task_always_eager", "task_routes")}

    def __enter__(self) -> LiveCelery:
        self.app.conf.update(
            task_always_eager=False,
            task_routes={
                "notifications.deliver": {"queue": f"{self.prefix}notifications"},
                "notifications.*": {"queue": f"{self.prefix}scheduler"},
            },
        )
        return self

    def __exit__(self, *exc) -> None:
        for worker in self.workers:
            worker.stop()
        self.app.conf.update(**self._saved)
        with contextlib.suppress(Exception), self.app.connection_for_write() as conn:
            for queue in self.queues.split(","):
                conn.default_channel.queue_delete(queue)

    def start_worker(self) -> Worker:
        worker = Worker(self.env, self.queues, f"w{len(self.workers)}-{self.prefix}@%h")
        self.workers.append(worker)
        worker.wait_ready()
        return worker
