"""Fields the caller has no say over are refused with an error, never silently applied."""

import pytest

from appraisals.models import PlanItem

from ..flow import valid_body

pytestmark = pytest.mark.django_db

RATINGS = {"result_rating": "above", "behaviour_rating": "above", "predicate": "sangat_baik"}
DECISION = {"kind": "award", "details": "Satyalancana", "outcome": "revised"}


def _fire(api, user, appraisal, name, body):
    return api(user).post(
        f"/api/appraisals/{appraisal.pk}/transitions/{name}/", body, format="json"
    )


@pytest.mark.parametrize(
    ("state", "name"),
    [
        ("in_progress", "submit_self_assessment"),
        ("result_issued", "accept_result"),
        ("result_issued", "file_appeal"),
    ],
)
def test_employee_cannot_write_ratings_predicate_or_decision(state, name, org, at_state, api):
    appraisal = at_state(state)
    body = {**valid_body(name, appraisal), **RATINGS, **DECISION}
    r = _fire(api, org.users["employee"], appraisal, name, body)
    assert r.status_code == 400, r.json()
    refused = {p["field"] for p in r.json()["problems"] if p["code"] == "unknown_field"}
    assert refused >= {"result_rating", "behaviour_rating", "predicate", "kind"}
    before = (appraisal.state, appraisal.version, appraisal.predicate)
    appraisal.refresh_from_db()
    assert (appraisal.state, appraisal.version, appraisal.predicate) == before


def test_the_appraiser_still_rates_with_the_fields_the_transition_takes(org, at_state, api):
    appraisal = at_state("self_assessed")
    r = _fire(
        api,
        org.users["appraiser"],
        appraisal,
        "submit_review",
        valid_body("submit_review", appraisal),
    )
    assert r.status_code == 200 and r.json()["predicate"] == "sangat_baik"


def test_employee_cannot_set_realisation_or_self_rating_on_a_plan_item(org, appraisal, api):
    from ..flow import add_plan_item

    add_plan_item(appraisal, org.users["employee"])
    item = PlanItem.objects.get(appraisal=appraisal)
    r = api(org.users["employee"]).patch(
        f"/api/appraisals/{appraisal.pk}/plan-items/{item.pk}/",
        {"self_rating": "above", "realisation": "100%"},
        format="json",
    )
    assert r.status_code == 400
    item.refresh_from_db()
    assert (item.self_rating, item.realisation) == ("", "")


def test_employee_sees_peer_feedback_without_names(org, at_state, api):
    from appraisals.services.feedback import peer_feedback_request, peer_feedback_submit

    appraisal = at_state("in_progress")
    peer_feedback_request(appraisal=appraisal, actor=org.users["appraiser"], peers=[org.head.pk])
    row = appraisal.peer_feedback.get()
    peer_feedback_submit(request=row, actor=org.users["superior"], text="Kolaboratif.")
    r = api(org.users["employee"]).get(f"/api/appraisals/{appraisal.pk}/peer-feedback/")
    assert r.status_code == 200
    assert r.json()["results"] == [{"ordinal": 1, "text": "Kolaboratif."}]
    assert org.head.name not in r.content.decode() and org.head.nip not in r.content.decode()
