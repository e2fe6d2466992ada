"""The regulation's clock (issue #14 §1): the appeal window runs to the end of the 14th day in
the agency's zone from receipt; working-day deadlines skip weekends, national holidays and the
days HR adds; the annual result waits for the period's end; a closed cycle is frozen."""

from __future__ import annotations

import datetime as dt
from unittest import mock
from zoneinfo import ZoneInfo

import pytest

from appraisals import clock
from appraisals.models import AgencyDay, Appraisal, Unit
from audit.models import AuditEvent
from workflow import calendar
from workflow.errors import ConditionsUnmet, StateConflict
from workflow.services import perform

from ..flow import footprint, valid_body

FRIDAY = dt.date(2026, 1, 9)  # after the 2025 cycle's period
DAY_14 = dt.date(2026, 1, 23)
DAY_15 = dt.date(2026, 1, 24)


def at(day: dt.date, hour: int, minute: int, zone: str) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=ZoneInfo(zone))


def now_is(moment: dt.datetime):
    return mock.patch("django.utils.timezone.now", return_value=moment.astimezone(dt.UTC))


def past_cycle(org, *, zone: str = "") -> None:
    """The 2025 cycle, its period ended; the instansi in `zone` (blank: the default, WIB)."""
    org.cycle.year = 2025
    org.cycle.starts_on, org.cycle.ends_on = dt.date(2025, 1, 1), dt.date(2025, 12, 31)
    org.cycle.save()
    if zone:
        org.instansi.time_zone = zone
        org.instansi.save()


def issue(org, at_state, moment: dt.datetime) -> Appraisal:
    appraisal = at_state("discussed")
    with now_is(moment):
        perform(appraisal, "issue_result", actor=org.users["appraiser"])
    appraisal.refresh_from_db()
    return appraisal


def appeal(org, appraisal, moment: dt.datetime) -> None:
    with now_is(moment):
        perform(
            appraisal,
            "file_appeal",
            actor=org.users["employee"],
            payload=valid_body("file_appeal", appraisal),
        )


ZONES = ["Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"]


@pytest.mark.parametrize("zone", ZONES)
def test_appeal_accepted_at_2330_local_on_the_14th_day(org, at_state, zone):
    past_cycle(org, zone=zone)
    appraisal = issue(org, at_state, at(FRIDAY, 15, 0, zone))
    appeal(org, appraisal, at(DAY_14, 23, 30, zone))
    appraisal.refresh_from_db()
    assert appraisal.state == "appealed"


@pytest.mark.parametrize("zone", ZONES)
def test_appeal_refused_at_midnight_local_starting_the_15th_day(org, at_state, zone):
    past_cycle(org, zone=zone)
    appraisal = issue(org, at_state, at(FRIDAY, 15, 0, zone))
    before = footprint(appraisal)
    with pytest.raises(ConditionsUnmet) as refused:
        appeal(org, appraisal, at(DAY_15, 0, 0, zone))
    assert refused.value.problems[0].code == "appeal_window_closed"
    assert footprint(appraisal) == before


def test_the_window_follows_the_unit_subtree_zone_over_the_instansi(org, at_state):
    # The instansi sits in WIB; a unit subtree in WITA counts its own days.
    past_cycle(org)
    org.dinas.time_zone = "Asia/Makassar"
    org.dinas.save()
    appraisal = issue(org, at_state, at(FRIDAY, 15, 0, "Asia/Makassar"))
    assert appraisal.appeal_deadline == at(DAY_14, 23, 59, "Asia/Makassar").replace(
        second=59, microsecond=999999
    )


def test_the_window_starts_when_the_result_is_received(org, at_state):
    past_cycle(org)
    moment = at(FRIDAY, 15, 0, "Asia/Jakarta")
    appraisal = issue(org, at_state, moment)
    assert appraisal.result_issued_at == moment
    assert appraisal.result_received_at == moment
    events = AuditEvent.objects.filter(subject_id=str(appraisal.pk), action="issue_result")
    assert "result_received_at" in events.get().changes


def test_zone_resolves_to_the_nearest_ancestor_then_the_default(org, settings):
    settings.TIME_ZONE = "Asia/Jakarta"

    def zone_of(unit) -> str:  # a fresh row: the zone is remembered on the instance
        return str(clock.agency_zone(Unit.objects.get(pk=unit.pk)))

    assert zone_of(org.dinas) == "Asia/Jakarta"
    org.instansi.time_zone = "Asia/Jayapura"
    org.instansi.save()
    assert zone_of(org.dinas) == "Asia/Jayapura"
    org.dinas.time_zone = "Asia/Makassar"
    org.dinas.save()
    assert zone_of(org.dinas) == "Asia/Makassar"
    assert zone_of(org.other_dinas) == "Asia/Jayapura"
    assert zone_of(org.instansi) == "Asia/Jayapura"


