"""The inbox as a page: only the caller's, paginated, a fixed number of queries."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from notifications.models import InboxItem

from .test_inbox_api import _copy_message

pytestmark = pytest.mark.django_db


@pytest.fixture
def inbox(org, at_state, relay):
    appraisal = at_state("in_progress")
    relay()
    return appraisal


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_page_lists_only_mine_and_reading_opens_the_appraisal(org, inbox):
    client = signed_in(org.users["employee"])
    [item] = signed_in(org.users["employee"]).get("/notifications/").context["page"]
    assert item.user == org.users["employee"]
    assert list(signed_in(org.users["outsider"]).get("/notifications/").context["page"]) == []
    response = client.post(f"/notifications/{item.pk}/read/")
    assert response.status_code == 302 and response["Location"] == f"/appraisals/{inbox.pk}/"
    item.refresh_from_db()
    assert item.read_at is not None
    # Someone else's item is as missing as one that never was: nothing changes.
    other = signed_in(org.users["outsider"]).post(f"/notifications/{item.pk}/read/")
    assert other.status_code == 302 and other["Location"] == "/notifications/"


def test_the_page_paginates_at_a_fixed_number_of_queries(org, inbox):
    client = signed_in(org.users["employee"])
    client.get("/notifications/")
    with CaptureQueriesContext(connection) as few:
        client.get("/notifications/")
    item = InboxItem.objects.get(user=org.users["employee"])
    for n in range(40):
        InboxItem.objects.create(
            message=_copy_message(item.message, n), user=item.user, kind="x", subject="s", body="b"
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get("/notifications/")
    assert len(response.context["page"].object_list) == 25
    assert len(many) == len(few)
