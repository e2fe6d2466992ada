"""The local PKCS#12 signer: PAdES signatures per signer that validate, and what fails them."""

from __future__ import annotations

import asyncio
import io
from concurrent.futures import ThreadPoolExecutor

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from appraisals.signatures import ca
from appraisals.signatures.backends import SignRequest, backend_for
from appraisals.signatures.errors import SigningConflict, SigningError, SigningNotConfigured
from appraisals.signatures.local import LocalPkcs12Signer
from appraisals.signatures.validation import validate_pdf

from .pki import P12_PASSPHRASE, small_pdf

pytestmark = pytest.mark.usefixtures("local_signing")


def request(pdf: bytes, role: str = "employee", name: str = "Ni Luh Putu Ayu") -> SignRequest:
    return SignRequest(
        pdf=pdf,
        role=role,
        signer_name=name,
        signer_nip="199001012020012001",
        reason="SKP 2026: pegawai yang dinilai",
        agency="PEMKAB",
        location="Kutacane",
    )


def sign(pdf: bytes, role: str = "employee", name: str = "Ni Luh Putu Ayu") -> bytes:
    return backend_for("PEMKAB").sign(request(pdf, role, name))


def test_settings_choose_the_local_signer():
    assert isinstance(backend_for("PEMKAB"), LocalPkcs12Signer)


def test_a_signed_pdf_validates_intact_trusted_and_names_its_signer():
    signed = sign(small_pdf())

    report = validate_pdf(signed)

    assert report.ok
    [sig] = report.signatures
    assert sig.field == "ttd_pegawai"
    assert sig.intact and sig.valid and sig.trusted and not sig.modified_after
    assert sig.covers_whole_file
    assert sig.signer == "Pemerintah Kabupaten Aceh Tenggara"  # the agency's certificate
    assert sig.name == "Ni Luh Putu Ayu"  # the person, in the signature dictionary
    assert sig.signed_at is not None


def test_each_signer_adds_an_incremental_signature_and_earlier_ones_stay_valid():
    original = small_pdf()
    by_employee = sign(original, "employee", "Ni Luh Putu Ayu")
    by_both = sign(by_employee, "appraiser", "Teuku Muhammad D'Arcy Çut")

    assert by_both.startswith(by_employee)  # an incremental update: signed bytes untouched
    report = validate_pdf(by_both)
    assert report.ok
    assert [s.field for s in report.signatures] == ["ttd_pegawai", "ttd_pejabat_penilai"]
    assert [s.name for s in report.signatures] == ["Ni Luh Putu Ayu", "Teuku Muhammad D'Arcy Çut"]
    first, second = report.signatures
    assert not first.covers_whole_file and not first.modified_after  # only a signature followed
    assert second.covers_whole_file


def test_invisible_signatures_when_the_agency_says_so(settings):
    settings.KINERJA_SIGNING_AGENCIES = {"PEMKAB": {"visible": False}}
    report = validate_pdf(sign(small_pdf()))
    assert report.ok and report.signatures[0].field == "ttd_pegawai"


def test_the_same_signer_field_cannot_be_signed_twice():
    signed = sign(small_pdf())
    with pytest.raises(SigningConflict) as refused:
        sign(signed)
    assert refused.value.status == 409
    assert "ttd_pegawai" in refused.value.message.id


def test_a_file_that_is_not_a_pdf_is_refused_with_a_clear_message():
    with pytest.raises(SigningError) as refused:
        sign(b"%PDF-1.7 nothing else")
    assert refused.value.message.id == "Berkas bukan PDF yang dapat dibaca."


def test_one_changed_byte_in_a_signed_pdf_fails_validation():
    signed = bytearray(sign(small_pdf()))
    at = signed.find(b"SASARAN KINERJA PEGAWAI")
    signed[at] = ord("X")

    report = validate_pdf(bytes(signed))

    assert not report.ok
    assert report.signatures and not report.signatures[0].intact


def test_content_added_after_signing_fails_validation_as_modified():
    signed = sign(small_pdf())
    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    stamp = generic.StreamObject(stream_data=b"BT /F1 24 Tf 72 600 Td (Sangat Baik) Tj ET")
    writer.add_stream_to_page(0, writer.add_object(stamp))
    out = io.BytesIO()
    writer.write(out)

    report = validate_pdf(out.getvalue())

    assert not report.ok
    [sig] = report.signatures
    assert sig.intact  # the signed revision itself is untouched ...
    assert sig.modified_after  # ... but the document was changed after it


def test_a_signature_from_an_unknown_ca_is_intact_but_not_trusted(settings):
    signed = sign(small_pdf())
    settings.KINERJA_SIGNING_TRUST_ROOTS = []

    report = validate_pdf(signed)

    assert not report.ok
    assert report.signatures[0].intact and not report.signatures[0].trusted


def test_an_unsigned_pdf_is_readable_but_not_signed_and_garbage_is_unreadable():
    unsigned = validate_pdf(small_pdf())
    assert unsigned.readable and not unsigned.signed and not unsigned.ok
    garbage = validate_pdf(b"not a pdf at all")
    assert not garbage.readable and not garbage.ok


def test_a_missing_passphrase_is_a_configuration_error_not_a_signature(monkeypatch):
    monkeypatch.delenv("TEST_P12_PASSPHRASE")
    with pytest.raises(SigningNotConfigured) as refused:
        sign(small_pdf())
    assert refused.value.status == 503


def test_a_wrong_pkcs12_passphrase_in_settings_signs_nothing(monkeypatch):
    monkeypatch.setenv("TEST_P12_PASSPHRASE", "wrong")
    with pytest.raises(SigningNotConfigured):
        sign(small_pdf())


def test_a_personal_pkcs12_is_preferred_to_the_agency_one(pki):
    ca.write_private(
        pki.folder / "PEMKAB" / "199001012020012001.p12",
        ca.signer_pkcs12(
            pki.authority,
            common_name="Ni Luh Putu Ayu",
            organisation="Pemkab",
            passphrase=P12_PASSPHRASE.encode(),
        ),
    )
    try:
        report = validate_pdf(sign(small_pdf()))
    finally:
        (pki.folder / "PEMKAB" / "199001012020012001.p12").unlink()
    assert report.ok and report.signatures[0].signer == "Ni Luh Putu Ayu"


def test_signing_and_validation_work_where_an_event_loop_runs():
    """pyHanko's sync API starts its own loop; in a thread already running one (an async
    view, a browser-driving test) it would refuse: there it runs in a thread of its own."""

    async def inside_a_loop():
        signed = sign(small_pdf())
        return validate_pdf(signed)

    # A thread of its own, so this test's loop is the only one whatever ran before here.
    with ThreadPoolExecutor(max_workers=1) as pool:
        assert pool.submit(asyncio.run, inside_a_loop()).result().ok
