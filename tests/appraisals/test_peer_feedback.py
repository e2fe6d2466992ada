"""Peer feedback (360°): requested by the appraiser, answered once, anonymous to the employee."""

import json

import pytest

from appraisals.models import PeerFeedback
from audit.models import AuditEvent
from audit.selectors import audit_events_of
from workflow.services import perform

from ..factories import EmployeeFactory, UserFactory, make_unit
from ..flow import valid_body

pytestmark = pytest.mark.django_db
# Distinctive ids, so "the id appears nowhere" is a meaningful search.
PEER_ID, PEER_USER_ID = 987_651, 876_541


@pytest.fixture
def peer(org):
    user = UserFactory(id=PEER_USER_ID, username="rekan_rahasia", first_name="Rekan Rahasia")
    return EmployeeFactory(
        id=PEER_ID, unit=org.dinas, name="Rekan Rahasia", nip="198001019999999999", user=user
    )


@pytest.fixture
def second_peer(org):
    return EmployeeFactory(unit=org.other_dinas, name="Rekan Kedua", user__username="rekan_dua")


@pytest.fixture
def running(at_state):
    return at_state("in_progress")


def url(appraisal):
    return f"/api/appraisals/{appraisal.pk}/peer-feedback/"


def request_from(org, api, appraisal, *peers):
    r = api(org.users["appraiser"]).post(
        url(appraisal), {"peers": [p.pk for p in peers]}, format="json"
    )
    assert r.status_code == 201, r.json()
    return r.json()


def submit(api, peer, text):
    client = api(peer.user)
    (req,) = [
        r
        for r in client.get("/api/peer-feedback/requests/").json()["results"]
        if r["employee"]["name"] == "Staf Pendidikan"
    ]
    return client.post(f"/api/peer-feedback/requests/{req['id']}/", {"text": text}, format="json")


def test_appraiser_requests_and_peers_answer(org, running, api, peer, second_peer):
    page = request_from(org, api, running, peer, second_peer)
    assert page["count"] == 2
    assert {row["peer"]["name"] for row in page["results"]} == {"Rekan Rahasia", "Rekan Kedua"}
    assert all(row["submitted_at"] is None for row in page["results"])

    open_requests = api(peer.user).get("/api/peer-feedback/requests/").json()
    assert open_requests["count"] == 1
    assert open_requests["results"][0]["appraisal"] == running.pk
    r = submit(api, peer, "Sangat kooperatif dalam tim.")
    assert r.status_code == 200, r.json()
    assert r.json()["submitted_at"] and r.json()["text"] == "Sangat kooperatif dalam tim."
    assert api(peer.user).get("/api/peer-feedback/requests/").json()["count"] == 0
    assert submit(api, second_peer, "Perlu lebih tepat waktu.").status_code == 200

    seen = api(org.users["appraiser"]).get(url(running)).json()["results"]
    by_name = {row["peer"]["name"]: row["text"] for row in seen}
    assert by_name == {
        "Rekan Rahasia": "Sangat kooperatif dalam tim.",
        "Rekan Kedua": "Perlu lebih tepat waktu.",
    }


def test_the_employee_sees_texts_without_any_peer_identity(org, running, api, peer):
    request_from(org, api, running, peer)
    assert submit(api, peer, "Membantu rekan baru.").status_code == 200
    employee = api(org.users["employee"])

    feedback = employee.get(url(running))
    assert feedback.status_code == 200
    assert feedback.json()["results"] == [{"ordinal": 1, "text": "Membantu rekan baru."}]
    history = employee.get(f"/api/appraisals/{running.pk}/history/")
    assert history.status_code == 200
    actions = [e["action"] for e in history.json()]
    assert "peer_feedback.requested" in actions and "peer_feedback.received" in actions
    received = next(e for e in history.json() if e["action"] == "peer_feedback.received")
    assert received["actor"] == {"username": "system"}

    row = PeerFeedback.objects.get()
    for response in (feedback, history):
        raw = json.dumps(response.json())
        for secret in (
            "Rekan Rahasia",
            "rekan_rahasia",
            peer.nip,
            str(PEER_ID),
            str(PEER_USER_ID),
            "peer_id",
            f"peer_feedback[{row.pk}]",
        ):
            assert secret not in raw, secret
        assert "submitted_at" not in raw and '"peer"' not in raw

    # The peer's identity is kept, on the request's own chain, for inspectors.
    (requested, submitted) = audit_events_of(subject=row)
    assert requested.action == "peer_feedback.requested"
    assert requested.changes["peer_id"] == [None, PEER_ID]
    assert submitted.action == "peer_feedback.submitted"
    assert submitted.actor_username == "rekan_rahasia"


@pytest.mark.parametrize("persona", ["inspector", "panel", "hr_admin"])
def test_other_readers_see_the_anonymous_list(org, running, api, peer, persona):
    request_from(org, api, running, peer)
    submit(api, peer, "Teliti.")
    rows = api(org.users[persona]).get(url(running)).json()["results"]
    assert rows == [{"ordinal": 1, "text": "Teliti."}]


