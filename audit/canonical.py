"""The stable canonical form of an audit event and its hash.

    hash = SHA-256(bytes.fromhex(prev_hash) || canonical_json(event))

canonical_json is UTF-8 JSON with keys sorted, no insignificant white space,
non-ASCII kept as is, and these members (version 1):

    {"action", "actor", "actor_name", "at", "changes", "from_state", "reason",
     "scope", "seq", "subject", "to_state", "v"}

`at` is UTC with microseconds, e.g. "2026-01-31T02:00:00.000000Z";
`subject` is "<type>:<id>"; `scope` is where the subject sits in the
organisation (a unit path such as "/1/4/", or ""); `changes` holds JSON values only (dates and
decimals as strings, see `normalise`). The first event of a subject has
prev_hash GENESIS. Golden-hash tests pin this form: changing it breaks every
stored chain.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

GENESIS = "0" * 64
FORM_VERSION = 1


def normalise(value: Any) -> Any:
    """Turn Python values (dates, decimals, UUIDs) into plain JSON values."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def format_time(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_bytes(
    *,
    subject: str,
    seq: int,
    at: dt.datetime,
    actor: str,
    actor_name: str,
    action: str,
    from_state: str,
    to_state: str,
    reason: str,
    changes: Any,
    scope: str = "",
) -> bytes:
    doc = {
        "v": FORM_VERSION,
        "subject": subject,
        "seq": seq,
        "at": format_time(at),
        "actor": actor,
        "actor_name": actor_name,
        "action": action,
        "from_state": from_state,
        "to_state": to_state,
        "reason": reason,
        "changes": changes,
        "scope": scope,
    }
    return json.dumps(
        doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def chain_hash(prev_hash: str, payload: bytes) -> str:
    return hashlib.sha256(bytes.fromhex(prev_hash) + payload).hexdigest()
