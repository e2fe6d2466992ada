"""The performance manager's fallback: HR drafts and sets a plan nobody drafted in time.

PermenPANRB 6/2022 annex: if employee and appraiser have not drafted the plan by the
second week of January, the performance manager (pengelola kinerja; hr_admin in
Kinerja) drafts and sets it and informs both. The fixture cycle is 2026's, whose
fallback date is 14 January 2026; "today" in these tests is after it unless a
clock says otherwise.
"""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.utils import timezone

from appraisals.models import Appraisal, BehaviourValue
from audit.models import AuditEvent
from notifications.models import InboxItem
from notifications.relay import outbox_relay
from workflow.services import perform

from ..flow import add_plan_item, footprint

pytestmark = pytest.mark.django_db

ITEM = {
    "result": "Tersusunnya laporan layanan sekolah",
    "parent_item": None,
    "indicators": [{"name": "Laporan tepat waktu", "aspect": "time", "target": "12 laporan"}],
}
ALL = [{"value": v, "expectation": f"Ekspektasi {v}"} for v in BehaviourValue.values]
REASON = "SKP belum disusun sampai minggu kedua Januari"


@pytest.fixture(autouse=True)
def cycle_of_2026(org):
    """These tests freeze the clock at moments of 2026, so their cycle is 2026's."""
    org.cycle.year = 2026
    org.cycle.starts_on, org.cycle.ends_on = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
    org.cycle.save()


def url(appraisal, tail=""):
    return f"/api/appraisals/{appraisal.pk}/{tail}"


def at(*args) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


def names(body) -> set[str]:
    return {t["name"] for t in body["available_transitions"]}


def test_hr_drafts_and_sets_the_plan_after_the_fallback_date(
    org, appraisal, api, django_capture_on_commit_callbacks
):
    hr = api(org.users["hr_admin"])
    r = hr.post(url(appraisal, "plan-items/"), ITEM, format="json")
    assert r.status_code == 201, r.json()
    r = hr.put(url(appraisal, "behaviour-expectations/"), {"expectations": ALL}, format="json")
    assert r.status_code == 200, r.json()
    assert "hr_set_plan" in names(hr.get(url(appraisal)).json())
    # The employee's own view offers them no such thing.
    assert "hr_set_plan" not in names(api(org.users["employee"]).get(url(appraisal)).json())

    with django_capture_on_commit_callbacks(execute=True):
        r = hr.post(url(appraisal, "transitions/hr_set_plan/"), {"reason": REASON}, format="json")
    assert r.status_code == 200, r.json()
    assert r.json()["state"] == "in_progress"

    events = AuditEvent.objects.filter(subject_id=str(appraisal.pk)).order_by("seq")
    actions = [(e.action, e.actor_username) for e in events]
    assert actions[-3:] == [
        ("plan_item.created", "hr_admin"),
        ("behaviour_expectations.set", "hr_admin"),
        ("hr_set_plan", "hr_admin"),
    ]
    last = events.last()
    assert (last.from_state, last.to_state, last.reason) == ("draft", "in_progress", REASON)
    # Both are told (PermenPANRB 6/2022: the manager informs employee and appraiser).
    outbox_relay()
    told = set(
        InboxItem.objects.filter(kind="appraisal.hr_set_plan").values_list(
            "user__username", flat=True
        )
    )
    assert told == {"employee", "appraiser"}


def test_a_returned_plan_may_be_set_by_hr(org, appraisal, api):
    add_plan_item(appraisal, org.users["employee"])
    perform(appraisal, "submit_plan", actor=org.users["employee"])
    perform(appraisal, "return_plan", actor=org.users["appraiser"], reason="Target belum terukur")
    hr = api(org.users["hr_admin"])
    hr.put(url(appraisal, "behaviour-expectations/"), {"expectations": ALL}, format="json")
    r = hr.post(url(appraisal, "transitions/hr_set_plan/"), {"reason": REASON}, format="json")
    assert r.status_code == 200, r.json()


