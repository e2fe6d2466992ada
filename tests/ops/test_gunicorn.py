"""deploy/gunicorn.conf.py runs Kinerja for real: workers answer, reload on HUP, stop on TERM."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, timeout: float = 5.0) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def _wait_up(url: str, proc: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"gunicorn exited with {proc.returncode}"
        try:
            _get(url, timeout=1)
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"gunicorn did not answer {url} within {seconds} s")


def test_the_deploy_config_serves_reloads_and_stops(tmp_path):
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "settings.local",
        "KINERJA_VAR_DIR": str(tmp_path),
        "SQLITE_PATH": str(tmp_path / "db.sqlite3"),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "2",
        "GUNICORN_ACCESSLOG": str(tmp_path / "access.log"),
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
        "METRICS_TOKEN": "scrape-me",
    }
    for name in ("DATABASE_URL", "DATABASE_REPLICA_URL", "CELERY_BROKER_URL", "CACHE_URL"):
        env.pop(name, None)  # the embedded default: SQLite, eager tasks
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    errors = tmp_path / "gunicorn.err"
    proc = subprocess.Popen(
        [str(GUNICORN), "-c", "deploy/gunicorn.conf.py", "settings.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=errors.open("w"),
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_up(f"{base}/healthz/live/", proc)
        assert _get(f"{base}/healthz/live/")[0] == 200
        status, body = _get(f"{base}/healthz/ready/")
        assert status == 200, body  # migrated, eager: ready
        status, body = _get(f"{base}/login/")
        assert status == 200 and b"csrfmiddlewaretoken" in body  # a page, from the app

        # Both workers' counts add up on /metrics/ (multi-process mode).
        for _ in range(10):
            _get(f"{base}/healthz/live/")
        request = urllib.request.Request(
            f"{base}/metrics/", headers={"Authorization": "Bearer scrape-me"}
        )
        with urllib.request.urlopen(request, timeout=30) as r:
            families = text_string_to_metric_families(r.read().decode())
        served = sum(
            sample.value
            for family in families
            for sample in family.samples
            if sample.name == "kinerja_http_request_duration_seconds_count"
            and sample.labels["route"] == "healthz/live/"
        )
        assert served >= 12

        proc.send_signal(signal.SIGHUP)  # new workers, same socket: no request refused
        for _ in range(20):  # generous timeout: the new workers import Django first
            assert _get(f"{base}/healthz/live/", timeout=30)[0] == 200
            time.sleep(0.05)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=40)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
    assert proc.returncode == 0, errors.read_text()[-2000:]
    assert "/healthz/ready/" in (tmp_path / "access.log").read_text()
