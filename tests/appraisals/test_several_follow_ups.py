"""Several follow-ups per appraisal (issue #18, part 1).

An appraisal carries several decisions (an award and a development plan, say), each
proposed by the panel and approved (with its decree) or rejected by the authority; at
most one live (proposed or approved) decision of a kind, by the engine under the row
lock (409) and by the database. The appraisal is `decision_proposed` while any proposal
waits, `decided` once none waits and one was approved, `final` when all were rejected.
"""

import datetime as dt
import threading

import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.utils import timezone
from rest_framework.test import APIClient

from appraisals.models import Decision
from audit.models import AuditEvent

from ..factories import UserFactory, assign_role
from ..flow import footprint

pytestmark = pytest.mark.django_db

APPROVAL = {"reference_number": "800/9/BKPSDM/2027", "effective_date": "2027-03-01"}


def _url(appraisal, name: str) -> str:
    return f"/api/appraisals/{appraisal.pk}/transitions/{name}/"


def _propose(api, org, appraisal, kind: str, *, user=None):
    return api(user or org.users["panel"]).post(
        _url(appraisal, "propose_decision"), {"kind": kind, "details": kind}, format="json"
    )


def _decide(api, org, appraisal, name: str, decision=None):
    body = dict(APPROVAL) if name == "approve_decision" else {"reason": "Belum memenuhi syarat."}
    if decision is not None:
        body["decision"] = decision
    return api(org.users["authority"]).post(_url(appraisal, name), body, format="json")


def test_a_second_kind_is_proposed_while_the_first_waits(org, at_state, api):
    appraisal = at_state("decision_proposed")  # an award waits
    r = _propose(api, org, appraisal, "development")
    assert r.status_code == 200, r.json()
    assert r.json()["state"] == "decision_proposed"
    kinds = dict(appraisal.decisions.values_list("kind", "status"))
    assert kinds == {"award": "proposed", "development": "proposed"}
    # The authority is offered both decisions; the panel another proposal.
    names = {t["name"] for t in r.json()["available_transitions"]}
    assert "propose_decision" in names


