"""Fast appends of many rows: PostgreSQL COPY, or bulk_create elsewhere.

Used where tens of thousands of rows are written at once (opening a cycle):
COPY skips the ORM's per-value preparation, which dominates bulk_create at
that size. Rows are dicts of column attnames -> Python values.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection, models


def _copy(model: type[models.Model], rows: Sequence[dict]) -> None:
    from psycopg.types.json import Jsonb

    columns = list(rows[0])
    json_columns = {
        f.attname for f in model._meta.concrete_fields if isinstance(f, models.JSONField)
    }
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    sql = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({quoted}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row([Jsonb(row[c]) if c in json_columns else row[c] for c in columns])


def insert_rows(model: type[models.Model], rows: Sequence[dict], *, batch_size: int = 5000):
    """Insert `rows`; ids are not returned. Must run inside the caller's transaction."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        _copy(model, rows)
    else:
        model.objects.bulk_create([model(**row) for row in rows], batch_size=batch_size)


def history_rows(objs: Sequence[models.Model], *, actor, reason: str, at) -> list[dict]:
    """simple-history "created" rows for freshly inserted `objs`, attributed explicitly.

    The same rows simple-history's bulk_create_with_history would write, built
    directly so they can be COPYed.
    """
    if not objs:
        return []
    history_model = objs[0].__class__.history.model
    own = [
        f.attname for f in history_model._meta.concrete_fields if not f.name.startswith("history_")
    ]
    extra = {
        "history_date": at,
        "history_change_reason": reason,
        "history_type": "+",
        "history_user_id": actor.pk,
    }
    return [{**{name: getattr(obj, name) for name in own}, **extra} for obj in objs]
