"""Signing fixtures: the test CA and agency PKCS#12 (once per process), settings, a fake BSrE."""

from __future__ import annotations

import pytest

from .pki import BSRE_PASSWORD, BSRE_USER, P12_PASSPHRASE, FakeBsre, make_pki


@pytest.fixture(scope="session")
def pki(tmp_path_factory):
    return make_pki(tmp_path_factory.mktemp("signing"))


@pytest.fixture
def local_signing(settings, pki, monkeypatch):
    """The default backend: the agency's PKCS#12 from a folder, its passphrase from the env."""
    monkeypatch.setenv("TEST_P12_PASSPHRASE", P12_PASSPHRASE)
    settings.KINERJA_SIGNING_BACKEND = "appraisals.signatures.local.LocalPkcs12Signer"
    settings.KINERJA_SIGNING_OPTIONS = {
        "pkcs12_dir": str(pki.folder),
        "passphrase_env": "TEST_P12_PASSPHRASE",
        "visible": True,
    }
    settings.KINERJA_SIGNING_AGENCIES = {}
    settings.KINERJA_SIGNING_TRUST_ROOTS = [str(pki.folder / "ca.pem")]
    return pki


@pytest.fixture
def fake_bsre(pki):
    fake = FakeBsre(signer=pki.bsre_signer).start()
    yield fake
    fake.stop()


@pytest.fixture
def bsre_signing(settings, pki, fake_bsre, monkeypatch, tmp_path):
    """The PEMKAB agency signs through (the fake) BSrE; the account's password from the env."""
    monkeypatch.setenv("TEST_BSRE_PASSWORD", BSRE_PASSWORD)
    (tmp_path / "bsre-root.pem").write_bytes(pki.bsre_authority.pem)
    settings.KINERJA_SIGNING_OPTIONS = {}
    settings.KINERJA_SIGNING_AGENCIES = {
        "PEMKAB": {
            "backend": "appraisals.signatures.bsre.BsreSigner",
            "url": fake_bsre.url,
            "username": BSRE_USER,
            "password_env": "TEST_BSRE_PASSWORD",
            "timeout": 5,
        }
    }
    settings.KINERJA_SIGNING_TRUST_ROOTS = [str(tmp_path / "bsre-root.pem")]
    return fake_bsre
