"""Evidence bundles: exported by command and API, checked by the standalone verifier,
which accepts a genuine bundle and refuses every single-byte change to it."""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from audit import verify_bundle
from audit.bundle import bundle_build, bundle_bytes, canonical_json, digest_of
from audit.checkpoints import checkpoint_seal, checkpoints_export
from audit.models import ReadAccess

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
KEY = settings.AUDIT_CHECKPOINT_KEY.encode()


@pytest.fixture
def bundle(org, histories) -> bytes:
    first, _ = histories
    checkpoint_seal()
    return bundle_bytes(bundle_build(subjects=[f"appraisals.appraisal:{first.pk}"]))


def _rejected(data: bytes) -> bool:
    try:
        return not verify_bundle.verify(data, key=KEY)["ok"]
    except verify_bundle.Invalid:
        return True


def _resealed(doc: dict) -> bytes:
    """A deliberate forger's bundle: content changed, digest recomputed."""
    doc["digest"] = digest_of(doc)
    return bundle_bytes(doc)


def test_genuine_bundle_is_accepted(bundle):
    result = verify_bundle.verify(bundle, key=KEY)
    assert result["ok"], result["problems"]
    assert result["events"] == result["sealed"] > 3
    assert bundle.endswith(b"\n") and bundle.isascii()


