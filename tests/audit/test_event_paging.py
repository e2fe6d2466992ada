"""The event search's page format over many events: a bounded count (audit/api/pagination.py)."""

from __future__ import annotations

import pytest
from django.db import connection  # noqa: F401  (the skipif condition reads it)

from audit.api import pagination
from audit.models import AuditEvent

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="the planner's estimate: PostgreSQL only"
)


@postgres_only
def test_count_is_bounded_then_estimated_and_exact_near_the_end(org, histories, api, monkeypatch):
    monkeypatch.setattr(pagination, "COUNT_EXACT_UP_TO", 2)
    monkeypatch.setattr(pagination, "AHEAD", 1)
    total = AuditEvent.objects.count()
    assert total >= 6
    client = api(org.users["inspector"])
    first = client.get("/api/audit/events/", {"page_size": 1}).json()
    assert set(first) == {"count", "next", "previous", "results"}
    assert first["count"] >= 3 and first["next"] and first["previous"] is None
    assert len(first["results"]) == 1
    # Within AHEAD pages of the end the count is exact, and the last page has no next.
    near = client.get("/api/audit/events/", {"page_size": 1, "page": total - 1}).json()
    assert near["count"] == total
    last = client.get("/api/audit/events/", {"page_size": 1, "page": total}).json()
    assert last["count"] == total and last["next"] is None
    # The pages walk every event once, in order.
    seen = []
    for number in range(1, total + 1):
        seen += client.get("/api/audit/events/", {"page_size": 1, "page": number}).json()["results"]
    assert [(e["subject"], e["seq"]) for e in seen] == [
        (e.subject, e.seq) for e in AuditEvent.objects.order_by("at", "id")
    ]


def test_count_is_exact_below_the_bound(org, histories, api):
    client = api(org.users["inspector"])
    body = client.get("/api/audit/events/", {"page_size": 2}).json()
    assert body["count"] == AuditEvent.objects.count()
