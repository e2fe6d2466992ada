"""Plt/Plh appointed by HR over the API act on open appraisals at once (issue #14, item 4)."""

import datetime as dt

import pytest
from django.utils import timezone

from appraisals.models import ActingAssignment, Appraisal, AppraiserHandover
from appraisals.services.acting import acting_expire
from audit.models import AuditEvent
from notifications.models import OutboxEvent

from ..factories import EmployeeFactory, PositionFactory, UserFactory, assign_role, make_unit

pytestmark = pytest.mark.django_db

URL = "/api/acting-assignments/"


def today():
    return timezone.localdate()


@pytest.fixture
def plt(org):
    return EmployeeFactory(unit=org.dinas, name="Plt Kepala Bidang", user__username="plt")


def appoint(api, org, plt, **body):
    data = {
        "substitute": plt.pk,
        "replaces": org.appraiser.pk,
        "kind": "plt",
        "valid_from": today().isoformat(),
        "reason": "Sprint 800/12/2026",
        **body,
    }
    return api(org.users["hr_admin"]).post(
        URL, {k: v for k, v in data.items() if v is not None}, format="json"
    )


def test_plt_appointment_reassigns_open_appraisals_at_once(org, at_state, api, plt):
    appraisal = at_state("plan_submitted")
    old = api(org.users["appraiser"])
    assert old.get(f"/api/appraisals/{appraisal.pk}/").status_code == 200
    # Today: a Plt cannot act on the appraisal.
    assert api(plt.user).get(f"/api/appraisals/{appraisal.pk}/").status_code == 404

    r = appoint(api, org, plt)
    assert r.status_code == 201, r.content
    assert r.json()["reassigned"] == 1 and r.json()["kind"] == "plt"

    appraisal.refresh_from_db()
    assert appraisal.appraiser == plt and appraisal.appeal_reviewer == org.head
    # The old holder loses it in the very next request, the Plt acts at once.
    assert old.get(f"/api/appraisals/{appraisal.pk}/").status_code == 404
    assert (
        old.post(
            f"/api/appraisals/{appraisal.pk}/transitions/approve_plan/", {}, format="json"
        ).status_code
        == 404
    )
    r = api(plt.user).post(
        f"/api/appraisals/{appraisal.pk}/transitions/approve_plan/", {}, format="json"
    )
    assert r.status_code == 200, r.content
    assert r.json()["state"] == "in_progress"
    # Through the engine's change path: audit chain, history, version, handover, notification.
    event = AuditEvent.objects.filter(
        subject_id=str(appraisal.pk), action="appraisal.reassigned"
    ).get()
    assert event.changes["appraiser_id"] == [org.appraiser.pk, plt.pk]
    assert event.changes["version"][1] == event.changes["version"][0] + 1
    assert event.actor_username == "hr_admin" and "Sprint 800/12/2026" in event.reason
    assert AuditEvent.objects.filter(action="acting.appointed").count() == 1
    handover = AppraiserHandover.objects.get(appraisal=appraisal)
    assert (handover.previous, handover.successor, handover.cause) == (
        org.appraiser,
        plt,
        "acting_appointed",
    )
    outbox = OutboxEvent.objects.get(kind="appraisal.reassigned", subject_id=appraisal.pk)
    audience = {tuple(spec) for spec in outbox.data["audience"]}
    assert {("employee", plt.pk), ("employee", org.appraiser.pk)} <= audience
    assert ("employee", org.employee.pk) in audience


def test_appointment_for_a_position_moves_the_reviewer_too(org, at_state, api, plt):
    seat = PositionFactory(unit=org.dinas, name="Kepala Dinas")
    org.head.position = seat
    org.head.save()
    appraisal = at_state("in_progress")
    r = appoint(
        api,
        org,
        plt,
        replaces=None,
        position=seat.pk,
        kind="plh",
        valid_until=(today() + dt.timedelta(days=5)).isoformat(),
    )
    assert r.status_code == 201, r.content
    assert r.json()["replaces"]["id"] == org.head.pk
    appraisal.refresh_from_db()
    assert appraisal.appraiser == org.appraiser and appraisal.appeal_reviewer == plt
    assert api(org.users["superior"]).get(f"/api/appraisals/{appraisal.pk}/").status_code == 404


