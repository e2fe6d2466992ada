"""Nobody rewrites history: PostgreSQL refuses it, and so does the application."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import DatabaseError, connection, transaction

from audit.dbguard import AUDIT_TABLES, TRIGGER, guard_all, guarded_tables
from audit.guards import historical_models
from audit.models import AuditEvent, Checkpoint, ReadAccess

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="database triggers: PostgreSQL only"
)


def _count(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")
        return cursor.fetchone()[0]


def _refused(sql: str) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            # Deferred foreign-key checks pending in the test's transaction would
            # refuse a TRUNCATE first; fire them, so the trigger is what answers.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(sql)
    except DatabaseError as exc:
        assert "append-only" in str(exc)
        return True
    return False


def test_every_history_table_and_audit_table_is_guarded():
    tables = guarded_tables(connection, apps)
    history = {m._meta.db_table for m in historical_models(apps)}
    assert set(AUDIT_TABLES) | history == set(tables)
    assert len(history) >= 20  # every domain model keeps history


@postgres_only
def test_postgres_refuses_update_delete_truncate(histories):
    from audit.checkpoints import checkpoint_seal

    checkpoint_seal()
    tables = guarded_tables(connection, apps)
    for table in tables:
        before = _count(table)
        quoted = connection.ops.quote_name(table)
        assert _refused(f"UPDATE {quoted} SET id = id"), table
        assert _refused(f"DELETE FROM {quoted}"), table
        assert _refused(f"TRUNCATE {quoted}"), table
        assert _count(table) == before, table
    assert _count("audit_auditevent") > 0 and _count("appraisals_historicalappraisal") > 0


@postgres_only
def test_triggers_are_reattached_after_migrations():
    """post_migrate guards tables that apps add later; it is idempotent."""
    table = "appraisals_historicalappraisal"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER {TRIGGER} ON {table}")
    assert guard_all(connection, apps) == [table]
    assert guard_all(connection, apps) == []
    assert _refused(f"DELETE FROM {table}")


def test_history_rows_cannot_be_changed_or_deleted_through_the_orm(histories):
    first, _ = histories
    record = first.history.first()
    record.history_change_reason = "diubah"
    model = type(record)
    attempts = [
        record.save,
        record.delete,
        lambda: model.objects.bulk_update([record], ["history_change_reason"]),
    ]
    for qs in (first.history.all(), model.objects.all(), model._base_manager.all()):
        attempts += [lambda qs=qs: qs.update(history_change_reason="x"), qs.delete]
    for attempt in attempts:
        # Django deletes inside an atomic block: the refusal rolls back the caller's work.
        with pytest.raises(PermissionError), transaction.atomic():
            attempt()
    assert first.history.filter(history_change_reason="diubah").count() == 0


def test_audit_rows_cannot_be_changed_or_deleted_through_the_orm(histories):
    from audit.checkpoints import checkpoint_seal
    from audit.services import read_access_record

    first, _ = histories
    checkpoint_seal()
    read_access_record(reader=None, subject=first, purpose="test")
    for model in (AuditEvent, Checkpoint, ReadAccess):
        row = model.objects.first()
        attempts = [row.save, row.delete, lambda m=model: m.objects.all().update(id=1)]
        attempts.append(model.objects.all().delete)
        for attempt in attempts:
            with pytest.raises(PermissionError), transaction.atomic():
                attempt()


def test_new_history_rows_are_still_written(histories):
    first, _ = histories
    before = first.history.count()
    first.refresh_from_db()
    first._history_user, first._change_reason = None, "test"
    first.save()
    assert first.history.count() == before + 1
