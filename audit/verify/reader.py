"""Reading events for verification: plain columns, in id order, no model instances.

Verification reads every event; building model instances (or running Django's
per-value converters) would cost several times the hashing itself. Rows come
back as tuples in COLUMNS order, `changes` as its stored JSON text and `at` as
text (canonical on PostgreSQL, turned canonical by `canonical_at` on SQLite).
Id order needs no sort, and within a subject ids grow with seq in genuine data.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from django.db import connection

from ..bundle import EVENT_FIELDS
from ..models import AuditEvent

# The stored columns of an event, in the order the bundle exports them.
COLUMNS = ("id", "subject_type", "subject_id", *EVENT_FIELDS)


def _table() -> str:
    return connection.ops.quote_name(AuditEvent._meta.db_table)


def _select(where: str, order: str) -> str:
    if connection.vendor == "postgresql":
        exprs = {
            "at": """to_char("at" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')""",
            "changes": '"changes"::text',
        }
    else:
        # An expression has no declared type, so sqlite3's datetime converter stays out.
        exprs = {"at": "\"at\" || ''"}
    cols = ", ".join(exprs.get(c, f'"{c}"') for c in COLUMNS)
    sql = f"SELECT {cols} FROM {_table()}"
    if where:
        sql += f" WHERE {where}"
    return f"{sql} ORDER BY {order}"


def sqlite_at(text: str) -> str:
    """SQLite's stored UTC text, "YYYY-MM-DD HH:MM:SS[.ffffff]", in the canonical form."""
    if len(text) == 26:
        return f"{text[:10]}T{text[11:]}Z"
    if len(text) == 19:
        return f"{text[:10]}T{text[11:]}.000000Z"
    return text  # not what Django writes: let the hash say so


def at_fixer():
    """None where `at` already arrives canonical, else the function that makes it so."""
    return None if connection.vendor == "postgresql" else sqlite_at


def stream(*, where: str = "", params: Sequence = (), chunk_size: int = 10000) -> Iterator:
    """Chunks of rows (COLUMNS order), in id order."""
    cursor = connection.chunked_cursor()
    try:
        cursor.execute(_select(where, '"id"'), list(params))
        while True:
            rows = cursor.fetchmany(chunk_size)
            if not rows:
                break
            yield rows
    finally:
        cursor.close()


def subject_rows(subject_type: str, subject_id: str, *, after: int = 0) -> list[tuple]:
    """Rows (COLUMNS order) of one subject with ids above `after`, in chain order."""
    with connection.cursor() as cursor:
        cursor.execute(
            _select('"subject_type" = %s AND "subject_id" = %s AND "id" > %s', '"seq", "id"'),
            [subject_type, subject_id, after],
        )
        return cursor.fetchall()
