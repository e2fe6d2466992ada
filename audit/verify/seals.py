"""Checkpoints checked on their own (signature, chain, leaves) and turned into
the per-subject index of sealed hashes that the chain pass compares against."""

from __future__ import annotations

from django.conf import settings

from .. import merkle
from ..canonical import GENESIS
from ..checkpoints import digest, leaf_hashes, signature_valid, statement_doc, statement_of
from ..models import Checkpoint
from .chains import Sealed
from .report import Report

STATEMENT_KEYS = ("number", "at", "last_event_id", "size", "root", "prev")


def _key() -> bytes | None:
    key = getattr(settings, "AUDIT_CHECKPOINT_KEY", "")
    return key.encode("utf-8") if key else None


def _leaves_match(entries, doc: dict) -> bool:
    try:
        leaves = leaf_hashes(entries)
    except (TypeError, ValueError):
        return False
    return len(leaves) == doc["size"] and merkle.root(leaves).hex() == doc["root"]


def _index(sealed: dict[str, Sealed], entries, number: int) -> None:
    for subject, first, hexes in entries:
        last = first + len(hexes) // 64 - 1
        have = sealed.get(subject)
        if have is not None and have.last + 1 == first:
            have.hexes += hexes
            have.numbers.append((last, number))
        elif have is None or first > have.last:
            # A gap between runs (never in genuine data): keep the newest run only.
            sealed[subject] = Sealed(first, hexes, [(last, number)])


def _exported_docs(exported: dict | None) -> dict[int, dict]:
    if not exported:
        return {}
    return {int(c["number"]): c for c in exported.get("checkpoints", [])}


def check_checkpoints(report: Report, *, exported: dict | None = None):
    """Verify every checkpoint; returns (sealed index, highest sealed event id).

    `exported` is a checkpoints export kept outside the database: each of its
    checkpoints must still be in the database, unchanged; where the database
    lost one, the export's own entries (if it carries them) stand in.
    """
    key = _key()
    outside = _exported_docs(exported)
    sealed: dict[str, Sealed] = {}
    through = 0
    prev_doc = None
    rows = list(Checkpoint.objects.order_by("number"))
    report.checkpoints = len(rows)
    if key is None and (rows or outside):
        report.add("checkpoint_key_missing")
    seen = set()
    for cp in rows:
        doc = statement_of(cp)
        seen.add(cp.number)
        where = {"checkpoint": cp.number}
        expected_prev = digest(prev_doc) if prev_doc else GENESIS
        expected_number = prev_doc["number"] + 1 if prev_doc else 1
        if cp.prev != expected_prev or cp.number != expected_number:
            report.add("checkpoint_link", **where, expected_number=expected_number)
        if key is not None and not signature_valid(doc, cp.signature, key):
            report.add("checkpoint_signature", **where)
        kept = outside.get(cp.number)
        if kept is not None:
            kept_doc = statement_doc(**{k: kept.get(k) for k in STATEMENT_KEYS})
            if kept_doc != doc or kept.get("signature") != cp.signature:
                report.add("checkpoint_differs", **where)
        entries = cp.entries
        if not _leaves_match(entries, doc):
            report.add("checkpoint_entries", **where)
            # The export's entries, if they verify against the export's root, still locate.
            if kept is not None and "entries" in kept and _leaves_match(kept["entries"], doc):
                entries = kept["entries"]
            else:
                entries = []
        _index(sealed, entries, cp.number)
        through = max(through, cp.last_event_id)
        prev_doc = doc
    for number in sorted(set(outside) - seen):
        kept = outside[number]
        report.add("checkpoint_missing", checkpoint=number)
        doc = statement_doc(**{k: kept.get(k) for k in STATEMENT_KEYS})
        signed = key is None or signature_valid(doc, kept.get("signature", ""), key)
        if signed and "entries" in kept and _leaves_match(kept["entries"], doc):
            _index(sealed, kept["entries"], number)
            through = max(through, int(doc["last_event_id"]))
    return sealed, through