def test_final_and_cancelled_appraisals_stay(org, at_state, api, plt):
    appraisal = at_state("final")
    assert appoint(api, org, plt).status_code == 201
    appraisal.refresh_from_db()
    assert appraisal.appraiser == org.appraiser


def test_ending_hands_the_appraisals_back(org, at_state, api, plt):
    appraisal = at_state("plan_submitted")
    assignment = appoint(api, org, plt).json()
    r = api(org.users["hr_admin"]).post(
        f"{URL}{assignment['id']}/end/", {"reason": "Pejabat definitif kembali"}, format="json"
    )
    assert r.status_code == 200, r.content
    assert r.json()["ended_at"] and r.json()["reassigned"] == 1
    appraisal.refresh_from_db()
    assert appraisal.appraiser == org.appraiser
    assert api(plt.user).get(f"/api/appraisals/{appraisal.pk}/").status_code == 404
    assert api(org.users["appraiser"]).get(f"/api/appraisals/{appraisal.pk}/").status_code == 200
    again = api(org.users["hr_admin"]).post(f"{URL}{assignment['id']}/end/", {}, format="json")
    assert again.status_code == 400


def test_expiry_sweep_hands_back_after_valid_until(org, at_state, api, plt):
    appraisal = at_state("plan_submitted")
    assert appoint(api, org, plt, valid_until=today().isoformat()).status_code == 201
    assert acting_expire(on=today()) == 0  # the last day is still in force
    assert acting_expire(on=today() + dt.timedelta(days=1)) == 1
    appraisal.refresh_from_db()
    assert appraisal.appraiser == org.appraiser
    assert ActingAssignment.objects.get().ended_by.username == "system"


def test_scope_hr_elsewhere_404_non_hr_403(org, api, plt, appraisal):
    created = appoint(api, org, plt).json()
    other = make_unit("PEMPROV", "Pemerintah Provinsi", "instansi")
    hr_other = UserFactory(username="hr_other")
    assign_role(hr_other, "hr_admin", other)
    assert api(hr_other).get(f"{URL}{created['id']}/").status_code == 404
    assert api(hr_other).post(f"{URL}{created['id']}/end/", {}, format="json").status_code == 404
    assert api(hr_other).get(URL).json()["count"] == 0
    r = api(hr_other).post(
        URL,
        {
            "substitute": plt.pk,
            "replaces": org.head.pk,
            "kind": "plt",
            "valid_from": today().isoformat(),
        },
        format="json",
    )
    assert r.status_code == 400 and {p["field"] for p in r.json()["problems"]} >= {"substitute"}
    for persona in ("appraiser", "employee", "inspector"):
        client = api(org.users[persona])
        assert client.get(URL).status_code == 403
        assert client.get(f"{URL}{created['id']}/").status_code == 403
        assert client.post(f"{URL}{created['id']}/end/", {}, format="json").status_code == 403
    assert appoint(api, org, plt).status_code == 400  # overlap, checked below


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"substitute": "SELF"}, "substitute", "acting_not_self"),
        ({"valid_until": "PAST_FROM"}, "valid_until", "dates_reversed"),
        ({"valid_from": "TOMORROW"}, "valid_from", "future_date"),
        ({"kind": "plh"}, "valid_until", "plh_needs_end"),
    ],
)
def test_validation_is_bilingual(org, api, plt, body, field, code):
    values = {
        "SELF": org.appraiser.pk,
        "PAST_FROM": (today() - dt.timedelta(days=3)).isoformat(),
        "TOMORROW": (today() + dt.timedelta(days=1)).isoformat(),
    }
    body = {k: values.get(v, v) for k, v in body.items()}
    if "valid_until" in body:
        body["valid_from"] = (today() - dt.timedelta(days=1)).isoformat()
    for language, word in (("id", "Isian"), ("en", "data")):
        r = api(org.users["hr_admin"]).post(
            URL,
            {
                "substitute": plt.pk,
                "replaces": org.appraiser.pk,
                "kind": "plt",
                "valid_from": today().isoformat(),
                **body,
            },
            format="json",
            HTTP_ACCEPT_LANGUAGE=language,
        )
        assert r.status_code == 400, r.content
        problems = {p["field"]: p for p in r.json()["problems"]}
        assert problems[field]["code"] == code
        assert word in r.json()["detail"]
    assert not ActingAssignment.objects.exists()


