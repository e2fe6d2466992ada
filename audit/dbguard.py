"""The database refuses to rewrite history (PostgreSQL).

One statement-level trigger per protected table rejects UPDATE, DELETE and
TRUNCATE, whatever the role: the audit app's tables and every simple-history
table of every app. Migration 0004 installs it on the tables that exist then;
the post_migrate handler (apps.py) attaches it, idempotently, to tables that
apps add later. A superuser can still switch triggers off (session_replication_role,
ALTER TABLE ... DISABLE TRIGGER): that is what the hash chains and the exported
checkpoints are for.

On SQLite the application refuses the same at the ORM level (guards.py).
"""

from __future__ import annotations

from collections.abc import Iterable

FUNCTION = "kinerja_refuse_rewrite"
TRIGGER = "kinerja_append_only"

FUNCTION_SQL = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% on % refused: audit and history records are append-only',
        TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;
"""

AUDIT_TABLES = (
    "audit_auditevent",
    "audit_checkpoint",
    "audit_checkpointhead",
    "audit_readaccess",
)


def _trigger_sql(quoted_table: str) -> str:
    return (
        f"CREATE TRIGGER {TRIGGER} BEFORE UPDATE OR DELETE OR TRUNCATE ON {quoted_table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()"
    )


def guarded_tables(connection, registry) -> list[str]:
    """The audit tables and every simple-history table that exists now."""
    from simple_history.models import HistoricalChanges

    existing = set(connection.introspection.table_names())
    tables = [t for t in AUDIT_TABLES if t in existing]
    for model in registry.get_models(include_auto_created=True):
        if issubclass(model, HistoricalChanges) and model._meta.db_table in existing:
            tables.append(model._meta.db_table)
    return sorted(set(tables))


def install(connection, tables: Iterable[str]) -> list[str]:
    """Attach the trigger where it is missing; returns the tables newly guarded."""
    if connection.vendor != "postgresql":
        return []
    tables = list(tables)
    added = []
    with connection.cursor() as cursor:
        cursor.execute(FUNCTION_SQL)
        cursor.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname = %s AND c.relname = ANY(%s) AND pg_table_is_visible(c.oid)",
            [TRIGGER, tables],
        )
        have = {row[0] for row in cursor.fetchall()}
        for table in tables:
            if table not in have:
                cursor.execute(_trigger_sql(connection.ops.quote_name(table)))
                added.append(table)
    return added


def guard_all(connection, registry) -> list[str]:
    return install(connection, guarded_tables(connection, registry))