def test_the_appeal_reviewer_sees_who_wrote_what(org, running, api, peer):
    assert running.appeal_reviewer_id == org.head.pk
    request_from(org, api, running, peer)
    submit(api, peer, "Teliti.")
    rows = api(org.users["superior"]).get(url(running)).json()["results"]
    assert rows[0]["peer"]["name"] == "Rekan Rahasia" and rows[0]["text"] == "Teliti."


def test_a_second_submission_is_refused(org, running, api, peer):
    request_from(org, api, running, peer)
    req = PeerFeedback.objects.get()
    client = api(peer.user)
    first = client.post(f"/api/peer-feedback/requests/{req.pk}/", {"text": "A"}, format="json")
    assert first.status_code == 200
    r = client.post(f"/api/peer-feedback/requests/{req.pk}/", {"text": "B"}, format="json")
    assert r.status_code == 409 and r.json()["code"] == "state_conflict"
    req.refresh_from_db()
    assert req.text == "A"


def test_only_the_asked_peer_answers(org, running, api, peer):
    request_from(org, api, running, peer)
    req = PeerFeedback.objects.get()
    for persona in ("employee", "appraiser", "outsider", "inspector"):
        r = api(org.users[persona]).post(
            f"/api/peer-feedback/requests/{req.pk}/", {"text": "palsu"}, format="json"
        )
        assert r.status_code == 404, persona
    assert api(org.users["employee"]).get("/api/peer-feedback/requests/").json()["count"] == 0


def test_asking_the_same_peer_twice_keeps_one_request(org, running, api, peer):
    request_from(org, api, running, peer)
    page = request_from(org, api, running, peer, peer)
    assert page["count"] == 1 and PeerFeedback.objects.count() == 1


@pytest.mark.parametrize(
    ("who", "code"),
    [
        ("employee", "peer_is_employee"),
        ("appraiser", "peer_is_appraiser"),
        ("inactive", "peer_unknown"),
        ("missing", "peer_unknown"),
        ("no_account", "peer_no_account"),
    ],
)
def test_who_may_be_asked(org, running, api, who, code):
    target = {
        "employee": lambda: org.employee.pk,
        "appraiser": lambda: org.appraiser.pk,
        "inactive": lambda: EmployeeFactory(unit=org.dinas, active=False).pk,
        "missing": lambda: 10**9,
        "no_account": lambda: EmployeeFactory(unit=org.dinas, user=None).pk,
    }[who]()
    r = api(org.users["appraiser"]).post(url(running), {"peers": [target]}, format="json")
    assert r.status_code == 400
    problem = r.json()["problems"][0]
    assert problem["code"] == code and problem["field"] == "peers[0]"
    assert not PeerFeedback.objects.exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [("employee", 403), ("superior", 403), ("inspector", 403), ("outsider", 404)],
)
def test_only_the_appraiser_requests(org, running, api, peer, persona, status):
    r = api(org.users[persona]).post(url(running), {"peers": [peer.pk]}, format="json")
    assert r.status_code == status
    assert api(org.users["outsider"]).get(url(running)).status_code == 404


@pytest.mark.parametrize(("state", "status"), [("draft", 409), ("self_assessed", 201)])
def test_requests_only_during_execution_or_self_assessment(org, at_state, api, peer, state, status):
    appraisal = at_state(state)
    r = api(org.users["appraiser"]).post(url(appraisal), {"peers": [peer.pk]}, format="json")
    assert r.status_code == status


def test_an_answer_after_the_review_is_refused(org, running, api, peer):
    request_from(org, api, running, peer)
    req = PeerFeedback.objects.get()
    for name, actor in (("submit_self_assessment", "employee"), ("submit_review", "appraiser")):
        running.refresh_from_db()
        perform(running, name, actor=org.users[actor], payload=valid_body(name, running))
    assert api(peer.user).get("/api/peer-feedback/requests/").json()["count"] == 0
    r = api(peer.user).post(f"/api/peer-feedback/requests/{req.pk}/", {"text": "x"}, format="json")
    assert r.status_code == 409
    assert not AuditEvent.objects.filter(action="peer_feedback.submitted").exists()


def test_absurd_ids_answer_4xx(org, running, api, peer):
    huge = 10**20
    r = api(peer.user).post(f"/api/peer-feedback/requests/{huge}/", {"text": "x"}, format="json")
    assert r.status_code == 404
    r = api(org.users["appraiser"]).post(url(running), {"peers": [huge]}, format="json")
    assert r.status_code == 400


def test_peers_of_another_instansi_are_unknown(org, running, api):
    elsewhere = make_unit("KOTA", "Pemerintah Kota", "instansi")
    stranger = EmployeeFactory(unit=elsewhere)
    r = api(org.users["appraiser"]).post(url(running), {"peers": [stranger.pk]}, format="json")
    assert r.status_code == 400 and r.json()["problems"][0]["code"] == "peer_unknown"


def test_a_number_is_no_feedback_text(org, running, api, peer):
    # The schema says `string`: the stateful schemathesis run found a number stored as text.
    request_from(org, api, running, peer)
    r = submit(api, peer, -5.0e16)
    assert r.status_code == 400
    assert r.json()["problems"][0]["field"] == "text"
