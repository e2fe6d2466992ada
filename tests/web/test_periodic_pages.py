"""The periodic evaluation page: the appraiser rates an ended period, the employee reads it
(Indonesian first); the review form shows the periodic predicates beside the annual rating."""

from __future__ import annotations

import datetime as dt
from unittest import mock
from zoneinfo import ZoneInfo

import pytest

from appraisals.models import IssuedDocument, PeriodicEvaluation
from audit.models import AuditEvent
from tests.flow import advance, valid_body
from tests.web.conftest import url
from workflow.services import perform

pytestmark = pytest.mark.django_db
JAKARTA = ZoneInfo("Asia/Jakarta")


@pytest.fixture(autouse=True)
def cycle_of_2026(org):
    """These tests freeze the clock at moments of 2026, so their cycle is 2026's."""
    org.cycle.year = 2026
    org.cycle.starts_on, org.cycle.ends_on = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
    org.cycle.save()


def rate(client, appraisal, period=1, **fields):
    appraisal.refresh_from_db()
    data = {
        "version": appraisal.version,
        "period": period,
        "result_rating": "above",
        "behaviour_rating": "meets",
        "feedback": "Triwulan yang baik.",
    }
    data.update(fields)
    return client.post(url("periodic", appraisal.pk), data)


def test_the_appraiser_rates_and_the_employee_reads_in_indonesian(org, appraisal, pages):
    running = advance(appraisal, "in_progress", users=org.users)
    appraiser = pages("appraiser")
    page = appraiser.get(url("periodic", running.pk)).content.decode()
    assert "Evaluasi kinerja periodik" in page and 'id="periodic-form"' in page
    response = rate(appraiser, running)
    assert response.status_code == 302, response.content.decode()[:2000]
    evaluation = PeriodicEvaluation.objects.get(appraisal=running, period=1)
    assert evaluation.predicate == "baik"
    last = AuditEvent.objects.filter(subject_id=str(running.pk)).order_by("-seq").first()
    assert last.action == "periodic_evaluation.rated"

    page = pages("employee").get(url("periodic", running.pk)).content.decode()
    assert "Triwulan yang baik." in page and "Baik" in page
    assert "Di atas ekspektasi" in page
    assert 'id="periodic-form"' not in page  # the employee reads, never rates
    detail = pages("employee").get(url("appraisal", running.pk)).content.decode()
    assert url("periodic", running.pk) in detail


def test_a_period_not_ended_is_refused_beside_its_field(org, appraisal, pages):
    running = advance(appraisal, "in_progress", users=org.users)
    with mock.patch(
        "django.utils.timezone.now",
        lambda: dt.datetime(2026, 12, 31, 22, 0, tzinfo=JAKARTA),
    ):
        response = rate(pages("appraiser"), running, period=4)
    assert response.status_code == 400
    page = response.content.decode()
    assert "belum berakhir" in page
    assert "Triwulan yang baik." in page  # the input is kept
    assert not PeriodicEvaluation.objects.exists()


@pytest.mark.parametrize("persona", ["employee", "superior", "hr_admin"])
def test_only_the_appraiser_may_rate_on_the_page(org, appraisal, pages, persona):
    running = advance(appraisal, "in_progress", users=org.users)
    response = rate(pages(persona), running)
    assert response.status_code == 403
    assert not PeriodicEvaluation.objects.exists()


@pytest.mark.parametrize("persona", ["outsider", "other_appraiser"])
def test_strangers_get_404(org, appraisal, pages, persona):
    running = advance(appraisal, "in_progress", users=org.users)
    assert pages(persona).get(url("periodic", running.pk)).status_code == 404
    assert rate(pages(persona), running).status_code == 404


def test_the_review_form_shows_the_periodic_predicates(org, appraisal, pages):
    running = advance(appraisal, "in_progress", users=org.users)
    rate(pages("appraiser"), running, period=2, result_rating="below", behaviour_rating="below")
    perform(
        running,
        "submit_self_assessment",
        actor=org.users["employee"],
        payload=valid_body("submit_self_assessment", running),
    )
    page = pages("appraiser").get(url("transition", running.pk, "submit_review")).content
    page = page.decode()
    assert 'id="periodic-predicates"' in page
    assert "Evaluasi kinerja periodik" in page and "Sangat Kurang" in page


def test_a_rated_period_links_its_evaluation_document(org, appraisal, pages):
    running = advance(appraisal, "in_progress", users=org.users)
    assert rate(pages("appraiser"), running, period=2).status_code == 302
    document = IssuedDocument.objects.get(appraisal=running, period=2)
    page = pages("employee").get(url("periodic", running.pk)).content.decode()
    link = url("document-period", running.pk, 2)
    assert 'id="download-period-2"' in page and link in page
    assert "Dokumen evaluasi" in page and document.code in page
    assert 'id="download-period-1"' not in page  # not rated: nothing to download
    response = pages("employee").get(link)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content == bytes(document.content)
    assert pages("employee").get(url("document-period", running.pk, 1)).status_code == 404
    assert pages("outsider").get(link).status_code == 404