def test_the_reason_is_required(org, appraisal, api):
    add_plan_item(appraisal, org.users["employee"])
    hr = api(org.users["hr_admin"])
    hr.put(url(appraisal, "behaviour-expectations/"), {"expectations": ALL}, format="json")
    before = footprint(appraisal)
    r = hr.post(url(appraisal, "transitions/hr_set_plan/"), {}, format="json")
    assert r.status_code == 400
    assert footprint(appraisal) == before


def test_the_plan_content_guards_still_hold(org, appraisal, api):
    hr = api(org.users["hr_admin"])
    before = footprint(appraisal)
    r = hr.post(url(appraisal, "transitions/hr_set_plan/"), {"reason": REASON}, format="json")
    assert r.status_code == 400
    codes = {p["code"] for p in r.json()["problems"]}
    assert {"plan_empty", "behaviour_expectations_missing"} <= codes
    assert footprint(appraisal) == before


def test_refused_before_the_fallback_date_with_its_reason(org, appraisal, api):
    add_plan_item(appraisal, org.users["employee"])
    hr = api(org.users["hr_admin"])
    with mock.patch("django.utils.timezone.now", lambda: at(2026, 1, 14, 20, 0)):
        assert "hr_set_plan" not in names(hr.get(url(appraisal)).json())
        before = footprint(appraisal)
        r = hr.post(url(appraisal, "transitions/hr_set_plan/"), {"reason": REASON}, format="json")
        # HR's authority over the plan starts at the date: until then not offered, and 403.
        assert r.status_code == 403
        problems = {p["code"]: p for p in r.json()["problems"]}
        assert "plan_fallback_not_due" in problems
        assert "14 Januari 2026" in problems["plan_fallback_not_due"]["messages"]["id"]
        # Nor may HR write the plan before then (403: the employee's alone until the date).
        r = hr.post(url(appraisal, "plan-items/"), ITEM, format="json")
        assert r.status_code == 403
        assert "14 Januari 2026" in r.json()["messages"]["id"]
        r = hr.put(url(appraisal, "behaviour-expectations/"), {"expectations": ALL}, format="json")
        assert r.status_code == 403
        assert footprint(appraisal) == before


def test_a_later_fallback_date_set_by_hr_is_honoured(org, appraisal, api):
    # HR moved the fallback to today: HR steps in only from tomorrow.
    org.cycle.plan_fallback_on = timezone.localdate()
    org.cycle.save()
    r = api(org.users["hr_admin"]).post(url(appraisal, "plan-items/"), ITEM, format="json")
    assert r.status_code == 403


@pytest.mark.parametrize("state", ["plan_submitted", "in_progress"])
def test_refused_once_the_plan_is_submitted_or_approved(org, at_state, api, state):
    appraisal = at_state(state)
    hr = api(org.users["hr_admin"])
    before = footprint(appraisal)
    r = hr.post(url(appraisal, "transitions/hr_set_plan/"), {"reason": REASON}, format="json")
    assert r.status_code == 409
    r = hr.post(url(appraisal, "plan-items/"), ITEM, format="json")
    assert r.status_code == 409
    assert footprint(appraisal) == before


def test_hr_may_not_set_their_own_plan(org, appraisal, api):
    from ..factories import assign_role

    assign_role(org.users["employee"], "hr_admin", org.instansi)
    add_plan_item(appraisal, org.users["employee"])
    r = api(org.users["employee"]).post(
        url(appraisal, "transitions/hr_set_plan/"), {"reason": REASON}, format="json"
    )
    assert r.status_code == 403
    assert Appraisal.objects.get(pk=appraisal.pk).state == "draft"


@pytest.mark.parametrize("persona", ["appraiser", "superior", "panel", "authority"])
def test_only_hr_sets_the_plan_this_way(org, appraisal, api, persona):
    add_plan_item(appraisal, org.users["employee"])
    r = api(org.users[persona]).post(
        url(appraisal, "transitions/hr_set_plan/"), {"reason": REASON}, format="json"
    )
    assert r.status_code == 403
