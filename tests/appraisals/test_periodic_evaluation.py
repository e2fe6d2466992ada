"""Periodic evaluation (evaluasi kinerja periodik, PermenPANRB 6/2022): the appraiser rates
each period after it has ended, with the annual matrix; the employee reads it; the record
goes through the engine (history, audit, notification)."""

import datetime as dt
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from appraisals.models import PeriodicEvaluation
from appraisals.selectors.periods import period_bounds, period_ends_at
from audit.models import AuditEvent
from notifications.models import InboxItem, OutboxEvent
from notifications.relay import outbox_relay

from ..flow import footprint, valid_body
from .checking import actions

pytestmark = pytest.mark.django_db
JAKARTA = ZoneInfo("Asia/Jakarta")


@pytest.fixture(autouse=True)
def cycle_of_2026(org):
    """These tests freeze the clock at moments of 2026, so their cycle is 2026's."""
    org.cycle.year = 2026
    org.cycle.starts_on, org.cycle.ends_on = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
    org.cycle.save()


def url(appraisal, tail=""):
    return f"/api/appraisals/{appraisal.pk}/periodic-evaluations/{tail}"


def rating(period=1, result="above", behaviour="above", feedback="Capaian triwulan baik."):
    return {
        "period": period,
        "result_rating": result,
        "behaviour_rating": behaviour,
        "feedback": feedback,
    }


@pytest.fixture
def clock():
    """django.utils.timezone.now, frozen where the test sets it (Jakarta time)."""

    class Clock:
        now = dt.datetime(2026, 12, 3, 9, 0, tzinfo=JAKARTA)

        def __call__(self):
            return self.now

        def set(self, *args):
            self.now = dt.datetime(*args, tzinfo=JAKARTA)

    frozen = Clock()
    with mock.patch("django.utils.timezone.now", frozen):
        yield frozen


# --- when a period ends ---------------------------------------------------------------


