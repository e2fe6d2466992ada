"""`manage.py signing_demo_ca`: a demo CA and PKCS#12 files the local signer then uses."""

from __future__ import annotations

import stat

import pytest
from django.core.management import CommandError, call_command

from appraisals.signatures.backends import SignRequest, backend_for
from appraisals.signatures.validation import validate_pdf

from .pki import small_pdf

PASSPHRASE = "demo-ca-Passphrase-31"  # noqa: S105 - test material


def test_refused_without_a_passphrase_in_the_environment(org, tmp_path, monkeypatch):
    monkeypatch.delenv("KINERJA_SIGNING_PKCS12_PASSPHRASE", raising=False)
    with pytest.raises(CommandError, match="KINERJA_SIGNING_PKCS12_PASSPHRASE"):
        call_command("signing_demo_ca", "--dir", str(tmp_path), "--force")


def test_refused_outside_debug_without_force(org, tmp_path, monkeypatch):
    monkeypatch.setenv("KINERJA_SIGNING_PKCS12_PASSPHRASE", PASSPHRASE)
    with pytest.raises(CommandError, match="--force"):
        call_command("signing_demo_ca", "--dir", str(tmp_path))


def test_files_per_agency_and_person_sign_documents_that_validate(
    org, tmp_path, monkeypatch, settings
):
    monkeypatch.setenv("KINERJA_SIGNING_PKCS12_PASSPHRASE", PASSPHRASE)
    call_command("signing_demo_ca", "--dir", str(tmp_path), "--people", "--force")

    assert (tmp_path / "ca.pem").is_file() and (tmp_path / "PEMKAB.p12").is_file()
    personal = tmp_path / "PEMKAB" / f"{org.employee.nip}.p12"
    assert personal.is_file()
    for key in (tmp_path / "ca.key", tmp_path / "PEMKAB.p12", personal):
        assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert PASSPHRASE.encode() not in (tmp_path / "ca.key").read_bytes()

    settings.KINERJA_SIGNING_BACKEND = "appraisals.signatures.local.LocalPkcs12Signer"
    settings.KINERJA_SIGNING_OPTIONS = {
        "pkcs12_dir": str(tmp_path),
        "passphrase_env": "KINERJA_SIGNING_PKCS12_PASSPHRASE",
    }
    settings.KINERJA_SIGNING_AGENCIES = {}
    settings.KINERJA_SIGNING_TRUST_ROOTS = [str(tmp_path / "ca.pem")]
    signed = backend_for("PEMKAB").sign(
        SignRequest(
            pdf=small_pdf(),
            role="employee",
            signer_name=org.employee.name,
            signer_nip=org.employee.nip,
            reason="SKP",
            agency="PEMKAB",
        )
    )
    report = validate_pdf(signed)
    assert report.ok and report.signatures[0].signer == org.employee.name

    # Run again: the CA is reused, so the earlier signature still chains to ca.pem.
    call_command("signing_demo_ca", "--dir", str(tmp_path), "--force")
    assert validate_pdf(signed).ok