# -- working days --------------------------------------------------------------

MONDAY = dt.date(2026, 3, 16)  # Thursday 19 March 2026 is Nyepi, a national holiday


def test_a_working_day_deadline_skips_weekends_holidays_and_joint_leave(org):
    AgencyDay.objects.create(
        instansi=org.instansi, date=dt.date(2026, 3, 20), kind="joint_leave", name="Cuti bersama"
    )
    # Mon 16 (start) · 17, 18 · Thu 19 Nyepi · Fri 20 cuti bersama · weekend · 23, 24, 25
    assert clock.add_days(MONDAY, 5, calendar.WORKING, org.instansi) == dt.date(2026, 3, 25)
    assert clock.add_days(MONDAY, 5, calendar.CALENDAR, org.instansi) == dt.date(2026, 3, 21)
    # Another instansi's joint leave day is not ours.
    assert clock.add_days(MONDAY, 4, calendar.WORKING, None) == dt.date(2026, 3, 23)


def test_the_engine_counts_days_without_the_domain():
    closed = {dt.date(2026, 3, 19)}
    assert calendar.add_days(MONDAY, 3, count="working", closed=closed) == dt.date(2026, 3, 20)
    assert calendar.add_days(dt.date(2026, 3, 20), 1, count="working") == dt.date(2026, 3, 23)
    assert calendar.add_days(MONDAY, 0, count="working") == MONDAY
    wita = ZoneInfo("Asia/Makassar")
    assert calendar.end_of_day(MONDAY, wita) == dt.datetime(
        2026, 3, 16, 15, 59, 59, 999999, tzinfo=dt.UTC
    )
    with pytest.raises(ValueError):
        calendar.add_days(MONDAY, 1, count="lunar")


def test_the_reviewers_deadline_counts_working_days_when_the_cycle_says_so(org, at_state):
    past_cycle(org)
    org.cycle.appeal_decision_days = 5
    org.cycle.appeal_decision_count = calendar.WORKING
    org.cycle.save()
    AgencyDay.objects.create(
        instansi=org.instansi, date=dt.date(2026, 3, 20), kind="joint_leave", name="Cuti bersama"
    )
    appraisal = issue(org, at_state, at(MONDAY - dt.timedelta(days=3), 9, 0, "Asia/Jakarta"))
    appeal(org, appraisal, at(MONDAY, 10, 0, "Asia/Jakarta"))
    filed = appraisal.appeals.get()
    assert filed.decision_due == calendar.end_of_day(dt.date(2026, 3, 25), ZoneInfo("Asia/Jakarta"))


# -- the annual result waits for the period's end ------------------------------


def test_issue_refused_before_the_period_has_ended(org, at_state):
    past_cycle(org, zone="Asia/Makassar")
    appraisal = at_state("discussed")
    before = footprint(appraisal)
    # 31 December 23:59 WITA: the period has not ended in the agency's zone.
    last_minute = now_is(at(dt.date(2025, 12, 31), 23, 59, "Asia/Makassar"))
    with last_minute, pytest.raises(ConditionsUnmet) as refused:
        perform(appraisal, "issue_result", actor=org.users["appraiser"])
    problem = refused.value.problems[0]
    assert problem.code == "period_not_ended"
    assert "31-12-2025" in problem.message.id and "31-12-2025" in problem.message.en
    assert footprint(appraisal) == before
    # 1 January 00:00 WITA (still 31 December in WIB): it has.
    with now_is(at(dt.date(2026, 1, 1), 0, 0, "Asia/Makassar")):
        perform(appraisal, "issue_result", actor=org.users["appraiser"])


def test_the_agency_may_allow_issuing_some_days_earlier(org, at_state):
    past_cycle(org)
    org.cycle.issue_early_days = 3
    org.cycle.save()
    appraisal = at_state("discussed")
    with now_is(at(dt.date(2025, 12, 28), 23, 0, "Asia/Jakarta")), pytest.raises(ConditionsUnmet):
        perform(appraisal, "issue_result", actor=org.users["appraiser"])
    with now_is(at(dt.date(2025, 12, 29), 0, 0, "Asia/Jakarta")):
        perform(appraisal, "issue_result", actor=org.users["appraiser"])