def test_the_same_kind_twice_is_a_bilingual_409_and_changes_nothing(org, at_state, api):
    appraisal = at_state("decision_proposed")
    before = footprint(appraisal), appraisal.decisions.count()
    r = _propose(api, org, appraisal, "award")
    assert r.status_code == 409
    body = r.json()
    assert body["code"] == "state_conflict"
    assert "award" in body["messages"]["id"] and "award" in body["messages"]["en"]
    assert body["messages"]["id"] != body["messages"]["en"]
    assert [p["code"] for p in body["problems"]] == ["decision_kind_live"]
    assert (footprint(appraisal), appraisal.decisions.count()) == before
    # In English when asked.
    r = api(org.users["panel"]).post(
        _url(appraisal, "propose_decision"),
        {"kind": "award"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert r.json()["detail"] == body["messages"]["en"]


def test_an_approved_kind_stays_live_but_a_rejected_one_may_be_proposed_again(org, at_state, api):
    appraisal = at_state("decided")  # the award approved
    assert _propose(api, org, appraisal, "award").status_code == 409
    assert _propose(api, org, appraisal, "development").status_code == 200
    assert _decide(api, org, appraisal, "reject_decision").status_code == 200
    appraisal.refresh_from_db()
    assert appraisal.state == "decided"  # none waits, the award stands
    assert _propose(api, org, appraisal, "development").status_code == 200


def test_with_several_waiting_the_authority_names_the_one_decided(org, at_state, api):
    appraisal = at_state("decision_proposed")
    _propose(api, org, appraisal, "development")
    before = footprint(appraisal)
    r = _decide(api, org, appraisal, "approve_decision")
    assert r.status_code == 400
    assert [p["field"] for p in r.json()["problems"]] == ["decision"]
    assert footprint(appraisal) == before
    # A decision of another appraisal, or one not waiting, is not decided here.
    r = _decide(api, org, appraisal, "approve_decision", decision=10**6)
    assert r.status_code == 400 and r.json()["problems"][0]["field"] == "decision"


# What the appraisal becomes when the authority decides one proposal, by what the
# other decisions of the appraisal are: the `settle` rule, written out here.
SETTLES = [
    # (other decision's status or None, decided as, expected state)
    (None, "approve_decision", "decided"),
    (None, "reject_decision", "final"),
    ("proposed", "approve_decision", "decision_proposed"),
    ("proposed", "reject_decision", "decision_proposed"),
    ("approved", "approve_decision", "decided"),
    ("approved", "reject_decision", "decided"),
    ("rejected", "approve_decision", "decided"),
    ("rejected", "reject_decision", "final"),
]


@pytest.mark.parametrize(("other", "name", "expected"), SETTLES)
def test_deciding_one_proposal_settles_the_appraisal_from_the_others(
    other, name, expected, org, at_state, api
):
    appraisal = at_state("decision_proposed")
    award = appraisal.decisions.get()
    if other is not None:
        r = _propose(api, org, appraisal, "development")
        assert r.status_code == 200
        development = appraisal.decisions.get(kind="development")
        if other != "proposed":
            verb = "approve_decision" if other == "approved" else "reject_decision"
            assert _decide(api, org, appraisal, verb, decision=development.pk).status_code == 200
    events = AuditEvent.objects.filter(subject_id=str(appraisal.pk)).count()
    r = _decide(api, org, appraisal, name, decision=award.pk)
    assert r.status_code == 200, r.json()
    assert r.json()["state"] == expected
    award.refresh_from_db()
    assert award.status == ("approved" if name == "approve_decision" else "rejected")
    # Audited and in history like every step: the event names the state reached.
    event = AuditEvent.objects.filter(subject_id=str(appraisal.pk)).order_by("-seq").first()
    assert AuditEvent.objects.filter(subject_id=str(appraisal.pk)).count() == events + 1
    assert (event.action, event.from_state, event.to_state) == (
        name,
        "decision_proposed",
        expected,
    )
    assert event.changes["decision.id"] == [award.pk, award.pk]
    history = api(org.users["inspector"]).get(f"/api/appraisals/{appraisal.pk}/history/").json()
    assert history[-1]["action"] == name and history[-1]["to_state"] == expected


def test_one_proposal_moves_as_the_contract_says(org, at_state, api):
    """A client of the contract, sending no decision id, sees what it saw before."""
    appraisal = at_state("final")
    assert _propose(api, org, appraisal, "award").json()["state"] == "decision_proposed"
    assert _decide(api, org, appraisal, "reject_decision").json()["state"] == "final"
    assert _propose(api, org, appraisal, "award").json()["state"] == "decision_proposed"
    r = _decide(api, org, appraisal, "approve_decision")
    assert r.json()["state"] == "decided"
    assert appraisal.decisions.get(status="approved").reference_number == "800/9/BKPSDM/2027"


def test_the_database_holds_one_live_decision_per_kind(org, at_state):
    appraisal = at_state("decision_proposed")
    first = appraisal.decisions.get()
    duplicate = Decision(
        appraisal=appraisal,
        kind=first.kind,
        proposed_by=org.users["panel"],
        proposed_at=timezone.now(),
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()
    # A rejected one does not count: the kind may be proposed again.
    Decision.objects.filter(pk=first.pk).update(status="rejected")
    duplicate.save()
    # Nor does an approved one of another kind.
    Decision.objects.create(
        appraisal=appraisal,
        kind="development",
        status="approved",
        proposed_by=org.users["panel"],
        proposed_at=timezone.now(),
        effective_date=dt.date(2027, 3, 1),
    )


def test_the_proposal_is_announced_to_the_authority_each_time(org, at_state, api):
    from notifications.models.outbox import OutboxEvent

    appraisal = at_state("decision_proposed")
    before = OutboxEvent.objects.filter(kind="appraisal.propose_decision").count()
    assert _propose(api, org, appraisal, "development").status_code == 200
    assert OutboxEvent.objects.filter(kind="appraisal.propose_decision").count() == before + 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_panels_proposing_the_same_kind_at_once_one_wins(org, at_state):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks (run with DATABASE_URL)")
    appraisal = at_state("final")
    second = UserFactory(username="panel_two")
    assign_role(second, "panel", org.instansi)
    barrier = threading.Barrier(2)
    answers: list = []
    lock = threading.Lock()

    def fire(user):
        client = APIClient()
        client.force_authenticate(user)
        try:
            barrier.wait(timeout=30)
            r = client.post(_url(appraisal, "propose_decision"), {"kind": "award"}, format="json")
            with lock:
                answers.append((r.status_code, r.json()))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=fire, args=(u,)) for u in (org.users["panel"], second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert sorted(status for status, _body in answers) == [200, 409]
    refused = next(body for status, body in answers if status == 409)
    assert refused["problems"][0]["code"] == "decision_kind_live"
    assert set(refused["messages"]) == {"id", "en"}
    assert appraisal.decisions.filter(kind="award").count() == 1
    assert (
        AuditEvent.objects.filter(subject_id=str(appraisal.pk), action="propose_decision").count()
        == 1
    )


def test_the_follow_ups_are_listed_with_their_ids(org, at_state, api):
    appraisal = at_state("decision_proposed")
    _propose(api, org, appraisal, "development")
    rows = api(org.users["authority"]).get(f"/api/appraisals/{appraisal.pk}/decisions/").json()
    assert [(r["kind"], r["status"], r["proposed_by"]) for r in rows] == [
        ("award", "proposed", "panel"),
        ("development", "proposed", "panel"),
    ]
    development = rows[1]["id"]
    assert _decide(api, org, appraisal, "approve_decision", decision=development).status_code == 200
    rows = api(org.users["employee"]).get(f"/api/appraisals/{appraisal.pk}/decisions/").json()
    assert rows[1]["status"] == "approved" and rows[1]["reference_number"] == "800/9/BKPSDM/2027"
    assert (
        api(org.users["outsider"]).get(f"/api/appraisals/{appraisal.pk}/decisions/").status_code
        == 404
    )


def test_the_pages_show_every_follow_up_and_decide_the_one_picked(org, at_state):
    from django.test import Client

    appraisal = at_state("decision_proposed")
    panel = Client()
    panel.force_login(org.users["panel"])
    form = panel.get(f"/appraisals/{appraisal.pk}/do/propose_decision/").content.decode()
    assert 'id="follow-ups-so-far"' in form and "Penghargaan" in form
    r = panel.post(
        f"/appraisals/{appraisal.pk}/do/propose_decision/",
        {"kind": "development", "details": "Pelatihan", "version": appraisal.version},
    )
    assert r.status_code == 302
    development = appraisal.decisions.get(kind="development")
    authority = Client()
    authority.force_login(org.users["authority"])
    page = authority.get(f"/appraisals/{appraisal.pk}/").content.decode()
    assert page.count('class="decision"') == 2
    link = f"/appraisals/{appraisal.pk}/do/approve_decision/?decision={development.pk}"
    assert link in page
    form = authority.get(link).content.decode()
    assert f'<option value="{development.pk}" selected>' in form
    appraisal.refresh_from_db()
    r = authority.post(
        f"/appraisals/{appraisal.pk}/do/reject_decision/",
        {"decision": development.pk, "reason": "Belum perlu.", "version": appraisal.version},
    )
    assert r.status_code == 302
    development.refresh_from_db()
    appraisal.refresh_from_db()
    assert development.status == "rejected" and appraisal.state == "decision_proposed"


def test_the_workflow_lists_every_state_a_decision_may_lead_to(org, api):
    machines = api(org.users["panel"]).get("/api/workflows/").json()
    appraisal = next(m for m in machines if m["name"] == "appraisal")
    by_name = {t["name"]: t for t in appraisal["transitions"]}
    assert by_name["approve_decision"]["target"] == "decided"  # the contract's
    assert by_name["approve_decision"]["targets"] == ["decided", "decision_proposed"]
    assert by_name["reject_decision"]["targets"] == ["final", "decision_proposed", "decided"]
    assert set(by_name["propose_decision"]["source"]) == {"final", "decision_proposed", "decided"}
    assert set(by_name["cancel"]["source"]) == set(appraisal["states"]) - {"decided", "cancelled"}


def test_an_appraisal_with_an_approved_follow_up_cannot_be_cancelled(org, at_state, api):
    """The contract: no cancel once decided. A further proposal takes a decided appraisal
    back to `decision_proposed`, but its approved decree still stands."""
    appraisal = at_state("decided")  # the award approved
    assert _propose(api, org, appraisal, "development").status_code == 200
    before = footprint(appraisal)
    r = api(org.users["hr_admin"]).post(
        _url(appraisal, "cancel"), {"reason": "Pegawai pindah instansi."}, format="json"
    )
    assert r.status_code == 400, r.json()
    assert [p["code"] for p in r.json()["problems"]] == ["decision_approved"]
    assert r.json()["messages"]["id"] != r.json()["messages"]["en"]
    assert footprint(appraisal) == before


def test_a_proposal_on_a_final_result_may_still_be_cancelled(org, at_state, api):
    appraisal = at_state("decision_proposed")  # no follow-up approved yet
    r = api(org.users["hr_admin"]).post(
        _url(appraisal, "cancel"), {"reason": "Pegawai pindah instansi."}, format="json"
    )
    assert r.status_code == 200, r.json()
    assert r.json()["state"] == "cancelled"


def test_the_offered_transitions_name_the_state_each_would_reach(org, at_state, api):
    appraisal = at_state("decision_proposed")  # an award waits

    def offered(user):
        r = api(user).get(f"/api/appraisals/{appraisal.pk}/")
        return {t["name"]: t["target"] for t in r.json()["available_transitions"]}

    authority = org.users["authority"]
    assert offered(authority) == {"approve_decision": "decided", "reject_decision": "final"}
    assert _propose(api, org, appraisal, "development").status_code == 200
    # Two waiting: deciding either leaves the other waiting.
    assert offered(authority) == {
        "approve_decision": "decision_proposed",
        "reject_decision": "decision_proposed",
    }
    award = appraisal.decisions.get(kind="award")
    assert _decide(api, org, appraisal, "approve_decision", award.pk).status_code == 200
    # One waiting, one approved: rejecting it leaves the appraisal decided.
    assert offered(authority) == {"approve_decision": "decided", "reject_decision": "decided"}


@pytest.mark.parametrize("chosen", ["\u00b2", "\u0663", "12345678901", "x"])
def test_a_decision_form_with_an_odd_choice_answers_with_the_form(org, at_state, client, chosen):
    appraisal = at_state("decision_proposed")
    client.force_login(org.users["authority"])
    r = client.get(f"/appraisals/{appraisal.pk}/do/approve_decision/", {"decision": chosen})
    assert r.status_code == 200
