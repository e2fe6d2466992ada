"""The HTTP side of the production smoke test: `deploy/smoke` starts the processes, this drives
them.

Everything here goes through nginx, over HTTPS, as a client would; the only backdoor is the
e-mail directory (Django's file backend), read to count the mails the workers sent.

    python deploy/smoke.py ports N                  N free TCP ports on 127.0.0.1
    python deploy/smoke.py live                     wait for each gunicorn instance (directly)
    python deploy/smoke.py ready                    wait for /healthz/ready/ (beat's heartbeat too)
    python deploy/smoke.py walk                     sign in, walk a lifecycle, check the deliveries
    python deploy/smoke.py metrics                  scrape /metrics/ from both instances
    python deploy/smoke.py redis-db | redis-clean   pick an empty Redis db; remove this run's keys

Settings come from the environment `deploy/smoke` exports (SMOKE_*); stdlib only.
"""

from __future__ import annotations

import collections
import email
import email.policy
import json
import os
import socket
import ssl
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

BASE = os.environ.get("SMOKE_BASE", "")  # https://127.0.0.1:<nginx port>
CAFILE = os.environ.get("SMOKE_CAFILE", "")  # the throw-away certificate nginx serves
WORK = Path(os.environ.get("SMOKE_WORK", "."))
UPSTREAMS = set(filter(None, os.environ.get("SMOKE_UPSTREAMS", "").split(",")))
UPSTREAM_HEADER = "X-Kinerja-Upstream"  # added by the smoke's nginx config only
# (who fires it, transition, payload), every step through nginx: from the plan to the
# performance dialogue. Not issue_result: the annual result is issued only after the period
# ends (31 December), and seed_demo's cycle is this year's.
WALK = [
    ("employee", "submit_plan", {}),
    ("appraiser", "approve_plan", {}),
    ("employee", "submit_self_assessment", None),  # payload built from the plan's items
    (
        "appraiser",
        "submit_review",
        {"result_rating": "meets", "behaviour_rating": "above", "feedback": "Baik."},
    ),
    (
        "appraiser",
        "record_discussion",
        {"summary": "Dialog kinerja.", "held_at": "2026-06-30T10:00:00+07:00"},
    ),
]
# At least these deliveries must appear (the "plan submit -> approve").
MUST_RECEIVE = [("appraiser", "appraisal.submit_plan"), ("employee", "appraisal.approve_plan")]


class SmokeFailure(AssertionError):
    pass


def check(condition: bool, message: str) -> None:
    if not condition:
        raise SmokeFailure(message)


class Client:
    """One caller through nginx; records which upstream (gunicorn instance) answered."""

    served: collections.Counter = collections.Counter()

    def __init__(self, token: str | None = None) -> None:
        self.token = token
        self.context = ssl.create_default_context(cafile=CAFILE)

    def call(self, method: str, path: str, body=None, headers=None) -> tuple[int, dict, bytes]:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(BASE + path, data=data, method=method)
        request.add_header("Accept", "application/json")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if self.token:
            request.add_header("Authorization", f"Token {self.token}")
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        try:
            with urllib.request.urlopen(request, timeout=30, context=self.context) as r:
                status, head, payload = r.status, dict(r.headers), r.read()
        except urllib.error.HTTPError as exc:
            status, head, payload = exc.code, dict(exc.headers), exc.read()
        upstream = head.get(UPSTREAM_HEADER)
        if upstream:
            Client.served[upstream] += 1
        return status, head, payload

    def json(self, method: str, path: str, body=None, expect: int = 200, headers=None):
        status, head, payload = self.call(method, path, body, headers)
        check(status == expect, f"{method} {path}: {status} (expected {expect}): {payload[:600]!r}")
        return json.loads(payload) if payload else None


