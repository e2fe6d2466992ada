"""The audit event table, range-partitioned by time on PostgreSQL (issue #21).

`audit_partition` turns `audit_auditevent` into a table partitioned on `at`
(yearly by default, or monthly), in one transaction, without copying the events:

- the existing table becomes one partition, `audit_auditevent_archive`, for every
  time before the end of the period of its newest event (an empty one is dropped);
- new periods get their own partitions (`audit_auditevent_y2027`, `..._m202701`),
  created ahead of time (`--ahead`, and the daily `audit.partitions_ahead` task),
  and a default partition catches whatever falls outside them;
- ids keep coming from the same sequence (a partitioned table cannot carry an
  identity column on PostgreSQL 15: the parent's `id` takes `nextval` of a
  sequence that continues where the identity stopped), so ids stay monotonic
  across partitions and checkpoints keep sealing ranges of ids;
- Django's indexes keep their names on the parent (each partition gets its own);
  the primary key becomes (id, at), as PostgreSQL asks the partition key in it;
- (subject, seq) stays unique over the whole table: a partitioned table's unique
  index must contain `at`, so the guarantee moves to a plain table,
  `audit_auditevent_key`, whose primary key carries the constraint's old name
  `audit_event_subject_seq`, filled by a BEFORE INSERT row trigger in the same
  statement (a duplicate fails the insert as before, with the same name);
- the append-only trigger sits on the parent, on every partition and on the key
  table (a statement-level trigger on a parent does not fire for a statement
  that names a partition directly).

Verification does not change: it reads events through the parent. The model stays
managed by Django as before (`makemigrations` sees nothing): later AddField or
AddIndex operations on the parent reach every partition.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from .dbguard import FUNCTION, FUNCTION_SQL, TRIGGER

TABLE = "audit_auditevent"
ARCHIVE = "audit_auditevent_archive"
DEFAULT = "audit_auditevent_default"
KEY_TABLE = "audit_auditevent_key"
KEY_CONSTRAINT = "audit_event_subject_seq"
SEQUENCE = "audit_auditevent_id_seq"
KEY_FUNCTION = "kinerja_audit_event_key"
KEY_TRUNCATE_FUNCTION = "kinerja_audit_event_key_truncate"
KEY_UPDATE_TRIGGER = "kinerja_audit_event_key_update"
MIRROR_TRIGGERS = (KEY_FUNCTION, KEY_UPDATE_TRIGGER)

# The key table mirrors (subject, seq) of every event as a unique index would: on every
# insert, delete and update, even with session_replication_role = replica (ENABLE ALWAYS),
# so that it never disagrees with the events, whoever writes them.
KEY_FUNCTION_SQL = f"""
CREATE OR REPLACE FUNCTION {KEY_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO {KEY_TABLE} VALUES (NEW.subject_type, NEW.subject_id, NEW.seq);
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE' OR (OLD.subject_type, OLD.subject_id, OLD.seq)
            IS DISTINCT FROM (NEW.subject_type, NEW.subject_id, NEW.seq) THEN
        DELETE FROM {KEY_TABLE} WHERE subject_type = OLD.subject_type
            AND subject_id = OLD.subject_id AND seq = OLD.seq;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    IF (OLD.subject_type, OLD.subject_id, OLD.seq)
            IS DISTINCT FROM (NEW.subject_type, NEW.subject_id, NEW.seq) THEN
        INSERT INTO {KEY_TABLE} VALUES (NEW.subject_type, NEW.subject_id, NEW.seq);
    END IF;
    RETURN NULL;
END
$$;
"""
INTERVALS = ("year", "month")

_BOUND = re.compile(r"FROM \((.+?)\) TO \((.+?)\)")


class NotPostgres(Exception):
    pass


@dataclass
class Report:
    converted: bool = False
    archive_rows: int = 0
    archive_until: dt.datetime | None = None
    created: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _one(cursor, sql: str, params=None):
    cursor.execute(sql, params or [])
    row = cursor.fetchone()
    return row[0] if row else None


def is_partitioned() -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        return bool(
            _one(
                cursor,
                "SELECT 1 FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid "
                "WHERE c.relname = %s AND pg_table_is_visible(c.oid)",
                [TABLE],
            )
        )


def period_start(moment: dt.datetime, interval: str) -> dt.datetime:
    moment = moment.astimezone(dt.UTC)
    if interval == "year":
        return dt.datetime(moment.year, 1, 1, tzinfo=dt.UTC)
    return dt.datetime(moment.year, moment.month, 1, tzinfo=dt.UTC)


def period_next(start: dt.datetime, interval: str) -> dt.datetime:
    if interval == "year":
        return start.replace(year=start.year + 1)
    if start.month == 12:
        return start.replace(year=start.year + 1, month=1)
    return start.replace(month=start.month + 1)


def partition_name(start: dt.datetime, interval: str) -> str:
    if interval == "year":
        return f"{TABLE}_y{start.year:04d}"
    return f"{TABLE}_m{start.year:04d}{start.month:02d}"


def partitions() -> list[tuple[str, dt.datetime | None, dt.datetime | None]]:
    """(name, from, to) of each partition; None for MINVALUE/MAXVALUE; the default has both None."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i "
            "JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent "
            "WHERE p.relname = %s AND pg_table_is_visible(p.oid) ORDER BY c.relname",
            [TABLE],
        )
        rows = cursor.fetchall()
        out = []
        for name, bound in rows:
            match = _BOUND.search(bound or "")
            if not match:
                out.append((name, None, None))
                continue
            ends = []
            for text in match.groups():
                if text in ("MINVALUE", "MAXVALUE"):
                    ends.append(None)
                else:
                    ends.append(_one(cursor, "SELECT %s::timestamptz", [text.strip("'")]))
            out.append((name, ends[0], ends[1]))
        return out


