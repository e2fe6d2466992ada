"""For the outage tests: a private redis-server, started, stopped and restarted at will,
and a timed run of transitions through the API.

Never the shared Redis on 6379: each test runs its own on a free port, without
persistence, and kills it at the end.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time

import pytest
from rest_framework.test import APIClient

from appraisals.models import Appraisal
from workflow.services import perform

from .flow import valid_body


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    def __init__(self) -> None:
        self.binary = shutil.which("redis-server")
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise AssertionError(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None


@pytest.fixture
def redis_server():
    """A running private redis-server; the test may stop() and start() it again."""
    server = RedisServer()
    if server.binary is None:
        pytest.skip("needs redis-server (apt-get install redis-server)")
    server.start()
    try:
        yield server
    finally:
        server.stop()


def plan_returned(org, at_state) -> Appraisal:
    """An appraisal in draft with a plan: submit_plan and return_plan can alternate."""
    appraisal = at_state("plan_submitted")
    perform(appraisal, "return_plan", actor=org.users["appraiser"], payload={}, reason="Perbaiki.")
    appraisal.refresh_from_db()
    return appraisal


def transitions_timed(org, appraisal: Appraisal, *, rounds: int = 8) -> float:
    """Seconds for `rounds` x (submit_plan, return_plan) through the API; each must commit."""
    employee, appraiser = (APIClient(raise_request_exception=False) for _ in range(2))
    employee.force_authenticate(org.users["employee"])
    appraiser.force_authenticate(org.users["appraiser"])
    url = f"/api/appraisals/{appraisal.pk}/transitions/"
    appraisal.refresh_from_db()
    version = appraisal.version
    started = time.monotonic()
    for _ in range(rounds):
        r = employee.post(f"{url}submit_plan/", {}, format="json")
        assert r.status_code == 200, r.content[:300]
        r = appraiser.post(
            f"{url}return_plan/", valid_body("return_plan", appraisal), format="json"
        )
        assert r.status_code == 200, r.content[:300]
    elapsed = time.monotonic() - started
    appraisal.refresh_from_db()
    assert appraisal.version == version + 2 * rounds  # committed, every one
    return elapsed
