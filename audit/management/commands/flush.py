"""`flush`, which PostgreSQL's append-only triggers would refuse, allowed on test databases.

Django's TransactionTestCase empties every table with `flush` (TRUNCATE) after
each test. Only on a test database (named with Django's test prefix) are the
triggers lifted for the flush, in its own session; anywhere else `flush` meets
the triggers like any other TRUNCATE and fails.
"""

from django.core.management.commands.flush import Command as FlushCommand
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.creation import TEST_DATABASE_PREFIX

from audit.dbguard import TRIGGER


def _is_test_database(connection) -> bool:
    return str(connection.settings_dict.get("NAME") or "").startswith(TEST_DATABASE_PREFIX)


class Command(FlushCommand):
    def handle(self, **options):
        connection = connections[options.get("database") or DEFAULT_DB_ALIAS]
        if connection.vendor != "postgresql" or not _is_test_database(connection):
            return super().handle(**options)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE t.tgname = %s AND pg_table_is_visible(c.oid)",
                [TRIGGER],
            )
            tables = [row[0] for row in cursor.fetchall()]
            for table in tables:
                cursor.execute(
                    f"ALTER TABLE {connection.ops.quote_name(table)} DISABLE TRIGGER {TRIGGER}"
                )
        try:
            return super().handle(**options)
        finally:
            with connection.cursor() as cursor:
                for table in tables:
                    cursor.execute(
                        f"ALTER TABLE {connection.ops.quote_name(table)} ENABLE TRIGGER {TRIGGER}"
                    )