def interval_in_use() -> str | None:
    """The interval the table was partitioned by (its periods' names say), None if none yet."""
    names = [name for name, low, high in partitions() if low is not None or high is not None]
    for interval, mark in (("month", f"{TABLE}_m"), ("year", f"{TABLE}_y")):
        if any(name.startswith(mark) for name in names):
            return interval
    return None


def _guard(cursor, table: str) -> None:
    cursor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {_q(table)}")
    cursor.execute(
        f"CREATE TRIGGER {TRIGGER} BEFORE UPDATE OR DELETE OR TRUNCATE ON {_q(table)} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()"
    )


def _mirror_always(cursor, table: str) -> None:
    for trigger in MIRROR_TRIGGERS:
        cursor.execute(f"ALTER TABLE {_q(table)} ENABLE ALWAYS TRIGGER {trigger}")
    if table == TABLE:
        cursor.execute(f"ALTER TABLE {_q(table)} ENABLE ALWAYS TRIGGER {KEY_TRUNCATE_FUNCTION}")


def _overlaps(start, end, ranges) -> bool:
    for _name, low, high in ranges:
        if low is None and high is None:
            continue  # the default partition
        if (high is None or start < high) and (low is None or low < end):
            return True
    return False


def partitions_ahead(*, interval: str = "year", ahead: int = 2, now=None) -> Report:
    """Create the partitions of the current period and the `ahead` next ones, where missing.

    A period whose rows already sit in the default partition is skipped (PostgreSQL
    would refuse to create it); the report names it.
    """
    if interval not in INTERVALS:
        raise ValueError(f"interval must be one of {INTERVALS}")
    report = Report()
    if not is_partitioned():
        return report
    start = period_start(now or timezone.now(), interval)
    with transaction.atomic(), connection.cursor() as cursor:
        existing = partitions()
        has_default = any(low is None and high is None for _, low, high in existing)
        for _ in range(ahead + 1):
            end = period_next(start, interval)
            name = partition_name(start, interval)
            if not _overlaps(start, end, existing):
                stray = has_default and _one(
                    cursor,
                    f'SELECT 1 FROM {_q(DEFAULT)} WHERE "at" >= %s AND "at" < %s LIMIT 1',
                    [start, end],
                )
                if stray:
                    report.skipped.append(name)
                else:
                    cursor.execute(
                        f"CREATE TABLE {_q(name)} PARTITION OF {_q(TABLE)} "
                        "FOR VALUES FROM (%s) TO (%s)",
                        [start, end],
                    )
                    _guard(cursor, name)
                    _mirror_always(cursor, name)
                    existing.append((name, start, end))
                    report.created.append(name)
            start = end
    return report