def test_standalone_verifier_runs_without_django(bundle, tmp_path):
    """The verifier file alone, copied elsewhere, without site-packages (so no Django)."""
    copy = tmp_path / "verify_bundle.py"
    shutil.copy(ROOT / "audit" / "verify_bundle.py", copy)
    path = tmp_path / "bundle.json"
    path.write_bytes(bundle)
    key = tmp_path / "key"
    key.write_bytes(KEY)
    env = {"PATH": "/usr/bin:/bin"}
    run = [sys.executable, "-I", "-S", str(copy), str(path), "--key-file", str(key)]
    done = subprocess.run(run, capture_output=True, text=True, cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "GENUINE" in done.stdout
    path.write_bytes(bundle.replace(b'"seq":2', b'"seq":3', 1))
    done = subprocess.run(run, capture_output=True, text=True, cwd=tmp_path, env=env)
    assert done.returncode == 1 and "REJECTED" in done.stdout
    # And as a module of this project, still without Django on the path.
    path.write_bytes(bundle)
    module = [sys.executable, "-S", "-m", "audit.verify_bundle", str(path)]
    done = subprocess.run(module, capture_output=True, text=True, cwd=ROOT, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "not authenticated" in done.stdout


def test_every_single_byte_change_is_refused(bundle):
    """Every position, three other values each; every value at the structural bytes.

    KINERJA_EXHAUSTIVE=1 tries all 255 other values at every position (minutes).
    """
    rng = random.Random(4)
    exhaustive = os.environ.get("KINERJA_EXHAUSTIVE") == "1"
    structural = {0, len(bundle) - 1, len(bundle) - 2}
    structural |= {i for i, b in enumerate(bundle) if b in b'{}[]:,"\\'}
    structural = sorted(rng.sample(sorted(structural), 60)) + [0, len(bundle) - 1]
    refused = tried = 0
    for i in range(len(bundle)):
        values = {bundle[i] ^ 0x01, bundle[i] ^ 0x20, rng.randrange(256)} - {bundle[i]}
        if exhaustive or i in structural:
            values = set(range(256)) - {bundle[i]}
        for value in values:
            tried += 1
            refused += _rejected(bundle[:i] + bytes([value]) + bundle[i + 1 :])
    assert refused == tried > 3 * len(bundle)


def test_deliberate_forgeries_are_refused_even_with_a_new_digest(bundle):
    doc = json.loads(bundle)
    events = doc["subjects"][0]["events"]

    forged = json.loads(bundle)
    forged["subjects"][0]["events"][1]["reason"] = "diubah"
    assert _rejected(_resealed(forged))

    forged = json.loads(bundle)
    del forged["subjects"][0]["events"][1]
    assert _rejected(_resealed(forged))

    forged = json.loads(bundle)
    forged["subjects"][0]["events"][0]["proof"]["path"][0] = "0" * 64
    assert _rejected(_resealed(forged))

    # A whole forged chain with its own tree and checkpoint: only the key (or the
    # inspectorate's own copy of the checkpoints) tells.
    forged = json.loads(bundle)
    e = forged["subjects"][0]["events"][-1]
    e["reason"] = "dipalsukan"
    raw = verify_bundle.event_bytes(forged["subjects"][0]["subject"], e)
    e["hash"] = hashlib.sha256(bytes.fromhex(e["prev_hash"]) + raw).hexdigest()
    cp = forged["checkpoints"][0]
    cp["size"], cp["root"] = 1, hashlib.sha256(b"\x00" + bytes.fromhex(e["hash"])).hexdigest()
    for other in forged["subjects"][0]["events"]:
        other["proof"] = None
    e["proof"] = {"checkpoint": cp["number"], "index": 0, "path": []}
    data = _resealed(forged)
    assert verify_bundle.verify(data)["ok"]  # consistent, but not authenticated
    assert not verify_bundle.verify(data, key=KEY)["ok"]
    kept = {c["number"]: c for c in checkpoints_export()["checkpoints"]}
    assert not verify_bundle.verify(data, kept=kept)["ok"]
    assert len(events) == len(forged["subjects"][0]["events"])


def test_bundle_file_is_its_canonical_form(bundle):
    doc = json.loads(bundle)
    assert canonical_json(doc) + b"\n" == bundle
    assert doc["digest"] == digest_of(doc)
    spaced = json.dumps(doc, sort_keys=True).encode() + b"\n"
    with pytest.raises(verify_bundle.Invalid):
        verify_bundle.verify(spaced)


def test_bundle_command_and_unsealed_events(histories, tmp_path, capsys):
    first, second = histories
    out = tmp_path / "b.json"
    call_command(
        "audit_bundle",
        "--subject", f"appraisals.appraisal:{first.pk}",
        "--subject", f"appraisals.appraisal:{second.pk}",
        "--out", str(out),
    )  # fmt: skip
    assert verify_bundle.main([str(out)]) == 0
    assert "not sealed yet" in capsys.readouterr().out
    result = verify_bundle.verify(out.read_bytes(), key=KEY)
    assert result["ok"] and result["subjects"] == 2 and result["sealed"] == 0


def test_inspector_downloads_a_bundle_and_the_read_is_logged(org, histories, api):
    first, _ = histories
    checkpoint_seal()
    inspector = api(org.users["inspector"])
    r = inspector.get("/api/audit/bundle/", {"subject": f"appraisals.appraisal:{first.pk}"})
    assert r.status_code == 200
    assert verify_bundle.verify(r.content, key=KEY)["ok"]
    assert ReadAccess.objects.filter(purpose="audit.bundle", subject_id=str(first.pk)).exists()
    missing = inspector.get("/api/audit/bundle/", {"subject": "appraisals.appraisal:999999"})
    assert missing.status_code == 404
    assert inspector.get("/api/audit/bundle/").status_code == 400
    assert (
        api(org.users["employee"])
        .get("/api/audit/bundle/", {"subject": f"appraisals.appraisal:{first.pk}"})
        .status_code
        == 403
    )


def test_unit_cycle_bundle(org, histories, api, settings):
    inspector = api(org.users["inspector"])
    query = {"unit": org.instansi.pk, "cycle": org.cycle.pk}
    settings.AUDIT_UNIT_CYCLE_SUBJECTS = "appraisals.policies.no_such_hook"
    assert inspector.get("/api/audit/bundle/", query).status_code == 400
    settings.AUDIT_UNIT_CYCLE_SUBJECTS = "tests.audit.hooks.unit_cycle_subjects"
    r = inspector.get("/api/audit/bundle/", query)
    assert r.status_code == 200
    result = verify_bundle.verify(r.content, key=KEY)
    assert result["ok"] and result["subjects"] == 2
    only_one = inspector.get("/api/audit/bundle/", {"unit": org.dinas.pk, "cycle": org.cycle.pk})
    assert verify_bundle.verify(only_one.content)["subjects"] == 1
