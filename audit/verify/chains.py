"""The chain pass: every event recomputed in one stream, at close to hashlib's pace.

Pass 1 reads events in id order (reader.stream). Each event's hash is checked
on its own (SHA-256 of its prev_hash and canonical bytes); links, sequence
numbers and sealed hashes are checked against the subject's previous event,
which in genuine data is the previous event of that subject in id order. A
subject whose sequence numbers do not arrive as 1, 2, 3, ... (something was
deleted, inserted or reordered) is set aside and checked again in pass 2, in
sequence order, event by event: that is where such problems are located.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..canonical import FORM_VERSION, GENESIS, canonical_changes, canonical_text
from . import reader
from .report import Report


class _NoVersion:
    """The chain recorded no version. One instance, also after pickling (the
    parallel verifier sends heads between processes)."""

    def __repr__(self) -> str:
        return "NO_VERSION"

    def __reduce__(self) -> str:
        return "NO_VERSION"


NO_VERSION = _NoVersion()
_CACHE_LIMIT = 200_000
# The template's own quotes: 12 member names, 9 string values.
TEMPLATE_QUOTES = 2 * 12 + 2 * 9
if FORM_VERSION != 1:  # the inlined template in _pass_one spells out version 1
    raise ImportError("audit.verify.chains knows canonical form version 1 only")


@dataclass
class Sealed:
    """What the checkpoints sealed of one subject: seqs first..first+n-1."""

    first: int
    hexes: str  # n concatenated hex hashes
    numbers: list[tuple[int, int]]  # (last seq, checkpoint number) per run

    @property
    def last(self) -> int:
        return self.first + len(self.hexes) // 64 - 1

    def checkpoint_of(self, seq: int) -> int | None:
        for last, number in self.numbers:
            if seq <= last:
                return number
        return None


@dataclass
class Head:
    seq: int
    event_id: int
    to_state: str
    version: object  # the last version the chain recorded, or NO_VERSION


class _Subject:
    __slots__ = (
        "last_seq",
        "last_hash",
        "last_id",
        "sealed",
        "sealed_bad",
        "disordered",
        "to_state",
        "version",
        "problems",
    )

    def __init__(self, sealed: Sealed | None) -> None:
        self.last_seq, self.last_hash, self.last_id = 0, GENESIS, 0
        self.sealed, self.sealed_bad, self.disordered = sealed, False, False
        self.to_state, self.version = None, NO_VERSION
        self.problems: list[dict] = []  # link and seal problems, kept unless disordered


@dataclass
class Context:
    report: Report
    sealed: dict[str, Sealed] = field(default_factory=dict)
    sealed_through: int = 0
    head_types: frozenset[str] = frozenset()
    cache: dict = field(default_factory=dict)
    # Incremental verification (since.py): only events with ids above `after` are
    # read, and a chain continues from its head at that point, (seq, hash).
    after: int = 0
    starts: dict[str, tuple[int, str]] = field(default_factory=dict)


def changes_of(text: str, cache: dict) -> tuple[str, object, int]:
    """(canonical text, recorded version or NO_VERSION, quotes in the text) of a
    stored `changes` text."""
    hit = cache.get(text)
    if hit is None:
        value = json.loads(text)
        version = NO_VERSION
        if isinstance(value, dict):
            pair = value.get("version")
            if isinstance(pair, list) and len(pair) == 2:
                version = pair[1]
        canonical = canonical_changes(value)
        hit = (canonical, version, canonical.count('"'))
        if len(cache) >= _CACHE_LIMIT:
            cache.clear()
        cache[text] = hit
    return hit


def _pass_one(chunks: Iterable[list[tuple]], ctx: Context) -> dict[str, _Subject]:
    sha, unhex, exact = hashlib.sha256, bytes.fromhex, canonical_text
    fix_at = reader.at_fixer()
    cache, sealed, through, starts = ctx.cache, ctx.sealed, ctx.sealed_through, ctx.starts
    add = ctx.report.add
    subjects: dict[str, _Subject] = {}
    heads_wanted = bool(ctx.head_types)
    checked = 0
    for rows in chunks:
        checked += len(rows)
        for (
            eid,
            stype,
            sid,
            seq,
            at,
            actor,
            name,
            action,
            from_state,
            to_state,
            reason,
            changes,
            scope,
            prev_hash,
            hash_,
        ) in rows:
            subject = f"{stype}:{sid}"
            st = subjects.get(subject)
            if st is None:
                st = subjects[subject] = _Subject(sealed.pop(subject, None))
                if starts:
                    st.last_seq, st.last_hash = starts.get(subject, (0, GENESIS))
            # The hash, on its own. Spliced verbatim into the template, the values
            # are canonical when none needs JSON escaping: no quote beyond the
            # template's and the changes', no backslash, nothing unprintable (a
            # superset of the control characters). Anything else goes the exact way.
            try:
                changes_text, version, changes_quotes = changes_of(changes, cache)
                if fix_at is not None:
                    at = fix_at(at)
                payload = (
                    f'{{"action":"{action}","actor":"{actor}","actor_name":"{name}",'
                    f'"at":"{at}","changes":{changes_text},"from_state":"{from_state}",'
                    f'"reason":"{reason}","scope":"{scope}","seq":{seq},"subject":"{subject}",'
                    f'"to_state":"{to_state}","v":1}}'
                )
                if not (
                    payload.count('"') == TEMPLATE_QUOTES + changes_quotes
                    and "\\" not in payload
                    and payload.isprintable()
                ):
                    payload = exact(
                        subject,
                        seq,
                        at,
                        actor,
                        name,
                        action,
                        from_state,
                        to_state,
                        reason,
                        changes_text,
                        scope,
                    )
                good = sha(unhex(prev_hash) + payload.encode()).hexdigest() == hash_
            except (TypeError, ValueError, AttributeError):
                good, version = False, NO_VERSION
            if not good:
                add("hash_mismatch", subject=subject, seq=seq, event_id=eid)
            # The link to the previous event of the subject.
            if seq == st.last_seq + 1:
                if prev_hash != st.last_hash:
                    st.problems.append(
                        {"subject": subject, "seq": seq, "event_id": eid, "problem": "broken_link"}
                    )
            else:
                st.disordered = True
            # What the checkpoints sealed.
            seal = st.sealed
            if seal is not None and seal.first <= seq <= seal.last:
                if not st.sealed_bad:
                    offset = (seq - seal.first) * 64
                    if seal.hexes[offset : offset + 64] != hash_:
                        st.sealed_bad = True
                        st.problems.append(_sealed_changed(subject, seq, eid, seal))
            elif eid <= through:
                add("unsealed_event", subject=subject, seq=seq, event_id=eid)
            st.last_seq, st.last_hash, st.last_id = seq, hash_, eid
            if heads_wanted:
                st.to_state = to_state
                if version is not NO_VERSION:
                    st.version = version
    ctx.report.checked += checked
    return subjects


def _sealed_changed(subject: str, seq: int, eid: int, seal: Sealed) -> dict:
    return {
        "subject": subject,
        "seq": seq,
        "event_id": eid,
        "problem": "sealed_event_changed",
        "checkpoint": seal.checkpoint_of(seq),
    }


def _truncated(subject: str, last_seq: int, seal: Sealed) -> dict:
    first_missing = max(last_seq + 1, seal.first)
    return {
        "subject": subject,
        "seq": first_missing,
        "problem": "truncated_tail",
        "sealed_seq": seal.last,
        "checkpoint": seal.checkpoint_of(first_missing),
    }


def _pass_two(subject: str, st: _Subject, ctx: Context) -> None:
    """A disordered subject, again, in sequence order."""
    stype, _, sid = subject.partition(":")
    st.problems = []
    start_seq, prev = ctx.starts.get(subject, (0, GENESIS))
    expected = start_seq + 1
    seal, sealed_bad = st.sealed, False
    st.version = NO_VERSION
    for row in reader.subject_rows(stype, sid, after=ctx.after):
        eid, seq, to_state, changes, prev_hash, hash_ = (
            row[0],
            row[3],
            row[9],
            row[11],
            row[13],
            row[14],
        )
        where = {"subject": subject, "seq": seq, "event_id": eid}
        if seq != expected:
            st.problems.append({**where, "problem": "sequence_gap", "expected_seq": expected})
        if prev_hash != prev:
            st.problems.append({**where, "problem": "broken_link"})
        if seal is not None and seal.first <= seq <= seal.last and not sealed_bad:
            offset = (seq - seal.first) * 64
            if seal.hexes[offset : offset + 64] != hash_:
                sealed_bad = True
                st.problems.append(_sealed_changed(subject, seq, eid, seal))
        expected, prev = seq + 1, hash_
        st.last_seq, st.last_id = seq, eid
        st.to_state = to_state
        try:
            version = changes_of(changes, ctx.cache)[1]
        except (TypeError, ValueError):
            version = NO_VERSION
        if version is not NO_VERSION:
            st.version = version


def check_chains(
    chunks: Iterable[list[tuple]], ctx: Context, *, unseen: bool = True
) -> dict[str, dict[str, Head]]:
    """Check every event of `chunks` (reader.stream); returns the heads of `ctx.head_types`.

    `ctx.sealed` is consumed: whatever is left was sealed but never seen, a
    truncated chain, reported here unless `unseen` is false (a share of the
    subjects, see parallel.py: the caller decides once every share is in).
    """
    subjects = _pass_one(chunks, ctx)
    heads: dict[str, dict[str, Head]] = {t: {} for t in ctx.head_types}
    problems = ctx.report.problems
    for subject, st in subjects.items():
        if st.disordered:
            _pass_two(subject, st, ctx)
        problems.extend(st.problems)
        if st.sealed is not None and st.last_seq < st.sealed.last:
            problems.append(_truncated(subject, st.last_seq, st.sealed))
        stype, _, sid = subject.partition(":")
        if stype in heads:
            heads[stype][sid] = Head(st.last_seq, st.last_id, st.to_state, st.version)
    if unseen:
        report_unseen(ctx, ctx.sealed)
    return heads


def report_unseen(ctx: Context, subjects: Iterable[str]) -> None:
    """Sealed subjects of which no event is left: truncated from their first."""
    for subject in subjects:
        ctx.report.problems.append(_truncated(subject, 0, ctx.sealed[subject]))
    ctx.sealed.clear()