def live(timeout: float = 150) -> None:
    """Each gunicorn instance answers /healthz/live/ (asked directly, before nginx starts:
    an upstream refused while booting would be benched by nginx for fail_timeout)."""
    deadline = time.monotonic() + timeout
    for upstream in sorted(UPSTREAMS):
        while True:
            try:
                # As nginx asks: HTTPS said by the trusted proxy header, or Django redirects.
                request = urllib.request.Request(
                    f"http://{upstream}/healthz/live/", headers={"X-Forwarded-Proto": "https"}
                )
                with urllib.request.urlopen(request, timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            check(time.monotonic() < deadline, f"gunicorn {upstream} not live in {timeout:.0f} s")
            time.sleep(0.3)
    print(f"   gunicorn live on {', '.join(sorted(UPSTREAMS))}")


def ready(timeout: float = 120) -> None:
    """200 from /healthz/ready/: database, migrations, broker, and a heartbeat from beat
    that a worker ran (so beat and at least one worker are alive)."""
    client, deadline, last = Client(), time.monotonic() + timeout, b""
    while time.monotonic() < deadline:
        try:
            status, _head, last = client.call("GET", "/healthz/ready/")
        except OSError as exc:
            status, last = 0, str(exc).encode()
        if status == 200:
            print(f"   ready: {last.decode()}")
            return
        time.sleep(0.5)
    raise SmokeFailure(f"/healthz/ready/ not 200 within {timeout:.0f} s: {last[:600]!r}")


def sign_in(username: str, password: str) -> Client:
    token = Client().json("POST", "/api/auth/token/", {"username": username, "password": password})[
        "token"
    ]
    client = Client(token)
    me = client.json("GET", "/api/me/")
    check(me["username"] == username, f"/api/me/ answered for {me['username']}, not {username}")
    return client


def _people() -> tuple[dict, dict, str]:
    logins = json.loads((WORK / "logins.json").read_text())
    password = os.environ["SMOKE_PASSWORD"]
    by_name = {row["username"]: row for row in logins["users"]}
    for row in logins["users"]:
        boss = by_name.get(row.get("supervisor_username") or "")
        if row["roles"] == ["staff"] and boss and row["employee_id"]:
            return row, boss, password
    raise SmokeFailure("seed_demo made no staff member with a supervisor")


def walk() -> None:
    employee_row, appraiser_row, password = _people()
    people = {
        "employee": sign_in(employee_row["username"], password),
        "appraiser": sign_in(appraiser_row["username"], password),
    }
    employee = people["employee"]
    page = employee.json("GET", f"/api/appraisals/?employee={employee_row['employee_id']}")
    check(page["count"] == 1, f"expected one appraisal for the employee, found {page['count']}")
    appraisal_id = page["results"][0]["id"]
    print(f"   appraisal {appraisal_id}: {employee_row['username']} by {appraiser_row['username']}")

    item = employee.json(
        "POST",
        f"/api/appraisals/{appraisal_id}/plan-items/",
        {
            "result": "Laporan kinerja triwulan tersusun",
            "indicators": [{"name": "Laporan", "aspect": "quantity", "target": "4 laporan"}],
        },
        expect=201,
    )
    # The appraiser states what each BerAKHLAK value means for this person (a condition of
    # approve_plan).
    appraiser = people["appraiser"]
    values = appraiser.json("GET", f"/api/appraisals/{appraisal_id}/behaviour-expectations/")
    appraiser.json(
        "PUT",
        f"/api/appraisals/{appraisal_id}/behaviour-expectations/",
        {"expectations": [{"value": v["value"], "expectation": "Konsisten."} for v in values]},
    )
    for who, name, payload in WALK:
        if payload is None:
            payload = {
                "items": [{"id": item["id"], "realisation": "4 laporan", "self_rating": "meets"}]
            }
        before = people[who].json("GET", f"/api/appraisals/{appraisal_id}/")
        after = people[who].json(
            "POST",
            f"/api/appraisals/{appraisal_id}/transitions/{name}/",
            {"reason": "smoke", **payload},
            headers={"If-Match": f'"{before["version"]}"', "Idempotency-Key": f"smoke-{name}"},
        )
        check(after["version"] == before["version"] + 1, f"{name}: version did not move by one")
        print(f"   {name}: {before['state']} -> {after['state']}")
        if name == "approve_plan":
            # One odd request: nginx's round robin then hands the next transitions to the other
            # instance (a GET and a POST per step would otherwise keep all POSTs on one).
            people["employee"].json("GET", "/api/notifications/unread-count/")
    check(after["state"] == "discussed", f"the walk ended in {after['state']}, not discussed")
    history = employee.json("GET", f"/api/appraisals/{appraisal_id}/history/")
    fired = [
        entry["action"]
        for entry in history
        if entry["action"] in dict.fromkeys(name for _who, name, _payload in WALK)
    ]
    check(fired == [name for _who, name, _p in WALK], f"history shows {fired}")
    for previous, entry in zip(history, history[1:], strict=False):
        check(entry["prev_hash"] == previous["hash"], f"history chain broken at {entry['seq']}")

    inboxes = _wait_for_deliveries(people, appraisal_id)
    _check_mail(inboxes, {"employee": employee_row, "appraiser": appraiser_row})
    (WORK / "walk.json").write_text(json.dumps({"transitions": len(WALK)}))
    check(
        set(Client.served) >= UPSTREAMS,
        f"not every gunicorn instance served a request: {dict(Client.served)}",
    )
    print(f"   requests per gunicorn instance: {dict(sorted(Client.served.items()))}")


def _inbox(client: Client) -> list[dict]:
    items, path = [], "/api/notifications/?page_size=100"
    while path:
        page = client.json("GET", path)
        items += page["results"]
        # nginx passes $host (no port), so links name the host alone: keep path and query.
        nxt = page["next"] and urllib.parse.urlsplit(page["next"])
        path = nxt and f"{nxt.path}?{nxt.query}"
    return items


def _wait_for_deliveries(people: dict, appraisal_id: int, timeout: float = 120) -> dict:
    """Wait until the workers delivered what the walk announced and the outbox is empty."""
    deadline = time.monotonic() + timeout
    while True:
        # The backlog first: every transition's event is in the outbox when its POST returns,
        # so an empty outbox, then the inboxes, sees every delivery.
        backlog = _backlog()
        inboxes = {who: _inbox(client) for who, client in people.items()}
        got = {
            (who, item["kind"])
            for who, items in inboxes.items()
            for item in items
            if item["subject_id"] == appraisal_id
        }
        if set(MUST_RECEIVE) <= got and backlog == (0, 0):
            break
        if time.monotonic() > deadline:
            raise SmokeFailure(
                f"deliveries incomplete after {timeout:.0f} s: have {sorted(got)}, "
                f"outbox (events, messages) still waiting {backlog}"
            )
        time.sleep(0.5)
    for who, items in inboxes.items():
        keys = collections.Counter(
            (item["kind"], item["subject_type"], item["subject_id"]) for item in items
        )
        twice = {key: n for key, n in keys.items() if n > 1}
        check(not twice, f"{who} got a notification more than once: {twice}")
        print(f"   {who}'s inbox: {sorted(kind for kind, _t, _i in keys)}")
    return inboxes


def _scrape() -> tuple[str, dict]:
    """One /metrics/ page (one gunicorn instance's counters) as {(name, labels): value}."""
    token = os.environ["METRICS_TOKEN"]
    status, head, payload = Client().call(
        "GET", "/metrics/", headers={"Authorization": f"Bearer {token}"}
    )
    check(status == 200, f"/metrics/: {status} {payload[:300]!r}")
    from prometheus_client.parser import text_string_to_metric_families

    samples = {}
    for family in text_string_to_metric_families(payload.decode()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return head.get(UPSTREAM_HEADER, "?"), samples


def _backlog() -> tuple[float, float]:
    _upstream, samples = _scrape()
    return (
        samples[("kinerja_outbox_pending_events", ())],
        samples[("kinerja_outbox_pending_messages", ())],
    )


def _check_mail(inboxes: dict, rows: dict) -> None:
    """Every inbox notification of the two e-mailed people went out as exactly one e-mail."""
    chunks = []
    for path in sorted((WORK / "var" / "mail").glob("*")):
        chunks += [c for c in path.read_text().split("\n" + "-" * 79 + "\n") if c.strip()]
    mails = [email.message_from_string(c, policy=email.policy.default) for c in chunks]
    ids = [m["Message-ID"] for m in mails]
    check(len(ids) == len(set(ids)), f"an e-mail was sent twice: {sorted(ids)}")
    sent = collections.Counter((str(m["To"]), str(m["X-Kinerja-Kind"])) for m in mails)
    expected = collections.Counter(
        (f"{rows[who]['username']}@smoke.invalid", item["kind"])
        for who, items in inboxes.items()
        for item in items
    )
    check(sent == expected, f"e-mails {dict(sent)} differ from the inbox {dict(expected)}")
    print(f"   e-mails sent by the workers: {sum(sent.values())}, each once")


def metrics() -> None:
    """Both instances' counters add up to the walk's transitions; the outbox is empty."""
    walked = json.loads((WORK / "walk.json").read_text())["transitions"]
    pages: dict[str, dict] = {}
    for _ in range(20):
        upstream, samples = _scrape()
        pages[upstream] = samples
        if set(pages) >= UPSTREAMS:
            break
    check(set(pages) >= UPSTREAMS, f"/metrics/ came only from {sorted(pages)}")
    applied = {
        upstream: sum(
            value
            for (name, labels), value in samples.items()
            if name == "kinerja_transitions_total" and ("outcome", "applied") in labels
        )
        for upstream, samples in pages.items()
    }
    print(f"   transitions applied, per gunicorn instance: {applied}")
    check(sum(applied.values()) == walked, f"counters say {applied}, the walk fired {walked}")
    last = pages[sorted(pages)[-1]]
    for name, want in (
        ("kinerja_outbox_pending_events", 0),
        ("kinerja_outbox_pending_messages", 0),
        ("kinerja_dead_letters", 0),
        ("kinerja_audit_verification_ok", 1),  # verify_audit just ran
    ):
        check(last[(name, ())] == want, f"{name} is {last[(name, ())]}, expected {want}")
        print(f"   {name} = {want}")


def ports(count: int) -> None:
    sockets = [socket.socket() for _ in range(count)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    print(" ".join(str(s.getsockname()[1]) for s in sockets))
    for s in sockets:
        s.close()


def _redis(db: int):
    import redis

    return redis.Redis(host=os.environ.get("SMOKE_REDIS_HOST", "127.0.0.1"), db=db)


def redis_db() -> None:
    """The highest-numbered empty database below 15 (CI's test run uses 15)."""
    for db in range(14, 0, -1):
        if _redis(db).dbsize() == 0:
            print(db)
            return
    raise SmokeFailure("no empty Redis database among 1-14")


def redis_clean() -> None:
    """Remove what this run left in its Redis database (empty when the run chose it): its
    queues and their bindings, the workers' control queues, and the cache's entries."""
    r = _redis(int(os.environ["SMOKE_REDIS_DB"]))
    prefix = os.environ["CELERY_QUEUE_PREFIX"]
    mine = (f"*{prefix}*", "_kombu.*", "unacked*", "celery", "celeryev*", "*pidbox*", ":1:*")
    for pattern in mine:
        for key in r.scan_iter(pattern):
            r.delete(key)
    left = [key.decode() for key in r.scan_iter()]
    if left:
        print(f"   Redis database {os.environ['SMOKE_REDIS_DB']} keeps keys: {left[:10]}")


if __name__ == "__main__":
    command = sys.argv[1]
    try:
        if command == "ports":
            ports(int(sys.argv[2]))
        else:
            {
                "live": live,
                "ready": ready,
                "walk": walk,
                "metrics": metrics,
                "redis-db": redis_db,
                "redis-clean": redis_clean,
            }[command]()
    except SmokeFailure as exc:
        print(f"!! smoke: {exc}", file=sys.stderr)
        sys.exit(1)