def _index_definitions(cursor, table: str) -> list[tuple[str, str, bool, bool]]:
    cursor.execute(
        "SELECT i.relname, pg_get_indexdef(i.oid), x.indisunique, x.indisprimary "
        "FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
        "WHERE x.indrelid = %s::regclass ORDER BY i.relname",
        [table],
    )
    return cursor.fetchall()


def partition(*, interval: str = "year", ahead: int = 2, now=None) -> Report:
    """Convert the event table (once; later calls only add partitions ahead)."""
    if connection.vendor != "postgresql":
        raise NotPostgres(
            "audit_partition needs PostgreSQL: the audit table is partitioned by time with "
            "PostgreSQL's declarative partitioning; SQLite keeps one plain table."
        )
    if interval not in INTERVALS:
        raise ValueError(f"interval must be one of {INTERVALS}")
    if is_partitioned():
        return partitions_ahead(interval=interval, ahead=ahead, now=now)
    now = now or timezone.now()
    report = Report(converted=True)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {_q(TABLE)} IN ACCESS EXCLUSIVE MODE")
        # ALTER TABLE refuses a table with deferred foreign-key checks pending in the
        # transaction (a caller's own inserts): fire them now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(FUNCTION_SQL)
        sequence = _one(cursor, "SELECT pg_get_serial_sequence(%s, 'id')", [TABLE])
        cursor.execute(f"SELECT last_value, is_called FROM {sequence}")
        last_value, is_called = cursor.fetchone()
        indexes = _index_definitions(cursor, TABLE)
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'f'",
            [TABLE],
        )
        foreign_keys = cursor.fetchall()
        newest = _one(cursor, f'SELECT max("at") FROM {_q(TABLE)}')
        report.archive_rows = _one(cursor, f"SELECT count(*) FROM {_q(TABLE)}")

        # The old table steps aside: its name, its index names and its identity.
        cursor.execute(f"ALTER TABLE {_q(TABLE)} RENAME TO {_q(ARCHIVE)}")
        for number, (name, _sql, _unique, _primary) in enumerate(indexes):
            cursor.execute(f"ALTER INDEX {_q(name)} RENAME TO {_q(f'{ARCHIVE}_i{number}')}")
        cursor.execute(f"ALTER TABLE {_q(ARCHIVE)} ALTER COLUMN id DROP IDENTITY IF EXISTS")
        cursor.execute(f"DROP SEQUENCE IF EXISTS {sequence}")
        cursor.execute(f"CREATE SEQUENCE {_q(SEQUENCE)} AS bigint")
        cursor.execute("SELECT setval(%s, %s, %s)", [SEQUENCE, last_value, is_called])

        # The parent: same columns, defaults and checks; id from the sequence.
        cursor.execute(
            f"CREATE TABLE {_q(TABLE)} (LIKE {_q(ARCHIVE)} INCLUDING DEFAULTS "
            'INCLUDING CONSTRAINTS INCLUDING STORAGE) PARTITION BY RANGE ("at")'
        )
        cursor.execute(f"ALTER TABLE {_q(TABLE)} ALTER COLUMN id SET DEFAULT nextval('{SEQUENCE}')")
        cursor.execute(f"ALTER SEQUENCE {_q(SEQUENCE)} OWNED BY {_q(TABLE)}.id")
        cursor.execute(f'ALTER TABLE {_q(TABLE)} ADD PRIMARY KEY (id, "at")')
        target = f" ON public.{TABLE} "
        for name, sql, unique, primary in indexes:
            if primary:
                continue
            if unique:  # the (subject, seq) constraint: its guarantee moves to the key table
                sql = sql.replace("CREATE UNIQUE INDEX", "CREATE INDEX", 1)
                sql = sql.replace(f"INDEX {name} ", f"INDEX {name}_i ", 1)
            if target not in sql:
                raise RuntimeError(f"unexpected index definition: {sql}")
            cursor.execute(sql)
        for name, definition in foreign_keys:
            cursor.execute(f"ALTER TABLE {_q(TABLE)} ADD CONSTRAINT {_q(name)} {definition}")
        _guard(cursor, TABLE)

        # (subject, seq) unique over every partition.
        cursor.execute(
            f"CREATE TABLE {_q(KEY_TABLE)} (subject_type varchar(100) NOT NULL, "
            "subject_id varchar(64) NOT NULL, seq integer NOT NULL, "
            f"CONSTRAINT {_q(KEY_CONSTRAINT)} PRIMARY KEY (subject_type, subject_id, seq))"
        )
        cursor.execute(
            f"INSERT INTO {_q(KEY_TABLE)} SELECT subject_type, subject_id, seq FROM {_q(ARCHIVE)}"
        )
        cursor.execute(KEY_FUNCTION_SQL)
        cursor.execute(
            f"CREATE TRIGGER {KEY_FUNCTION} BEFORE INSERT OR DELETE ON {_q(TABLE)} "
            f"FOR EACH ROW EXECUTE FUNCTION {KEY_FUNCTION}()"
        )
        # A row that moves to another partition is a DELETE and an INSERT (above);
        # AFTER UPDATE fires only for a row that stays.
        cursor.execute(
            f"CREATE TRIGGER {KEY_UPDATE_TRIGGER} AFTER UPDATE ON {_q(TABLE)} "
            f"FOR EACH ROW EXECUTE FUNCTION {KEY_FUNCTION}()"
        )
        # A test database's flush empties the events (triggers lifted): the keys follow.
        cursor.execute(
            f"CREATE OR REPLACE FUNCTION {KEY_TRUNCATE_FUNCTION}() RETURNS trigger "
            f"LANGUAGE plpgsql AS $$ BEGIN TRUNCATE {KEY_TABLE}; RETURN NULL; END $$"
        )
        cursor.execute(
            f"CREATE TRIGGER {KEY_TRUNCATE_FUNCTION} AFTER TRUNCATE ON {_q(TABLE)} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {KEY_TRUNCATE_FUNCTION}()"
        )
        _mirror_always(cursor, TABLE)
        _guard(cursor, KEY_TABLE)

        # The old rows: one partition up to the end of their newest period, or nothing.
        if report.archive_rows:
            # Its primary key (id) and unique (subject, seq) give way to the parent's
            # (id, at) and to the key table (a partition cannot keep a second primary key).
            for number, (_name, _sql, unique, _primary) in enumerate(indexes):
                if not unique:
                    continue
                old = f"{ARCHIVE}_i{number}"
                constraint = _one(
                    cursor, "SELECT conname FROM pg_constraint WHERE conindid = %s::regclass", [old]
                )
                if constraint:
                    cursor.execute(f"ALTER TABLE {_q(ARCHIVE)} DROP CONSTRAINT {_q(constraint)}")
                else:
                    cursor.execute(f"DROP INDEX {_q(old)}")
            until = period_next(period_start(newest, interval), interval)
            cursor.execute(
                f"ALTER TABLE {_q(TABLE)} ATTACH PARTITION {_q(ARCHIVE)} "
                "FOR VALUES FROM (MINVALUE) TO (%s)",
                [until],
            )
            _guard(cursor, ARCHIVE)
            _mirror_always(cursor, ARCHIVE)
            report.archive_until = until
        else:
            cursor.execute(f"DROP TABLE {_q(ARCHIVE)}")
        cursor.execute(f"CREATE TABLE {_q(DEFAULT)} PARTITION OF {_q(TABLE)} DEFAULT")
        _guard(cursor, DEFAULT)
        _mirror_always(cursor, DEFAULT)
    ahead_report = partitions_ahead(interval=interval, ahead=ahead, now=now)
    report.created = ahead_report.created
    report.skipped = ahead_report.skipped
    return report
