"""Check-ins and the self-assessment draft built from them."""

import pytest

from appraisals.models import Appraisal, CheckIn, Indicator
from appraisals.services.cycles import cycle_open
from appraisals.services.plan import plan_item_create
from audit.models import AuditEvent
from workflow.actors import system_actor

from ..flow import add_plan_item
from .checking import actions, body, indicator, url

pytestmark = pytest.mark.django_db


# --- Recording --------------------------------------------------------------------


def test_employee_records_a_check_in_and_re_posting_updates_it(org, running, api):
    client = api(org.users["employee"])
    version = running.version
    r = client.post(url(running), body(running), format="json")
    assert r.status_code == 201, r.json()
    data = r.json()
    assert data["period"] == 1 and data["note"] == "Triwulan I"
    assert data["entries"] == [
        {
            "indicator": indicator(running).pk,
            "indicator_name": "Sekolah terakreditasi",
            "realisation": "3 sekolah terakreditasi",
        }
    ]
    r = client.post(url(running), body(running, realisation="5 sekolah"), format="json")
    assert r.status_code == 200
    assert r.json()["entries"][0]["realisation"] == "5 sekolah"
    assert CheckIn.objects.filter(appraisal=running).count() == 1
    assert actions(running)[-2:] == ["check_in.recorded", "check_in.recorded"]
    last = AuditEvent.objects.filter(subject_id=str(running.pk)).order_by("-seq").first()
    assert last.actor_username == "employee"
    key = f"check_in[1].entries[{indicator(running).pk}]"
    assert last.changes[key] == ["3 sekolah terakreditasi", "5 sekolah"]
    running.refresh_from_db()
    assert running.version == version + 2
    assert client.get(url(running, "1/")).json()["entries"][0]["realisation"] == "5 sekolah"
    assert [c["period"] for c in client.get(url(running)).json()] == [1]


def test_re_posting_without_an_indicator_drops_its_entry(org, check_in, api):
    r = api(org.users["employee"]).post(
        url(check_in), {"period": 1, "note": "", "entries": []}, format="json"
    )
    assert r.status_code == 200 and r.json()["entries"] == []


@pytest.mark.parametrize("period", [0, 5, 12, -1])
def test_quarterly_cycle_takes_periods_1_to_4(org, running, api, period):
    r = api(org.users["employee"]).post(url(running), body(running, period), format="json")
    assert r.status_code == 400
    assert r.json()["problems"][0]["code"] in {"period_out_of_range", "min_value"}
    assert not CheckIn.objects.exists()


def test_monthly_cycle_takes_periods_1_to_12(org, running, api):
    org.cycle.check_in_frequency = "monthly"
    org.cycle.save()
    client = api(org.users["employee"])
    assert client.post(url(running), body(running, 12), format="json").status_code == 201
    r = client.post(url(running), body(running, 13), format="json")
    assert r.status_code == 400
    problem = r.json()["problems"][0]
    assert problem["code"] == "period_out_of_range" and problem["field"] == "period"
    assert "1 sampai 12" in problem["messages"]["id"] and "1 to 12" in problem["messages"]["en"]


@pytest.mark.parametrize("state", ["draft", "plan_submitted", "self_assessed", "final"])
def test_check_ins_only_while_in_progress(org, at_state, api, state):
    appraisal = at_state(state)
    if not Indicator.objects.filter(item__appraisal=appraisal).exists():
        add_plan_item(appraisal, org.users["employee"])
    r = api(org.users["employee"]).post(url(appraisal), body(appraisal), format="json")
    assert r.status_code == 409
    assert r.json()["code"] == "state_conflict"


@pytest.mark.parametrize(
    ("persona", "status"),
    [("appraiser", 403), ("superior", 403), ("inspector", 403), ("hr_admin", 403)],
)
def test_only_the_employee_records(org, running, api, persona, status):
    r = api(org.users[persona]).post(url(running), body(running), format="json")
    assert r.status_code == status
    assert r.json()["messages"]["en"]


@pytest.mark.parametrize("persona", ["outsider", "other_appraiser"])
def test_strangers_see_nothing(org, check_in, api, persona):
    client = api(org.users[persona])
    assert client.post(url(check_in), body(check_in), format="json").status_code == 404
    assert client.get(url(check_in)).status_code == 404
    assert client.get(url(check_in, "1/")).status_code == 404


@pytest.mark.parametrize("persona", ["employee", "appraiser", "inspector", "panel"])
def test_those_who_see_the_appraisal_read_its_check_ins(org, check_in, api, persona):
    client = api(org.users[persona])
    assert client.get(url(check_in, "1/")).status_code == 200
    assert client.get(url(check_in, "2/")).status_code == 404


