"""The engine's guarantees on a lifecycle that is only a table and a model, over the generic
endpoint shape the appraisal uses: POST /api/<route>/<id>/transitions/<name>/."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections
from rest_framework.test import APIClient

from audit.models import AuditEvent
from audit.verify import verify_audit
from notifications.models import OutboxEvent

from .factories import toy_create
from .models import Toy

pytestmark = pytest.mark.django_db


def url(toy, name: str) -> str:
    return f"/api/toys/{toy.pk}/transitions/{name}/"


def traces(toy) -> tuple:
    """Everything a transition leaves: the row's version and state, history, audit, outbox."""
    toy = Toy.objects.get(pk=toy.pk)
    return (
        toy.version,
        toy.state,
        toy.history.count(),
        AuditEvent.objects.filter(subject_type="toyflow.toy", subject_id=str(toy.pk)).count(),
        OutboxEvent.objects.filter(subject_id=toy.pk, kind__startswith="toy.").count(),
    )


def test_a_transition_answers_the_object_as_after_it(api, toy, owner):
    response = api(owner).post(url(toy, "submit"), {}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["state"], body["version"]) == (toy.pk, "submitted", 2)
    assert [t["name"] for t in body["available_transitions"]] == ["withdraw"]
    assert traces(toy) == (2, "submitted", 2, 2, 1)


def test_stale_if_match_is_412_and_changes_nothing(api, toy, owner):
    before = traces(toy)
    response = api(owner).post(url(toy, "submit"), {}, format="json", HTTP_IF_MATCH='"7"')
    assert response.status_code == 412
    assert response.json()["code"] == "version_mismatch"
    assert traces(toy) == before
    fresh = api(owner).post(url(toy, "submit"), {}, format="json", HTTP_IF_MATCH='"1"')
    assert fresh.status_code == 200


def test_the_same_idempotency_key_replays_the_first_answer(api, toy, owner):
    client = api(owner)
    first = client.post(url(toy, "submit"), {}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    after_first = traces(toy)
    again = client.post(url(toy, "submit"), {}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert again.status_code == 200 and again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert traces(toy) == after_first
    other = client.post(
        url(toy, "withdraw"), {"reason": "x"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert other.status_code == 422
    assert traces(toy) == after_first


REFUSALS = [
    # (who, transition, body, status, code)
    ("reviewer", "submit", {}, 403, "forbidden"),
    ("stranger", "submit", {}, 404, "not_found"),
    ("owner", "no_such_thing", {}, 404, "transition_unknown"),
    ("reviewer", "approve", {"grade": "good"}, 409, "state_conflict"),
    ("owner", "withdraw", {}, 400, "payload_invalid"),
    ("owner", "submit", {"grade": "good"}, 400, "payload_invalid"),
]


@pytest.mark.parametrize(("who", "name", "body", "status", "code"), REFUSALS)
def test_a_refused_transition_leaves_nothing(api, toy, request, who, name, body, status, code):
    before = traces(toy)
    actor = request.getfixturevalue(who)
    response = api(actor).post(url(toy, name), body, format="json")
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert traces(toy) == before


def test_an_unmet_condition_is_400_with_its_reason_and_leaves_nothing(api, owner, reviewer):
    toy = toy_create(owner=owner, reviewer=reviewer, title="  ")
    before = traces(toy)
    response = api(owner).post(url(toy, "submit"), {}, format="json")
    assert response.status_code == 400
    assert [p["code"] for p in response.json()["problems"]] == ["title_missing"]
    assert traces(toy) == before


def test_a_restriction_refuses_the_owner_reviewing_their_own(api, owner):
    toy = toy_create(owner=owner, reviewer=owner)
    api(owner).post(url(toy, "submit"), {}, format="json")
    before = traces(toy)
    response = api(owner).post(url(toy, "approve"), {"grade": "good"}, format="json")
    assert (response.status_code, response.json()["problems"][0]["code"]) == (403, "own_toy")
    assert traces(toy) == before


def test_history_is_attributed_and_the_audit_chain_verifies(api, toy, owner, reviewer):
    api(owner).post(url(toy, "submit"), {}, format="json")
    api(reviewer).post(url(toy, "return_toy"), {"reason": "Judul kurang jelas"}, format="json")
    api(owner).post(url(toy, "submit"), {}, format="json")
    api(reviewer).post(url(toy, "approve"), {"grade": "fair"}, format="json")
    toy.refresh_from_db()
    assert (toy.state, toy.grade, toy.version) == ("approved", "fair", 5)
    rows = list(toy.history.order_by("history_id"))
    assert [(r.history_user, r.history_change_reason) for r in rows] == [
        (owner, "toy.created"),
        (owner, "submit"),
        (reviewer, "return_toy: Judul kurang jelas"),
        (owner, "submit"),
        (reviewer, "approve"),
    ]
    assert verify_audit().ok
    history = api(owner).get(f"/api/toys/{toy.pk}/history/").json()
    assert [e["action"] for e in history] == [
        "toy.created",
        "submit",
        "return_toy",
        "submit",
        "approve",
    ]
    assert history[2]["reason"] == "Judul kurang jelas"
    assert history[4]["changes"]["grade"] == ["", "fair"]
    assert all(e["prev_hash"] == p["hash"] for p, e in zip(history, history[1:], strict=False))


def test_history_is_for_its_readers_only(api, toy, stranger):
    assert api(stranger).get(f"/api/toys/{toy.pk}/history/").status_code == 404
    assert api().get(f"/api/toys/{toy.pk}/history/").status_code == 401


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_sixteen_clients_at_once_one_winner(owner, reviewer):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks (run with DATABASE_URL)")
    toy = toy_create(owner=owner, reviewer=reviewer)
    threads_n = 16
    barrier = threading.Barrier(threads_n)
    statuses: list[int] = []
    lock = threading.Lock()

    def fire():
        client = APIClient()
        client.force_authenticate(owner)
        try:
            barrier.wait(timeout=30)
            status = client.post(url(toy, "submit"), {}, format="json").status_code
            with lock:
                statuses.append(status)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=fire) for _ in range(threads_n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(statuses) == [200] + [409] * (threads_n - 1)
    assert traces(toy) == (2, "submitted", 2, 2, 1)
