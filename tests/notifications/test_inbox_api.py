"""The in-app inbox over HTTP: only the caller's, paginated, unread count, mark read."""

import pytest
from rest_framework.test import APIClient

from notifications.models import InboxItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def inbox(org, at_state, relay):
    appraisal = at_state("in_progress")  # appraiser: submit_plan; employee: approve_plan
    relay()
    return appraisal


def test_list_shows_only_the_callers_notifications(org, inbox, api):
    body = api(org.users["employee"]).get("/api/notifications/").json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 1
    [item] = body["results"]
    assert item["kind"] == "appraisal.approve_plan"
    assert item["read"] is False and item["subject_id"] == inbox.pk
    assert api(org.users["outsider"]).get("/api/notifications/").json()["count"] == 0
    assert APIClient().get("/api/notifications/").status_code == 401


def test_pagination_and_unread_filter(org, inbox, api):
    item = InboxItem.objects.get(user=org.users["employee"])
    for n in range(3):
        InboxItem.objects.create(
            message=_copy_message(item.message, n), user=item.user, kind="x", subject="s", body="b"
        )
    client = api(org.users["employee"])
    page = client.get("/api/notifications/", {"page_size": 2}).json()
    assert page["count"] == 4 and len(page["results"]) == 2 and page["next"]
    client.post(f"/api/notifications/{item.pk}/read/")
    assert client.get("/api/notifications/", {"unread": "true"}).json()["count"] == 3
    assert client.get("/api/notifications/", {"unread": "false"}).json()["count"] == 1


def _copy_message(message, n):
    message.pk = None
    message.id = __import__("uuid").uuid4()
    message.channel = f"c{n}"
    message.save(force_insert=True)
    return message


def test_unread_count_mark_read_and_mark_all(org, inbox, api):
    client = api(org.users["appraiser"])
    assert client.get("/api/notifications/unread-count/").json() == {"unread": 1}
    item = InboxItem.objects.get(user=org.users["appraiser"])
    r = client.post(f"/api/notifications/{item.pk}/read/")
    assert r.status_code == 200 and r.json()["read"] is True and r.json()["read_at"]
    assert client.get("/api/notifications/unread-count/").json() == {"unread": 0}
    # Someone else's notification is as missing as one that never was.
    other = InboxItem.objects.get(user=org.users["employee"])
    assert client.post(f"/api/notifications/{other.pk}/read/").status_code == 404
    assert client.post("/api/notifications/999999/read/").status_code == 404
    employee = api(org.users["employee"])
    assert employee.post("/api/notifications/read-all/").json() == {"marked": 1}
    assert employee.get("/api/notifications/unread-count/").json() == {"unread": 0}


def test_preferences(org, api):
    client = api(org.users["employee"])
    assert client.get("/api/notifications/preferences/").json() == {
        "language": "id",
        "inbox": True,
        "email": True,
    }
    r = client.patch("/api/notifications/preferences/", {"language": "en", "email": False})
    assert r.json() == {"language": "en", "inbox": True, "email": False}
    r = client.patch("/api/notifications/preferences/", {"language": "fr"})
    assert r.status_code == 400


def test_inbox_paths_are_in_the_openapi_schema(org, api):
    r = api(org.users["employee"]).get(
        "/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json"
    )
    paths = r.json()["paths"]
    for path in (
        "/api/notifications/",
        "/api/notifications/unread-count/",
        "/api/notifications/{id}/read/",
        "/api/notifications/read-all/",
        "/api/notifications/preferences/",
        "/api/notifications/waiting/",
    ):
        assert path in paths, path