def test_overlapping_appointment_refused(org, api, plt):
    assert appoint(api, org, plt).status_code == 201
    second = EmployeeFactory(unit=org.dinas)
    r = appoint(api, org, second)
    assert r.status_code == 400
    assert r.json()["problems"][0]["code"] == "overlap"


def test_handover_note_by_old_appraiser_seen_by_new(org, at_state, api, plt, settings):
    appraisal = at_state("in_progress")
    assert appoint(api, org, plt).status_code == 201
    old = api(org.users["appraiser"])
    url = f"/api/appraisals/{appraisal.pk}/handover-note/"
    r = old.post(
        url, {"note": "Target triwulan 3 sudah dibahas; bukti dukung di folder X."}, format="json"
    )
    assert r.status_code == 200, r.content
    assert old.get(f"/api/appraisals/{appraisal.pk}/").status_code == 404  # still no access
    seen = api(plt.user).get(f"/api/appraisals/{appraisal.pk}/handovers/")
    assert seen.status_code == 200
    [entry] = seen.json()
    assert entry["note"].startswith("Target triwulan 3")
    assert entry["previous"]["id"] == org.appraiser.pk and entry["cause"] == "acting_appointed"
    assert AuditEvent.objects.filter(action="appraisal.handover_noted").count() == 1
    # Others: the outsider never sees it (404), the employee sees the appraisal but not the note.
    assert api(org.users["outsider"]).post(url, {"note": "x"}, format="json").status_code == 404
    assert api(org.users["employee"]).post(url, {"note": "x"}, format="json").status_code == 403
    # The window closes.
    AppraiserHandover.objects.update(changed_at=timezone.now() - dt.timedelta(days=15))
    assert old.post(url, {"note": "late"}, format="json").status_code == 403


def test_handover_note_after_supervisor_change(org, at_state, api):
    appraisal = at_state("in_progress")
    new_boss = EmployeeFactory(unit=org.dinas, user__username="new_boss")
    api(org.users["hr_admin"]).post(
        f"/api/employees/{org.employee.pk}/supervisor/",
        {"supervisor": new_boss.pk, "effective": today().isoformat()},
        format="json",
    )
    handover = AppraiserHandover.objects.get(appraisal=appraisal)
    assert handover.cause == "supervisor_change"
    r = api(org.users["appraiser"]).post(
        f"/api/appraisals/{appraisal.pk}/handover-note/", {"note": "Catatan"}, format="json"
    )
    assert r.status_code == 200
    assert Appraisal.objects.get(pk=appraisal.pk).appraiser == new_boss


def test_history_names_the_capacity_of_each_actor(org, at_state, api, plt):
    appraisal = at_state("plan_submitted")
    assert appoint(api, org, plt).status_code == 201
    api(plt.user).post(
        f"/api/appraisals/{appraisal.pk}/transitions/approve_plan/", {}, format="json"
    )
    history = api(plt.user).get(f"/api/appraisals/{appraisal.pk}/history/").json()
    by_action = {e["action"]: e["actor_capacity"] for e in history}
    assert by_action["appraisal.created"] == "system"
    assert by_action["submit_plan"] == "employee"
    assert by_action["appraisal.reassigned"] == "hr_admin"
    assert by_action["approve_plan"] == "plt_appraiser"
    # The expectations were set before the change, by the definitive appraiser.
    assert by_action["behaviour_expectations.set"] == "appraiser"


def test_a_vacant_position_gets_a_plt_not_a_plh(org, at_state, api, plt):
    seat = PositionFactory(unit=org.dinas, name="Kepala Bidang")
    org.appraiser.position = seat
    org.appraiser.save()
    appraisal = at_state("in_progress")
    r = api(org.users["hr_admin"]).post(
        f"/api/employees/{org.appraiser.pk}/leave/",
        {"kind": "retired", "effective": today().isoformat()},
        format="json",
    )
    assert r.status_code == 204
    until = (today() + dt.timedelta(days=3)).isoformat()
    r = appoint(api, org, plt, replaces=None, position=seat.pk, kind="plh", valid_until=until)
    assert r.status_code == 400 and r.json()["problems"][0]["code"] == "plh_for_vacancy"
    r = appoint(api, org, plt, replaces=None, position=seat.pk)
    assert r.status_code == 201, r.content
    appraisal.refresh_from_db()
    assert appraisal.appraiser == plt
