"""Hostile input through the pages: 4xx with the reason beside the field, never 5xx,
and nothing half-written."""

from __future__ import annotations

import pytest
from django.test import Client

from appraisals.models import Appraisal, BehaviourValue
from audit.models import AuditEvent

from ..flow import add_plan_item

pytestmark = pytest.mark.django_db

NASTY = ["\x00", "a" * 30000, "😀" * 5000 + "\x00", "<script>alert(1)</script>\x00"]


@pytest.fixture
def signed_in(org):
    def client_for(persona: str) -> Client:
        client = Client()
        client.force_login(org.users[persona])
        return client

    return client_for


def events_of(appraisal) -> int:
    return AuditEvent.objects.filter(subject_id=str(appraisal.pk)).count()


@pytest.mark.parametrize("value", NASTY)
def test_transition_reason(appraisal, at_state, signed_in, value):
    at_state("plan_submitted")
    before = events_of(appraisal)
    response = signed_in("appraiser").post(
        f"/appraisals/{appraisal.pk}/do/return_plan/", {"reason": value}
    )
    assert response.status_code == 400
    assert response.context["form"].field_errors["reason"]
    assert events_of(appraisal) == before
    assert Appraisal.objects.get(pk=appraisal.pk).state == "plan_submitted"


@pytest.mark.parametrize("value", NASTY)
def test_plan_item_fields(appraisal, signed_in, value):
    response = signed_in("employee").post(
        f"/appraisals/{appraisal.pk}/plan/",
        {
            "result": value,
            "indicator-0-name": value,
            "indicator-0-aspect": "quantity",
            "indicator-0-target": value,
        },
    )
    assert response.status_code == 400
    assert not appraisal.plan_items.exists()


def unchanged(appraisal) -> tuple:
    """What a refused post must leave as it was: state, version, plan items, audit events."""
    fresh = Appraisal.objects.get(pk=appraisal.pk)
    items = list(fresh.plan_items.order_by("pk").values_list("pk", flat=True))
    return fresh.state, fresh.version, items, events_of(appraisal)


@pytest.mark.parametrize("raw", ["abc", "-1", "9" * 40, "1e9", ""])
def test_odd_ids_and_versions(org, appraisal, at_state, signed_in, raw):
    add_plan_item(appraisal, org.users["employee"])
    before = unchanged(appraisal)
    client = signed_in("employee")
    # No such item (an empty `delete` is no delete: the add form, refused for its fields).
    response = client.post(f"/appraisals/{appraisal.pk}/plan/", {"delete": raw})
    assert response.status_code == (400 if raw == "" else 200)
    assert unchanged(appraisal) == before
    if raw:  # a garbled version is refused, not read as "no version" (an empty one is)
        response = client.post(f"/appraisals/{appraisal.pk}/do/submit_plan/", {"version": raw})
        assert response.status_code == 400
        assert response.context["form"].field_errors["version"]
        assert unchanged(appraisal) == before
    assert client.get(f"/appraisals/?page={raw}&state={raw}&q={raw}").status_code == 200

    at_state("plan_submitted")
    before = unchanged(appraisal)
    picked = [raw, f"{appraisal.pk}:{raw}"] if raw else [raw]
    response = signed_in("appraiser").post("/appraisals/approve/", {"appraisal": picked})
    assert response.status_code == 302
    assert unchanged(appraisal) == before


@pytest.mark.parametrize("value", NASTY)
def test_expectations(appraisal, at_state, signed_in, value):
    at_state("plan_submitted")
    before = events_of(appraisal)
    response = signed_in("appraiser").post(
        f"/appraisals/{appraisal.pk}/expectations/", dict.fromkeys(BehaviourValue.values, value)
    )
    assert response.status_code == 400
    assert response.context["errors"].fields
    assert events_of(appraisal) == before


@pytest.mark.parametrize("value", NASTY)
def test_check_in_and_evidence(appraisal, at_state, signed_in, value):
    at_state("in_progress")
    indicator = appraisal.plan_items.get().indicators.get()
    client = signed_in("employee")
    before = events_of(appraisal)
    response = client.post(
        f"/appraisals/{appraisal.pk}/check-ins/",
        {"period": "1", "note": value, f"realisation-{indicator.pk}": value},
    )
    assert response.status_code == 400
    response = client.post(
        f"/appraisals/{appraisal.pk}/check-ins/",
        {"kind": "evidence", "period": "1", "url": value, "name": value},
    )
    assert response.status_code == 400
    response = client.post(
        f"/appraisals/{appraisal.pk}/check-ins/",
        {"period": "99999999999", f"realisation-{indicator.pk}": "x"},
    )
    assert response.status_code == 400
    assert events_of(appraisal) == before
