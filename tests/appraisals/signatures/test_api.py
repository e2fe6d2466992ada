"""POST /api/appraisals/{id}/signatures/{kind}/: the signed PDF back, errors as the API's JSON."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from appraisals.signatures.validation import validate_pdf
from audit.models import AuditEvent

from .pki import BSRE_PASSPHRASE, NIK, closed_port_url, issued, small_pdf


def upload(data: bytes | None = None, *, of=None, kind: str = "skp", **fields) -> dict:
    """The upload of `data`, or else of the document issued for the appraisal `of`."""
    if data is None:
        data = issued(of, kind) if of is not None else small_pdf()
    pdf = data
    return {"file": SimpleUploadedFile("skp.pdf", pdf, content_type="application/pdf"), **fields}


def url(appraisal, kind="skp") -> str:
    return f"/api/appraisals/{appraisal.pk}/signatures/{kind}/"


def signed_events() -> int:
    return AuditEvent.objects.filter(action="document.signed").count()


@pytest.mark.usefixtures("local_signing")
class TestLocal:
    def test_the_employee_gets_the_signed_pdf_and_its_hash(self, org, at_state, api):
        appraisal = at_state("in_progress")
        r = api(org.users["employee"]).post(
            url(appraisal), upload(of=appraisal), format="multipart"
        )

        assert r.status_code == 200, r.content
        assert r["Content-Type"] == "application/pdf"
        assert r["X-Document-SHA256"] == hashlib.sha256(r.content).hexdigest()
        report = validate_pdf(r.content)
        assert report.ok and report.signatures[0].name == org.employee.name
        assert signed_events() == 1

    def test_not_a_pdf_is_400_on_the_file_field(self, org, at_state, api):
        appraisal = at_state("in_progress")
        r = api(org.users["employee"]).post(url(appraisal), upload(b"GIF89a"), format="multipart")
        assert r.status_code == 400
        assert [(p["code"], p["field"]) for p in r.json()["problems"]] == [("not_a_pdf", "file")]
        assert signed_events() == 0

    def test_the_wrong_signer_is_403_before_the_body_is_read(self, org, at_state, api):
        appraisal = at_state("in_progress")
        r = api(org.users["panel"]).post(url(appraisal), {}, format="multipart")
        assert r.status_code == 403

    def test_invisible_appraisal_and_unknown_kind_are_404(self, org, at_state, api):
        appraisal = at_state("in_progress")
        assert (
            api(org.users["outsider"])
            .post(url(appraisal), upload(of=appraisal), format="multipart")
            .status_code
            == 404
        )
        r = api(org.users["employee"]).post(
            url(appraisal, "sk"), upload(of=appraisal), format="multipart"
        )
        assert r.status_code == 404

    def test_a_document_not_yet_issued_is_409(self, org, at_state, api):
        appraisal = at_state("in_progress")
        r = api(org.users["appraiser"]).post(
            url(appraisal, "evaluation"),
            upload(of=appraisal, kind="evaluation"),
            format="multipart",
        )
        assert r.status_code == 409

    def test_signing_twice_in_the_same_field_is_409(self, org, at_state, api):
        appraisal = at_state("in_progress")
        client = api(org.users["employee"])
        first = client.post(url(appraisal), upload(of=appraisal), format="multipart")
        again = client.post(url(appraisal), upload(first.content), format="multipart")
        assert again.status_code == 409
        assert again.json()["code"] == "already_signed"
        assert signed_events() == 1


@pytest.mark.usefixtures("bsre_signing")
class TestBsre:
    def test_a_wrong_passphrase_is_400_on_its_field_and_nothing_recorded(self, org, at_state, api):
        appraisal = at_state("in_progress")
        body = upload(of=appraisal, nik=NIK, passphrase="Tebakan-Keliru-123")
        r = api(org.users["employee"]).post(url(appraisal), body, format="multipart")
        assert r.status_code == 400
        assert r.json()["problems"][0]["field"] == "passphrase"
        assert "Tebakan-Keliru-123" not in r.content.decode()
        assert signed_events() == 0

    def test_service_down_is_503_in_both_languages_and_a_retry_works(
        self, org, at_state, api, settings, bsre_signing
    ):
        appraisal = at_state("in_progress")
        good_url = settings.KINERJA_SIGNING_AGENCIES["PEMKAB"]["url"]
        settings.KINERJA_SIGNING_AGENCIES["PEMKAB"]["url"] = closed_port_url()
        client = api(org.users["employee"])
        body = {"nik": NIK, "passphrase": BSRE_PASSPHRASE}
        r = client.post(url(appraisal), upload(of=appraisal, **body), format="multipart")
        assert r.status_code == 503
        assert r.json()["code"] == "signing_unavailable"
        assert (
            "coba lagi" in r.json()["messages"]["id"] and "try again" in r.json()["messages"]["en"]
        )
        assert signed_events() == 0

        settings.KINERJA_SIGNING_AGENCIES["PEMKAB"]["url"] = good_url
        r = client.post(url(appraisal), upload(of=appraisal, **body), format="multipart")
        assert r.status_code == 200 and validate_pdf(r.content).ok
        assert signed_events() == 1
