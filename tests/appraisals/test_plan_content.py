"""SKP content: BerAKHLAK expectations, annexes, JPT perspectives, the cascade's coverage."""

import pytest

from appraisals.models import Appraisal, BehaviourValue, Position
from appraisals.services.cycles import cycle_open
from appraisals.services.plan import plan_item_create
from workflow.actors import system_actor

from ..flow import add_plan_item, footprint

pytestmark = pytest.mark.django_db
ALL = [{"value": v, "expectation": f"Ekspektasi {v}"} for v in BehaviourValue.values]


def url(appraisal, tail):
    return f"/api/appraisals/{appraisal.pk}/{tail}/"


def test_appraiser_sets_the_seven_expectations(org, appraisal, api):
    r = api(org.users["appraiser"]).put(
        url(appraisal, "behaviour-expectations"), {"expectations": ALL[:3]}, format="json"
    )
    assert r.status_code == 200
    body = r.json()
    assert [e["value"] for e in body] == BehaviourValue.values
    assert body[0]["label"] == "Berorientasi Pelayanan"
    assert sum(1 for e in body if e["expectation"]) == 3
    r = api(org.users["employee"]).put(
        url(appraisal, "behaviour-expectations"), {"expectations": ALL}, format="json"
    )
    assert r.status_code == 403


def test_plan_cannot_be_approved_without_all_expectations(org, appraisal, api):
    add_plan_item(appraisal, org.users["employee"])
    employee, appraiser = api(org.users["employee"]), api(org.users["appraiser"])
    assert (
        employee.post(url(appraisal, "transitions/submit_plan"), {}, format="json").status_code
        == 200
    )
    appraiser.put(
        url(appraisal, "behaviour-expectations"), {"expectations": ALL[:6]}, format="json"
    )
    before = footprint(appraisal)
    r = appraiser.post(url(appraisal, "transitions/approve_plan"), {}, format="json")
    assert r.status_code == 400
    assert r.json()["problems"][0]["code"] == "behaviour_expectations_missing"
    assert footprint(appraisal) == before
    appraiser.put(url(appraisal, "behaviour-expectations"), {"expectations": ALL}, format="json")
    assert (
        appraiser.post(url(appraisal, "transitions/approve_plan"), {}, format="json").status_code
        == 200
    )
    r = appraiser.put(
        url(appraisal, "behaviour-expectations"), {"expectations": ALL[:1]}, format="json"
    )
    assert r.status_code == 409


def test_employee_writes_annexes_in_draft(org, appraisal, at_state, api):
    body = {
        "resources": "Anggaran DPA 2026",
        "accountability": "Laporan triwulanan",
        "consequences": "Sesuai PP 94/2021",
    }
    assert (
        api(org.users["appraiser"]).put(url(appraisal, "annex"), body, format="json").status_code
        == 403
    )
    r = api(org.users["employee"]).put(url(appraisal, "annex"), body, format="json")
    assert r.status_code == 200 and r.json() == body
    assert api(org.users["superior"]).get(url(appraisal, "annex")).json() == body
    at_state("plan_submitted")
    assert (
        api(org.users["employee"]).put(url(appraisal, "annex"), body, format="json").status_code
        == 409
    )


def test_jpt_plan_needs_perspectives(org, appraisal, api):
    org.employee.position = Position.objects.create(name="Kepala Dinas", unit=org.dinas, kind="jpt")
    org.employee.save()
    client = api(org.users["employee"])
    item = {
        "result": "Meningkatnya IPM",
        "indicators": [{"name": "IPM", "aspect": "quantity", "target": "72"}],
    }
    assert client.post(url(appraisal, "plan-items"), item, format="json").status_code == 201
    r = client.post(url(appraisal, "transitions/submit_plan"), {}, format="json")
    assert r.status_code == 400
    assert r.json()["problems"][0]["code"] == "jpt_perspective_missing"
    item_id = appraisal.plan_items.get().pk
    r = client.patch(
        f"{url(appraisal, 'plan-items')}{item_id}/",
        {"perspective": "service_recipients"},
        format="json",
    )
    assert r.status_code == 200 and r.json()["perspective"] == "service_recipients"
    assert (
        client.post(url(appraisal, "transitions/submit_plan"), {}, format="json").status_code == 200
    )


def test_perspective_only_for_jpt(org, appraisal, api):
    r = api(org.users["employee"]).post(
        url(appraisal, "plan-items"),
        {
            "result": "x",
            "perspective": "budget",
            "indicators": [{"name": "y", "aspect": "cost", "target": "Rp 1 M"}],
        },
        format="json",
    )
    assert r.status_code == 400
    assert r.json()["problems"][0]["code"] == "perspective_not_jpt"


def test_superior_sees_who_supports_each_item(org, appraisal, api):
    cycle_open(cycle=org.cycle, actor=system_actor(), employees=[org.appraiser])
    boss_plan = Appraisal.objects.get(employee=org.appraiser)
    boss_item = plan_item_create(
        appraisal=boss_plan,
        actor=org.users["appraiser"],
        result="Mutu pendidikan meningkat",
        indicators=[],
    )
    plan_item_create(
        appraisal=appraisal,
        actor=org.users["employee"],
        result="Akreditasi",
        parent_item=boss_item,
        indicators=[],
    )
    coverage = api(org.users["appraiser"]).get(url(boss_plan, "coverage")).json()
    assert coverage[0]["id"] == boss_item.pk
    assert coverage[0]["supported_by"][0]["employee"]["id"] == org.employee.pk
    assert api(org.users["outsider"]).get(url(boss_plan, "coverage")).status_code == 404
