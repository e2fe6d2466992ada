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

`canonical_text` builds the same bytes (as text) without a dict and without
json.dumps' per-call set-up, for verifying millions of events; tests check
that both agree.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from json.encoder import encode_basestring
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

GENESIS = "0" * 64
FORM_VERSION = 1

_encode_json = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
).encode
# The members in sorted order; `at` needs no escaping in its fixed format.
_TEMPLATE = (
    '{"action":%s,"actor":%s,"actor_name":%s,"at":"%s","changes":%s,"from_state":%s,'
    '"reason":%s,"scope":%s,"seq":%d,"subject":%s,"to_state":%s,"v":' + str(FORM_VERSION) + "}"
)


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


def canonical_changes(changes: Any) -> str:
    """The canonical JSON text of `changes` alone (as it appears inside the event)."""
    return _encode_json(changes)


def canonical_text(
    subject: str,
    seq: int,
    at_text: str,
    actor: str,
    actor_name: str,
    action: str,
    from_state: str,
    to_state: str,
    reason: str,
    changes_text: str,
    scope: str,
) -> str:
    """canonical_bytes(...).decode(), from `at` already formatted (format_time) and
    `changes` already canonical (canonical_changes)."""
    s = encode_basestring
    return _TEMPLATE % (
        s(action),
        s(actor),
        s(actor_name),
        at_text,
        changes_text,
        s(from_state),
        s(reason),
        s(scope),
        seq,
        s(subject),
        s(to_state),
    )
