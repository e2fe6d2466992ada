"""HR keeps the agency's clock over the API: joint leave / local days and the unit's zone."""

from __future__ import annotations

import datetime as dt

from appraisals import clock
from appraisals.models import AgencyDay
from workflow import calendar

from ..factories import UserFactory, assign_role, make_unit

URL = "/api/agency-days/"


def test_hr_adds_a_joint_leave_day_and_working_days_skip_it(org, api):
    hr = api(org.users["hr_admin"])
    body = {
        "instansi": org.instansi.pk,
        "date": "2026-03-20",
        "kind": "joint_leave",
        "name": "Cuti bersama Idulfitri",
    }
    response = hr.post(URL, body, format="json")
    assert response.status_code == 201, response.content
    day = AgencyDay.objects.get()
    assert day.history.get().history_user == org.users["hr_admin"]
    assert clock.add_days(dt.date(2026, 3, 19), 1, calendar.WORKING, org.dinas) == dt.date(
        2026, 3, 23
    )
    assert hr.get(URL).json()["results"][0]["name"] == "Cuti bersama Idulfitri"
    again = hr.post(URL, body, format="json")
    assert again.status_code == 409 and again.json()["problems"][0]["field"] == "date"
    assert hr.delete(f"{URL}{day.pk}/").status_code == 204
    assert not AgencyDay.objects.exists()
    assert day.history.count() == 2  # added and removed, both attributed


def test_calendar_days_are_hr_only_and_scoped(org, api):
    day = AgencyDay.objects.create(instansi=org.instansi, date=dt.date(2026, 3, 20), name="x")
    body = {"instansi": org.instansi.pk, "date": "2026-03-23", "kind": "local", "name": "y"}
    assert api(org.users["employee"]).post(URL, body, format="json").status_code == 403
    assert api(org.users["employee"]).get(URL).json()["results"] == []
    assert api(org.users["employee"]).delete(f"{URL}{day.pk}/").status_code == 404
    elsewhere = make_unit("PEMKOT", "Pemerintah Kota", "instansi")
    stranger = UserFactory(username="hr_elsewhere")
    assign_role(stranger, "hr_admin", elsewhere)
    assert api(stranger).get(f"{URL}{day.pk}/").status_code == 404
    assert api(stranger).delete(f"{URL}{day.pk}/").status_code == 404
    refused = api(stranger).post(URL, body, format="json")
    assert refused.status_code == 403
    # An HR admin of a dinas sees the instansi's days but may not change them.
    dinas_hr = UserFactory(username="hr_dinas")
    assign_role(dinas_hr, "hr_admin", org.dinas)
    assert api(dinas_hr).get(f"{URL}{day.pk}/").status_code == 200
    assert api(dinas_hr).delete(f"{URL}{day.pk}/").status_code == 403


def test_hr_sets_a_subtree_zone_and_the_appraisal_shows_it(org, api, at_state):
    appraisal = at_state("draft")
    url = f"/api/units/{org.dinas.pk}/time-zone/"
    hr = api(org.users["hr_admin"])
    response = hr.put(url, {"time_zone": "Asia/Makassar"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json() == {"time_zone": "Asia/Makassar", "effective_time_zone": "Asia/Makassar"}
    detail = api(org.users["employee"]).get(f"/api/appraisals/{appraisal.pk}/").json()
    assert detail["time_zone"] == "Asia/Makassar"
    assert detail["appeal_deadline_rule"] == {
        "id": "14 hari kalender, sampai pukul 23.59 WITA",
        "en": "14 calendar days, until 23:59 WITA",
    }
    assert hr.put(url, {"time_zone": "Europe/Paris"}, format="json").status_code == 400
    assert hr.put(url, {"time_zone": ""}, format="json").json()["effective_time_zone"] == (
        "Asia/Jakarta"
    )
    assert api(org.users["employee"]).put(url, {"time_zone": ""}, format="json").status_code in (
        403,
        404,
    )
    cycle = hr.get(f"/api/cycles/{org.cycle.pk}/").json()
    assert cycle["appeal_window_rule"]["id"] == "14 hari kalender, sampai pukul 23.59 WIB"
    assert cycle["appeal_decision_count"] == "calendar"
