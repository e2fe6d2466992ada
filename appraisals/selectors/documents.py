"""Reading issued documents: the one an appraisal page serves, and public verification.

Verification answers only what the holder of a document may learn about it:
whether Kinerja issued it, when, in which state of the appraisal, and whether a
later document superseded it. No name, NIP, unit or rating: the holder has
the document; someone holding only a guessed code learns nothing personal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.utils.module_loading import import_string

from ..documents import code_normalise, document_render, sha256_of
from ..models import Appraisal, IssuedDocument
from ..states import STATES

STATE_LABELS = {s.name: s.label for s in STATES}


@dataclass(frozen=True)
class Verification:
    """What the public verification says; `found` False says nothing else."""

    found: bool
    code: str = ""
    kind: str = ""
    kind_label: str = ""
    issued_at: datetime | None = None
    appraisal_state: str = ""
    appraisal_state_label: str = ""
    appraisal_version: int | None = None
    superseded: bool = False
    superseded_at: datetime | None = None
    # The uploaded bytes are a registered signed copy of the issued document.
    signed_copy: bool = False
    # What the configured signature validator said of an uploaded PDF (None: not checked).
    signatures: list | None = field(default=None)


def document_current_of(
    *, appraisal: Appraisal, kind: str, period: int | None = None
) -> IssuedDocument | None:
    """The latest issued original of `kind` (and period) not superseded, if any."""
    return (
        IssuedDocument.objects.filter(
            appraisal=appraisal,
            kind=kind,
            period=period,
            signed_from__isnull=True,
            superseded_by__isnull=True,
        )
        .order_by("-id")
        .first()
    )


def document_signed_latest_of(*, original: IssuedDocument) -> IssuedDocument | None:
    """The latest registered signed copy of the issued `original` (it carries every
    signature made so far: each signer signs the copy before), if any."""
    return IssuedDocument.objects.filter(signed_from=original).order_by("-id").first()


def document_periodic_current_of(*, appraisal: Appraisal) -> dict[int, IssuedDocument]:
    """The current (not superseded) periodic evaluation document of each rated period."""
    documents = IssuedDocument.objects.filter(
        appraisal=appraisal,
        kind=IssuedDocument.Kind.EVALUATION,
        period__isnull=False,
        signed_from__isnull=True,
        superseded_by__isnull=True,
    ).order_by("id")
    return {d.period: d for d in documents.defer("content")}


def document_pdf_of(
    *, appraisal: Appraisal, kind: str, period: int | None = None
) -> tuple[bytes, IssuedDocument | None]:
    """What the appraisal page serves: the current issued document's own bytes (exactly
    what is on the chain, even after the appraisal moved on), or else a draft rendered
    from the record as it is (marked as a draft, no code)."""
    document = document_current_of(appraisal=appraisal, kind=kind, period=period)
    if document is not None:
        return bytes(document.content), document
    return document_render(appraisal, kind, stamp=None, period=period), None


def document_list_of(*, appraisal: Appraisal) -> list[dict]:
    """The appraisal page's document links: the SKP always (a draft until the plan is
    approved); the evaluation once there is a result or an issued one."""
    current = {
        d.kind: d
        for d in IssuedDocument.objects.filter(
            appraisal=appraisal,
            period=None,
            signed_from__isnull=True,
            superseded_by__isnull=True,
        ).defer("content")
    }
    out = []
    for kind in (IssuedDocument.Kind.SKP, IssuedDocument.Kind.EVALUATION):
        issued = current.get(kind)
        if kind == IssuedDocument.Kind.EVALUATION and not (issued or appraisal.result_rating):
            continue
        signed = (
            IssuedDocument.objects.filter(signed_from=issued)
            .defer("content")
            .order_by("-id")
            .first()
            if issued is not None
            else None
        )
        out.append({"kind": str(kind), "label": kind.label, "issued": issued, "signed": signed})
    return out


def _verification(document: IssuedDocument, *, signed_copy: bool = False) -> Verification:
    state = STATE_LABELS.get(document.appraisal_state)
    return Verification(
        found=True,
        code=document.code,
        kind=document.kind,
        kind_label=document.get_kind_display(),
        issued_at=document.issued_at,
        appraisal_state=document.appraisal_state,
        appraisal_state_label=state.id if state else document.appraisal_state,
        appraisal_version=document.appraisal_version,
        superseded=document.superseded_by_id is not None,
        superseded_at=document.superseded_at,
        signed_copy=signed_copy,
    )


def document_verify_code(*, code: str) -> Verification:
    """The issued original printed with `code` (as typed: case, spaces and dash do not matter)."""
    document = IssuedDocument.objects.filter(
        code=code_normalise(code), signed_from__isnull=True
    ).first()
    return _verification(document) if document else Verification(found=False)


def document_verify_bytes(*, data: bytes) -> Verification:
    """Whether these exact bytes are a document Kinerja issued (or a registered signed copy).

    One changed byte changes the SHA-256, so it matches nothing. When a
    signature validator is configured, its report on the PDF is added.
    """
    document = (
        IssuedDocument.objects.filter(sha256=sha256_of(data)).select_related("signed_from").first()
    )
    if document is None:
        result = Verification(found=False)
    elif document.signed_from_id is not None:
        result = _verification(document.signed_from, signed_copy=True)
    else:
        result = _verification(document)
    report = signature_report(data)
    if report is None:
        return result
    return Verification(**{**result.__dict__, "signatures": report})


def signature_report(data: bytes) -> list | None:
    """The configured validator's report on a PDF's signatures (KINERJA_SIGNATURE_VALIDATOR).

    The hook for signed documents (appraisals/signatures, `validate_pdf(bytes)`):
    it answers a JSON-ready list, one entry per signature (who, when, intact).
    Unset: None, and the page says signatures were not checked.
    """
    path = settings.KINERJA_SIGNATURE_VALIDATOR
    if not path:
        return None
    return list(import_string(path)(data))