def test_issue_refused_over_http_with_the_reason_in_both_languages(org, at_state, api):
    appraisal = at_state("discussed")
    org.cycle.ends_on = dt.date(2099, 12, 31)
    org.cycle.save()
    response = api(org.users["appraiser"]).post(
        f"/api/appraisals/{appraisal.pk}/transitions/issue_result/", {}, format="json"
    )
    assert response.status_code == 400, response.content
    problem = response.json()["problems"][0]
    assert problem["code"] == "period_not_ended"
    assert "periode" in problem["messages"]["id"] and "period" in problem["messages"]["en"]


# -- a closed cycle is frozen ---------------------------------------------------


def close(api, org, reason="Penilaian 2025 selesai."):
    return api(org.users["hr_admin"]).post(
        f"/api/cycles/{org.cycle.pk}/close/", {"reason": reason}, format="json"
    )


def test_a_closed_cycle_refuses_every_transition_and_change(org, at_state, api):
    appraisal = at_state("in_progress")
    assert close(api, org).status_code == 200
    before = footprint(appraisal)
    with pytest.raises(StateConflict) as refused:
        perform(
            appraisal,
            "submit_self_assessment",
            actor=org.users["employee"],
            payload=valid_body("submit_self_assessment", appraisal),
        )
    assert refused.value.problems[0].code == "cycle_closed"
    response = api(org.users["hr_admin"]).post(
        f"/api/appraisals/{appraisal.pk}/transitions/cancel/", {"reason": "x"}, format="json"
    )
    assert response.status_code == 409, response.content
    assert response.json()["problems"][0]["code"] == "cycle_closed"
    response = api(org.users["employee"]).post(
        f"/api/appraisals/{appraisal.pk}/check-ins/",
        {"period": 1, "entries": []},
        format="json",
    )
    assert response.status_code == 409, response.content
    assert response.json()["problems"][0]["code"] == "cycle_closed"
    assert footprint(appraisal) == before
    detail = api(org.users["employee"]).get(f"/api/appraisals/{appraisal.pk}/").json()
    assert detail["available_transitions"] == []


def test_a_closed_cycle_refuses_plan_changes(org, at_state, api):
    appraisal = at_state("draft")
    assert close(api, org).status_code == 200
    response = api(org.users["employee"]).post(
        f"/api/appraisals/{appraisal.pk}/plan-items/",
        {"result": "Hasil", "indicators": [{"name": "x", "aspect": "quantity", "target": "1"}]},
        format="json",
    )
    assert response.status_code == 409, response.content
    assert response.json()["problems"][0]["code"] == "cycle_closed"


def test_only_hr_reopens_a_closed_cycle_with_a_reason_audited(org, at_state, api):
    appraisal = at_state("draft")
    assert close(api, org).status_code == 200
    url = f"/api/cycles/{org.cycle.pk}/reopen/"
    assert api(org.users["employee"]).post(url, {"reason": "x"}, format="json").status_code in (
        403,
        404,
    )
    refused = api(org.users["hr_admin"]).post(url, {"reason": " "}, format="json")
    assert refused.status_code == 400
    assert "reason" in refused.content.decode()
    response = api(org.users["hr_admin"]).post(
        url, {"reason": "Koreksi hasil atas putusan pengadilan."}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "open"
    events = AuditEvent.objects.filter(subject_id=str(org.cycle.pk), action__startswith="cycle.")
    assert [e.action for e in events.order_by("pk")] == ["cycle.closed", "cycle.reopened"]
    assert events.order_by("pk").last().reason == "Koreksi hasil atas putusan pengadilan."
    perform(appraisal, "cancel", actor=org.users["hr_admin"], reason="Pegawai pensiun.")


def test_an_hr_admin_of_another_instansi_cannot_close_the_cycle(org, api):
    from tests.factories import UserFactory, assign_role, make_unit

    elsewhere = make_unit("PEMKOT", "Pemerintah Kota", "instansi")
    stranger = UserFactory(username="hr_elsewhere")
    assign_role(stranger, "hr_admin", elsewhere)
    response = api(stranger).post(
        f"/api/cycles/{org.cycle.pk}/close/", {"reason": "x"}, format="json"
    )
    assert response.status_code == 403


def test_an_organisation_change_leaves_a_closed_cycle_as_it_was(org, at_state, api):
    appraisal = at_state("draft")
    assert close(api, org).status_code == 200
    before = footprint(appraisal)
    response = api(org.users["hr_admin"]).post(
        f"/api/employees/{org.employee.pk}/leave/",
        {"kind": "retired", "effective": dt.date.today().isoformat()},
        format="json",
    )
    assert response.status_code in (200, 204), response.content
    assert footprint(appraisal) == before
