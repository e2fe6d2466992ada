"""What the user may sign now on the appraisal page's Dokumen section (issue #15)."""

from __future__ import annotations

from workflow.errors import WorkflowError
from workflow.text import Text

from ..models import Appraisal
from ..selectors.documents import document_current_of, document_signed_latest_of
from ..signatures.backends import FIELD_NAMES, backend_for
from ..signatures.errors import SigningError
from ..signatures.pades import filled_fields
from ..signatures.services import KINDS, ROLE_LABELS, document_sign_check

# The signable kinds each issued document offers (the appeal decision is signed on the
# Dokumen Evaluasi Kinerja that deciding the appeal issues).
SIGN_KINDS = {"skp": ("skp",), "evaluation": ("evaluation", "appeal_decision")}
ROLE_OF_FIELD = {name: role for role, name in FIELD_NAMES.items()}
NOT_ISSUED_YET = Text(
    id="Dokumen ini belum diterbitkan; belum ada yang dapat ditandatangani.",
    en="This document has not been issued yet; there is nothing to sign.",
)


def uses_bsre(appraisal: Appraisal) -> bool:
    """Whether the agency signs through BSrE (the signer then gives NIK and passphrase)."""
    try:
        return backend_for(appraisal.cycle.instansi.code).name == "bsre"
    except SigningError:
        return False


def signed_roles(pdf: bytes) -> list[str]:
    try:
        names = filled_fields(pdf)
    except SigningError:
        return []
    return [role for name, role in ROLE_OF_FIELD.items() if name in names]


def current_documents(appraisal: Appraisal, registry_kind: str):
    """(the current issued original, its latest signed copy, the bytes to sign next)."""
    original = document_current_of(appraisal=appraisal, kind=registry_kind)
    if original is None:
        return None, None, b""
    copy = document_signed_latest_of(original=original)
    return original, copy, bytes((copy or original).content)


def sign_offers(appraisal: Appraisal, user, documents: list[dict]) -> list[dict]:
    """The appraisal page's documents, each with what `user` may sign on it now."""
    for d in documents:
        d["offers"] = []
        if d["issued"] is None:
            continue
        done_roles = None
        for kind in SIGN_KINDS[d["kind"]]:
            try:
                role = document_sign_check(appraisal, kind=kind, actor=user)
            except WorkflowError:
                continue
            if done_roles is None:
                _original, _copy, pdf = current_documents(appraisal, d["kind"])
                done_roles = signed_roles(pdf)
            d["offers"].append(
                {
                    "kind": kind,
                    "label": KINDS[kind].label,
                    "role_label": ROLE_LABELS[role],
                    "done": role in done_roles,
                }
            )
    return documents
