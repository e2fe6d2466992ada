"""Tampering as a database superuser would: raw SQL, the append-only triggers off.

On PostgreSQL `session_replication_role = replica` switches the triggers off
for this session (superuser only, as in the test database); SQLite has none.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.db import connection


@contextmanager
def triggers_off():
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgres:
            cursor.execute("SET session_replication_role = replica")
        try:
            yield cursor
        finally:
            if postgres:
                cursor.execute("SET session_replication_role = DEFAULT")


def raw(sql: str, params=()) -> int:
    """Run one statement as the superuser; returns the rows it touched."""
    with triggers_off() as cursor:
        cursor.execute(sql, list(params))
        return cursor.rowcount
