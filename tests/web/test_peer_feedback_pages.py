"""Peer feedback on the pages: the peer answers once; the employee reads it without names."""

from __future__ import annotations

import pytest
from django.test import Client

from appraisals.services.feedback import peer_feedback_request
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def asked(org, appraisal, at_state):
    at_state("in_progress")
    appraisal.refresh_from_db()
    peer = EmployeeFactory(unit=org.dinas, name="Rekan Sejawat Unik")
    peer_feedback_request(appraisal=appraisal, actor=org.users["appraiser"], peers=[peer.pk])
    return peer


def test_the_peer_answers_and_the_employee_reads_it_anonymously(org, appraisal, asked):
    peer = signed_in(asked.user)
    assert "peer-requests" in peer.get("/").content.decode()
    [request] = peer.get("/peer-feedback/").context["page"]
    empty = peer.post("/peer-feedback/", {"id": request.pk, "text": "   "})
    assert empty.status_code == 400
    response = peer.post("/peer-feedback/", {"id": request.pk, "text": "Selalu membantu tim."})
    assert response.status_code == 302
    assert list(peer.get("/peer-feedback/").context["page"]) == []

    employee_page = signed_in(org.users["employee"]).get(f"/appraisals/{appraisal.pk}/")
    html = employee_page.content.decode()
    assert "Selalu membantu tim." in html
    assert "Rekan Sejawat Unik" not in html and asked.nip not in html
    appraiser_page = signed_in(org.users["appraiser"]).get(f"/appraisals/{appraisal.pk}/")
    assert "Rekan Sejawat Unik" in appraiser_page.content.decode()


def test_someone_elses_request_cannot_be_answered(org, appraisal, asked):
    request_id = signed_in(asked.user).get("/peer-feedback/").context["page"][0].pk
    response = signed_in(org.users["employee"]).post(
        "/peer-feedback/", {"id": request_id, "text": "Palsu"}
    )
    assert response.status_code == 404
    for odd in ("abc", "", "9" * 30):
        assert (
            signed_in(asked.user).post("/peer-feedback/", {"id": odd, "text": "x"}).status_code
            == 404
        )
