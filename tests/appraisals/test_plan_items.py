"""The plan's result items: only the employee, only in draft, every change audited."""

import pytest
from django.utils import timezone

from appraisals.models import Appraisal
from appraisals.services.cycles import cycle_open
from appraisals.services.plan import plan_item_create
from audit.models import AuditEvent
from workflow.actors import system_actor

from ..flow import footprint

pytestmark = pytest.mark.django_db

ITEM = {
    "result": "Meningkatnya layanan administrasi sekolah",
    "parent_item": None,
    "indicators": [{"name": "Layanan selesai tepat waktu", "aspect": "time", "target": "95 %"}],
}


def url(appraisal, item=None):
    base = f"/api/appraisals/{appraisal.pk}/plan-items/"
    return f"{base}{item}/" if item else base


def test_employee_creates_reads_updates_deletes(org, appraisal, api):
    client = api(org.users["employee"])
    r = client.post(url(appraisal), ITEM, format="json")
    assert r.status_code == 201, r.json()
    item = r.json()
    assert item["result"] == ITEM["result"]
    assert item["indicators"][0]["aspect"] == "time"
    assert client.get(url(appraisal)).json()[0]["id"] == item["id"]

    r = client.patch(url(appraisal, item["id"]), {"result": "Hasil baru"}, format="json")
    assert r.status_code == 200 and r.json()["result"] == "Hasil baru"
    assert client.delete(url(appraisal, item["id"])).status_code == 204
    assert client.get(url(appraisal)).json() == []

    actions = list(
        AuditEvent.objects.filter(subject_id=str(appraisal.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == [
        "appraisal.created",
        "plan_item.created",
        "plan_item.updated",
        "plan_item.deleted",
    ]
    appraisal.refresh_from_db()
    assert appraisal.version == 4


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("appraiser", 403),
        ("superior", 403),
        ("hr_admin", 403),
        ("inspector", 403),
        ("outsider", 404),
    ],
)
def test_others_cannot_write_the_plan(persona, status, org, appraisal, api):
    # HR may write a plan only after the cycle's fallback date (test_plan_fallback.py):
    # until then, today included, it is the employee's alone.
    org.cycle.plan_fallback_on = timezone.localdate()
    org.cycle.save()
    r = api(org.users[persona]).post(url(appraisal), ITEM, format="json")
    assert r.status_code == status
    assert not appraisal.plan_items.exists()


def test_plan_is_frozen_after_submission(org, appraisal, at_state, api):
    appraisal = at_state("plan_submitted")
    before = footprint(appraisal)
    client = api(org.users["employee"])
    assert client.post(url(appraisal), ITEM, format="json").status_code == 409
    item = appraisal.plan_items.first()
    assert client.patch(url(appraisal, item.pk), {"result": "x"}, format="json").status_code == 409
    assert client.delete(url(appraisal, item.pk)).status_code == 409
    assert footprint(appraisal) == before


def test_invalid_item_is_refused_with_problems(org, appraisal, api):
    bad = {"result": "", "indicators": [{"name": "x", "aspect": "speed", "target": ""}]}
    r = api(org.users["employee"]).post(url(appraisal), bad, format="json")
    assert r.status_code == 400
    fields = {p["field"] for p in r.json()["problems"]}
    assert {"result", "indicators[0].aspect", "indicators[0].target"} <= fields
    assert not appraisal.plan_items.exists()


def test_submit_plan_needs_items_with_targets(org, appraisal, api):
    client = api(org.users["employee"])
    before = footprint(appraisal)
    r = client.post(f"/api/appraisals/{appraisal.pk}/transitions/submit_plan/", {}, format="json")
    assert r.status_code == 400
    assert [p["code"] for p in r.json()["problems"]] == ["plan_empty"]
    assert footprint(appraisal) == before
    client.post(url(appraisal), {**ITEM, "indicators": []}, format="json")
    before = footprint(appraisal)
    r = client.post(f"/api/appraisals/{appraisal.pk}/transitions/submit_plan/", {}, format="json")
    assert r.status_code == 400
    assert [p["code"] for p in r.json()["problems"]] == ["item_without_indicator"]
    assert footprint(appraisal) == before


def test_cascading_parent_must_be_the_appraisers_item(org, appraisal, api):
    cycle_open(cycle=org.cycle, actor=system_actor(), employees=[org.appraiser, org.outsider])
    boss_plan = Appraisal.objects.get(employee=org.appraiser)
    stranger_plan = Appraisal.objects.get(employee=org.outsider)
    boss_item = plan_item_create(
        appraisal=boss_plan,
        actor=org.users["appraiser"],
        result="Mutu pendidikan meningkat",
        indicators=[],
    )
    stranger_item = plan_item_create(
        appraisal=stranger_plan,
        actor=org.users["outsider"],
        result="Layanan kesehatan",
        indicators=[],
    )
    client = api(org.users["employee"])
    r = client.post(url(appraisal), {**ITEM, "parent_item": stranger_item.pk}, format="json")
    assert r.status_code == 400
    assert r.json()["problems"][0]["code"] == "parent_outside_plan"
    r = client.post(url(appraisal), {**ITEM, "parent_item": boss_item.pk}, format="json")
    assert r.status_code == 201
    assert r.json()["parent_item"] == boss_item.pk


def test_supporting_item_protects_its_parent(org, appraisal, api):
    cycle_open(cycle=org.cycle, actor=system_actor(), employees=[org.appraiser])
    boss_plan = Appraisal.objects.get(employee=org.appraiser)
    boss_item = plan_item_create(
        appraisal=boss_plan,
        actor=org.users["appraiser"],
        result="Mutu pendidikan meningkat",
        indicators=[],
    )
    api(org.users["employee"]).post(
        url(appraisal), {**ITEM, "parent_item": boss_item.pk}, format="json"
    )
    r = api(org.users["appraiser"]).delete(url(boss_plan, boss_item.pk))
    assert r.status_code == 409
    assert boss_plan.plan_items.filter(pk=boss_item.pk).exists()
