"""Prometheus metrics at /metrics/ (prometheus-client).

What is counted where it happens (in every web and worker process):
- `kinerja_http_request_duration_seconds{route, method, status}`: the URL pattern, never the
  path (no ids, no unbounded labels);
- `kinerja_transitions_total{workflow, transition, outcome}`: `applied`, or the refusal's
  kind (`forbidden`, `state_conflict`, `conditions_unmet`, `version_mismatch`, ...), from the
  engine's signals.

What is read from the database when scraped (one process answers, so no double counting):
outbox backlog and its oldest age, open dead letters, deadline lag (how late the oldest
overdue deadline action is), bulk jobs by status and the running ones' progress, and the
last audit verification's result and age (recorded by audit.verify).

Under gunicorn, set PROMETHEUS_MULTIPROC_DIR to an empty directory (deploy/gunicorn.conf.py
clears it at start and marks dead workers): counters then add up across workers. The page is
served to a scraper sending `Authorization: Bearer <METRICS_TOKEN>`, or to staff; nginx's
site keeps it internal anyway.
"""

from __future__ import annotations

import hmac
import os
import time

from django.conf import settings
from django.http import HttpResponse, HttpResponseForbidden
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily

from workflow.signals import transition_committed, transition_refused

REQUEST_SECONDS = Histogram(
    "kinerja_http_request_duration_seconds",
    "Time to answer a request, by URL pattern.",
    ["route", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
TRANSITIONS = Counter(
    "kinerja_transitions",
    "Transitions asked of the engine, by outcome (applied, or the refusal's kind).",
    ["workflow", "transition", "outcome"],
)


def _applied(sender, workflow, transition, **kwargs):
    TRANSITIONS.labels(workflow, transition, "applied").inc()


def _refused(sender, workflow, transition, code, **kwargs):
    TRANSITIONS.labels(workflow, transition, code).inc()


transition_committed.connect(_applied, weak=False, dispatch_uid="metrics-applied")
transition_refused.connect(_refused, weak=False, dispatch_uid="metrics-refused")


class RequestMetrics:
    """Times every request, labelled by the URL pattern that answered it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        route = match.route if match is not None and match.route else "unmatched"
        REQUEST_SECONDS.labels(route, request.method, str(response.status_code)).observe(
            time.perf_counter() - started
        )
        return response


class StateCollector:
    """Gauges read from the database at scrape time."""

    def collect(self):
        from django.db.models import Count, F, Min, Sum

        from appraisals.models import BulkJob
        from audit.verify.last import last_verification
        from notifications.models import Deadline
        from notifications.selectors import outbox_backlog

        backlog = outbox_backlog()
        yield _gauge(
            "kinerja_outbox_pending_events",
            "Outbox events not yet relayed.",
            backlog["pending_events"],
        )
        yield _gauge(
            "kinerja_outbox_pending_messages",
            "Messages waiting for delivery.",
            backlog["pending_messages"],
        )
        yield _gauge(
            "kinerja_outbox_oldest_pending_age_seconds",
            "Age of the oldest event or message still waiting.",
            backlog["oldest_pending_age_seconds"],
        )
        yield _gauge("kinerja_dead_letters", "Open dead letters.", backlog["dead_letters"])

        from django.utils import timezone

        now = timezone.now()
        oldest = Deadline.objects.filter(closed_at__isnull=True, next_action_at__lte=now).aggregate(
            oldest=Min("next_action_at")
        )["oldest"]
        yield _gauge(
            "kinerja_deadline_lag_seconds",
            "How late the oldest due deadline action is (0: none waiting).",
            (now - oldest).total_seconds() if oldest else 0,
        )

        jobs = GaugeMetricFamily("kinerja_jobs", "Bulk jobs by status.", labels=["status"])
        counts = dict(BulkJob.objects.values_list("status").annotate(n=Count("pk")).order_by())
        for status in BulkJob.Status.values:
            jobs.add_metric([status], counts.get(status, 0))
        yield jobs
        running = BulkJob.objects.filter(status=BulkJob.Status.RUNNING).aggregate(
            done=Sum("done"), total=Sum(F("total"))
        )
        total = running["total"] or 0
        yield _gauge(
            "kinerja_jobs_running_progress_ratio",
            "Share done of the running bulk jobs' items (1 when none runs).",
            (running["done"] or 0) / total if total else 1,
        )

        last = last_verification()
        yield _gauge(
            "kinerja_audit_verification_ok",
            "1 if the last audit verification found nothing, 0 if it found problems, -1 never run.",
            -1 if last is None else int(last["ok"]),
        )
        yield _gauge(
            "kinerja_audit_verification_age_seconds",
            "Seconds since the last audit verification (-1: never run).",
            -1 if last is None else max(0.0, time.time() - last["at"]),
        )


def _gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, value=value)


def _registry() -> CollectorRegistry:
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        from prometheus_client import REGISTRY

        for collector in list(REGISTRY._collector_to_names):  # this process's own metrics
            registry.register(collector)
    registry.register(StateCollector())
    return registry


def _may_scrape(request) -> bool:
    expected = getattr(settings, "KINERJA_METRICS_TOKEN", "")
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if expected and given and hmac.compare_digest(given.encode(), expected.encode()):
        return True
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and user.is_staff)


def metrics(request):
    if not _may_scrape(request):
        return HttpResponseForbidden("metrics: a scraper token or a staff sign-in is needed\n")
    return HttpResponse(generate_latest(_registry()), content_type=CONTENT_TYPE_LATEST)
