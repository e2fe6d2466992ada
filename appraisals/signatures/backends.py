"""The signing backend: one interface, chosen by settings per agency.

`KINERJA_SIGNING_BACKEND` names the default backend class by dotted path;
`KINERJA_SIGNING_AGENCIES` maps an agency (the instansi unit's code) to its
own options, which may name another backend:

    KINERJA_SIGNING_BACKEND = "appraisals.signatures.local.LocalPkcs12Signer"
    KINERJA_SIGNING_AGENCIES = {
        "PEMKAB": {"pkcs12": "/etc/kinerja/pemkab.p12", "passphrase_env": "PEMKAB_P12_PASS"},
        "PEMPROV": {"backend": "appraisals.signatures.bsre.BsreSigner",
                    "url": "https://esign.example.go.id", "username_env": "...", ...},
    }

Secrets (PKCS#12 passphrases, the service's basic-auth password) are read
from the environment variable an option names, or from the option itself
in settings; never from the database. A signer's own passphrase for a
remote service is given at signing time and kept nowhere.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

from workflow.text import Text

from .errors import SigningNotConfigured

DEFAULT_BACKEND = "appraisals.signatures.local.LocalPkcs12Signer"
# The three signature fields a document may carry, one per signer (PermenPANRB 6/2022 annexes:
# the employee's, the appraiser's and, on an appeal decision, the appraiser's superior's).
FIELD_NAMES = {
    "employee": "ttd_pegawai",
    "appraiser": "ttd_pejabat_penilai",
    "appeal_reviewer": "ttd_atasan_pejabat_penilai",
    # PP 30/2019 Pasal 59 fallback: with no appraiser's superior, the authority decides (and signs).
    "authority": "ttd_pejabat_berwenang",
}


@dataclass(frozen=True)
class Credentials:
    """What a person gives to sign with a remote service. Never stored, never printed."""

    nik: str = ""
    passphrase: str = field(default="", repr=False)


@dataclass(frozen=True)
class SignRequest:
    """One signature to add to `pdf`, as an incremental update."""

    pdf: bytes = field(repr=False)
    role: str  # a key of FIELD_NAMES
    signer_name: str
    signer_nip: str
    reason: str
    agency: str  # the instansi unit's code
    location: str = ""
    credentials: Credentials = field(default_factory=Credentials)

    @property
    def field_name(self) -> str:
        return FIELD_NAMES[self.role]


class SigningBackend:
    """Adds one PAdES signature to a PDF; returns the new bytes or raises a SigningError.

    A backend never returns a half-signed document: either the whole signed
    PDF or an error, and the caller records nothing on an error.
    """

    name = "abstract"

    def __init__(self, *, agency: str, options: dict[str, Any]):
        self.agency = agency
        self.options = options

    def sign(self, request: SignRequest) -> bytes:  # pragma: no cover - interface
        raise NotImplementedError

    def option(self, key: str, default: Any = None) -> Any:
        return self.options.get(key, default)

    def secret(self, key: str) -> str:
        """A secret option: from the environment variable `<key>_env` names, else the option."""
        env_name = self.options.get(f"{key}_env")
        if env_name:
            value = os.environ.get(env_name, "")
            if value:
                return value
        value = self.options.get(key, "")
        if not value:
            raise SigningNotConfigured(
                Text(
                    id=f"Tanda tangan elektronik instansi {self.agency} belum dikonfigurasi "
                    f"({key}).",
                    en=f"Electronic signing is not configured for agency {self.agency} ({key}).",
                )
            )
        return str(value)


def agency_options(agency: str) -> dict[str, Any]:
    """The options for `agency`: the shared defaults overlaid with the agency's own."""
    defaults = dict(getattr(settings, "KINERJA_SIGNING_OPTIONS", {}) or {})
    own = (getattr(settings, "KINERJA_SIGNING_AGENCIES", {}) or {}).get(agency, {})
    return {**defaults, **own}


def backend_for(agency: str) -> SigningBackend:
    options = agency_options(agency)
    path = options.pop("backend", None) or getattr(
        settings, "KINERJA_SIGNING_BACKEND", DEFAULT_BACKEND
    )
    try:
        cls = import_string(path)
    except ImportError as exc:
        raise SigningNotConfigured(
            Text(
                id=f"Backend tanda tangan '{path}' tidak ditemukan.",
                en=f"Signing backend '{path}' not found.",
            )
        ) from exc
    return cls(agency=agency, options=options)
