"""Signing a document of an appraisal: an audited action on the appraisal's chain.

Who signs what (PermenPANRB 6/2022 annexes; PP 30/2019 Pasal 59):
- the SKP, once agreed: the employee signs it and the appraiser sets (signs) it;
- the Dokumen Evaluasi Kinerja, once the result is issued: the appraiser signs it and the
  employee signs for its receipt;
- the appeal decision, once decided: whoever decided it signs - the appraiser's superior,
  or the authority where the regulation's fallback had them decide.

`document_sign` checks the signer, has the agency's backend add the signature,
and appends `document.signed` with the SHA-256 of the input and of the signed
result to the appraisal's chain through the engine's change path (row locked,
version bumped, one transaction). The signature is made before the row is
locked - a remote service may take its full timeout, and holding the
appraisal's lock that long would stall every other write on it - and the
signer's right is checked again under the lock. Any failure (refused
credentials, service down, a rule no longer met) returns no document and
records nothing; the same call can simply be made again.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from django.utils import timezone
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader

from workflow import services as engine
from workflow.errors import ActionForbidden, PayloadInvalid, Problem, StateConflict
from workflow.text import Text

from ..models import Appraisal, IssuedDocument
from ..policies import appraisal_roles
from .backends import Credentials, SignRequest, backend_for
from .errors import SigningError, SigningUnavailable
from .pades import NOT_A_PDF

AFTER_PLAN = (
    "in_progress",
    "self_assessed",
    "reviewed",
    "discussed",
    "result_issued",
    "appealed",
    "final",
    "decision_proposed",
    "decided",
)
AFTER_RESULT = ("result_issued", "appealed", "final", "decision_proposed", "decided")
AFTER_APPEAL = ("final", "decision_proposed", "decided")
ROLE_LABELS = {
    "employee": Text(id="pegawai yang dinilai", en="the appraised employee"),
    "appraiser": Text(id="pejabat penilai kinerja", en="the appraiser"),
    "appeal_reviewer": Text(id="atasan pejabat penilai kinerja", en="the appraiser's superior"),
    "authority": Text(id="pejabat yang berwenang", en="the authority"),
}
MAX_PDF_BYTES = 20 * 1024 * 1024
# The issued document each signable kind is: the appeal decision is signed on the
# Dokumen Evaluasi Kinerja that `decide_appeal` issues.
REGISTRY_KIND = {"skp": "skp", "evaluation": "evaluation", "appeal_decision": "evaluation"}
NOT_ISSUED = Text(
    id="Berkas ini bukan dokumen yang diterbitkan Kinerja untuk penilaian ini; unduh "
    "dokumennya dari halaman penilaian, lalu tanda tangani berkas itu.",
    en="This file is not a document Kinerja issued for this appraisal; download the document "
    "from the appraisal page and sign that file.",
)
SUPERSEDED = Text(
    id="Dokumen ini sudah digantikan oleh dokumen yang lebih baru; tanda tangani yang terbaru.",
    en="This document was superseded by a newer one; sign the latest.",
)


@dataclass(frozen=True)
class DocumentKind:
    label: Text
    signers: tuple[str, ...]  # roles that sign it, in the order they usually do
    states: tuple[str, ...]  # states in which the document exists and may be signed


KINDS = {
    "skp": DocumentKind(
        Text(id="SKP", en="performance plan (SKP)"), ("employee", "appraiser"), AFTER_PLAN
    ),
    "evaluation": DocumentKind(
        Text(id="Dokumen Evaluasi Kinerja", en="performance evaluation document"),
        ("appraiser", "employee"),
        AFTER_RESULT,
    ),
    "appeal_decision": DocumentKind(
        Text(id="keputusan atas keberatan", en="appeal decision"),
        ("appeal_reviewer", "authority"),
        AFTER_APPEAL,
    ),
}


@dataclass(frozen=True)
class Signed:
    pdf: bytes
    sha256: str
    role: str
    field: str


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _signer_role(appraisal: Appraisal, actor, kind: str, role: str | None) -> str:
    """The role in which `actor` signs this document (403 when they sign none of it)."""
    spec = KINDS[kind]
    held = appraisal_roles(appraisal, actor) & set(spec.signers)
    if kind == "appeal_decision":
        # The one who decided signs the decision: the reviewer, or the authority standing in.
        decided = appraisal.appeals.exclude(outcome="").order_by("-decided_at").first()
        if decided is None or decided.decided_by_id != actor.pk:
            held = set()
    if role is not None:
        held &= {role}
    if not held:
        signers = ", ".join(ROLE_LABELS[r].id for r in spec.signers)
        signers_en = ", ".join(ROLE_LABELS[r].en for r in spec.signers)
        raise ActionForbidden(
            Text(
                id=f"{spec.label.id} ditandatangani oleh {signers}; Anda tidak dapat "
                "menandatanganinya.",
                en=f"The {spec.label.en} is signed by {signers_en}; you cannot sign it.",
            )
        )
    return next(r for r in spec.signers if r in held)


def _check_state(appraisal: Appraisal, kind: str) -> None:
    spec = KINDS[kind]
    if appraisal.state not in spec.states:
        raise StateConflict(
            Text(
                id=f"{spec.label.id} belum dapat ditandatangani pada status ini.",
                en=f"The {spec.label.en} cannot be signed in this state.",
            )
        )


def document_sign_check(appraisal: Appraisal, *, kind: str, actor, role: str | None = None) -> str:
    """The role in which `actor` may sign `kind` of `appraisal` now; raises why not."""
    if kind not in KINDS:
        raise PayloadInvalid(
            Text(id="Jenis dokumen tidak dikenal.", en="Unknown document kind."),
            [
                Problem(
                    code="invalid",
                    field="kind",
                    message=Text(
                        id=f"Pilih salah satu: {', '.join(KINDS)}.",
                        en=f"Choose one of: {', '.join(KINDS)}.",
                    ),
                )
            ],
        )
    signer_role = _signer_role(appraisal, actor, kind, role)
    _check_state(appraisal, kind)
    return signer_role


def _signature_count(pdf: bytes) -> int:
    try:
        return len(PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures)
    except (PdfError, ValueError, KeyError, TypeError, IndexError, AttributeError) as exc:
        raise PayloadInvalid(
            NOT_A_PDF, [Problem(code="not_a_pdf", message=NOT_A_PDF, field="file")]
        ) from exc


def _issued_original(appraisal: Appraisal, kind: str, pdf: bytes) -> IssuedDocument:
    """The issued original `pdf` is (itself, or a signed copy of it): only what Kinerja
    issued for this appraisal is signed, so every signature rests on a hash on the chain."""
    found = (
        IssuedDocument.objects.filter(
            appraisal=appraisal, kind=REGISTRY_KIND[kind], sha256=sha256(pdf)
        )
        .select_related("signed_from")
        .defer("content", "signed_from__content")
        .first()
    )
    if found is None:
        raise PayloadInvalid(
            NOT_ISSUED, [Problem(code="not_issued", message=NOT_ISSUED, field="file")]
        )
    original = found.signed_from or found
    if original.superseded_by_id is not None:
        raise StateConflict(SUPERSEDED)
    return original


def _signer_identity(appraisal: Appraisal, actor, role: str) -> tuple[str, str]:
    person = {
        "employee": appraisal.employee,
        "appraiser": appraisal.appraiser,
        "appeal_reviewer": appraisal.appeal_reviewer,
    }.get(role)
    if person is None:
        person = getattr(actor, "employee", None)
    if person is not None:
        return person.name, person.nip
    return actor.get_full_name() or actor.get_username(), ""


def document_sign(
    appraisal: Appraisal,
    *,
    kind: str,
    pdf: bytes,
    actor,
    role: str | None = None,
    credentials: Credentials | None = None,
) -> Signed:
    """`pdf` (a document of `appraisal`) signed by `actor`, the signing recorded on the chain."""
    appraisal = Appraisal.objects.select_related(
        "cycle__instansi", "employee", "appraiser", "appeal_reviewer", "unit"
    ).get(pk=appraisal.pk)
    signer_role = document_sign_check(appraisal, kind=kind, actor=actor, role=role)
    if not pdf or len(pdf) > MAX_PDF_BYTES:
        raise PayloadInvalid(
            NOT_A_PDF, [Problem(code="not_a_pdf", message=NOT_A_PDF, field="file")]
        )
    before = _signature_count(pdf)
    original = _issued_original(appraisal, kind, pdf)
    name, nip = _signer_identity(appraisal, actor, signer_role)
    instansi = appraisal.cycle.instansi
    spec = KINDS[kind]
    request = SignRequest(
        pdf=pdf,
        role=signer_role,
        signer_name=name,
        signer_nip=nip,
        reason=f"{spec.label.id} {appraisal.cycle.name}: {ROLE_LABELS[signer_role].id}",
        agency=instansi.code,
        location=instansi.name,
        credentials=credentials or Credentials(),
    )
    backend = backend_for(instansi.code)
    signed = backend.sign(request)
    if _signature_count(signed) != before + 1:
        raise SigningUnavailable(
            Text(
                id="Penanda tangan tidak mengembalikan dokumen bertanda tangan; tidak ada yang "
                "dicatat. Silakan coba lagi.",
                en="The signer did not return a signed document; nothing was recorded. "
                "Please try again.",
            )
        )
    digest_in, digest_out = sha256(pdf), sha256(signed)

    def apply(locked: Appraisal):
        # Checked again under the lock: the state or the people may have changed meanwhile.
        document_sign_check(locked, kind=kind, actor=actor, role=signer_role)
        # The signed copy is registered beside its original: the verification page
        # recognises its bytes (and names the original's code and state).
        IssuedDocument.objects.create(
            appraisal=locked,
            kind=original.kind,
            period=original.period,
            code=original.code,
            sha256=digest_out,
            size=len(signed),
            content=signed,
            appraisal_state=locked.state,
            appraisal_version=locked.version + 1,
            transition="document.signed",
            issued_at=timezone.now(),
            issued_by=actor,
            signed_from=original,
        )
        return None, {
            f"signature[{kind}].{signer_role}": [digest_in, digest_out],
            "signature.backend": [None, backend.name],
            "signature.document_code": [None, original.code],
        }

    engine.change(appraisal, actor=actor, action="document.signed", apply=apply)
    return Signed(pdf=signed, sha256=digest_out, role=signer_role, field=request.field_name)


__all__ = ["KINDS", "Credentials", "Signed", "SigningError", "document_sign", "document_sign_check"]
