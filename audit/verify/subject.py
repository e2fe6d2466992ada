"""One subject verified on its own, for a page that shows one chain.

The same checks as verify_audit, restricted to one subject and a fixed number
of queries: each event's hash, the links and sequence numbers (chains.py),
each sealed event against the checkpoints that sealed it (their signature and
leaves checked too, not their own chain: verify_audit does that), and the
live record against the chain's head. Only the checkpoints covering the
subject's events are read, so a truncated tail whose checkpoint covers none
of the events left goes unnoticed here; the live record's version, which no
longer matches the shortened chain's head, still shows it.
"""

from __future__ import annotations

from django.db.models import OuterRef, Q, Subquery

from ..checkpoints import signature_valid, statement_of
from ..models import AuditEvent, Checkpoint
from . import reader
from .chains import Context, Sealed, check_chains
from .records import check_head, stateful_model
from .report import Report
from .seals import _index, _key, _leaves_match


def _sealed(subject: str, subject_type: str, subject_id: str, report: Report):
    """(the subject's sealed hashes, highest sealed event id), checkpoints checked.

    The checkpoints read are those covering the subject's events now, and those
    whose leaves name the subject (a chain deleted or rewritten from its first
    event has no event left in them); the leaves are JSON text, searched there.
    """
    covering = Checkpoint.objects.filter(last_event_id__gte=OuterRef("id")).order_by("number")
    numbers = (
        AuditEvent.objects.filter(subject_type=subject_type, subject_id=subject_id)
        .order_by()
        .annotate(checkpoint=Subquery(covering.values("number")[:1]))
        .exclude(checkpoint=None)
        .values("checkpoint")
    )
    checkpoints = list(
        Checkpoint.objects.filter(
            Q(number__in=numbers) | Q(entries__icontains=f'"{subject}"')
        ).order_by("number")
    )
    through = Checkpoint.objects.order_by("-number").values_list("last_event_id", flat=True)
    through = through.first() or 0
    if not checkpoints:
        return None, through
    key = _key()
    if key is None:
        report.add("checkpoint_key_missing")
    index: dict[str, Sealed] = {}
    for cp in checkpoints:
        doc = statement_of(cp)
        report.checkpoints += 1
        if key is not None and not signature_valid(doc, cp.signature, key):
            report.add("checkpoint_signature", checkpoint=cp.number)
        entries = cp.entries
        if not _leaves_match(entries, doc):
            report.add("checkpoint_entries", checkpoint=cp.number)
            entries = []
        _index(index, [e for e in entries if e and e[0] == subject], cp.number)
    return index.get(subject), through


def verify_subject(*, subject_type: str, subject_id: str) -> Report:
    """Verify the chain of `subject_type:subject_id`; problems sorted by sequence."""
    subject = f"{subject_type}:{subject_id}"
    report = Report()
    seal, through = _sealed(subject, subject_type, subject_id, report)
    model = stateful_model(subject_type)
    ctx = Context(
        report,
        sealed={subject: seal} if seal is not None else {},
        sealed_through=through,
        head_types=frozenset({subject_type}) if model is not None else frozenset(),
    )
    rows = reader.subject_rows(subject_type, subject_id)
    heads = check_chains([rows] if rows else [], ctx)
    head = heads.get(subject_type, {}).get(subject_id)
    if model is not None:
        try:
            live = model._base_manager.filter(pk=subject_id).values_list("state", "version")
            live = live.first()
        except (ValueError, TypeError):
            live = None
        if live is None and head is not None:
            report.add("record_missing", subject=subject, seq=head.seq, event_id=head.event_id)
        elif live is not None and head is None:
            report.add("chain_missing", subject=subject, seq=1)
        elif live is not None:
            check_head(subject, *live, head, report)
    report.problems.sort(key=lambda p: (p.get("seq", 0), p.get("checkpoint") or 0))
    return report
