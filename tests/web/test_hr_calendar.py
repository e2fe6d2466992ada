"""The HR calendar page (#14): the instansi's zone, its joint leave / local days, the national
holidays; HR within its scope only; the appraisal page shows local times with the zone."""

from __future__ import annotations

import datetime as dt

import pytest

from appraisals.models import AgencyDay

from ..factories import UserFactory, assign_role, make_unit

pytestmark = pytest.mark.django_db


def url(org) -> str:
    return f"/hr/calendar/{org.instansi.pk}/"


def test_hr_adds_and_removes_a_joint_leave_day_in_indonesian(client, org):
    client.force_login(org.users["hr_admin"])
    home = client.get("/hr/calendar/")
    assert home.status_code == 302 and home.url == url(org)
    response = client.get(url(org) + "?year=2026")
    text = response.content.decode()
    assert response.status_code == 200
    assert "Kalender kerja" in text and "Hari Kemerdekaan Republik Indonesia" in text
    added = client.post(
        url(org), {"date": "2026-12-24", "kind": "joint_leave", "name": "Cuti bersama Natal"}
    )
    assert added.status_code == 302
    day = AgencyDay.objects.get()
    assert day.history.get().history_user == org.users["hr_admin"]
    assert "Cuti bersama Natal" in client.get(added.url).content.decode()
    removed = client.post(f"{url(org)}days/{day.pk}/remove/")
    assert removed.status_code == 302 and not AgencyDay.objects.exists()


def test_the_day_form_keeps_input_and_shows_errors_beside_fields(client, org):
    client.force_login(org.users["hr_admin"])
    response = client.post(url(org), {"date": "31-02-2026", "kind": "joint_leave", "name": ""})
    assert response.status_code == 400
    text = response.content.decode()
    assert 'id="d-date"' in text and 'value="31-02-2026"' in text
    assert text.count("field-error") >= 2


def test_hr_sets_the_zone_and_the_appraisal_page_shows_wita(client, org, at_state):
    client.force_login(org.users["hr_admin"])
    assert client.post(f"{url(org)}zone/", {"time_zone": "Asia/Makassar"}).status_code == 302
    org.instansi.refresh_from_db()
    assert org.instansi.time_zone == "Asia/Makassar"
    assert client.post(f"{url(org)}zone/", {"time_zone": "Mars/Olympus"}).status_code == 400
    appraisal = at_state("result_issued")
    client.force_login(org.users["employee"])
    text = client.get(f"/appraisals/{appraisal.pk}/").content.decode()
    assert "WITA" in text
    assert "14 hari kalender, sampai pukul 23.59 WITA" in text
    assert 'id="result-received"' in text


def test_the_calendar_is_hr_only_and_scoped(client, org):
    client.force_login(org.users["employee"])
    assert client.get(url(org)).status_code == 403
    elsewhere = make_unit("PEMKOT", "Pemerintah Kota", "instansi")
    stranger = UserFactory(username="hr_elsewhere")
    assign_role(stranger, "hr_admin", elsewhere)
    client.force_login(stranger)
    assert client.get(url(org)).status_code == 404
    day = AgencyDay.objects.create(instansi=org.instansi, date=dt.date(2026, 12, 24), name="x")
    assert client.post(f"{url(org)}days/{day.pk}/remove/").status_code == 404
    assert client.post(f"{url(org)}zone/", {"time_zone": "Asia/Jayapura"}).status_code == 404
    assert AgencyDay.objects.exists()
