"""PostgreSQL refuses UPDATE, DELETE and TRUNCATE on the audit tables and on every
simple-history table that exists at this point. Tables added later are guarded
by the post_migrate handler in audit/apps.py (same trigger, idempotent).
Self-contained on purpose: a migration must not change when app code does."""

from django.db import migrations

FUNCTION_SQL = """
CREATE OR REPLACE FUNCTION kinerja_refuse_rewrite() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% on % refused: audit and history records are append-only',
        TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;
"""
AUDIT_TABLES = ("audit_auditevent", "audit_checkpoint", "audit_readaccess")


def guard(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    existing = connection.introspection.table_names()
    tables = [t for t in existing if t in AUDIT_TABLES or "_historical" in t]
    with connection.cursor() as cursor:
        cursor.execute(FUNCTION_SQL)
        for table in sorted(tables):
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"DROP TRIGGER IF EXISTS kinerja_append_only ON {quoted}")
            cursor.execute(
                f"CREATE TRIGGER kinerja_append_only BEFORE UPDATE OR DELETE OR TRUNCATE "
                f"ON {quoted} FOR EACH STATEMENT EXECUTE FUNCTION kinerja_refuse_rewrite()"
            )


def unguard(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            if table in AUDIT_TABLES or "_historical" in table:
                quoted = connection.ops.quote_name(table)
                cursor.execute(f"DROP TRIGGER IF EXISTS kinerja_append_only ON {quoted}")
        cursor.execute("DROP FUNCTION IF EXISTS kinerja_refuse_rewrite()")


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0003_checkpoint_readaccess"),
    ]

    operations = [migrations.RunPython(guard, unguard, elidable=False)]
