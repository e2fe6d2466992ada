"""Checkpoints: sealed by a command and by Celery beat, signed, chained, exported;
and the fast verification path agrees with the canonical form on awkward text."""

from __future__ import annotations

import hashlib
import json

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from audit import merkle
from audit.canonical import GENESIS, canonical_bytes, canonical_changes, canonical_text, format_time
from audit.checkpoints import (
    checkpoint_seal,
    digest,
    leaf_hashes,
    signature_valid,
    statement_of,
)
from audit.models import AuditEvent, Checkpoint
from audit.services import audit_event_append
from audit.tasks import checkpoint as checkpoint_task
from audit.verify import verify_audit, verify_chains

from .test_chain import FIXED

pytestmark = pytest.mark.django_db
KEY = settings.AUDIT_CHECKPOINT_KEY.encode()


def test_seal_covers_every_event_once_and_chains_checkpoints(histories):
    first, _ = histories
    [one] = checkpoint_seal()
    assert one.number == 1 and one.prev == GENESIS and one.size == AuditEvent.objects.count()
    assert checkpoint_seal() == []  # nothing new
    state = first.state
    audit_event_append(
        subject=first,
        actor=first.employee.user,
        action="note.added",
        from_state=state,
        to_state=state,
    )
    [two] = checkpoint_seal()
    assert (two.number, two.size, two.last_event_id) == (2, 1, AuditEvent.objects.last().pk)
    assert two.prev == digest(statement_of(one))
    for cp in (one, two):
        assert signature_valid(statement_of(cp), cp.signature, KEY)
        assert merkle.root(leaf_hashes(cp.entries)).hex() == cp.root
    assert verify_audit().ok


def test_seal_splits_large_batches(histories):
    sealed = checkpoint_seal(max_events=3)
    assert [cp.size for cp in sealed][:-1] == [3] * (len(sealed) - 1)
    assert sum(cp.size for cp in sealed) == AuditEvent.objects.count()
    report = verify_audit()
    assert report.ok and report.checkpoints == len(sealed)


def test_no_key_no_checkpoint(histories, settings):
    settings.AUDIT_CHECKPOINT_KEY = ""
    with pytest.raises(ImproperlyConfigured):
        checkpoint_seal()


def test_command_task_and_beat_schedule(histories, tmp_path, capsys):
    out = tmp_path / "cp.json"
    call_command("audit_checkpoint", "--export", str(out), "--with-entries")
    assert "checkpoint 1:" in capsys.readouterr().out
    exported = json.loads(out.read_text())
    assert exported["checkpoints"][0]["entries"] == Checkpoint.objects.get().entries
    first, _ = histories
    audit_event_append(subject=first, actor=first.employee.user, action="note.added")
    assert checkpoint_task.delay().get() == [2]
    beat = settings.CELERY_BEAT_SCHEDULE["audit-checkpoint"]
    assert beat["task"] == "audit.checkpoint" and beat["schedule"] > 0


AWKWARD = [
    'petik "ganda" dan \\ garis miring',
    "baris\nbaru\ttab\r",
    "kontrol \x01\x1f dan \x7f",
    "bukan ASCII: é — 日本 🙂",
    "\u2028 pemisah baris",
    "",
]


@pytest.mark.parametrize("text", AWKWARD)
def test_fast_template_agrees_with_the_canonical_form(histories, text):
    fields = {**FIXED, "reason": text, "actor_name": text, "scope": text}
    expected = canonical_bytes(**fields)
    at = format_time(fields["at"])
    changes = canonical_changes(fields["changes"])
    args = (fields["subject"], 1, at, fields["actor"], text, fields["action"])
    assert (
        canonical_text(
            *args, fields["from_state"], fields["to_state"], text, changes, text
        ).encode()
        == expected
    )
    # Stored and verified: no false alarm, whichever path the verifier takes.
    first, _ = histories
    audit_event_append(subject=first, actor=first.employee.user, action=text or "x", reason=text,
                       changes={"catatan": [None, text]}, scope=text)  # fmt: skip
    report = verify_chains()
    assert report.ok, report.problems


def test_leaf_hashes_are_rfc_leaf_hashes_of_each_sealed_hash():
    """The inlined loop in leaf_hashes is merkle.leaf_hash, leaf by leaf, in order."""
    hashes = [hashlib.sha256(str(i).encode()).hexdigest() for i in range(7)]
    entries = [
        ["a:1", 1, "".join(hashes[:3])],
        ["a:2", 4, hashes[3]],
        ["b:1", 1, "".join(hashes[4:])],
    ]
    assert leaf_hashes(entries) == [merkle.leaf_hash(bytes.fromhex(h)) for h in hashes]
    assert leaf_hashes([]) == []
