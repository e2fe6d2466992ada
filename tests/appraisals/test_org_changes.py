"""Organisation changes mid-cycle reach open appraisals through the engine."""

import datetime as dt

import pytest
from django.utils import timezone

from appraisals.models import ActingAssignment, Appraisal
from audit.models import AuditEvent

from ..factories import EmployeeFactory, PositionFactory, make_unit, supervise
from ..flow import footprint

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def test_new_supervisor_takes_over_and_old_one_loses_access(org, at_state, api):
    appraisal = at_state("in_progress")
    new_boss = EmployeeFactory(unit=org.dinas, user__username="new_boss")
    supervise(new_boss, org.head)
    old = api(org.users["appraiser"])
    assert old.get(f"/api/appraisals/{appraisal.pk}/").status_code == 200
    r = api(org.users["hr_admin"]).post(
        f"/api/employees/{org.employee.pk}/supervisor/",
        {"supervisor": new_boss.pk, "effective": today().isoformat(), "reason": "Rotasi"},
        format="json",
    )
    assert r.status_code == 204, r.content
    appraisal.refresh_from_db()
    assert appraisal.appraiser == new_boss and appraisal.appeal_reviewer == org.head
    assert old.get(f"/api/appraisals/{appraisal.pk}/").status_code == 404
    body = api(new_boss.user).get(f"/api/appraisals/{appraisal.pk}/").json()
    assert [t["name"] for t in body["available_transitions"]] == []  # in_progress: employee's
    event = AuditEvent.objects.filter(subject_id=str(appraisal.pk)).last()
    assert event.action == "appraisal.reassigned" and event.actor_username == "hr_admin"
    assert event.changes["appraiser_id"] == [org.appraiser.pk, new_boss.pk]
    assert appraisal.history.first().history_user == org.users["hr_admin"]
    assert AuditEvent.objects.filter(action="employee.supervisor_changed").count() == 1


def test_supervisor_change_moves_reviewer_of_whom_they_rate(org, appraisal, api):
    new_head = EmployeeFactory(unit=org.dinas, user__username="new_head")
    api(org.users["hr_admin"]).post(
        f"/api/employees/{org.appraiser.pk}/supervisor/",
        {"supervisor": new_head.pk, "effective": today().isoformat()},
        format="json",
    )
    appraisal.refresh_from_db()
    assert appraisal.appraiser == org.appraiser and appraisal.appeal_reviewer == new_head
    assert api(org.users["superior"]).get(f"/api/appraisals/{appraisal.pk}/").status_code == 404


def test_transfer_before_plan_is_set_moves_the_appraisal(org, appraisal, api):
    r = api(org.users["hr_admin"]).post(
        f"/api/employees/{org.employee.pk}/transfer/",
        {
            "unit": org.other_dinas.pk,
            "supervisor": org.other_appraiser.pk,
            "effective": today().isoformat(),
        },
        format="json",
    )
    assert r.status_code == 204, r.content
    appraisal.refresh_from_db()
    assert appraisal.state == "draft"
    assert appraisal.unit == org.other_dinas and appraisal.appraiser == org.other_appraiser


def test_transfer_after_plan_is_set_opens_a_new_plan(org, at_state, api):
    appraisal = at_state("in_progress")
    position = PositionFactory(unit=org.other_dinas)
    r = api(org.users["hr_admin"]).post(
        f"/api/employees/{org.employee.pk}/transfer/",
        {
            "unit": org.other_dinas.pk,
            "position": position.pk,
            "supervisor": org.other_appraiser.pk,
            "effective": today().isoformat(),
            "reason": "SK mutasi 821/45",
        },
        format="json",
    )
    assert r.status_code == 204, r.content
    appraisal.refresh_from_db()
    assert appraisal.state == "cancelled"
    cancel = AuditEvent.objects.filter(subject_id=str(appraisal.pk), action="cancel").get()
    assert "SK mutasi" in cancel.reason
    fresh = Appraisal.objects.get(employee=org.employee, state="draft")
    assert fresh.cycle == appraisal.cycle and fresh.appraiser == org.other_appraiser
    assert fresh.unit == org.other_dinas


