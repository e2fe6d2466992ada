"""One view of the database for a whole verification (PostgreSQL).

Chains and live records are read in one read-only REPEATABLE READ
transaction, so that a transition committed while verification runs is not
taken for a record that disagrees with its chain. The parallel verifier's
processes join that transaction's snapshot (exported, as pg_dump --jobs does).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper

_SNAPSHOT_ID = re.compile(r"[0-9A-Fa-f]+(-[0-9A-Fa-f]+)+")


def begin(cursor: CursorWrapper, snapshot_id: str | None = None) -> None:
    """Make the transaction just begun read-only REPEATABLE READ, on the
    snapshot `snapshot_id` (exported by another transaction) if given."""
    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
    if snapshot_id is not None:
        # Not a parameter: the statement takes none where binding is server-side.
        if not _SNAPSHOT_ID.fullmatch(snapshot_id):
            raise ValueError(f"not a snapshot id: {snapshot_id!r}")
        cursor.execute(f"SET TRANSACTION SNAPSHOT '{snapshot_id}'")


def export(cursor: CursorWrapper) -> str:
    """The id other sessions join this transaction's snapshot with; the
    session then waits while they work, so no idle timeout may end it."""
    cursor.execute("SET LOCAL idle_in_transaction_session_timeout = 0")
    cursor.execute("SELECT pg_export_snapshot()")
    return cursor.fetchone()[0]


@contextmanager
def consistent_reads() -> Iterator[CursorWrapper | None]:
    """One read-only REPEATABLE READ transaction on PostgreSQL, outside any
    transaction of the caller; otherwise (None) the caller's reads as they are."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield None
        return
    with transaction.atomic(), connection.cursor() as cursor:
        begin(cursor)
        yield cursor
