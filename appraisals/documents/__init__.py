"""Official documents: the SKP and the Dokumen Evaluasi Kinerja as deterministic PDFs.

`document_render` lays out what the record holds (forms.py, the PermenPANRB
6/2022 annex forms) on A4 pages with the embedded DejaVu font (layout.py). With
a `Stamp` it is an issued document: every page carries the verification code
and a QR code of the public verification page; without one it is a draft.
Issuing (the hash on the audit chain, the row that answers verification) is
`services/documents.py`.
"""

from __future__ import annotations

import base64
import hashlib
from urllib.parse import urlencode

from django.conf import settings
from django.utils import timezone
from django.utils.crypto import salted_hmac

from ..models import Appraisal, IssuedDocument
from .forms import evaluation_story, skp_story
from .layout import Stamp, build

__all__ = ["Stamp", "code_normalise", "document_render", "sha256_of", "verification_code"]

KIND = IssuedDocument.Kind
TITLES = {KIND.SKP: "Sasaran Kinerja Pegawai", KIND.EVALUATION: "Dokumen Evaluasi Kinerja"}
CODE_LENGTH = 10


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def verification_code(*, appraisal: Appraisal, kind: str, period: int | None, version: int) -> str:
    """Short, not guessable from the ids, and the same for the same record in the same state.

    An HMAC under the deployment's secret of what identifies the document, in
    base32 (no 0/1/8/9 to misread), as two groups of five: `ABCDE-FGHJK`.
    """
    digest = salted_hmac(
        "kinerja.documents.code", f"{appraisal.pk}:{kind}:{period or 0}:{version}"
    ).digest()
    text = base64.b32encode(digest).decode()[:CODE_LENGTH]
    return f"{text[:5]}-{text[5:]}"


def code_normalise(value: str) -> str:
    """What a person typed (any case, spaces, with or without the dash) as stored."""
    text = "".join(ch for ch in str(value).upper() if ch.isalnum())[:CODE_LENGTH]
    return f"{text[:5]}-{text[5:]}" if len(text) == CODE_LENGTH else text


def verify_url(code: str) -> str:
    """The public verification page for `code`, as printed and in the QR code."""
    base = settings.KINERJA_PUBLIC_URL.rstrip("/")
    return f"{base}/verifikasi/?{urlencode({'kode': code})}"


def document_render(
    appraisal: Appraisal, kind: str, *, stamp: Stamp | None, period: int | None = None
) -> bytes:
    """The PDF of `kind` for `appraisal` as it is now; issued when `stamp` is given.

    The creation date and every date printed come from the record (the stamp's
    time, or for a draft the appraisal's last change), never from the clock.
    """
    at = stamp.at if stamp else appraisal.updated_at
    on = timezone.localtime(at).date()
    if kind == KIND.SKP:
        story = skp_story(appraisal, on=on)
    elif kind == KIND.EVALUATION:
        story = evaluation_story(appraisal, on=on, period=period)
    else:
        raise ValueError(f"unknown document kind {kind!r}")
    employee = appraisal.employee
    title = f"{TITLES[kind]} · {employee.name}"
    header = f"Kinerja · {TITLES[kind]} · {employee.name} · NIP {employee.nip}"
    return build(story, title=title, header=header, at=at, stamp=stamp)
