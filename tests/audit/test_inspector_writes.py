"""The inspector changes nothing: every write endpoint of the API, every method."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.apps import apps
from django.urls import get_resolver
from django.utils import timezone

from appraisals.lifecycle import APPRAISAL_WORKFLOW
from appraisals.models import Appraisal, BehaviourValue, PlanItem

from ..flow import valid_body

pytestmark = pytest.mark.django_db

# The caller's own session and inbox, not anybody's records.
PERSONAL = ("api/auth/", "api/notifications/")
WRITES = ("post", "put", "patch", "delete")


def _routes():
    def walk(patterns, prefix=""):
        for p in patterns:
            if hasattr(p, "url_patterns"):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            else:
                yield prefix + str(p.pattern), p.callback

    for route, callback in walk(get_resolver().url_patterns):
        view = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
        if route.startswith("api/") and not route.startswith(PERSONAL) and view is not None:
            methods = [m for m in WRITES if hasattr(view, m)]
            if methods:
                yield route, methods


def _snapshot() -> dict:
    counts = {m._meta.label: m._base_manager.count() for m in apps.get_models()}
    counts["appraisals"] = sorted(Appraisal.objects.values_list("pk", "version", "state"))
    return counts


def _bodies(org, appraisal) -> dict:
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    return {
        "plan-items/": {
            "result": "Rencana inspektur",
            "indicators": [{"name": "n", "aspect": "quantity", "target": "1"}],
        },
        "plan-items/<int:item>/": {"result": "Diubah inspektur"},
        "predicate/": {"predicate": "baik", "reason": "x"},
        "curve-override/": {"reason": "x"},
        "supervisor/": {"supervisor": org.head.pk, "effective": yesterday, "reason": "x"},
        "transfer/": {"unit": org.other_dinas.pk, "effective": yesterday, "reason": "x"},
        "leave/": {"kind": "retired", "effective": yesterday, "reason": "x"},
        "cycles/": {
            "name": "Siklus inspektur",
            "instansi": org.instansi.pk,
            "year": 2027,
            "starts_on": "2027-01-01",
            "ends_on": "2027-12-31",
        },
        "behaviour-expectations/": {
            "expectations": {v: "Ekspektasi" for v, _label in BehaviourValue.choices}
        },
        "annex/": {"notes": "x"},
    }


def _url(route: str, org, appraisal, item) -> str:
    ids = {
        "appraisals/<int:pk>": appraisal.pk,
        "units/<int:pk>": org.dinas.pk,
        "employees/<int:pk>": org.employee.pk,
        "cycles/<int:pk>": org.cycle.pk,
    }
    url = route
    for prefix, pk in ids.items():
        url = url.replace(prefix, prefix.replace("<int:pk>", str(pk)))
    url = url.replace("<int:item>", str(item.pk))
    return "/" + re.sub(r"<int:\w+>", "1", url)


def test_inspector_cannot_change_anything(org, at_state, api):
    appraisal = at_state("self_assessed")
    item = PlanItem.objects.filter(appraisal=appraisal).first()
    client = api(org.users["inspector"])
    assert client.get(f"/api/appraisals/{appraisal.pk}/").status_code == 200  # in scope
    bodies = _bodies(org, appraisal)
    before = _snapshot()
    tried = []
    for route, methods in _routes():
        if "<str:name>" in route:
            for t in APPRAISAL_WORKFLOW.transitions:
                url = _url(route, org, appraisal, item).replace("<str:name>", t.name)
                body = {**valid_body(t.name, appraisal), "reason": "Inspektur"}
                r = client.post(url, body, format="json")
                assert r.status_code in (403, 404, 409), (url, r.status_code, r.content)
                tried.append(url)
            continue
        url = _url(route, org, appraisal, item)
        body = next((b for suffix, b in bodies.items() if route.endswith(suffix)), {})
        for method in methods:
            r = getattr(client, method)(url, body, format="json")
            assert r.status_code >= 400, (method, url, r.status_code, r.content)
            tried.append(f"{method} {url}")
    assert len(tried) > 20
    assert _snapshot() == before
