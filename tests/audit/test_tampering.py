"""Each kind of tampering, done as a database superuser, found at its exact place."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from audit.canonical import chain_hash
from audit.checkpoints import checkpoint_seal, checkpoints_export
from audit.models import AuditEvent, Checkpoint
from audit.verify import verify_audit
from workflow.services import perform

from ..flow import valid_body
from .tamper import raw

pytestmark = pytest.mark.django_db


def events_of(appraisal) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(subject_id=str(appraisal.pk)).order_by("seq"))


def subject_of(appraisal) -> str:
    return f"appraisals.appraisal:{appraisal.pk}"


def located(report, subject=None) -> set[tuple[str, int, str]]:
    return {
        (p.get("subject"), p.get("seq"), p["problem"])
        for p in report.problems
        if subject is None or p.get("subject") == subject
    }


def only_about(report, subject):
    others = [p for p in report.problems if p.get("subject") not in (subject,)]
    assert not others, others


def rechain_from(appraisal, seq: int, *, reason: str) -> None:
    """Rewrite the suffix from `seq` in place, with hashes recomputed (a careful forger)."""
    events = events_of(appraisal)
    prev = events[seq - 2].hash if seq > 1 else "0" * 64
    for event in events[seq - 1 :]:
        event.reason = reason if event.seq == seq else event.reason
        digest = chain_hash(prev, event.canonical())
        raw(
            "UPDATE audit_auditevent SET reason = %s, prev_hash = %s, hash = %s WHERE id = %s",
            [event.reason, prev, digest, event.pk],
        )
        prev = digest


def test_genuine_history_verifies(histories):
    checkpoint_seal()
    report = verify_audit()
    assert report.ok, report.problems
    assert report.checked == AuditEvent.objects.count()
    assert report.checkpoints == 1


def test_edited_event(histories):
    first, second = histories
    checkpoint_seal()
    target = events_of(first)[2]
    raw("UPDATE audit_auditevent SET actor_username = 'mallory' WHERE id = %s", [target.pk])
    report = verify_audit()
    only_about(report, subject_of(first))
    assert located(report) == {(subject_of(first), 3, "hash_mismatch")}


def test_deleted_event_in_the_middle(histories):
    first, _ = histories
    target = events_of(first)[1]
    raw("DELETE FROM audit_auditevent WHERE id = %s", [target.pk])
    report = verify_audit()
    only_about(report, subject_of(first))
    gap = [p for p in report.problems if p["problem"] == "sequence_gap"]
    assert [(p["seq"], p["expected_seq"]) for p in gap] == [(3, 2)]
    # Event 3 still names the deleted event's hash: the link is broken there too.
    assert located(report) == {
        (subject_of(first), 3, "sequence_gap"),
        (subject_of(first), 3, "broken_link"),
    }
    third = events_of(first)[1]  # seq 3, now second
    assert {p["event_id"] for p in report.problems} == {third.pk}


def test_inserted_event(histories):
    first, _ = histories
    events = events_of(first)
    raw(
        "UPDATE audit_auditevent SET seq = seq + 100 WHERE subject_id = %s AND seq >= 3",
        [str(first.pk)],
    )
    raw(
        "UPDATE audit_auditevent SET seq = seq - 99 WHERE subject_id = %s AND seq >= 100",
        [str(first.pk)],
    )
    forged = events[1]
    raw(
        "INSERT INTO audit_auditevent (subject_type, subject_id, seq, at, actor_username, "
        "actor_name, action, from_state, to_state, reason, changes, request_id, scope, "
        "prev_hash, hash) SELECT subject_type, subject_id, 3, at, 'mallory', '', 'note', "
        "from_state, to_state, 'forged', changes, '', scope, hash, %s FROM audit_auditevent "
        "WHERE id = %s",
        ["f" * 64, forged.pk],
    )
    report = verify_audit()
    only_about(report, subject_of(first))
    assert min(p["seq"] for p in report.problems) == 3
    # The forged event's hash is wrong, the event after it no longer links to it, and the
    # renumbered events' hashes (the sequence number is hashed) no longer match.
    renumbered = range(4, len(events) + 2)
    assert located(report) == {
        (subject_of(first), 3, "hash_mismatch"),
        (subject_of(first), 4, "broken_link"),
        *((subject_of(first), seq, "hash_mismatch") for seq in renumbered),
    }


def test_reordered_events(histories):
    first, _ = histories
    a, b = events_of(first)[1:3]
    raw("UPDATE audit_auditevent SET seq = 99 WHERE id = %s", [a.pk])
    raw("UPDATE audit_auditevent SET seq = 2 WHERE id = %s", [b.pk])
    raw("UPDATE audit_auditevent SET seq = 3 WHERE id = %s", [a.pk])
    report = verify_audit()
    only_about(report, subject_of(first))
    assert {(seq, kind) for _s, seq, kind in located(report)} == {
        (2, "hash_mismatch"),
        (3, "hash_mismatch"),
        (2, "broken_link"),
        (3, "broken_link"),
        (4, "broken_link"),
    }


def test_truncated_tail_against_the_checkpoint(histories):
    first, _ = histories
    checkpoint_seal()
    events = events_of(first)
    raw("DELETE FROM audit_auditevent WHERE subject_id = %s AND seq >= 3", [str(first.pk)])
    report = verify_audit()
    only_about(report, subject_of(first))
    truncated = [p for p in report.problems if p["problem"] == "truncated_tail"]
    assert [(p["seq"], p["sealed_seq"], p["checkpoint"]) for p in truncated] == [
        (3, len(events), 1)
    ]


def test_rewritten_suffix_against_the_checkpoint(histories):
    first, _ = histories
    checkpoint_seal()
    rechain_from(first, 2, reason="ditulis ulang")
    report = verify_audit()
    only_about(report, subject_of(first))
    assert located(report) == {(subject_of(first), 2, "sealed_event_changed")}
    [problem] = report.problems
    assert (problem["event_id"], problem["checkpoint"]) == (events_of(first)[1].pk, 1)


def test_a_changed_event_names_the_checkpoint_that_sealed_it(histories, org):
    """The last event the first checkpoint sealed is the first checkpoint's, not the next's."""
    first, _ = histories
    checkpoint_seal()
    sealed_first = len(events_of(first))
    body = valid_body("submit_self_assessment", first)
    perform(first, "submit_self_assessment", actor=org.users["employee"], payload=body)
    checkpoint_seal()
    rechain_from(first, sealed_first, reason="ditulis ulang")
    report = verify_audit()
    [problem] = report.problems
    assert (problem["problem"], problem["seq"], problem["checkpoint"]) == (
        "sealed_event_changed",
        sealed_first,
        1,
    )


def test_rewritten_suffix_with_new_rows(histories):
    first, _ = histories
    checkpoint_seal()
    events = events_of(first)
    raw("DELETE FROM audit_auditevent WHERE subject_id = %s AND seq >= 3", [str(first.pk)])
    prev = events[1].hash
    for event in events[2:]:
        event.pk, event.reason, event._state.adding = None, "disisipkan", True
        event.prev_hash, event.hash = prev, chain_hash(prev, event.canonical())
        event.save(force_insert=True)  # the ORM inserts; only rewriting is refused
        prev = event.hash
    report = verify_audit()
    only_about(report, subject_of(first))
    assert min(p["seq"] for p in report.problems) == 3
    assert (subject_of(first), 3, "sealed_event_changed") in located(report)


def test_forged_event_among_sealed_ones(histories):
    """A whole forged chain, correctly hashed, slipped in below the sealed ids."""
    first, _ = histories
    checkpoint_seal()
    event = events_of(first)[0]
    event.pk, event.subject_id, event._state.adding = None, "999999", True
    event.hash = chain_hash("0" * 64, event.canonical())
    event.save(force_insert=True)
    low = AuditEvent.objects.order_by("id").first().pk
    raw("UPDATE audit_auditevent SET id = %s WHERE id = %s", [low - 1000, event.pk])
    report = verify_audit()
    assert ("appraisals.appraisal:999999", 1, "unsealed_event") in located(report)


def test_live_record_disagrees_with_its_chain_head(histories):
    first, _ = histories
    head = events_of(first)[-1]
    raw("UPDATE appraisals_appraisal SET state = 'final' WHERE id = %s", [first.pk])
    report = verify_audit()
    only_about(report, subject_of(first))
    assert [(p["seq"], p["field"], p["record"]) for p in report.problems] == [
        (head.seq, "state", "final")
    ]


def test_unsealed_tail_deletion_shows_in_the_version(histories):
    first, _ = histories
    events = events_of(first)
    raw("DELETE FROM audit_auditevent WHERE id = %s", [events[-1].pk])
    report = verify_audit()
    only_about(report, subject_of(first))
    fields = {(p["seq"], p["field"]) for p in report.problems}
    assert (len(events) - 1, "version") in fields


def test_checkpoint_tampering_is_found(histories):
    checkpoint_seal()
    raw("UPDATE audit_checkpoint SET size = size + 1")
    report = verify_audit()
    kinds = {p["problem"] for p in report.problems}
    assert {"checkpoint_signature", "checkpoint_entries"} <= kinds


def test_deleted_checkpoint_and_tail_show_against_the_export(histories, tmp_path):
    first, _ = histories
    checkpoint_seal()
    kept = tmp_path / "kept.json"
    kept.write_text(json.dumps(checkpoints_export(with_entries=True)))
    raw("DELETE FROM audit_auditevent WHERE subject_id = %s AND seq >= 2", [str(first.pk)])
    raw("DELETE FROM audit_checkpoint")
    assert Checkpoint.objects.count() == 0
    report = verify_audit(exported=json.loads(kept.read_text()))
    assert "checkpoint_missing" in {p["problem"] for p in report.problems}
    assert (subject_of(first), 2, "truncated_tail") in located(report)


def test_verify_command_reports_and_exits_1(histories, tmp_path, capsys):
    checkpoint_seal()
    kept = tmp_path / "kept.json"
    call_command("audit_checkpoint", "--no-seal", "--export", str(kept))
    call_command("verify_audit", "--checkpoints", str(kept))
    raw("DELETE FROM audit_checkpoint")
    with pytest.raises(SystemExit) as exit_:
        call_command("verify_audit", "--checkpoints", str(kept))
    assert exit_.value.code == 1
    assert '"checkpoint_missing"' in capsys.readouterr().out
