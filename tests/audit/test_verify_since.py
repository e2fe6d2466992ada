"""verify_audit --since: the checkpoints after one, their consistency proofs, and the
events after it, continuing each chain from the head that checkpoint recorded."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from audit import merkle
from audit.checkpoints import checkpoint_seal, leaf_hashes
from audit.models import AuditEvent, Checkpoint, CheckpointHead
from audit.services import audit_event_append
from audit.verify import CannotStart, verify_audit, verify_since
from audit.verify.since import _Proofs

from .tamper import raw
from .test_tampering import located, subject_of

pytestmark = pytest.mark.django_db


def note(appraisal, text="catatan"):
    state = appraisal.state
    return audit_event_append(
        subject=appraisal,
        actor=appraisal.employee.user,
        action="note.added",
        from_state=state,
        to_state=state,
        reason=text,
    )


@pytest.fixture
def grown(histories):
    """Checkpoint 1 over the histories, then new events on both subjects sealed by 2,
    then one more event on the first, not sealed yet."""
    first, second = histories
    [one] = checkpoint_seal()
    note(first)
    note(second)
    [two] = checkpoint_seal()
    tail = note(first, "belum disegel")
    return first, second, one, two, tail


def test_the_tree_grows_checkpoint_by_checkpoint(grown):
    _, _, one, two, _ = grown
    leaves = leaf_hashes(one.entries) + leaf_hashes(two.entries)
    assert (one.tree_size, two.tree_size) == (one.size, len(leaves))
    assert two.tree_root == merkle.root(leaves).hex()  # recomputed from every leaf
    assert one.tree_root == one.root
    proof = [bytes.fromhex(h) for h in two.consistency]
    assert merkle.verify_consistency(
        one.tree_size,
        two.tree_size,
        bytes.fromhex(one.tree_root),
        bytes.fromhex(two.tree_root),
        proof,
    )
    assert verify_audit().ok


def test_genuine_events_after_a_checkpoint_verify(grown):
    first, second, one, two, _ = grown
    report = verify_since(checkpoint=1)
    assert report.ok, report.problems
    new = AuditEvent.objects.filter(id__gt=one.last_event_id).count()
    assert report.checked == new == 3 and report.checkpoints == 2
    # The chains continued from the heads checkpoint 1 recorded, not from the start.
    heads = {h.subject: h.seq for h in CheckpointHead.objects.filter(number=1)}
    assert heads[subject_of(first)] + 1 == AuditEvent.objects.get(id=two.last_event_id - 1).seq
    assert verify_since(checkpoint=2).checked == 1


def test_tampering_with_a_new_event_is_caught(grown):
    first, _, _, two, tail = grown
    raw("UPDATE audit_auditevent SET reason = %s WHERE id = %s", ["diubah", tail.pk])
    assert (subject_of(first), tail.seq, "hash_mismatch") in located(verify_since(checkpoint=2))
    sealed_new = AuditEvent.objects.filter(id__gt=1, id__lte=two.last_event_id).last()
    raw("UPDATE audit_auditevent SET reason = %s WHERE id = %s", ["diubah", sealed_new.pk])
    assert "hash_mismatch" in {p["problem"] for p in verify_since(checkpoint=1).problems}


def test_an_old_sealed_event_is_not_reread_by_since_but_the_full_run_finds_it(grown):
    """Documented limit: --since trusts what its starting checkpoint sealed."""
    first, _, one, _, _ = grown
    old = AuditEvent.objects.filter(id__lte=one.last_event_id, subject_id=str(first.pk)).first()
    raw("UPDATE audit_auditevent SET reason = %s WHERE id = %s", ["diubah", old.pk])
    assert verify_since(checkpoint=1).ok
    assert (subject_of(first), old.seq, "hash_mismatch") in located(verify_audit())


def test_a_broken_link_to_the_recorded_head_is_caught(grown):
    first, _, _, _, tail = grown
    raw("UPDATE audit_auditevent SET prev_hash = %s WHERE id = %s", ["ab" * 32, tail.pk])
    found = located(verify_since(checkpoint=2), subject_of(first))
    assert (subject_of(first), tail.seq, "broken_link") in found


def test_an_altered_consistency_proof_or_tree_head_is_caught(grown):
    _, _, _, two, _ = grown
    proof = list(two.consistency)
    proof[0] = ("0" if proof[0][0] != "0" else "1") + proof[0][1:]
    raw("UPDATE audit_checkpoint SET consistency = %s WHERE id = %s", [json.dumps(proof), two.pk])
    problems = {(p["problem"], p.get("checkpoint")) for p in verify_since(checkpoint=1).problems}
    assert ("checkpoint_consistency", 2) in problems
    assert ("checkpoint_consistency", 2) in {
        (p["problem"], p.get("checkpoint")) for p in verify_audit().problems
    }
    raw("UPDATE audit_checkpoint SET tree_size = tree_size + 1 WHERE id = %s", [two.pk])
    problems = {(p["problem"], p.get("checkpoint")) for p in verify_since(checkpoint=1).problems}
    assert ("checkpoint_tree", 2) in problems


def test_a_forged_frontier_at_the_start_is_caught(grown):
    _, _, one, _, _ = grown
    raw(
        "UPDATE audit_checkpoint SET frontier = %s WHERE id = %s", [json.dumps(["ab" * 32]), one.pk]
    )
    assert ("checkpoint_tree", 1) in {
        (p["problem"], p.get("checkpoint")) for p in verify_since(checkpoint=1).problems
    }


def test_a_forged_chain_head_is_caught(grown):
    first, _, _, _, tail = grown
    # A forger points the head at a hash of their own and relinks the new event to it.
    raw(
        "UPDATE audit_checkpointhead SET hash = %s WHERE subject = %s AND number = 2",
        ["cd" * 32, subject_of(first)],
    )
    problems = {(p["problem"], p.get("subject")) for p in verify_since(checkpoint=2).problems}
    assert ("checkpoint_head", subject_of(first)) in problems


def test_heads_are_recorded_for_checkpoints_sealed_before_the_tree(histories):
    first, _ = histories
    [one] = checkpoint_seal()
    # As sealed before migration 0006: no tree head, no chain heads.
    raw(
        "UPDATE audit_checkpoint SET tree_size = NULL, tree_root = '', tree_signature = '', "
        "frontier = '[]', consistency = '[]' WHERE id = %s",
        [one.pk],
    )
    raw("DELETE FROM audit_checkpointhead")
    note(first)
    [two] = checkpoint_seal()
    assert two.tree_size == one.size + 1
    assert CheckpointHead.objects.filter(number=1).count() == len({e[0] for e in one.entries})
    note(first)
    assert verify_since(checkpoint=2).ok and verify_audit().ok
    with pytest.raises(CannotStart):
        verify_since(checkpoint=1)


def test_command_since(grown, capsys):
    call_command("verify_audit", "--since", "1")
    out = json.loads(capsys.readouterr().out)
    assert out["ok"] and out["checked"] == 3
    _, _, _, _, tail = grown
    raw("UPDATE audit_auditevent SET reason = %s WHERE id = %s", ["diubah", tail.pk])
    with pytest.raises(SystemExit) as exit_:
        call_command("verify_audit", "--since", "2")
    assert exit_.value.code == 1
    assert Checkpoint.objects.count() == 2


@pytest.mark.parametrize("size", [1, 2, 3, 5, 8, 13, 40])
def test_batched_inclusion_proofs_agree_with_one_at_a_time(size):
    leaves = [merkle.leaf_hash(f"e{i}".encode()) for i in range(size)]
    tree = merkle.levels(leaves)
    root = tree[-1][0]
    proofs = _Proofs(root, size)
    order = list(range(size))[::-1] + list(range(size))  # a warm cache the second time
    for i in order:
        path = merkle.inclusion_path(tree, i)
        assert merkle.verify_inclusion(leaves[i], i, size, path, root)
        assert proofs.holds(leaves[i], i, path)
        forged = merkle.leaf_hash(b"forged")
        assert not proofs.holds(forged, i, path)
        if size > 1:
            assert not proofs.holds(leaves[i], (i + 1) % size, path)
        if i ^ 1 < size:  # the first step uses the sibling (a carried leaf may stop earlier)
            bent = [bytes(32)] + path[1:]
            assert not proofs.holds(leaves[i], i, bent)
        assert not proofs.holds(leaves[i], size, path)
    # Every node was computed once and remembered: later proofs stopped at known ones.
    assert len(proofs.known) == sum(len(level) for level in tree[1:])
    assert not _Proofs(bytes(32), size).holds(leaves[0], 0, merkle.inclusion_path(tree, 0))
