"""Signing on the pages (issue #15): from the appraisal page's Dokumen section, the signer
signs the current issued document (nothing uploaded), then downloads the signed copy."""

from __future__ import annotations

import pytest
from django.urls import reverse

from appraisals.models import IssuedDocument
from appraisals.selectors.documents import document_current_of
from appraisals.signatures.validation import validate_pdf
from audit.models import AuditEvent

from .pki import BSRE_PASSPHRASE, NIK, closed_port_url

pytestmark = pytest.mark.django_db


def signed_events() -> int:
    return AuditEvent.objects.filter(action="document.signed").count()


def sign_url(appraisal, kind="skp") -> str:
    return reverse("web:document-sign", args=[appraisal.pk, kind])


def page(client, appraisal) -> str:
    return client.get(reverse("web:appraisal", args=[appraisal.pk])).content.decode()


@pytest.mark.usefixtures("local_signing")
class TestLocal:
    def test_the_employee_then_the_appraiser_sign_the_skp_on_the_page(self, org, at_state, client):
        appraisal = at_state("in_progress")
        skp = document_current_of(appraisal=appraisal, kind=IssuedDocument.Kind.SKP)
        client.force_login(org.users["employee"])
        html = page(client, appraisal)
        assert 'id="sign-skp"' in html and "Tanda tangani" in html
        # The local backend signs with the agency's key: no passphrase asked.
        assert 'name="passphrase"' not in html
        assert 'id="download-signed-skp"' not in html

        r = client.post(sign_url(appraisal))
        assert r.status_code == 302, r.content.decode()[:2000]
        html = client.get(r["Location"]).content.decode()
        assert "sudah ditandatangani" in html.lower()
        assert 'id="download-signed"' in html and 'id="sign-done"' in html
        html = page(client, appraisal)
        assert 'id="download-signed-skp"' in html and 'id="signed-skp"' in html
        assert 'id="sign-skp"' not in html
        signed = client.get(reverse("web:document-signed", args=[appraisal.pk, "skp"]))
        assert signed.status_code == 200 and signed["Content-Type"] == "application/pdf"
        report = validate_pdf(signed.content)
        assert report.ok and [s.name for s in report.signatures] == [org.employee.name]
        assert signed_events() == 1

        # The appraiser signs the copy the employee signed: both signatures on one file.
        client.force_login(org.users["appraiser"])
        assert 'id="sign-skp"' in page(client, appraisal)
        assert client.post(sign_url(appraisal)).status_code == 302
        signed = client.get(reverse("web:document-signed", args=[appraisal.pk, "skp"]))
        names = [s.name for s in validate_pdf(signed.content).signatures]
        assert names == [org.employee.name, org.appraiser.name]
        assert signed_events() == 2
        # The issued original stays what the chain names; the copy is registered beside it.
        assert document_current_of(appraisal=appraisal, kind="skp").pk == skp.pk

    def test_signing_again_is_refused_in_indonesian_and_nothing_recorded(
        self, org, at_state, client
    ):
        appraisal = at_state("in_progress")
        client.force_login(org.users["employee"])
        assert client.post(sign_url(appraisal)).status_code == 302
        r = client.post(sign_url(appraisal))
        assert r.status_code == 409
        assert "sudah ditandatangani" in r.content.decode()
        assert signed_events() == 1

    def test_who_may_not_sign_sees_no_form_and_is_refused(self, org, at_state, client):
        appraisal = at_state("in_progress")
        client.force_login(org.users["superior"])
        assert 'id="sign-skp"' not in page(client, appraisal)
        assert client.post(sign_url(appraisal)).status_code in (403, 404)
        client.force_login(org.users["outsider"])
        assert client.post(sign_url(appraisal)).status_code == 404
        assert signed_events() == 0

    def test_no_signed_copy_is_404_and_unsigned_evaluation_is_not_offered(
        self, org, at_state, client
    ):
        appraisal = at_state("in_progress")
        client.force_login(org.users["appraiser"])
        assert (
            client.get(reverse("web:document-signed", args=[appraisal.pk, "skp"])).status_code
            == 404
        )
        assert 'id="sign-evaluation"' not in page(client, appraisal)
        assert client.post(sign_url(appraisal, "evaluation")).status_code == 409


@pytest.mark.usefixtures("bsre_signing")
class TestBsre:
    def test_the_form_asks_nik_and_passphrase_and_a_wrong_one_is_refused(
        self, org, at_state, client
    ):
        appraisal = at_state("in_progress")
        client.force_login(org.users["employee"])
        html = page(client, appraisal)
        assert 'name="passphrase"' in html and 'name="nik"' in html
        r = client.post(sign_url(appraisal), {"nik": NIK, "passphrase": "Tebakan-Keliru-123"})
        assert r.status_code == 400
        body = r.content.decode()
        assert "Passphrase TTE salah" in body and "Tebakan-Keliru-123" not in body
        assert 'value="' + NIK + '"' in body  # the NIK stays, the passphrase is not echoed
        assert signed_events() == 0

    def test_service_down_says_try_again_and_a_retry_works(self, org, at_state, client, settings):
        appraisal = at_state("in_progress")
        good_url = settings.KINERJA_SIGNING_AGENCIES["PEMKAB"]["url"]
        settings.KINERJA_SIGNING_AGENCIES["PEMKAB"]["url"] = closed_port_url()
        client.force_login(org.users["employee"])
        body = {"nik": NIK, "passphrase": BSRE_PASSPHRASE}
        r = client.post(sign_url(appraisal), body)
        assert r.status_code == 503
        assert "coba lagi" in r.content.decode().lower()
        assert 'id="sign-form"' in r.content.decode()
        assert signed_events() == 0
        settings.KINERJA_SIGNING_AGENCIES["PEMKAB"]["url"] = good_url
        assert client.post(sign_url(appraisal), body).status_code == 302
        signed = client.get(reverse("web:document-signed", args=[appraisal.pk, "skp"]))
        assert validate_pdf(signed.content).ok
        assert signed_events() == 1