def test_quarters_and_months_of_a_calendar_year(org):
    cycle = org.cycle
    assert period_bounds(cycle, 1) == (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert period_bounds(cycle, 4) == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    assert period_ends_at(cycle, 4) == dt.datetime(2027, 1, 1, tzinfo=JAKARTA)
    cycle.check_in_frequency = "monthly"
    assert period_bounds(cycle, 2) == (dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    assert period_ends_at(cycle, 12) == dt.datetime(2027, 1, 1, tzinfo=JAKARTA)


@pytest.mark.parametrize(
    ("moment", "status"),
    [
        ((2026, 12, 31, 23, 59, 59), 400),  # the last day of Q4, Jakarta time
        ((2027, 1, 1, 0, 0, 0), 201),  # the first day after Q4
    ],
)
def test_q4_is_rated_only_from_the_first_day_after_it(org, at_state, api, clock, moment, status):
    running = at_state("in_progress")
    clock.set(*moment)
    before = footprint(running)
    r = api(org.users["appraiser"]).post(url(running), rating(4), format="json")
    assert r.status_code == status, r.json()
    if status == 400:
        problem = r.json()["problems"][0]
        assert problem["code"] == "period_not_ended" and problem["field"] == "period"
        assert "belum berakhir" in problem["messages"]["id"]
        assert "2027-01-01 00:00" in problem["messages"]["id"]
        assert "has not ended" in problem["messages"]["en"]
        assert footprint(running) == before
        assert not PeriodicEvaluation.objects.exists()


def test_a_month_is_refused_before_its_end(org, at_state, api, clock):
    org.cycle.check_in_frequency = "monthly"
    org.cycle.save()
    running = at_state("in_progress")
    clock.set(2026, 3, 31, 12, 0)
    client = api(org.users["appraiser"])
    assert client.post(url(running), rating(3), format="json").status_code == 400
    assert client.post(url(running), rating(2), format="json").status_code == 201


@pytest.mark.parametrize("period", [0, 5, 13])
def test_a_period_the_cycle_lacks_is_refused(org, at_state, api, period):
    running = at_state("in_progress")
    r = api(org.users["appraiser"]).post(url(running), rating(period), format="json")
    assert r.status_code == 400
    assert r.json()["problems"][0]["code"] in {"period_out_of_range", "min_value", "max_value"}


# --- rating, with the matrix, through the engine ---------------------------------------


@pytest.mark.parametrize(
    ("result", "behaviour", "predicate"),
    [
        ("above", "above", "sangat_baik"),
        ("meets", "below", "kurang"),
        ("below", "meets", "butuh_perbaikan"),
        ("below", "below", "sangat_kurang"),
    ],
)
def test_the_periodic_predicate_follows_the_matrix(
    org, at_state, api, result, behaviour, predicate
):
    running = at_state("in_progress")
    r = api(org.users["appraiser"]).post(url(running), rating(1, result, behaviour), format="json")
    assert r.status_code == 201, r.json()
    assert r.json()["predicate"] == predicate


def test_rating_goes_through_the_engine_and_the_employee_is_told(
    org, at_state, api, django_capture_on_commit_callbacks
):
    for name, user in org.users.items():
        user.email = f"{name}@example.go.id"
        user.save(update_fields=["email"])
    running = at_state("in_progress")
    version = running.version
    client = api(org.users["appraiser"])
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(url(running), rating(2), format="json")
    assert r.status_code == 201, r.json()
    running.refresh_from_db()
    assert running.version == version + 1
    assert actions(running)[-1] == "periodic_evaluation.rated"
    event = AuditEvent.objects.filter(subject_id=str(running.pk)).order_by("-seq").first()
    assert event.actor_username == "appraiser"
    assert event.changes["periodic_evaluation[2].predicate"] == [None, "sangat_baik"]
    evaluation = PeriodicEvaluation.objects.get(appraisal=running, period=2)
    assert evaluation.history.count() == 1
    assert evaluation.history.first().history_user == org.users["appraiser"]

    # Re-rating updates the same record, with its history and a second audit entry.
    r = client.post(url(running), rating(2, "meets", "meets"), format="json")
    assert r.status_code == 200 and r.json()["predicate"] == "baik"
    assert evaluation.history.count() == 2
    last = AuditEvent.objects.filter(subject_id=str(running.pk)).order_by("-seq").first()
    assert last.changes["periodic_evaluation[2].predicate"] == ["sangat_baik", "baik"]
    assert "periodic_evaluation[2].feedback" not in last.changes

    # The employee is told, in Indonesian by default, with the period and the predicate.
    outbox = OutboxEvent.objects.filter(kind="appraisal.periodic_evaluation.rated")
    assert outbox.count() == 2
    outbox_relay()
    kind = "appraisal.periodic_evaluation.rated"
    inbox = InboxItem.objects.filter(user=org.users["employee"], kind=kind)
    assert inbox.count() == 2
    assert not InboxItem.objects.filter(user=org.users["appraiser"], kind=kind).exists()
    sent = [m for m in mail.outbox if m.to == ["employee@example.go.id"]]
    assert sent and "periode 2" in sent[-1].body and "Baik" in sent[-1].body


def test_a_refused_rating_announces_nothing(org, at_state, api, clock):
    running = at_state("in_progress")
    clock.set(2026, 12, 31, 18, 0)
    api(org.users["appraiser"]).post(url(running), rating(4), format="json")
    assert not OutboxEvent.objects.filter(kind="appraisal.periodic_evaluation.rated").exists()


# --- who may ---------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["employee", "superior", "inspector", "hr_admin", "panel"])
def test_only_the_appraiser_rates(org, at_state, api, persona):
    running = at_state("in_progress")
    before = footprint(running)
    r = api(org.users[persona]).post(url(running), rating(1), format="json")
    assert r.status_code == 403
    assert r.json()["messages"]["id"] and r.json()["messages"]["en"]
    assert footprint(running) == before


@pytest.mark.parametrize("persona", ["outsider", "other_appraiser"])
def test_strangers_see_nothing(org, at_state, api, persona):
    running = at_state("in_progress")
    api(org.users["appraiser"]).post(url(running), rating(1), format="json")
    client = api(org.users[persona])
    assert client.post(url(running), rating(1), format="json").status_code == 404
    assert client.get(url(running)).status_code == 404
    assert client.get(url(running, "1/")).status_code == 404


@pytest.mark.parametrize("state", ["draft", "plan_submitted", "reviewed", "final"])
def test_rating_is_closed_outside_execution(org, at_state, api, state):
    if state == "final":  # a result is issued once the cycle's period has ended
        org.cycle.year, org.cycle.starts_on, org.cycle.ends_on = (
            2025,
            dt.date(2025, 1, 1),
            dt.date(2025, 12, 31),
        )
        org.cycle.save()
    appraisal = at_state(state)
    r = api(org.users["appraiser"]).post(url(appraisal), rating(1), format="json")
    assert r.status_code == 409


def test_the_employee_reads_the_rating_with_the_feedback(org, at_state, api):
    running = at_state("in_progress")
    employee = api(org.users["employee"])
    checkin = {
        "period": 1,
        "note": "Triwulan I",
        "entries": [
            {"indicator": running.plan_items.first().indicators.first().pk, "realisation": "3"}
        ],
    }
    assert employee.post(f"/api/appraisals/{running.pk}/check-ins/", checkin, format="json")
    appraiser = api(org.users["appraiser"])
    r = appraiser.post(
        f"/api/appraisals/{running.pk}/check-ins/1/feedback/",
        {"feedback": "Pertahankan."},
        format="json",
    )
    assert r.status_code == 200, r.json()
    appraiser.post(url(running), rating(1, "meets", "above"), format="json")
    r = employee.get(url(running, "1/"))
    assert r.status_code == 200
    data = r.json()
    assert data["predicate"] == "baik" and data["predicate_label"] == "Baik"
    assert data["feedback"] == "Capaian triwulan baik."
    assert data["check_in_feedback"] == "Pertahankan."
    assert data["rated_by"]["username"] == "appraiser"
    assert data["period_ends_at"].startswith("2026-04-01T00:00:00+07:00")
    assert [e["period"] for e in employee.get(url(running)).json()] == [1]
    assert employee.get(url(running, "2/")).status_code == 404


# --- the annual predicate and the periodic ones ---------------------------------------


def _self_assessed_with_last_period_rated(org, at_state, api, clock):
    running = at_state("in_progress")
    clock.set(2027, 1, 4, 9, 0)
    r = api(org.users["appraiser"]).post(url(running), rating(4, "meets", "above"), format="json")
    assert r.status_code == 201, r.json()
    body = valid_body("submit_self_assessment", running)
    r = api(org.users["employee"]).post(
        f"/api/appraisals/{running.pk}/transitions/submit_self_assessment/", body, format="json"
    )
    assert r.status_code == 200, r.json()
    return running


def review(client, appraisal, result, behaviour):
    return client.post(
        f"/api/appraisals/{appraisal.pk}/transitions/submit_review/",
        {"result_rating": result, "behaviour_rating": behaviour, "feedback": "Tahunan."},
        format="json",
    )


def test_the_last_period_stands_as_the_year(org, at_state, api, clock):
    appraisal = _self_assessed_with_last_period_rated(org, at_state, api, clock)
    client = api(org.users["appraiser"])
    before = footprint(appraisal)
    r = review(client, appraisal, "above", "above")
    assert r.status_code == 400
    problem = r.json()["problems"][0]
    assert problem["code"] == "annual_differs_from_last_period"
    assert "periode terakhir" in problem["messages"]["id"]
    assert "last period" in problem["messages"]["en"]
    assert footprint(appraisal) == before
    r = review(client, appraisal, "meets", "above")
    assert r.status_code == 200, r.json()
    assert r.json()["predicate"] == "baik"


def test_advisory_cycles_let_the_appraiser_rate_the_year(org, at_state, api, clock):
    org.cycle.annual_rule = "advisory"
    org.cycle.save()
    appraisal = _self_assessed_with_last_period_rated(org, at_state, api, clock)
    r = review(api(org.users["appraiser"]), appraisal, "above", "above")
    assert r.status_code == 200, r.json()
    assert r.json()["predicate"] == "sangat_baik"


def test_without_the_last_period_rated_the_year_is_rated_as_before(org, at_state, api):
    appraisal = at_state("in_progress")
    api(org.users["appraiser"]).post(url(appraisal), rating(1, "below", "below"), format="json")
    body = valid_body("submit_self_assessment", appraisal)
    api(org.users["employee"]).post(
        f"/api/appraisals/{appraisal.pk}/transitions/submit_self_assessment/", body, format="json"
    )
    r = review(api(org.users["appraiser"]), appraisal, "above", "above")
    assert r.status_code == 200, r.json()


def test_hr_sets_the_annual_rule_when_creating_a_cycle(org, api):
    body = {
        "name": "Siklus 2027",
        "instansi": org.instansi.pk,
        "year": 2027,
        "starts_on": "2027-01-01",
        "ends_on": "2027-12-31",
    }
    client = api(org.users["hr_admin"])
    r = client.post("/api/cycles/", body, format="json")
    assert r.status_code == 201, r.json()
    assert r.json()["annual_rule"] == "last_period"
    r = client.post(
        "/api/cycles/", {**body, "year": 2028, "annual_rule": "advisory"}, format="json"
    )
    assert r.status_code == 201 and r.json()["annual_rule"] == "advisory"
    r = client.post("/api/cycles/", {**body, "annual_rule": "average"}, format="json")
    assert r.status_code == 400


def test_a_number_is_no_feedback(org, at_state, api):
    running = at_state("in_progress")
    r = api(org.users["appraiser"]).post(url(running), {**rating(1), "feedback": 5}, format="json")
    assert r.status_code == 400
    assert r.json()["problems"][0]["field"] == "feedback"
