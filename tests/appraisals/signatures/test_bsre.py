"""The BSrE adapter against a local fake of the service, its answers and its failures."""

from __future__ import annotations

import base64

import pytest

from appraisals.signatures.backends import Credentials, SignRequest, backend_for
from appraisals.signatures.bsre import BsreSigner
from appraisals.signatures.errors import SigningCredentialsRefused, SigningUnavailable
from appraisals.signatures.validation import validate_pdf

from .pki import BSRE_PASSPHRASE, BSRE_PASSWORD, BSRE_USER, NIK, closed_port_url, small_pdf

pytestmark = pytest.mark.usefixtures("bsre_signing")


def request(pdf: bytes, *, nik: str = NIK, passphrase: str = BSRE_PASSPHRASE) -> SignRequest:
    return SignRequest(
        pdf=pdf,
        role="appraiser",
        signer_name="Cut Nyak Dhien",
        signer_nip="198001012000012001",
        reason="SKP 2026",
        agency="PEMKAB",
        credentials=Credentials(nik=nik, passphrase=passphrase),
    )


def sign(pdf: bytes, **kw) -> bytes:
    return backend_for("PEMKAB").sign(request(pdf, **kw))


def test_settings_choose_bsre_for_the_agency():
    assert isinstance(backend_for("PEMKAB"), BsreSigner)


def test_the_request_has_the_services_shape(bsre_signing):
    pdf = small_pdf()
    sign(pdf)

    [sent] = bsre_signing.requests
    assert sent["path"] == "/api/sign/pdf"
    account = base64.b64encode(f"{BSRE_USER}:{BSRE_PASSWORD}".encode()).decode()
    assert sent["authorization"] == f"Basic {account}"
    assert sent["fields"] == {"nik": NIK, "passphrase": BSRE_PASSPHRASE, "tampilan": "invisible"}
    assert sent["file"] == pdf


def test_a_visible_signature_sends_its_place(settings, bsre_signing):
    settings.KINERJA_SIGNING_AGENCIES["PEMKAB"]["visible"] = True
    sign(small_pdf())
    fields = bsre_signing.requests[0]["fields"]
    assert fields["tampilan"] == "visible"
    assert {"page", "xAxis", "yAxis", "width", "height"} <= set(fields)


def test_the_signed_pdf_comes_back_and_validates_against_the_bsre_root():
    signed = sign(small_pdf())

    report = validate_pdf(signed)

    assert report.ok
    assert report.signatures[0].signer == "Cut Nyak Dhien"


def test_a_wrong_passphrase_is_a_clear_refusal_and_a_retry_succeeds(bsre_signing):
    pdf = small_pdf()
    with pytest.raises(SigningCredentialsRefused) as refused:
        sign(pdf, passphrase="Tebakan-Keliru-123")
    error = refused.value
    assert error.status == 400
    assert (
        "Passphrase TTE salah" in error.message.id
        and "Wrong signing passphrase" in error.message.en
    )
    assert [p.field for p in error.problems] == ["passphrase"]
    assert "Tebakan-Keliru-123" not in str(error.as_dict())  # the tried passphrase is not echoed

    assert validate_pdf(sign(pdf)).ok  # nothing was half-done: the same call works now
    assert len(bsre_signing.requests) == 2


def test_an_unknown_nik_is_refused_on_its_field():
    with pytest.raises(SigningCredentialsRefused) as refused:
        sign(small_pdf(), nik="9999999999999999")
    assert [p.field for p in refused.value.problems] == ["nik"]


def test_missing_credentials_send_nothing(bsre_signing):
    with pytest.raises(SigningCredentialsRefused) as refused:
        sign(small_pdf(), nik="", passphrase="")
    assert {p.field for p in refused.value.problems} == {"nik", "passphrase"}
    assert bsre_signing.requests == []


def test_service_down_is_a_clear_503_and_nothing_is_signed(settings):
    settings.KINERJA_SIGNING_AGENCIES["PEMKAB"]["url"] = closed_port_url()
    with pytest.raises(SigningUnavailable) as refused:
        sign(small_pdf())
    error = refused.value
    assert error.status == 503
    assert "tidak dapat dihubungi" in error.message.id
    assert "could not be reached" in error.message.en
    assert error.__cause__ is None and error.__context__ is not None  # nothing chained to a log


def test_a_timeout_is_service_down_and_a_later_retry_succeeds(settings, bsre_signing):
    settings.KINERJA_SIGNING_AGENCIES["PEMKAB"]["timeout"] = 0.3
    bsre_signing.mode, bsre_signing.delay = "slow", 1.5
    pdf = small_pdf()
    with pytest.raises(SigningUnavailable):
        sign(pdf)

    bsre_signing.mode = "ok"
    settings.KINERJA_SIGNING_AGENCIES["PEMKAB"]["timeout"] = 5
    assert validate_pdf(sign(pdf)).ok


def test_a_server_error_is_unavailable_with_the_services_words(bsre_signing):
    bsre_signing.mode = "error_500"
    with pytest.raises(SigningUnavailable) as refused:
        sign(small_pdf())
    assert "500" in refused.value.message.en and "Internal server error" in refused.value.message.en


def test_an_answer_that_is_not_a_signed_pdf_is_refused(bsre_signing):
    bsre_signing.mode = "garbage"
    with pytest.raises(SigningUnavailable) as refused:
        sign(small_pdf())
    assert "bukan dokumen bertanda tangan" in refused.value.message.id


def test_wrong_client_account_is_unavailable_not_a_signature(monkeypatch):
    monkeypatch.setenv("TEST_BSRE_PASSWORD", "not-the-account")
    with pytest.raises(SigningUnavailable) as refused:
        sign(small_pdf())
    assert "401" in refused.value.message.en
