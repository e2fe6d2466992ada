"""Appeal rules and separation of duties that the table declares."""

import datetime as dt
from unittest import mock

import pytest
from django.utils import timezone

from appraisals.models import Appraisal, SupervisorRelation
from workflow.actors import system_actor
from workflow.errors import ActionForbidden, ConditionsUnmet
from workflow.services import perform

from ..flow import footprint, valid_body

pytestmark = pytest.mark.django_db


def test_late_appeal_is_refused_with_a_clear_message(org, at_state, api):
    appraisal = at_state("result_issued")
    Appraisal.objects.filter(pk=appraisal.pk).update(
        appeal_deadline=timezone.now() - dt.timedelta(minutes=1)
    )
    before = footprint(appraisal)
    r = api(org.users["employee"]).post(
        f"/api/appraisals/{appraisal.pk}/transitions/file_appeal/",
        {"grounds": "x"},
        format="json",
    )
    assert r.status_code == 400
    assert footprint(appraisal) == before
    assert r.json()["problems"][0]["code"] == "appeal_window_closed"
    assert "keberatan" in r.json()["problems"][0]["messages"]["id"]


def test_an_appeal_filed_at_the_deadline_itself_is_in_time(org, at_state):
    """The window includes its last instant; a microsecond later it is closed."""
    appraisal = at_state("result_issued")
    deadline = appraisal.appeal_deadline
    employee = org.users["employee"]
    with (
        mock.patch(
            "django.utils.timezone.now", return_value=deadline + dt.timedelta(microseconds=1)
        ),
        pytest.raises(ConditionsUnmet) as refused,
    ):
        perform(appraisal, "file_appeal", actor=employee, payload={"grounds": "x"})
    assert [p.code for p in refused.value.problems] == ["appeal_window_closed"]
    appraisal.refresh_from_db()
    assert appraisal.state == "result_issued"

    with mock.patch("django.utils.timezone.now", return_value=deadline):
        outcome = perform(appraisal, "file_appeal", actor=employee, payload={"grounds": "x"})
    assert outcome.obj.state == "appealed"


def test_system_cannot_accept_at_the_deadline_itself(org, at_state):
    """While the employee may still appeal, the system may not accept for them."""
    appraisal = at_state("result_issued")
    deadline = appraisal.appeal_deadline
    at_deadline = mock.patch("django.utils.timezone.now", return_value=deadline)
    with at_deadline, pytest.raises(ActionForbidden):
        perform(appraisal, "accept_result", actor=system_actor())
    appraisal.refresh_from_db()
    assert appraisal.state == "result_issued"
    with mock.patch(
        "django.utils.timezone.now", return_value=deadline + dt.timedelta(microseconds=1)
    ):
        assert perform(appraisal, "accept_result", actor=system_actor()).obj.state == "final"


def test_appeal_window_is_fourteen_days(org, at_state):
    # PP 30/2019 Pasal 59: through the end of the 14th day, local time, after receipt.
    appraisal = at_state("result_issued")
    received = timezone.localtime(appraisal.result_received_at)
    last = dt.datetime.combine(received.date() + dt.timedelta(days=14), dt.time.max)
    assert appraisal.appeal_deadline == timezone.make_aware(last)


def test_appeal_needs_grounds(org, at_state, api):
    appraisal = at_state("result_issued")
    before = footprint(appraisal)
    r = api(org.users["employee"]).post(
        f"/api/appraisals/{appraisal.pk}/transitions/file_appeal/", {}, format="json"
    )
    assert r.status_code == 400
    assert r.json()["problems"][0]["field"] == "grounds"
    assert footprint(appraisal) == before


def test_revised_appeal_needs_new_ratings(org, at_state, api):
    appraisal = at_state("appealed")
    before = footprint(appraisal)
    r = api(org.users["superior"]).post(
        f"/api/appraisals/{appraisal.pk}/transitions/decide_appeal/",
        {"outcome": "revised", "reason": "x"},
        format="json",
    )
    assert r.status_code == 400
    assert footprint(appraisal) == before


def test_system_accepts_only_after_window(org, at_state):
    appraisal = at_state("result_issued")
    with pytest.raises(ActionForbidden):
        perform(appraisal, "accept_result", actor=system_actor())
    Appraisal.objects.filter(pk=appraisal.pk).update(
        appeal_deadline=timezone.now() - dt.timedelta(seconds=1)
    )
    outcome = perform(appraisal, "accept_result", actor=system_actor())
    assert outcome.obj.state == "final"
    assert outcome.event.actor_username == "system"