def test_indicators_must_belong_to_this_plan(org, running, api):
    cycle_open(cycle=org.cycle, actor=system_actor(), employees=[org.outsider])
    other = Appraisal.objects.get(employee=org.outsider)
    plan_item_create(
        appraisal=other,
        actor=org.users["outsider"],
        result="Layanan kesehatan",
        indicators=[{"name": "Puskesmas", "aspect": "quantity", "target": "3"}],
    )
    foreign = indicator(other).pk
    r = api(org.users["employee"]).post(
        url(running),
        {"period": 1, "entries": [{"indicator": foreign, "realisation": "x"}]},
        format="json",
    )
    assert r.status_code == 400
    problem = r.json()["problems"][0]
    assert problem["code"] == "indicator_outside_plan"
    assert problem["field"] == "entries[0].indicator"
    own = indicator(running).pk
    r = api(org.users["employee"]).post(
        url(running),
        {
            "period": 1,
            "entries": [
                {"indicator": own, "realisation": "a"},
                {"indicator": own, "realisation": "b"},
            ],
        },
        format="json",
    )
    assert r.status_code == 400 and r.json()["problems"][0]["code"] == "indicator_repeated"


# --- Feedback -----------------------------------------------------------------------


def test_appraiser_gives_feedback_per_check_in(org, check_in, api):
    r = api(org.users["appraiser"]).post(
        url(check_in, "1/feedback/"), {"feedback": "Pertahankan."}, format="json"
    )
    assert r.status_code == 200, r.json()
    data = r.json()
    assert data["feedback"] == "Pertahankan."
    assert data["feedback_by"]["username"] == "appraiser" and data["feedback_at"]
    assert actions(check_in)[-1] == "check_in.feedback_given"


@pytest.mark.parametrize(
    ("persona", "status"),
    [("employee", 403), ("superior", 403), ("inspector", 403), ("outsider", 404)],
)
def test_only_the_appraiser_gives_feedback(org, check_in, api, persona, status):
    r = api(org.users[persona]).post(url(check_in, "1/feedback/"), {"feedback": "x"}, format="json")
    assert r.status_code == status


def test_feedback_needs_the_check_in(org, running, api):
    r = api(org.users["appraiser"]).post(
        url(running, "2/feedback/"), {"feedback": "x"}, format="json"
    )
    assert r.status_code == 404


# --- The self-assessment draft ------------------------------------------------------------


def test_self_assessment_draft_is_prefilled_from_the_latest_check_ins(org, running, api):
    client = api(org.users["employee"])
    client.post(url(running), body(running, 1, "3 sekolah"), format="json")
    client.post(url(running), body(running, 3, "10 sekolah"), format="json")
    client.post(url(running), body(running, 2, "6 sekolah"), format="json")
    draft = client.get(f"/api/appraisals/{running.pk}/self-assessment-draft/").json()
    (item,) = draft["items"]
    assert item["id"] == running.plan_items.get().pk
    assert item["realisation"] == "Sekolah terakreditasi: 10 sekolah"
    assert item["self_rating"] is None
    assert item["sources"][0]["period"] == 3

    for entry in draft["items"]:
        entry["self_rating"] = "meets"
    r = client.post(
        f"/api/appraisals/{running.pk}/transitions/submit_self_assessment/", draft, format="json"
    )
    assert r.status_code == 200, r.json()
    assert r.json()["state"] == "self_assessed"
    assert running.plan_items.get().realisation == "Sekolah terakreditasi: 10 sekolah"


def test_self_assessment_draft_is_hidden_from_strangers(org, running, api):
    draft_url = f"/api/appraisals/{running.pk}/self-assessment-draft/"
    assert api(org.users["outsider"]).get(draft_url).status_code == 404
    items = api(org.users["appraiser"]).get(draft_url).json()["items"]
    assert items[0]["realisation"] == ""  # nothing recorded yet


def test_absurd_periods_and_ids_answer_404(org, check_in, api):
    client = api(org.users["employee"])
    huge = 10**20
    assert client.get(url(check_in, f"{huge}/")).status_code == 404
    assert client.get(url(check_in, f"1/evidence/{huge}/file/")).status_code == 404
    assert client.get(url(check_in, f"{huge}/evidence/")).status_code == 404
    r = client.post(url(check_in), body(check_in, period=huge), format="json")
    assert r.status_code == 400
