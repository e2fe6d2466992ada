"""A cycle's phase deadlines exist by themselves, and HR edits them (issue #14, section 3).

PermenPANRB 6/2022 annex: the plan is set at the latest by the end of January; if
employee and appraiser have not drafted it by the second week of January, the
performance manager (HR in Kinerja) drafts and sets it.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from appraisals.models import Cycle
from appraisals.services.cycles import cycle_close, cycle_create
from audit.models import AuditEvent
from notifications.models import PhaseDeadline
from notifications.models.deadlines import PHASE_STATES

from ..factories import UserFactory, assign_role, make_cycle, make_unit

pytestmark = pytest.mark.django_db

STATES = [state for state, _label in PHASE_STATES]


def due_dates(cycle) -> dict:
    return dict(PhaseDeadline.objects.filter(cycle=cycle).values_list("state", "due_on"))


def url(cycle) -> str:
    return f"/api/cycles/{cycle.pk}/phase-deadlines/"


CYCLE_2027 = {
    "name": "Penilaian Kinerja 2027",
    "year": 2027,
    "starts_on": "2027-01-01",
    "ends_on": "2027-12-31",
}


def assert_defaults_2027(cycle) -> None:
    due = due_dates(cycle)
    assert set(due) == set(STATES)
    # The regulation's two dates: drafted by the end of the second week, set by 31 January.
    assert due["draft"] == dt.date(2027, 1, 14)
    assert due["plan_submitted"] == dt.date(2027, 1, 31)
    # The later phases follow the cycle's end, in the order the lifecycle runs.
    later = [due[s] for s in STATES[2:]]
    assert later == sorted(later) and later[0] > cycle.ends_on
    assert cycle.plan_fallback_on == dt.date(2027, 1, 14)


# -- defaults, however the cycle is created ----------------------------------------------------


def test_a_cycle_created_by_the_service_has_default_phase_deadlines(org):
    cycle = cycle_create(
        actor=org.users["hr_admin"],
        instansi=org.instansi,
        name="Penilaian Kinerja 2027",
        year=2027,
        starts_on=dt.date(2027, 1, 1),
        ends_on=dt.date(2027, 12, 31),
    )
    assert_defaults_2027(cycle)


def test_a_cycle_created_over_the_api_has_default_phase_deadlines(org, api):
    r = api(org.users["hr_admin"]).post(
        "/api/cycles/", {**CYCLE_2027, "instansi": org.instansi.pk}, format="json"
    )
    assert r.status_code == 201, r.json()
    assert r.json()["plan_fallback_on"] == "2027-01-14"
    assert_defaults_2027(Cycle.objects.get(pk=r.json()["id"]))


def test_a_cycle_created_on_the_page_has_default_phase_deadlines(org, client):
    client.force_login(org.users["hr_admin"])
    r = client.post(reverse("web:hr-cycles"), {**CYCLE_2027, "instansi": org.instansi.pk})
    assert r.status_code == 302
    assert_defaults_2027(Cycle.objects.get(name="Penilaian Kinerja 2027"))


def test_the_fallback_date_may_be_given_at_creation(org, api):
    r = api(org.users["hr_admin"]).post(
        "/api/cycles/",
        {**CYCLE_2027, "instansi": org.instansi.pk, "plan_fallback_on": "2027-01-12"},
        format="json",
    )
    assert r.status_code == 201, r.json()
    cycle = Cycle.objects.get(pk=r.json()["id"])
    assert cycle.plan_fallback_on == dt.date(2027, 1, 12)
    assert due_dates(cycle)["draft"] == dt.date(2027, 1, 12)


# -- HR lists and edits them over the API ----------------------------------------------------


@pytest.fixture
def cycle(org):
    return cycle_create(
        actor=org.users["hr_admin"],
        instansi=org.instansi,
        name="Penilaian Kinerja 2027",
        year=2027,
        starts_on=dt.date(2027, 1, 1),
        ends_on=dt.date(2027, 12, 31),
    )


def test_hr_lists_the_phase_deadlines(org, api, cycle):
    r = api(org.users["hr_admin"]).get(url(cycle))
    assert r.status_code == 200, r.json()
    body = r.json()
    assert body["cycle"] == cycle.pk
    assert body["plan_fallback_on"] == "2027-01-14"
    assert list(body["deadlines"]) == STATES
    assert body["deadlines"]["plan_submitted"]["due_on"] == "2027-01-31"
    assert body["deadlines"]["draft"]["escalate"] is True


def test_hr_patches_one_phase_and_the_fallback_date_audited(org, api, cycle):
    r = api(org.users["hr_admin"]).patch(
        url(cycle),
        {
            "plan_fallback_on": "2027-01-15",
            "deadlines": {"plan_submitted": {"due_on": "2027-01-29", "remind_days": [5, 1]}},
        },
        format="json",
    )
    assert r.status_code == 200, r.json()
    assert r.json()["plan_fallback_on"] == "2027-01-15"
    row = PhaseDeadline.objects.get(cycle=cycle, state="plan_submitted")
    assert (row.due_on, row.remind_days) == (dt.date(2027, 1, 29), [5, 1])
    cycle.refresh_from_db()
    assert cycle.plan_fallback_on == dt.date(2027, 1, 15)
    # The others stay as they were.
    assert due_dates(cycle)["draft"] == dt.date(2027, 1, 14)
    event = AuditEvent.objects.get(action="cycle.phase_deadlines_updated")
    assert event.subject_id == str(cycle.pk)
    assert event.changes["plan_fallback_on"] == ["2027-01-14", "2027-01-15"]
    assert event.changes["plan_submitted.due_on"] == ["2027-01-31", "2027-01-29"]


def test_hr_puts_every_phase_and_may_drop_one(org, api, cycle):
    current = api(org.users["hr_admin"]).get(url(cycle)).json()
    body = {"plan_fallback_on": "2027-01-13", "deadlines": dict(current["deadlines"])}
    body["deadlines"]["decision_proposed"] = None
    r = api(org.users["hr_admin"]).put(url(cycle), body, format="json")
    assert r.status_code == 200, r.json()
    assert "decision_proposed" not in due_dates(cycle)
    assert r.json()["deadlines"]["decision_proposed"] is None
    # A PUT names every phase: one left out is a 400, not a silent deletion.
    del body["deadlines"]["final"]
    r = api(org.users["hr_admin"]).put(url(cycle), body, format="json")
    assert r.status_code == 400


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        # Before the cycle starts.
        ({"deadlines": {"draft": {"due_on": "2026-12-31"}}}, "deadlines.draft.due_on", "out"),
        # The plan is set inside the cycle, never after its end.
        (
            {"deadlines": {"plan_submitted": {"due_on": "2028-01-31"}}},
            "deadlines.plan_submitted.due_on",
            "out",
        ),
        # Later phases at most a year after the cycle's end.
        ({"deadlines": {"final": {"due_on": "2029-02-01"}}}, "deadlines.final.due_on", "out"),
        # The fallback comes before the date the plan must be set by.
        ({"plan_fallback_on": "2027-02-05"}, "plan_fallback_on", "order"),
        # Drafting is due before the plan is set.
        ({"deadlines": {"draft": {"due_on": "2027-02-10"}}}, "deadlines.draft.due_on", "order"),
    ],
)
def test_dates_outside_sensible_bounds_are_400_in_both_languages(
    org, api, cycle, body, field, code
):
    before = (due_dates(cycle), Cycle.objects.get(pk=cycle.pk).plan_fallback_on)
    r = api(org.users["hr_admin"]).patch(url(cycle), body, format="json")
    assert r.status_code == 400, r.json()
    problems = r.json()["problems"]
    assert [p["field"] for p in problems] == [field]
    codes = {"out": "phase_date_out_of_bounds", "order": "phase_order"}
    assert problems[0]["code"] == codes[code]
    assert problems[0]["messages"]["id"] and problems[0]["messages"]["en"]
    assert problems[0]["messages"]["id"] != problems[0]["messages"]["en"]
    assert (due_dates(cycle), Cycle.objects.get(pk=cycle.pk).plan_fallback_on) == before
    assert not AuditEvent.objects.filter(action="cycle.phase_deadlines_updated").exists()


def test_bad_remind_days_are_400(org, api, cycle):
    r = api(org.users["hr_admin"]).patch(
        url(cycle),
        {"deadlines": {"draft": {"due_on": "2027-01-14", "remind_days": [-1]}}},
        format="json",
    )
    assert r.status_code == 400


@pytest.mark.parametrize("persona", ["employee", "appraiser", "panel", "authority", "inspector"])
def test_non_hr_is_403(org, api, cycle, persona):
    client = api(org.users[persona])
    assert client.get(url(cycle)).status_code == 403
    assert (
        client.patch(url(cycle), {"plan_fallback_on": "2027-01-13"}, format="json").status_code
        == 403
    )


def test_hr_of_another_instansi_gets_404(org, api, cycle):
    other = make_unit("PEMKOT", "Pemerintah Kota Sabang", "instansi")
    stranger = UserFactory(username="hr_sabang")
    assign_role(stranger, "hr_admin", other)
    client = api(stranger)
    assert client.get(url(cycle)).status_code == 404
    r = client.patch(url(cycle), {"plan_fallback_on": "2027-01-13"}, format="json")
    assert r.status_code == 404
    assert Cycle.objects.get(pk=cycle.pk).plan_fallback_on == dt.date(2027, 1, 14)


def test_hr_of_a_dinas_reads_but_may_not_change_the_instansi_cycle(org, api, cycle):
    dinas_hr = UserFactory(username="dinas_hr")
    assign_role(dinas_hr, "hr_admin", org.dinas)
    client = api(dinas_hr)
    assert client.get(url(cycle)).status_code == 200
    r = client.patch(url(cycle), {"plan_fallback_on": "2027-01-13"}, format="json")
    assert r.status_code == 403


def test_a_cycle_made_without_the_service_still_has_a_fallback_date(org):
    # Rows from before the field (and test factories) fall back to 14 January of the year.
    legacy = make_cycle(org.instansi, year=2025)
    assert legacy.plan_fallback_date == dt.date(2025, 1, 14)


# -- the cycle page --------------------------------------------------------------------------


def test_the_cycle_page_shows_and_edits_the_phase_deadlines(org, client, cycle):
    client.force_login(org.users["hr_admin"])
    page_url = reverse("web:hr-cycle", args=[cycle.pk])
    html = client.get(page_url).content.decode()
    assert "Batas waktu tahapan" in html
    assert 'name="plan_fallback_on"' in html and 'value="2027-01-14"' in html
    assert 'name="plan_submitted-due_on"' in html
    data = {"plan_fallback_on": "2027-01-12"}
    for state in STATES:
        row = PhaseDeadline.objects.get(cycle=cycle, state=state)
        data[f"{state}-due_on"] = row.due_on.isoformat()
        data[f"{state}-remind_days"] = ", ".join(str(n) for n in row.remind_days)
        if row.escalate:
            data[f"{state}-escalate"] = "on"
    data["plan_submitted-due_on"] = "2027-01-30"
    r = client.post(page_url, data)
    assert r.status_code == 302, r.content.decode()[:2000]
    cycle.refresh_from_db()
    assert cycle.plan_fallback_on == dt.date(2027, 1, 12)
    assert due_dates(cycle)["plan_submitted"] == dt.date(2027, 1, 30)


def test_the_cycle_page_refuses_bad_dates_in_indonesian(org, client, cycle):
    client.force_login(org.users["hr_admin"])
    page_url = reverse("web:hr-cycle", args=[cycle.pk])
    data = {"plan_fallback_on": "2027-01-14"}
    for state in STATES:
        data[f"{state}-due_on"] = due_dates(cycle)[state].isoformat()
    data["draft-due_on"] = "2026-06-01"
    r = client.post(page_url, data)
    assert r.status_code == 400
    assert "di luar" in r.content.decode()
    assert due_dates(cycle)["draft"] == dt.date(2027, 1, 14)


@pytest.mark.parametrize("persona", ["employee", "appraiser", "inspector"])
def test_the_cycle_page_is_forbidden_to_others(org, client, cycle, persona):
    client.force_login(org.users[persona])
    assert client.get(reverse("web:hr-cycle", args=[cycle.pk])).status_code == 403


# -- a closed cycle is frozen: its deadlines too --------------------------------------------


def test_a_closed_cycle_refuses_phase_deadline_changes_409(org, api, client, cycle):
    hr = org.users["hr_admin"]
    cycle_close(cycle=cycle, actor=hr, reason="Selesai.")
    r = api(hr).patch(url(cycle), {"plan_fallback_on": "2027-01-15"}, format="json")
    assert r.status_code == 409, r.content
    assert r.json()["problems"][0]["code"] == "cycle_closed"
    client.force_login(hr)
    page_url = reverse("web:hr-cycle", args=[cycle.pk])
    data = {"plan_fallback_on": "2027-01-12"}
    for state in STATES:
        data[f"{state}-due_on"] = due_dates(cycle)[state].isoformat()
    r = client.post(page_url, data)
    assert r.status_code == 409
    assert "ditutup" in r.content.decode()
    cycle.refresh_from_db()
    assert cycle.plan_fallback_on == dt.date(2027, 1, 14)
    assert not AuditEvent.objects.filter(action="cycle.phase_deadlines_updated").exists()


def test_hr_closes_and_reopens_the_cycle_on_its_page(org, client, cycle):
    client.force_login(org.users["hr_admin"])
    page_url = reverse("web:hr-cycle", args=[cycle.pk])
    html = client.get(page_url).content.decode()
    assert 'id="cycle-close"' in html and "Tutup siklus" in html
    r = client.post(reverse("web:hr-cycle-close", args=[cycle.pk]), {"reason": "Selesai."})
    assert r.status_code == 302, r.content.decode()[:2000]
    cycle.refresh_from_db()
    assert cycle.status == Cycle.Status.CLOSED
    html = client.get(page_url).content.decode()
    assert 'id="cycle-reopen"' in html and "Buka kembali" in html
    # A reason is required to reopen: refused in Indonesian, nothing changed.
    r = client.post(reverse("web:hr-cycle-reopen", args=[cycle.pk]), {"reason": " "})
    assert r.status_code == 400
    assert "Alasan wajib diisi" in r.content.decode()
    cycle.refresh_from_db()
    assert cycle.status == Cycle.Status.CLOSED
    r = client.post(reverse("web:hr-cycle-reopen", args=[cycle.pk]), {"reason": "Koreksi putusan."})
    assert r.status_code == 302
    cycle.refresh_from_db()
    assert cycle.status == Cycle.Status.OPEN
    event = AuditEvent.objects.filter(action="cycle.reopened").get()
    assert event.reason == "Koreksi putusan."


@pytest.mark.parametrize("persona", ["employee", "appraiser"])
def test_others_cannot_close_the_cycle_on_the_page(org, client, cycle, persona):
    client.force_login(org.users[persona])
    r = client.post(reverse("web:hr-cycle-close", args=[cycle.pk]), {"reason": "x"})
    assert r.status_code in (403, 404)
    cycle.refresh_from_db()
    assert cycle.status == Cycle.Status.OPEN
