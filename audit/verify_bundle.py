"""Verify a Kinerja audit evidence bundle, on any machine, with Python's standard library.

    python -m audit.verify_bundle BUNDLE.json [--key-file KEY] [--checkpoints EXPORT.json]
                                  [--published DIR]
    python verify_bundle.py BUNDLE.json          # this one file, copied anywhere

Exit status 0 when the bundle is genuine, 1 when it is not (each problem is
printed), 2 when it cannot be read. What is checked:

1. the file is exactly the canonical JSON of its content plus a newline
   (sorted keys, no white space, ASCII only), and `digest` is the SHA-256 of
   the canonical JSON of everything else: any changed byte is refused;
2. every event's hash recomputes from its fields (canonical form version 1,
   audit/canonical.py) and every chain links from GENESIS, seq 1, 2, 3, ...;
3. every sealed event's leaf, SHA-256(0x00 || event hash), is proven under its
   checkpoint's root by its RFC 9162 audit path;
4. the checkpoint statements are authentic: their HMAC-SHA256 signature under
   the key (--key-file, or the AUDIT_CHECKPOINT_KEY environment variable), or
   their identity with an export the inspectorate kept (--checkpoints). Without
   either, the statements are only consistent, not authenticated: said so;
5. with --published DIR (the folder where the system published each checkpoint's
   signed head, AUDIT_PUBLISH_DIR, or a copy of it, or one published file): every
   checkpoint the bundle's events are proven under is identical to its published
   head. This is what still holds against someone who controlled the whole
   database and knew the signing key: they can rewrite events, re-chain them and
   re-sign the checkpoints, and the key then vouches for the rewrite, but the
   heads published before cannot be recalled, so the rewritten roots differ.

Self-contained on purpose (no Django, nothing else from this project).
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import sys

FORMAT = "kinerja-audit-bundle/1"
GENESIS = "0" * 64
BUNDLE_KEYS = {"format", "title", "generated_at", "subjects", "checkpoints", "digest"}
SUBJECT_KEYS = {"subject", "events"}
EVENT_KEYS = {
    "seq",
    "at",
    "actor",
    "actor_name",
    "action",
    "from_state",
    "to_state",
    "reason",
    "changes",
    "scope",
    "prev_hash",
    "hash",
    "proof",
}
PROOF_KEYS = {"checkpoint", "index", "path"}
STATEMENT_KEYS = {"v", "number", "at", "last_event_id", "size", "root", "prev"}


class Invalid(Exception):
    """The bundle cannot be read as a bundle at all."""


def canonical_json(doc) -> bytes:
    return json.dumps(
        doc, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False
    ).encode("ascii")


def event_bytes(subject: str, e: dict) -> bytes:
    """The canonical form of an event (version 1), as audit/canonical.py writes it."""
    doc = {
        "v": 1,
        "subject": subject,
        "seq": e["seq"],
        "at": e["at"],
        "actor": e["actor"],
        "actor_name": e["actor_name"],
        "action": e["action"],
        "from_state": e["from_state"],
        "to_state": e["to_state"],
        "reason": e["reason"],
        "changes": e["changes"],
        "scope": e["scope"],
    }
    return json.dumps(
        doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def statement_bytes(cp: dict) -> bytes:
    doc = {k: cp[k] for k in STATEMENT_KEYS}
    return json.dumps(
        doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def inclusion_ok(leaf: bytes, index: int, size: int, path: list, root: bytes) -> bool:
    """RFC 9162, 2.1.3.2."""
    if not 0 <= index < size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node(p, r)
            while fn and not fn & 1:
                fn >>= 1
                sn >>= 1
        else:
            r = node(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


# -- reading ---------------------------------------------------------------------


def _no_duplicates(pairs):
    keys = [k for k, _v in pairs]
    if len(set(keys)) != len(keys):
        raise Invalid("a JSON object repeats a key")
    return dict(pairs)


def _no_constants(name):
    raise Invalid(f"{name} is not JSON")


def load(data: bytes) -> dict:
    try:
        text = data.decode("ascii")
        doc = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constants)
    except (UnicodeDecodeError, ValueError) as exc:
        raise Invalid(f"not a JSON bundle: {exc}") from None
    if not isinstance(doc, dict):
        raise Invalid("not a JSON object")
    try:
        canonical = canonical_json(doc) + b"\n"
    except (TypeError, ValueError) as exc:
        raise Invalid(f"not canonical JSON: {exc}") from None
    if canonical != data:
        raise Invalid("not in canonical form (changed bytes, white space or key order)")
    return doc


def _is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_hex64(v) -> bool:
    return isinstance(v, str) and len(v) == 64 and all(c in "0123456789abcdef" for c in v)


def _shape(doc: dict) -> None:
    """Refuse anything but the documented shape, before trusting any value."""

    def need(cond: bool, what: str) -> None:
        if not cond:
            raise Invalid(what)

    need(set(doc) == BUNDLE_KEYS, "unexpected or missing members at the top")
    need(doc["format"] == FORMAT, f"unknown format {doc['format']!r}")
    need(isinstance(doc["title"], str) and isinstance(doc["generated_at"], str), "bad header")
    need(_is_hex64(doc["digest"]), "bad digest")
    need(isinstance(doc["checkpoints"], list) and isinstance(doc["subjects"], list), "bad lists")
    for cp in doc["checkpoints"]:
        need(isinstance(cp, dict) and set(cp) == STATEMENT_KEYS | {"signature"}, "bad checkpoint")
        need(all(_is_int(cp[k]) for k in ("v", "number", "last_event_id", "size")), "bad numbers")
        need(all(_is_hex64(cp[k]) for k in ("root", "prev", "signature")), "bad checkpoint hash")
        need(isinstance(cp["at"], str), "bad checkpoint time")
    for s in doc["subjects"]:
        need(isinstance(s, dict) and set(s) == SUBJECT_KEYS, "bad subject")
        need(isinstance(s["subject"], str) and isinstance(s["events"], list), "bad subject")
        for e in s["events"]:
            need(isinstance(e, dict) and set(e) == EVENT_KEYS, "bad event")
            need(
                _is_int(e["seq"]) and _is_hex64(e["hash"]) and _is_hex64(e["prev_hash"]),
                "bad event",
            )
            texts = (
                "at",
                "actor",
                "actor_name",
                "action",
                "from_state",
                "to_state",
                "reason",
                "scope",
            )
            need(all(isinstance(e[k], str) for k in texts), "bad event text")
            p = e["proof"]
            if p is not None:
                need(isinstance(p, dict) and set(p) == PROOF_KEYS, "bad proof")
                need(_is_int(p["checkpoint"]) and _is_int(p["index"]), "bad proof")
                need(isinstance(p["path"], list) and all(map(_is_hex64, p["path"])), "bad path")


# -- checking --------------------------------------------------------------------


def verify(
    data: bytes,
    *,
    key: bytes | None = None,
    kept: dict | None = None,
    published: dict | None = None,
) -> dict:
    """{"ok", "problems", "events", "sealed", "subjects", "authenticated", "published"}
    of a bundle; `kept` and `published` map checkpoint numbers to their statements."""
    doc = load(data)
    _shape(doc)
    problems: list[str] = []
    rest = {k: v for k, v in doc.items() if k != "digest"}
    if hashlib.sha256(canonical_json(rest)).hexdigest() != doc["digest"]:
        problems.append("digest: the bundle's content does not match its digest")
    checkpoints = {}
    for cp in doc["checkpoints"]:
        if cp["number"] in checkpoints:
            problems.append(f"checkpoint {cp['number']}: listed twice")
        checkpoints[cp["number"]] = cp
    for number, cp in checkpoints.items():
        before = checkpoints.get(number - 1)
        if before is not None and cp["prev"] != hashlib.sha256(statement_bytes(before)).hexdigest():
            problems.append(f"checkpoint {number}: does not follow checkpoint {number - 1}")
        if key is not None:
            mac = hmac.new(key, statement_bytes(cp), hashlib.sha256).hexdigest()
            if not hmac.compare_digest(mac, cp["signature"]):
                problems.append(f"checkpoint {number}: signature does not verify")
        if kept is not None:
            theirs = kept.get(number)
            if theirs is None or any(
                theirs.get(k) != cp[k] for k in STATEMENT_KEYS | {"signature"}
            ):
                problems.append(f"checkpoint {number}: differs from the kept export")
        if published is not None:
            head = published.get(number)
            if head is None:
                problems.append(f"checkpoint {number}: its head was never published")
            elif any(head.get(k) != cp[k] for k in STATEMENT_KEYS | {"signature"}):
                problems.append(
                    f"checkpoint {number}: differs from its published head "
                    f"(root {cp['root'][:12]}... here, {str(head.get('root'))[:12]}... published)"
                )
    events = sealed = 0
    for s in doc["subjects"]:
        subject, prev = s["subject"], GENESIS
        for expected, e in enumerate(s["events"], start=1):
            events += 1
            where = f"{subject} #{e['seq']}"
            if e["seq"] != expected:
                problems.append(f"{where}: expected sequence number {expected}")
            if e["prev_hash"] != prev:
                problems.append(f"{where}: does not link to the previous event")
            try:
                raw = event_bytes(subject, e)
            except (TypeError, ValueError):
                raw = b""
            if hashlib.sha256(bytes.fromhex(e["prev_hash"]) + raw).hexdigest() != e["hash"]:
                problems.append(f"{where}: content does not match its hash")
            prev = e["hash"]
            proof = e["proof"]
            if proof is None:
                continue
            cp = checkpoints.get(proof["checkpoint"])
            leaf = hashlib.sha256(b"\x00" + bytes.fromhex(e["hash"])).digest()
            path = [bytes.fromhex(p) for p in proof["path"]]
            if cp is None or not inclusion_ok(
                leaf, proof["index"], cp["size"], path, bytes.fromhex(cp["root"])
            ):
                problems.append(f"{where}: not proven under checkpoint {proof['checkpoint']}")
            else:
                sealed += 1
    return {
        "ok": not problems,
        "problems": problems,
        "subjects": len(doc["subjects"]),
        "events": events,
        "sealed": sealed,
        "authenticated": key is not None or kept is not None or published is not None,
        "published": published is not None,
    }


def _kept(path: str) -> dict:
    with open(path, "rb") as f:
        export = json.loads(f.read().decode("utf-8"))
    return {int(c["number"]): c for c in export.get("checkpoints", [])}


def published_heads(path: str) -> dict:
    """The heads published in folder `path` (checkpoint-NNNNNNNN.json files, as
    audit/publish.py writes them), or in the one such file `path`, by number."""
    if os.path.isdir(path):
        names = sorted(
            n for n in os.listdir(path) if n.startswith("checkpoint-") and n.endswith(".json")
        )
        files = [os.path.join(path, n) for n in names]
    else:
        files = [path]
    heads = {}
    for name in files:
        with open(name, "rb") as f:
            head = json.loads(f.read().decode("utf-8"))
        if not isinstance(head, dict) or not _is_int(head.get("number")):
            raise ValueError(f"{name} is not a published checkpoint head")
        heads[head["number"]] = head
    return heads


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Verify a Kinerja audit evidence bundle.")
    parser.add_argument("bundle", help="the bundle file (JSON)")
    parser.add_argument("--key-file", help="file holding the checkpoint signing key")
    parser.add_argument("--checkpoints", help="a checkpoint export kept by the inspectorate")
    parser.add_argument(
        "--published", help="the folder (or one file) of the checkpoint heads published"
    )
    args = parser.parse_args(argv)
    key = None
    if args.key_file:
        with open(args.key_file, "rb") as f:
            key = f.read().strip()
    elif os.environ.get("AUDIT_CHECKPOINT_KEY"):
        key = os.environ["AUDIT_CHECKPOINT_KEY"].encode("utf-8")
    try:
        with open(args.bundle, "rb") as f:
            data = f.read()
        kept = _kept(args.checkpoints) if args.checkpoints else None
        published = published_heads(args.published) if args.published else None
    except (OSError, ValueError) as exc:  # the inputs beside the bundle cannot be read
        print(f"CANNOT READ: {exc}")
        return 2
    try:
        result = verify(data, key=key, kept=kept, published=published)
    except (OSError, ValueError, KeyError, Invalid) as exc:
        print(f"REJECTED: {exc}")
        return 2 if isinstance(exc, OSError) else 1
    for problem in result["problems"]:
        print(f"PROBLEM: {problem}")
    print(
        f"{'GENUINE' if result['ok'] else 'REJECTED'}: {result['subjects']} subject(s), "
        f"{result['events']} event(s), {result['sealed']} sealed under a checkpoint"
    )
    if result["ok"] and not result["authenticated"]:
        print(
            "NOTE: checkpoint statements not authenticated "
            "(give --published, --checkpoints or --key-file)"
        )
    if result["ok"] and not result["published"]:
        print(
            "NOTE: not compared with the published heads (--published DIR): the signing key "
            "alone does not rule out a rewrite by someone who holds it"
        )
    if result["ok"] and result["sealed"] < result["events"]:
        print(f"NOTE: {result['events'] - result['sealed']} event(s) not sealed yet")
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