@pytest.mark.parametrize("utc_hour", [3, 18])
def test_the_filing_date_is_the_agencys_day_not_utcs(org, at_state, api, utc_hour):
    """At 01:00 WIB (18:00 UTC the day before) the superior of the agency's day decides.

    The filing date was taken as UTC's date, so between 17:00 and 24:00 UTC the superior
    who had just left still decided: the test above failed at those hours (seen 2026-12-03).
    """
    appraisal = at_state("result_issued")
    new_head = org.other_appraiser
    moment = dt.datetime(2026, 12, 3, utc_hour, 0, tzinfo=dt.UTC)
    local_day = timezone.localdate(moment)
    assert (local_day == moment.date()) == (utc_hour == 3)
    SupervisorRelation.objects.filter(employee=org.appraiser).update(
        valid_until=local_day - dt.timedelta(days=1)
    )
    SupervisorRelation.objects.create(
        employee=org.appraiser, supervisor=new_head, valid_from=local_day
    )
    with mock.patch("django.utils.timezone.now", lambda: moment):
        response = api(org.users["employee"]).post(
            f"/api/appraisals/{appraisal.pk}/transitions/file_appeal/",
            {"grounds": "x"},
            format="json",
        )
    assert response.status_code == 200, response.content
    appraisal.refresh_from_db()
    assert appraisal.appeal_reviewer_id == new_head.pk


def test_reviewer_resolved_on_filing_date(org, at_state, api):
    """The appraiser's superior changed after the appraisal opened: the new one decides."""
    appraisal = at_state("result_issued")
    new_head = org.other_appraiser
    today = timezone.localdate()
    SupervisorRelation.objects.filter(employee=org.appraiser).update(
        valid_until=today - dt.timedelta(days=1)
    )
    SupervisorRelation.objects.create(employee=org.appraiser, supervisor=new_head, valid_from=today)
    api(org.users["employee"]).post(
        f"/api/appraisals/{appraisal.pk}/transitions/file_appeal/",
        {"grounds": "x"},
        format="json",
    )
    appraisal.refresh_from_db()
    assert appraisal.appeal_reviewer_id == new_head.pk
    url = f"/api/appraisals/{appraisal.pk}/transitions/decide_appeal/"
    body = {"outcome": "upheld", "reason": "x"}
    assert api(org.users["superior"]).post(url, body, format="json").status_code == 404
    assert api(org.users["other_appraiser"]).post(url, body, format="json").status_code == 200


def test_appraiser_never_decides_appeal_on_own_rating(org, at_state):
    appraisal = at_state("appealed")
    # A data error makes the appraiser also the reviewer: the table still refuses.
    Appraisal.objects.filter(pk=appraisal.pk).update(appeal_reviewer=org.appraiser)
    appraisal.refresh_from_db()
    with pytest.raises(ActionForbidden) as exc:
        perform(
            appraisal,
            "decide_appeal",
            actor=org.users["appraiser"],
            payload={"outcome": "upheld"},
            reason="x",
        )
    assert exc.value.problems[0].code == "own_rating"


def test_authority_decides_when_no_reviewer(org, at_state, api):
    appraisal = at_state("appealed")
    Appraisal.objects.filter(pk=appraisal.pk).update(appeal_reviewer=None)
    r = api(org.users["authority"]).post(
        f"/api/appraisals/{appraisal.pk}/transitions/decide_appeal/",
        {"outcome": "upheld", "reason": "Tidak ada atasan pejabat penilai."},
        format="json",
    )
    assert r.status_code == 200


def test_proposer_cannot_approve_own_proposal(org, at_state):
    from tests.factories import assign_role

    appraisal = at_state("final")
    both = org.users["panel"]
    assign_role(both, "authority", org.instansi)
    both.__dict__.pop("_kinerja_profile", None)
    perform(appraisal, "propose_decision", actor=both, payload={"kind": "award"})
    with pytest.raises(ActionForbidden) as exc:
        perform(appraisal, "approve_decision", actor=both)
    assert exc.value.problems[0].code == "own_proposal"
    outcome = perform(
        appraisal,
        "approve_decision",
        actor=org.users["authority"],
        payload=valid_body("approve_decision", appraisal),
    )
    assert outcome.obj.state == "decided"


def test_employee_cannot_approve_own_plan_even_as_own_appraiser(org, at_state):
    appraisal = at_state("plan_submitted")
    Appraisal.objects.filter(pk=appraisal.pk).update(appraiser=org.employee)
    appraisal.refresh_from_db()
    with pytest.raises(ActionForbidden) as exc:
        perform(appraisal, "approve_plan", actor=org.users["employee"])
    assert exc.value.problems[0].code == "own_appraisal"
