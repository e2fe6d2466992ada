"""The documents over HTTP: PDF downloads (API and page), and the public verification."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.throttling import SimpleRateThrottle

from appraisals.models import IssuedDocument
from appraisals.selectors.documents import document_current_of
from audit.models import ReadAccess

from .conftest import text_of

pytestmark = pytest.mark.django_db

KIND = IssuedDocument.Kind
PERSONAL = ("nip", "name", "employee", "unit", "predicate", "result_rating", "feedback")


def _pdf(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def test_the_api_serves_the_issued_skp_byte_for_byte(org, at_state, api):
    appraisal = at_state("self_assessed")  # moved on since the plan was approved
    skp = document_current_of(appraisal=appraisal, kind=KIND.SKP)
    r = api(org.users["employee"]).get(f"/api/appraisals/{appraisal.pk}/documents/skp/")
    assert r.status_code == 200
    assert r["Content-Type"] == "application/pdf"
    assert r["X-Document-Code"] == skp.code and r["X-Document-SHA256"] == skp.sha256
    assert r.content == bytes(skp.content)
    assert "attachment" in r["Content-Disposition"] and skp.code in r["Content-Disposition"]
    assert ReadAccess.objects.filter(purpose="document.skp", reader=org.users["employee"]).exists()


def test_before_issuing_the_api_serves_a_draft(org, appraisal, api):
    r = api(org.users["appraiser"]).get(f"/api/appraisals/{appraisal.pk}/documents/evaluation/")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert "X-Document-Code" not in r
    assert "DRAF" in text_of(r.content)


@pytest.mark.parametrize(
    ("persona", "status"),
    [("outsider", 404), ("colleague_less", 404), ("inspector", 200), ("superior", 200)],
)
def test_who_may_download(org, at_state, api, persona, status):
    appraisal = at_state("in_progress")
    user = org.users.get(persona, org.users["other_appraiser"])
    r = api(user).get(f"/api/appraisals/{appraisal.pk}/documents/skp/")
    assert r.status_code == status
    if status == 404:
        assert r["Content-Type"].startswith("application/json")


def test_anonymous_may_not_download(org, at_state, api):
    appraisal = at_state("in_progress")
    assert api().get(f"/api/appraisals/{appraisal.pk}/documents/skp/").status_code == 401


def test_verification_api_by_code_and_upload_says_nothing_personal(org, at_state, api):
    appraisal = at_state("in_progress")
    skp = document_current_of(appraisal=appraisal, kind=KIND.SKP)
    r = api().get("/api/documents/verify/", {"code": skp.code})
    assert r.status_code == 200
    body = r.json()
    assert body["found"] is True and body["superseded"] is False
    assert body["kind"] == "skp" and body["appraisal_state"] == "in_progress"
    assert body["signatures"] is None
    assert not set(PERSONAL) & set(body)
    text = r.content.decode()
    assert org.employee.nip not in text and org.employee.name not in text

    r = api().post(
        "/api/documents/verify/", {"file": _pdf("skp.pdf", bytes(skp.content))}, format="multipart"
    )
    assert r.status_code == 200 and r.json()["found"] is True and r.json()["code"] == skp.code

    changed = bytearray(skp.content)
    changed[len(changed) // 3] ^= 0x20
    r = api().post(
        "/api/documents/verify/", {"file": _pdf("skp.pdf", bytes(changed))}, format="multipart"
    )
    assert r.status_code == 200 and r.json()["found"] is False and r.json()["code"] == ""


def test_verification_api_refuses_bad_input_with_400(api):
    assert api().get("/api/documents/verify/").status_code == 400
    assert api().get("/api/documents/verify/", {"code": "X" * 21}).status_code == 400
    assert api().post("/api/documents/verify/", {}, format="multipart").status_code == 400
    r = api().post("/api/documents/verify/", {"code": "x"}, format="json")
    assert r.status_code == 415


def test_verification_is_throttled_per_address(org, at_state, api, monkeypatch):
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"verify": "3/min"})
    client = api()
    answers = [client.get("/api/documents/verify/", {"code": "AAAAA-AAAAA"}) for _ in range(4)]
    assert [r.status_code for r in answers] == [200, 200, 200, 429]
    assert answers[-1].json()["code"] == "throttled"
    page = Client().get("/verifikasi/", {"kode": "AAAAA-AAAAA"})
    assert page.status_code == 429  # the page and the API count together


def test_a_signature_validator_is_called_on_uploads_when_configured(org, at_state, api, settings):
    appraisal = at_state("in_progress")
    skp = document_current_of(appraisal=appraisal, kind=KIND.SKP)
    settings.KINERJA_SIGNATURE_VALIDATOR = "tests.documents.test_http.fake_validator"
    r = api().post(
        "/api/documents/verify/", {"file": _pdf("s.pdf", bytes(skp.content))}, format="multipart"
    )
    expected = {"signer": "Kepala Bidang", "intact": True, "n": len(skp.content)}
    assert r.json()["signatures"] == [expected]


def fake_validator(data: bytes) -> list:
    return [{"signer": "Kepala Bidang", "intact": True, "n": len(data)}]


def test_a_registered_signed_copy_verifies_as_its_original(org, at_state, api):
    appraisal = at_state("in_progress")
    skp = document_current_of(appraisal=appraisal, kind=KIND.SKP)
    signed = bytes(skp.content) + b"%signed"
    IssuedDocument.objects.create(
        appraisal=appraisal,
        kind=skp.kind,
        code=skp.code,
        sha256=hashlib.sha256(signed).hexdigest(),
        size=len(signed),
        content=signed,
        appraisal_state=skp.appraisal_state,
        appraisal_version=skp.appraisal_version,
        issued_at=skp.issued_at,
        issued_by=org.users["appraiser"],
        signed_from=skp,
    )
    r = api().post("/api/documents/verify/", {"file": _pdf("s.pdf", signed)}, format="multipart")
    assert r.json()["found"] and r.json()["signed_copy"] and r.json()["code"] == skp.code
    assert api().get("/api/documents/verify/", {"code": skp.code}).json()["signed_copy"] is False


# --- the pages ---------------------------------------------------------------------------


def test_the_appraisal_page_links_the_documents(org, at_state):
    appraisal = at_state("result_issued")
    client = Client()
    client.force_login(org.users["employee"])
    page = client.get(f"/appraisals/{appraisal.pk}/").content.decode()
    skp = document_current_of(appraisal=appraisal, kind=KIND.SKP)
    assert f'href="/appraisals/{appraisal.pk}/documents/skp.pdf"' in page
    assert f'href="/appraisals/{appraisal.pk}/documents/evaluation.pdf"' in page
    assert skp.code in page
    r = client.get(f"/appraisals/{appraisal.pk}/documents/skp.pdf")
    assert r.status_code == 200 and r.content == bytes(skp.content)


def test_the_evaluation_link_waits_for_a_result(org, at_state):
    appraisal = at_state("in_progress")
    client = Client()
    client.force_login(org.users["employee"])
    page = client.get(f"/appraisals/{appraisal.pk}/").content.decode()
    assert "documents/skp.pdf" in page and "documents/evaluation.pdf" not in page


def test_page_downloads_are_scoped(org, at_state):
    appraisal = at_state("in_progress")
    client = Client()
    client.force_login(org.users["outsider"])
    assert client.get(f"/appraisals/{appraisal.pk}/documents/skp.pdf").status_code == 404
    assert Client().get(f"/appraisals/{appraisal.pk}/documents/skp.pdf").status_code == 302
    client.force_login(org.users["employee"])
    assert client.get(f"/appraisals/{appraisal.pk}/documents/other.pdf").status_code == 404


def test_the_public_page_verifies_by_code_and_by_file_in_indonesian(org, at_state):
    appraisal = at_state("in_progress")
    skp = document_current_of(appraisal=appraisal, kind=KIND.SKP)
    client = Client(enforce_csrf_checks=True)
    page = client.get("/verifikasi/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Verifikasi dokumen" in html and 'lang="id"' in html
    found = client.get("/verifikasi/", {"kode": skp.code.lower()}).content.decode()
    assert 'data-found="true"' in found and "Asli: diterbitkan oleh Kinerja" in found
    assert "Pelaksanaan kinerja" in found  # the state's label, not its code
    assert org.employee.nip not in found and org.employee.name not in found
    token = client.cookies["csrftoken"].value
    by_file = client.post(
        "/verifikasi/",
        {"file": _pdf("skp.pdf", bytes(skp.content)), "csrfmiddlewaretoken": token},
    ).content.decode()
    assert 'data-found="true"' in by_file and 'data-superseded="false"' in by_file
    changed = bytearray(skp.content)
    changed[100] ^= 0x01
    refused = client.post(
        "/verifikasi/", {"file": _pdf("skp.pdf", bytes(changed)), "csrfmiddlewaretoken": token}
    ).content.decode()
    assert 'data-found="false"' in refused
    missing = client.post("/verifikasi/", {"csrfmiddlewaretoken": token})
    assert missing.status_code == 400
