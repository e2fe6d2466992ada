"""Signed tree heads published outside the database, and what they still catch when
a superuser has rewritten events, chains and checkpoints alike."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.management import call_command
from django.utils import translation

from audit import verify_bundle
from audit.bundle import bundle_build, bundle_bytes
from audit.canonical import GENESIS, chain_hash
from audit.checkpoints import _seal_batch, checkpoint_seal, signing_key
from audit.models import AuditEvent, Checkpoint
from audit.publish import (
    checkpoints_publish_missing,
    file_name,
    publish_to_dir,
    published_load,
)
from audit.verify import verify_audit, verify_since

from .tamper import raw
from .test_tampering import subject_of
from .test_verify_since import note

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(settings, tmp_path):
    settings.AUDIT_PUBLISH_DIR = str(tmp_path / "heads")
    return tmp_path / "heads"


def seal_and_publish(capture):
    with capture(execute=True):
        return checkpoint_seal()


def test_a_head_is_published_once_committed(
    histories, published, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        [cp] = checkpoint_seal()
    assert len(callbacks) == 1 and not published.exists()  # nothing before the commit
    callbacks[0]()
    doc = json.loads((published / file_name(cp.number)).read_text())
    assert (doc["number"], doc["root"], doc["signature"]) == (cp.number, cp.root, cp.signature)
    assert (doc["tree_size"], doc["tree_root"], doc["tree_signature"]) == (
        cp.tree_size,
        cp.tree_root,
        cp.tree_signature,
    )
    assert doc["entries"] == cp.entries
    assert verify_audit().ok  # compared with the published heads automatically


def test_a_published_head_is_never_overwritten(
    histories, published, django_capture_on_commit_callbacks
):
    [cp] = seal_and_publish(django_capture_on_commit_callbacks)
    path = published / file_name(cp.number)
    before = path.read_text()
    raw("UPDATE audit_checkpoint SET root = %s WHERE id = %s", ["ab" * 32, cp.pk])
    assert checkpoints_publish_missing() == []
    assert publish_to_dir(Checkpoint.objects.get(pk=cp.pk), published) is False
    assert path.read_text() == before


def test_heads_go_to_the_inspectorate_by_email(
    histories, settings, django_capture_on_commit_callbacks
):
    settings.AUDIT_PUBLISH_EMAIL = "inspektorat@example.go.id, arsip@example.go.id"
    with translation.override("id"):
        [cp] = seal_and_publish(django_capture_on_commit_callbacks)
    [message] = mail.outbox
    assert message.subject == f"Kepala pohon audit bertanda tangan, checkpoint {cp.number}"
    assert message.to == ["inspektorat@example.go.id", "arsip@example.go.id"]
    body = json.loads(message.body)
    assert body["tree_root"] == cp.tree_root and "entries" not in body


def test_a_missed_publication_is_caught_up(histories, published):
    [cp] = checkpoint_seal()  # its on_commit never ran (as if the disk was away)
    assert not published.exists()
    assert checkpoints_publish_missing() == [cp.number]
    assert published_load(published)["checkpoints"][0]["root"] == cp.root


def rewrite_everything(subject_id: str, seqs: range, reason: str) -> None:
    """What a superuser who knows the signing key can do: rewrite a range of events,
    recompute every chain, and re-sign every checkpoint over the same ranges."""
    raw(
        "UPDATE audit_auditevent SET reason = %s WHERE subject_id = %s AND seq >= %s AND seq < %s",
        [reason, subject_id, seqs.start, seqs.stop],
    )
    prev: dict[str, str] = {}
    for event in AuditEvent.objects.order_by("subject_type", "subject_id", "seq"):
        digest = chain_hash(prev.get(event.subject, GENESIS), event.canonical())
        raw(
            "UPDATE audit_auditevent SET prev_hash = %s, hash = %s WHERE id = %s",
            [prev.get(event.subject, GENESIS), digest, event.pk],
        )
        prev[event.subject] = digest
    ranges = list(Checkpoint.objects.order_by("number").values_list("last_event_id", "at"))
    raw("DELETE FROM audit_checkpointhead")
    raw("DELETE FROM audit_checkpoint")
    for last_event_id, at in ranges:
        _seal_batch(up_to=last_event_id, max_events=10**9, key=signing_key(), at=at)


def test_a_rewrite_of_events_chains_and_checkpoints_is_caught_by_the_published_heads(
    histories, published, django_capture_on_commit_callbacks, settings, capsys
):
    first, _ = histories
    seal_and_publish(django_capture_on_commit_callbacks)
    note(first)
    seal_and_publish(django_capture_on_commit_callbacks)
    assert verify_audit().ok

    with django_capture_on_commit_callbacks(execute=True):  # re-publishing is refused
        rewrite_everything(str(first.pk), range(2, 4), "ditulis ulang")

    # The database now agrees with itself: alone, it shows nothing.
    settings.AUDIT_PUBLISH_DIR = ""
    assert verify_audit().ok
    assert verify_since(checkpoint=1).ok

    # Against the heads published outside it, the rewrite shows, and where.
    heads = published_load(published)
    report = verify_audit(exported=heads)
    where = {
        (p["problem"], p.get("checkpoint"), p.get("subject"), p.get("seq")) for p in report.problems
    }
    assert ("checkpoint_differs", 1, None, None) in where
    assert ("checkpoint_differs", 2, None, None) in where
    assert ("sealed_event_changed", 1, subject_of(first), 2) in where
    differs = next(p for p in report.problems if p["problem"] == "checkpoint_differs")
    assert {"root", "signature", "tree_root"} <= set(differs["fields"])
    # Incrementally too: the newer checkpoint's published head is not the database's.
    assert ("checkpoint_differs", 2) in {
        (p["problem"], p.get("checkpoint"))
        for p in verify_since(checkpoint=1, exported=heads).problems
    }
    # From the shell, by --published DIR or automatically once configured.
    with pytest.raises(SystemExit):
        call_command("verify_audit", "--published", str(published))
    out = json.loads(capsys.readouterr().out)
    assert not out["ok"] and set(out) == {"ok", "checked", "checkpoints", "problems"}
    settings.AUDIT_PUBLISH_DIR = str(published)
    assert not verify_audit().ok


def test_a_bundle_from_the_rewritten_database_fails_against_the_published_heads(
    histories, published, django_capture_on_commit_callbacks, tmp_path
):
    """The evidence bundle proves each event under a checkpoint, and the standalone
    verifier compares those checkpoints with the heads published before the rewrite."""
    first, _ = histories
    subject = subject_of(first)
    seal_and_publish(django_capture_on_commit_callbacks)
    genuine = bundle_bytes(bundle_build(subjects=[subject]))
    result = verify_bundle.verify(genuine, published=verify_bundle.published_heads(published))
    assert result["ok"] and result["sealed"] == result["events"] > 3, result["problems"]

    with django_capture_on_commit_callbacks(execute=True):
        rewrite_everything(str(first.pk), range(2, 4), "ditulis ulang")
    forged = bundle_bytes(bundle_build(subjects=[subject]))
    key = django_settings.AUDIT_CHECKPOINT_KEY.encode()
    # The key vouches for the rewrite: whoever rewrote it held the key.
    assert verify_bundle.verify(forged, key=key)["ok"]
    heads = verify_bundle.published_heads(published)
    problems = verify_bundle.verify(forged, key=key, published=heads)["problems"]
    assert len(problems) == 1, problems
    assert problems[0].startswith("checkpoint 1: differs from its published head (root ")
    # One published file is enough when the bundle's events lie under it.
    [one] = published.glob("checkpoint-*.json")
    assert not verify_bundle.verify(forged, published=verify_bundle.published_heads(str(one)))["ok"]

    # The verifier file alone, elsewhere, without Django: genuine passes, forged fails.
    copy = tmp_path / "verify_bundle.py"
    shutil.copy(Path(verify_bundle.__file__), copy)
    for data, code, word in ((genuine, 0, "GENUINE"), (forged, 1, "REJECTED")):
        path = tmp_path / "bundle.json"
        path.write_bytes(data)
        run = [sys.executable, "-I", "-S", str(copy), str(path), "--published", str(published)]
        done = subprocess.run(run, capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"})
        assert done.returncode == code and word in done.stdout, done.stdout + done.stderr
    assert "differs from its published head" in done.stdout


def test_a_checkpoint_never_published_is_named_by_the_verifier(histories, published):
    first, _ = histories
    checkpoint_seal()  # its publication never ran
    data = bundle_bytes(bundle_build(subjects=[subject_of(first)]))
    published.mkdir()
    result = verify_bundle.verify(data, published=verify_bundle.published_heads(published))
    assert result["problems"] == ["checkpoint 1: its head was never published"]
    checkpoints_publish_missing()
    assert verify_bundle.verify(data, published=verify_bundle.published_heads(published))["ok"]


def test_an_unreadable_published_head_is_said_so_not_taken_for_a_forgery(
    histories, published, django_capture_on_commit_callbacks, tmp_path, capsys
):
    first, _ = histories
    seal_and_publish(django_capture_on_commit_callbacks)
    path = tmp_path / "bundle.json"
    path.write_bytes(bundle_bytes(bundle_build(subjects=[subject_of(first)])))
    assert verify_bundle.main([str(path), "--published", str(published)]) == 0
    [head] = published.glob("checkpoint-*.json")
    head.write_text("{not json", "utf-8")
    assert verify_bundle.main([str(path), "--published", str(published)]) == 2
    assert "CANNOT READ" in capsys.readouterr().out
