"""Issuing the official documents: the PDF's SHA-256 on the audit chain, in the same transaction.

PermenPANRB 6/2022 has documents at four moments of the appraisal: the plan is
set (SKP), the result is issued, an appeal is decided (the result as decided)
and the follow-up is decided (Dokumen Evaluasi Kinerja, with the decision).
Those transitions' effects (`effects.issuing`, in the table) end with
`document_issue`: it renders the document from the record as the transition
leaves it (its new state and version), keeps the bytes, marks the earlier
document of the same kind as superseded, and returns the hash and code as
changes of the transition's own audit event. So the hash is on the chain in
the very event that issued it, a rolled-back transition leaves no document,
and every event still moves the version by one (a deleted tail shows).
"""

from __future__ import annotations

from ..documents import Stamp, document_render, sha256_of, verification_code, verify_url
from ..models import Appraisal, Cycle, Employee, IssuedDocument, Unit
from ..selectors.documents import document_current_of
from ..states import STATES

STATE_LABELS = {s.name: s.label.id for s in STATES}


def document_stamp(
    *, appraisal: Appraisal, kind: str, period: int | None, at, version: int | None = None
) -> Stamp:
    """The stamp of `kind` for `appraisal` in its state and `version` (default: its own)."""
    version = appraisal.version if version is None else version
    code = verification_code(appraisal=appraisal, kind=kind, period=period, version=version)
    return Stamp(
        code=code,
        at=at,
        state_label=STATE_LABELS.get(appraisal.state, appraisal.state),
        version=version,
        verify_url=verify_url(code),
    )


def _people_and_places(appraisal: Appraisal) -> None:
    """Load what every form prints beside the record in two queries, not one per person: the
    units and positions of the employee, appraiser and appeal reviewer, and the agency."""
    people = [p for p in (appraisal.employee, appraisal.appraiser, appraisal.appeal_reviewer) if p]
    loaded = Employee.objects.select_related("unit", "position").in_bulk([p.pk for p in people])
    for person in people:
        if person.pk in loaded:
            person.unit = loaded[person.pk].unit
            person.position = loaded[person.pk].position
    cycle = appraisal.cycle
    if not Cycle.instansi.field.is_cached(cycle):
        cycle.instansi = Unit.objects.get(pk=cycle.instansi_id)


def document_issue(
    *,
    appraisal: Appraisal,
    kind: str,
    actor,
    at,
    version: int,
    transition: str = "",
    period: int | None = None,
) -> tuple[IssuedDocument, dict]:
    """Issue `kind` for `appraisal` as it is now, showing `version`; the document and the
    changes for the audit event that issues it. Inside the caller's transaction, the
    appraisal's row locked (a transition's effect)."""
    stamp = document_stamp(appraisal=appraisal, kind=kind, period=period, at=at, version=version)
    _people_and_places(appraisal)
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
        appraisal_version=version,
        transition=transition,
        issued_at=at,
        issued_by=actor,
    )
    if previous is not None:
        previous.superseded_by = document
        previous.superseded_at = at
        previous.save(update_fields=["superseded_by", "superseded_at"])
    changes = {
        "document.kind": [previous.kind if previous else None, kind],
        "document.sha256": [previous.sha256 if previous else None, digest],
        "document.code": [previous.code if previous else None, stamp.code],
    }
    if period is not None:
        changes["document.period"] = [None, period]
    return document, changes
