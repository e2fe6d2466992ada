"""Issuing the official documents: the PDF's SHA-256 on the audit chain, in the same transaction.

PermenPANRB 6/2022 has documents at four moments of the appraisal: the plan is
set (SKP), the result is issued, an appeal is decided (the result as decided)
and the follow-up is decided (Dokumen Evaluasi Kinerja, with the decision).
At each, `document_issue` renders the document from the record as the
transition left it, keeps its bytes, appends `document.issued` with the hash
to the appraisal's chain and marks the earlier document of the same kind as
superseded — all inside the transition's transaction (the engine's
`transition_applied`, sent after the transition's own event with the row
still locked), so a rolled-back transition leaves no document and an issued
document is never missing from the chain.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model

from audit.models import AuditEvent
from workflow.records import audit_record

from ..documents import Stamp, document_render, sha256_of, verification_code, verify_url
from ..models import Appraisal, IssuedDocument
from ..selectors.documents import document_current_of
from ..states import STATES

KIND = IssuedDocument.Kind
# transition -> the document it issues.
ISSUED_BY = {
    "approve_plan": KIND.SKP,
    "issue_result": KIND.EVALUATION,
    "decide_appeal": KIND.EVALUATION,
    "approve_decision": KIND.EVALUATION,
}
STATE_LABELS = {s.name: s.label.id for s in STATES}


def document_stamp(*, appraisal: Appraisal, kind: str, period: int | None, at) -> Stamp:
    code = verification_code(
        appraisal=appraisal, kind=kind, period=period, version=appraisal.version
    )
    return Stamp(
        code=code,
        at=at,
        state_label=STATE_LABELS.get(appraisal.state, appraisal.state),
        version=appraisal.version,
        verify_url=verify_url(code),
    )


def document_issue(
    *,
    appraisal: Appraisal,
    kind: str,
    actor,
    at,
    transition: str = "",
    period: int | None = None,
) -> IssuedDocument:
    """Issue `kind` for `appraisal` as it is now. The caller holds the appraisal's row lock
    in its transaction (the engine's transition does)."""
    stamp = document_stamp(appraisal=appraisal, kind=kind, period=period, at=at)
    data = document_render(appraisal, kind, stamp=stamp, period=period)
    digest = sha256_of(data)
    previous = document_current_of(appraisal=appraisal, kind=kind, period=period)
    document = IssuedDocument.objects.create(
        appraisal=appraisal,
        kind=kind,
        period=period,
        code=stamp.code,
        sha256=digest,
        size=len(data),
        content=data,
        appraisal_state=appraisal.state,
        appraisal_version=appraisal.version,
        transition=transition,
        issued_at=at,
        issued_by=actor,
    )
    if previous is not None:
        previous.superseded_by = document
        previous.superseded_at = at
        previous.save(update_fields=["superseded_by", "superseded_at"])
    audit_record(
        appraisal,
        actor=actor,
        action="document.issued",
        locked=appraisal,
        at=at,
        scope=appraisal.unit.path,
        # Not a transition: the appraisal stays in its state (the verifier reads it so).
        from_state=appraisal.state,
        to_state=appraisal.state,
        changes={
            "document.kind": [None, kind],
            "document.period": [None, period],
            "document.sha256": [previous.sha256 if previous else None, digest],
            "document.code": [previous.code if previous else None, stamp.code],
            "document.appraisal_version": [None, appraisal.version],
        },
    )
    return document


def document_issue_on_transition(
    sender, *, obj, workflow, transition, actor_id, audit_event_id, **kwargs
):
    """`transition_applied` receiver: the transitions of ISSUED_BY issue their document."""
    if workflow != "appraisal" or transition not in ISSUED_BY:
        return
    at = AuditEvent.objects.values_list("at", flat=True).get(pk=audit_event_id)
    actor = get_user_model().objects.get(pk=actor_id)
    document_issue(
        appraisal=obj, kind=ISSUED_BY[transition], actor=actor, at=at, transition=transition
    )
