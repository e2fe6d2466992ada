"""gunicorn for Kinerja: `gunicorn -c deploy/gunicorn.conf.py settings.wsgi`.

Sync workers: every request is a short transaction against PostgreSQL, and a sync
worker holds one connection, so `workers` x web hosts is the number of database
connections the web tier opens (size PostgreSQL's max_connections, or a pooler, to it).
Every value can be set from the environment (GUNICORN_*), as systemd's EnvironmentFile does.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", str(multiprocessing.cpu_count() * 2 + 1)))
worker_class = "sync"
# A request longer than this is killed: imports and recaps run as jobs, never in a request.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
# Recycle workers now and then (memory held by a big recap stays bounded), not all at once.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "200"))
# nginx runs on the same host and is the only client: X-Forwarded-Proto is believed only
# from it. The client's address for the sign-in throttle is read by Django from
# X-Forwarded-For with TRUSTED_PROXY_COUNT=1 (settings.base), never from REMOTE_ADDR here.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
# Access log on stdout (journald keeps it); no query strings carry personal data (NIP
# are never in URLs), but the access log still omits the referer and agent.
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
# Each worker loads the app itself: then HUP (systemctl reload) starts workers on the new
# code while the old ones finish their requests. Preloading in the master would save some
# memory but HUP would keep serving the old code until a full restart.
preload_app = False
# gunicorn (>= 25.1) opens a control socket for `gunicornc` at $XDG_RUNTIME_DIR/gunicorn.ctl or
# ~/.gunicorn/gunicorn.ctl: one path per user, so two instances on one host (the smoke test's
# pair, a blue/green switch) take each other's, and the service user's home may not be
# writable. Reloads go through signals (systemctl reload: HUP); to use gunicornc, give this
# instance a socket of its own in GUNICORN_CONTROL_SOCKET.
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "")
control_socket_disable = not control_socket


# Prometheus (settings/metrics.py): with PROMETHEUS_MULTIPROC_DIR set, each worker writes its
# counters to files there and /metrics/ adds them up; start clean, and drop a dead worker's
# live gauges (its counters stay counted).
def on_starting(server):
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        os.makedirs(directory, exist_ok=True)
        for name in os.listdir(directory):
            if name.endswith(".db"):
                os.remove(os.path.join(directory, name))


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