@pytest.mark.parametrize("kind", ["retired", "deceased"])
def test_leaving_cancels_open_appraisals(kind, org, at_state, api):
    appraisal = at_state("self_assessed")
    r = api(org.users["hr_admin"]).post(
        f"/api/employees/{org.employee.pk}/leave/",
        {"kind": kind, "effective": today().isoformat()},
        format="json",
    )
    assert r.status_code == 204, r.content
    appraisal.refresh_from_db()
    org.employee.refresh_from_db()
    assert appraisal.state == "cancelled" and not org.employee.active


def test_final_result_survives_leaving(org, at_state, api):
    appraisal = at_state("final")
    api(org.users["hr_admin"]).post(
        f"/api/employees/{org.employee.pk}/leave/",
        {"kind": "retired", "effective": today().isoformat()},
        format="json",
    )
    appraisal.refresh_from_db()
    assert appraisal.state == "final"


def test_future_dated_change_is_refused(org, appraisal, api):
    r = api(org.users["hr_admin"]).post(
        f"/api/employees/{org.employee.pk}/leave/",
        {"kind": "retired", "effective": (today() + dt.timedelta(days=30)).isoformat()},
        format="json",
    )
    assert r.status_code == 400
    assert r.json()["problems"][0]["code"] == "future_date"
    org.employee.refresh_from_db()
    assert org.employee.active


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        # The appraiser sees whom they rate (the directory), so it is 403, not 404.
        ("appraiser", 403),
        ("other_appraiser", 404),
        ("inspector", 403),
        ("authority", 403),
    ],
)
def test_only_hr_admin_changes_the_organisation(persona, status, org, appraisal, api):
    r = api(org.users[persona]).post(
        f"/api/employees/{org.employee.pk}/leave/",
        {"kind": "retired", "effective": today().isoformat()},
        format="json",
    )
    assert r.status_code == status
    org.employee.refresh_from_db()
    assert org.employee.active


def test_hr_admin_of_another_instansi_cannot(org, appraisal, api):
    from ..factories import UserFactory, assign_role

    elsewhere = make_unit("PEMKOT", "Pemerintah Kota Lain", "instansi")
    stranger = UserFactory(username="hr_elsewhere")
    assign_role(stranger, "hr_admin", elsewhere)
    before = footprint(appraisal)
    r = api(stranger).post(
        f"/api/employees/{org.employee.pk}/leave/",
        {"kind": "retired", "effective": today().isoformat()},
        format="json",
    )
    assert r.status_code == 404
    assert footprint(appraisal) == before
    org.employee.refresh_from_db()
    assert org.employee.active


def test_the_service_checks_both_ends_whoever_calls_it(org):
    """The API's scoped ids are one guard; the service refuses on its own as well."""
    from appraisals.services.changes import employee_supervisor_change, employee_transfer
    from workflow.errors import PayloadInvalid

    from ..factories import UserFactory, assign_role

    user = UserFactory(username="hr_disdik")
    assign_role(user, "hr_admin", org.dinas)
    with pytest.raises(PayloadInvalid) as refused:
        employee_supervisor_change(
            employee=org.employee, supervisor=org.other_appraiser, effective=today(), actor=user
        )
    assert [(p.code, p.field) for p in refused.value.problems] == [("does_not_exist", "supervisor")]
    foreign_position = PositionFactory(unit=org.other_dinas)
    with pytest.raises(PayloadInvalid) as refused:
        employee_transfer(
            employee=org.employee,
            unit=org.other_dinas,
            position=foreign_position,
            supervisor=org.other_appraiser,
            effective=today(),
            actor=user,
        )
    assert {p.field for p in refused.value.problems} == {"unit", "position", "supervisor"}
    org.employee.refresh_from_db()
    assert org.employee.unit == org.dinas


def test_a_change_to_a_supervisor_with_a_plt_reviews_above_the_position(org, appraisal, api):
    """The employee's new appraiser is the Plt acting for their supervisor; an appeal then
    goes to the superior of that position, as for the definitive official."""
    acting = EmployeeFactory(unit=org.dinas, user__username="plt")
    ActingAssignment.objects.create(
        substitute=acting, replaces=org.appraiser, kind="plt", valid_from=today()
    )
    r = api(org.users["hr_admin"]).post(
        f"/api/employees/{org.employee.pk}/supervisor/",
        {"supervisor": org.appraiser.pk, "effective": today().isoformat(), "reason": "Plt"},
        format="json",
    )
    assert r.status_code == 204, r.content
    appraisal.refresh_from_db()
    assert (appraisal.appraiser, appraisal.appeal_reviewer) == (acting, org.head)
