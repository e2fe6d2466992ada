"""Inspectors read and verify everything in their scope, and change nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.utils import timezone

from audit.checkpoints import checkpoint_seal
from audit.models import AuditEvent, Checkpoint, ReadAccess

from ..factories import UserFactory, assign_role
from .tamper import raw

pytestmark = pytest.mark.django_db


@pytest.fixture
def dinas_inspector(org):
    """An inspector of Dinas Pendidikan only."""
    user = UserFactory(username="inspektur_disdik")
    assign_role(user, "inspector", org.dinas)
    return user


def _subjects(body) -> set[str]:
    return {e["subject"] for e in body["results"]}


def test_search_by_subject_unit_scope_actor_action_and_period(org, histories, api):
    first, second = histories
    client = api(org.users["inspector"])
    everything = client.get("/api/audit/events/").json()
    assert everything["count"] == AuditEvent.objects.count()
    mine = f"appraisals.appraisal:{first.pk}"
    assert _subjects(client.get("/api/audit/events/", {"subject": mine}).json()) == {mine}
    by_unit = client.get("/api/audit/events/", {"unit": org.dinas.pk}).json()
    assert by_unit["count"] == AuditEvent.objects.filter(scope__startswith=org.dinas.path).count()
    assert {e["scope"] for e in by_unit["results"]} == {org.dinas.path}
    by_scope = client.get("/api/audit/events/", {"scope": org.other_dinas.path}).json()
    assert _subjects(by_scope) == {f"appraisals.appraisal:{second.pk}"}
    assert client.get("/api/audit/events/", {"unit": 999999}).json()["count"] == 0
    by_actor = client.get("/api/audit/events/", {"actor": "appraiser", "action": "approve_plan"})
    assert [e["subject"] for e in by_actor.json()["results"]] == [mine]
    later = (timezone.now() + dt.timedelta(minutes=1)).isoformat()
    assert client.get("/api/audit/events/", {"since": later}).json()["count"] == 0
    assert client.get("/api/audit/events/", {"until": later}).json()["count"] == everything["count"]
    page = client.get("/api/audit/events/", {"page_size": 2}).json()
    assert len(page["results"]) == 2 and page["next"]


def test_inspector_sees_only_events_in_scope(org, histories, api, dinas_inspector):
    first, _ = histories
    body = api(dinas_inspector).get("/api/audit/events/").json()
    assert _subjects(body) == {f"appraisals.appraisal:{first.pk}"}
    assert {e["scope"] for e in body["results"]} == {org.dinas.path}
    other = api(dinas_inspector).get("/api/audit/events/", {"unit": org.other_dinas.pk})
    assert other.json()["count"] == 0


def test_missing_scope_hook_shows_nothing(org, histories, api, settings):
    settings.AUDIT_INSPECTOR_SCOPES = "appraisals.policies.no_such_hook"
    assert api(org.users["inspector"]).get("/api/audit/events/").json()["count"] == 0


def test_verify_reports_problems_in_scope(org, histories, api, dinas_inspector):
    _, second = histories
    checkpoint_seal()
    assert api(dinas_inspector).get("/api/audit/verify/").json()["ok"] is True
    event = AuditEvent.objects.filter(subject_id=str(second.pk)).last()
    raw("UPDATE audit_auditevent SET reason = 'x' WHERE id = %s", [event.pk])
    full = api(org.users["inspector"]).get("/api/audit/verify/").json()
    assert full["ok"] is False and full["checkpoints"] == 1
    assert {p["subject"] for p in full["problems"]} == {f"appraisals.appraisal:{second.pk}"}
    assert api(dinas_inspector).get("/api/audit/verify/").json()["ok"] is True


def test_checkpoints_listed_and_exported(org, histories, api):
    checkpoint_seal()
    client = api(org.users["inspector"])
    listed = client.get("/api/audit/checkpoints/").json()
    assert listed["count"] == 1 and listed["results"][0]["size"] == AuditEvent.objects.count()
    r = client.get("/api/audit/checkpoints/export/")
    assert r.status_code == 200 and "attachment" in r["Content-Disposition"]
    assert r.json()["checkpoints"][0]["root"] == listed["results"][0]["root"]
    assert "entries" not in r.json()["checkpoints"][0]


def test_reads_are_logged_and_listed(org, histories, api, dinas_inspector):
    first, second = histories
    api(org.users["employee"]).get(f"/api/appraisals/{first.pk}/")
    api(org.users["appraiser"]).get(f"/api/appraisals/{first.pk}/history/")
    api(org.users["superior"]).get(f"/api/appraisals/{second.pk}/")
    api(org.users["outsider"]).get(f"/api/appraisals/{first.pk}/")  # not visible: no read
    reads = api(org.users["inspector"]).get("/api/audit/reads/").json()
    seen = {(r["reader"], r["subject"], r["purpose"]) for r in reads["results"]}
    assert seen == {
        ("employee", f"appraisals.appraisal:{first.pk}", "appraisal.detail"),
        ("appraiser", f"appraisals.appraisal:{first.pk}", "appraisal.history"),
        ("superior", f"appraisals.appraisal:{second.pk}", "appraisal.detail"),
    }
    mine = api(dinas_inspector).get("/api/audit/reads/").json()
    assert {r["subject"] for r in mine["results"]} == {f"appraisals.appraisal:{first.pk}"}
    by_reader = api(org.users["inspector"]).get("/api/audit/reads/", {"reader": "superior"})
    assert by_reader.json()["count"] == 1
    assert api(org.users["employee"]).get("/api/audit/reads/").status_code == 403


AUDIT_URLS = [
    "/api/audit/events/",
    "/api/audit/verify/",
    "/api/audit/checkpoints/",
    "/api/audit/checkpoints/export/",
    "/api/audit/reads/",
    "/api/audit/bundle/",
]


def test_every_audit_url_is_covered():
    from django.urls import get_resolver

    audit = next(p for p in get_resolver().url_patterns if str(p.pattern) == "api/")
    routes = {
        f"/api/audit/{p.pattern}"
        for inc in audit.url_patterns
        if str(inc.pattern) == "audit/"
        for p in inc.url_patterns
    }
    assert routes == set(AUDIT_URLS)


def _audit_counts() -> tuple:
    return AuditEvent.objects.count(), Checkpoint.objects.count(), ReadAccess.objects.count()


@pytest.mark.parametrize("url", AUDIT_URLS)
def test_audit_endpoints_refuse_every_write(org, histories, api, url):
    checkpoint_seal()
    before = _audit_counts()
    for persona in ("inspector", "hr_admin", "employee"):
        client = api(org.users[persona])
        for method in ("post", "put", "patch", "delete"):
            r = getattr(client, method)(url, {"reason": "x", "seq": 1}, format="json")
            expected = 405 if persona == "inspector" else 403
            assert r.status_code == expected, (persona, method, url, r.status_code)
    assert _audit_counts() == before


def _snapshot() -> dict:
    """Rows of every model, and the appraisals' versions: what a write would move."""
    from appraisals.models import Appraisal

    counts = {m._meta.label: m._base_manager.count() for m in apps.get_models()}
    counts["versions"] = sorted(Appraisal.objects.values_list("pk", "version", "state"))
    return counts
