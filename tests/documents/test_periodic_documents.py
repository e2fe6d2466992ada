"""The periodic Dokumen Evaluasi Kinerja (issue #15): rating a period issues that period's
document in the same change, its hash and code on the change's audit event; a re-rating
supersedes it; the public verification knows it; the API and the pages serve it."""

from __future__ import annotations

import datetime as dt
from unittest import mock
from zoneinfo import ZoneInfo

import pytest

from appraisals.models import CheckIn, IssuedDocument
from appraisals.selectors.documents import (
    document_current_of,
    document_verify_bytes,
    document_verify_code,
)
from audit.models import AuditEvent
from audit.verify import verify_subject

from .conftest import text_of

pytestmark = pytest.mark.django_db
JAKARTA = ZoneInfo("Asia/Jakarta")
EVALUATION = IssuedDocument.Kind.EVALUATION


@pytest.fixture(autouse=True)
def cycle_of_2026(org):
    org.cycle.year = 2026
    org.cycle.starts_on, org.cycle.ends_on = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
    org.cycle.save()


@pytest.fixture(autouse=True)
def clock():
    """After the third quarter of 2026 (Jakarta): periods 1-3 have ended, 4 has not."""
    with mock.patch(
        "django.utils.timezone.now", lambda: dt.datetime(2026, 10, 5, 9, 0, tzinfo=JAKARTA)
    ):
        yield


def rate(api, user, appraisal, period, result="above", behaviour="above", feedback="Bagus."):
    body = {
        "period": period,
        "result_rating": result,
        "behaviour_rating": behaviour,
        "feedback": feedback,
    }
    r = api(user).post(f"/api/appraisals/{appraisal.pk}/periodic-evaluations/", body, format="json")
    assert r.status_code in (200, 201), r.json()
    return r


def _periodic(appraisal, period):
    return document_current_of(appraisal=appraisal, kind=EVALUATION, period=period)


def test_rating_a_period_issues_its_document_with_period_ratings_predicate_and_code(
    org, at_state, api
):
    appraisal = at_state("in_progress")
    CheckIn.objects.create(
        appraisal=appraisal,
        period=2,
        note="Realisasi triwulan dua: 40 dokumen selesai.",
        submitted_at=dt.datetime(2026, 7, 1, 9, 0, tzinfo=JAKARTA),
        feedback="Pertahankan ritme kerja.",
    )
    rate(api, org.users["appraiser"], appraisal, 2, feedback="Capaian triwulan dua sangat baik.")
    document = _periodic(appraisal, 2)
    assert document is not None and document.period == 2
    assert document.transition == "periodic_evaluation.rated"
    text = text_of(bytes(document.content))
    assert "PERIODIK" in text and "PERIODE: 2 (1 APRIL 2026 S.D. 30 JUNI 2026)" in text
    assert "EVALUASI KINERJA PERIODE 2" in text
    assert "Di atas ekspektasi" in text and "Sangat Baik" in text
    assert "Capaian triwulan dua sangat baik." in text
    assert "40 dokumen selesai" in text and "Pertahankan ritme kerja." in text
    assert document.code in text
    assert appraisal.employee.nip in text
    # Only that period's: no annual document, no other period's.
    assert _periodic(appraisal, 1) is None
    assert document_current_of(appraisal=appraisal, kind=EVALUATION) is None


def test_the_hash_is_on_the_rating_s_own_audit_event(org, at_state, api):
    appraisal = at_state("in_progress")
    rate(api, org.users["appraiser"], appraisal, 1)
    document = _periodic(appraisal, 1)
    event = AuditEvent.objects.filter(subject_id=str(appraisal.pk)).latest("seq")
    assert event.action == "periodic_evaluation.rated"
    assert event.changes["document.sha256"] == [None, document.sha256]
    assert event.changes["document.code"] == [None, document.code]
    assert event.changes["document.period"] == [None, 1]
    assert event.changes["periodic_evaluation[1].predicate"] == [None, "sangat_baik"]
    appraisal.refresh_from_db()
    assert document.appraisal_version == appraisal.version
    report = verify_subject(subject_type="appraisals.appraisal", subject_id=str(appraisal.pk))
    assert report.ok, report.problems


def test_re_rating_supersedes_the_period_s_document_and_verification_says_so(org, at_state, api):
    appraisal = at_state("in_progress")
    appraiser = org.users["appraiser"]
    rate(api, appraiser, appraisal, 1)
    rate(api, appraiser, appraisal, 2)
    old = _periodic(appraisal, 2)
    other = _periodic(appraisal, 1)
    rate(api, appraiser, appraisal, 2, "meets", "meets", "Direvisi.")
    new = _periodic(appraisal, 2)
    assert new.pk != old.pk and new.sha256 != old.sha256 and new.code != old.code
    text = text_of(bytes(new.content))
    assert "Baik" in text and "Sangat Baik" not in text and "Direvisi." in text
    old.refresh_from_db()
    assert old.superseded_by_id == new.pk
    # Another period's document stands.
    other.refresh_from_db()
    assert other.superseded_by_id is None
    event = AuditEvent.objects.filter(subject_id=str(appraisal.pk)).latest("seq")
    assert event.changes["document.sha256"] == [old.sha256, new.sha256]
    by_code = document_verify_code(code=old.code)
    assert by_code.found and by_code.superseded
    current = document_verify_code(code=new.code)
    assert current.found and not current.superseded and current.kind == EVALUATION
    assert document_verify_bytes(data=bytes(new.content)).found
    changed = bytearray(new.content)
    changed[len(changed) // 2] ^= 0x01
    assert document_verify_bytes(data=bytes(changed)).found is False


def test_a_refused_rating_issues_nothing(org, at_state, api):
    appraisal = at_state("in_progress")
    r = api(org.users["appraiser"]).post(
        f"/api/appraisals/{appraisal.pk}/periodic-evaluations/",
        {"period": 4, "result_rating": "above", "behaviour_rating": "above"},
        format="json",
    )
    assert r.status_code == 400
    assert not IssuedDocument.objects.filter(appraisal=appraisal, period__isnull=False).exists()


def test_the_api_serves_the_period_s_document_to_whoever_reads_the_appraisal(org, at_state, api):
    appraisal = at_state("in_progress")
    rate(api, org.users["appraiser"], appraisal, 3)
    document = _periodic(appraisal, 3)
    url = f"/api/appraisals/{appraisal.pk}/documents/evaluation/3/"
    r = api(org.users["employee"]).get(url, HTTP_ACCEPT="application/pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r.content == bytes(document.content)
    assert r["X-Document-Code"] == document.code
    assert r["X-Document-SHA256"] == document.sha256
    assert "-2026-P3-" in r["Content-Disposition"]
    # A period not rated yet, or outside the cycle: 404, in both languages.
    for period in (2, 5, 0):
        r = api(org.users["employee"]).get(
            f"/api/appraisals/{appraisal.pk}/documents/evaluation/{period}/"
        )
        assert r.status_code == 404, period
    r = api(org.users["employee"]).get(f"/api/appraisals/{appraisal.pk}/documents/evaluation/2/")
    assert "belum dievaluasi" in str(r.json())
    # Someone who cannot read the appraisal learns nothing.
    assert api(org.users["outsider"]).get(url).status_code == 404
