"""Validate every PAdES signature of a PDF: who, when, intact, trusted, modified afterwards.

Trust comes from the configured roots only (`KINERJA_SIGNING_TRUST_ROOTS`:
PEM or DER files, e.g. the agency's test CA or BSrE's root), never from the
operating system's store. Revocation is checked where the certificates say
how (soft-fail: an unreachable CRL does not fail a signature offline).
A later revision that only adds signatures (form filling) is allowed; any
other change after a signature - new page content, a changed value, one
changed byte - fails validation.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path

from asn1crypto import pem, x509
from django.conf import settings
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.status import ModificationLevel
from pyhanko_certvalidator import ValidationContext

from .sync import outside_loop

ALLOWED_AFTER = (
    ModificationLevel.NONE,
    ModificationLevel.LTA_UPDATES,
    ModificationLevel.FORM_FILLING,
)


@dataclass(frozen=True)
class SignatureReport:
    field: str
    signer: str  # the certificate's subject common name
    signer_subject: str  # the whole subject, human readable
    name: str  # /Name of the signature dictionary (the person, when the certificate is an agency's)
    reason: str
    signed_at: dt.datetime | None  # as the signer reports it (PAdES-B-B has no timestamp)
    intact: bool  # the signed bytes are unchanged and the signature matches them
    valid: bool  # the signature is cryptographically valid
    trusted: bool  # the certificate chains to a configured root
    modified_after: bool  # the document was changed after signing beyond adding signatures
    covers_whole_file: bool
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.intact and self.valid and self.trusted and not self.modified_after

    def as_dict(self) -> dict:
        return {
            "field": self.field,
            "signer": self.signer,
            "signer_subject": self.signer_subject,
            "name": self.name,
            "reason": self.reason,
            "signed_at": self.signed_at.isoformat() if self.signed_at else None,
            "intact": self.intact,
            "valid": self.valid,
            "trusted": self.trusted,
            "modified_after": self.modified_after,
            "covers_whole_file": self.covers_whole_file,
            "ok": self.ok,
            "problem": self.problem,
        }


@dataclass(frozen=True)
class ValidationReport:
    readable: bool
    signatures: list[SignatureReport] = field(default_factory=list)
    problem: str = ""

    @property
    def signed(self) -> bool:
        return bool(self.signatures)

    @property
    def ok(self) -> bool:
        """Readable, signed, and every signature intact, trusted and not followed by changes."""
        return self.readable and self.signed and all(s.ok for s in self.signatures)

    def as_dict(self) -> dict:
        return {
            "readable": self.readable,
            "signed": self.signed,
            "ok": self.ok,
            "problem": self.problem,
            "signatures": [s.as_dict() for s in self.signatures],
        }


def _load_certificates(path: Path) -> list[x509.Certificate]:
    data = path.read_bytes()
    if pem.detect(data):
        return [x509.Certificate.load(der) for _kind, _hdr, der in pem.unarmor(data, multiple=True)]
    return [x509.Certificate.load(data)]


def trust_roots(extra: list[bytes] | None = None) -> list[x509.Certificate]:
    roots: list[x509.Certificate] = []
    for name in getattr(settings, "KINERJA_SIGNING_TRUST_ROOTS", []) or []:
        path = Path(name)
        if path.is_file():
            roots.extend(_load_certificates(path))
    for data in extra or []:
        if pem.detect(data):
            roots.extend(
                x509.Certificate.load(der) for _k, _h, der in pem.unarmor(data, multiple=True)
            )
        else:
            roots.append(x509.Certificate.load(data))
    return roots


def _context(roots: list[x509.Certificate]) -> ValidationContext:
    return ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail")


def _text(sig_object, key: str) -> str:
    value = sig_object.get(key)
    return str(value) if value is not None else ""


def _report(embedded, roots) -> SignatureReport:
    cert = embedded.signer_cert
    subject = cert.subject.native if cert is not None else {}
    base = {
        "field": embedded.field_name or "",
        "signer": str(subject.get("common_name", "")),
        "signer_subject": cert.subject.human_friendly if cert is not None else "",
        "name": _text(embedded.sig_object, "/Name"),
        "reason": _text(embedded.sig_object, "/Reason"),
        "signed_at": embedded.self_reported_timestamp,
    }
    try:
        status = outside_loop(validate_pdf_signature, embedded, _context(roots))
    except (SignatureValidationError, PdfError, ValueError, KeyError) as exc:
        return SignatureReport(
            **base,
            intact=False,
            valid=False,
            trusted=False,
            modified_after=True,
            covers_whole_file=False,
            problem=str(exc)[:300],
        )
    level = status.modification_level
    modified = level not in ALLOWED_AFTER or status.docmdp_ok is False
    return SignatureReport(
        **base,
        intact=status.intact,
        valid=status.valid,
        trusted=status.trusted,
        modified_after=modified,
        covers_whole_file=status.coverage is not None and status.coverage.name == "ENTIRE_FILE",
    )


def validate_pdf(data: bytes, *, extra_roots: list[bytes] | None = None) -> ValidationReport:
    """Every signature of `data`, validated against the configured trust roots."""
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        embedded = list(reader.embedded_signatures)
    except (PdfError, ValueError, KeyError, TypeError, IndexError) as exc:
        return ValidationReport(readable=False, problem=str(exc)[:300])
    roots = trust_roots(extra_roots)
    return ValidationReport(readable=True, signatures=[_report(sig, roots) for sig in embedded])


def signature_entries(data: bytes) -> list[dict]:
    """The verification page's view of `data`'s signatures (KINERJA_SIGNATURE_VALIDATOR):
    one JSON-ready entry each — who, when, intact (unchanged, valid, nothing but further
    signatures added after it), trusted — and nothing else of the certificate."""
    report = validate_pdf(data)
    return [
        {
            "signer": s.name or s.signer,
            "signed_at": s.signed_at.isoformat() if s.signed_at else None,
            "intact": s.intact and s.valid and not s.modified_after,
            "trusted": s.trusted,
        }
        for s in report.signatures
    ]
