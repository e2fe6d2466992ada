"""The event table partitioned by time (PostgreSQL): same guarantees, rows in their period.

`KINERJA_AUDIT_PARTITIONED=1` runs the whole audit family on a partitioned table
(tests/audit/conftest.py); these tests partition on their own either way (DDL is
transactional on PostgreSQL: each test's conversion is rolled back with it).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction

from audit import partition as part
from audit.models import AuditEvent
from audit.services import audit_event_append
from audit.verify import verify_audit
from workflow.actors import system_actor

from .test_append_only import _refused

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="partitioning: PostgreSQL only"
)
NOW = dt.datetime(2026, 12, 4, 12, 0, tzinfo=dt.UTC)


def _partition_of(event_id: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tableoid::regclass::text FROM audit_auditevent WHERE id = %s", [event_id]
        )
        return cursor.fetchone()[0]


def _note(appraisal, at: dt.datetime) -> AuditEvent:
    """An event that leaves the appraisal's state as it is (the live record agrees)."""
    state = appraisal.state
    return audit_event_append(
        subject=appraisal,
        actor=system_actor(),
        action="note",
        from_state=state,
        to_state=state,
        at=at,
    )


@pytest.mark.skipif("connection.vendor == 'postgresql'")
def test_refused_on_sqlite_with_a_clear_message():
    with pytest.raises(CommandError, match="needs PostgreSQL"):
        call_command("audit_partition")


@postgres_only
def test_existing_events_become_the_archive_and_still_verify(histories):
    if part.is_partitioned():
        pytest.skip("the session's table is partitioned already")
    first, _ = histories
    before = list(AuditEvent.objects.order_by("id").values_list("id", "hash"))
    report = part.partition(interval="year", ahead=1, now=NOW)
    assert report.converted and report.archive_rows == len(before) > 0
    assert report.archive_until == dt.datetime(2027, 1, 1, tzinfo=dt.UTC)
    assert report.created == ["audit_auditevent_y2027"]  # 2026 is the archive's
    assert part.is_partitioned()
    assert list(AuditEvent.objects.order_by("id").values_list("id", "hash")) == before
    assert {_partition_of(i) for i, _ in before} == {part.ARCHIVE}
    assert verify_audit().ok
    # The sequence goes on from where the identity stopped; the chain from its head.
    event = _note(
        first,
        dt.datetime(2027, 5, 1, tzinfo=dt.UTC),
    )
    assert event.id > before[-1][0]
    assert _partition_of(event.id) == "audit_auditevent_y2027"
    assert verify_audit().ok


@postgres_only
def test_events_land_in_their_period_with_monotonic_ids(appraisal):
    part.partition(interval="year", ahead=2, now=NOW)
    ids = []
    for at, expected in [
        (dt.datetime(2028, 3, 1, tzinfo=dt.UTC), "audit_auditevent_y2028"),
        (dt.datetime(2026, 12, 4, tzinfo=dt.UTC), "audit_auditevent_y2026"),
        (dt.datetime(2040, 1, 1, tzinfo=dt.UTC), part.DEFAULT),
    ]:
        event = _note(appraisal, at)
        assert _partition_of(event.id) in (expected, part.ARCHIVE)
        ids.append(event.id)
    assert ids == sorted(ids)
    assert _partition_of(ids[0]) == "audit_auditevent_y2028"
    assert _partition_of(ids[2]) == part.DEFAULT
    assert verify_audit().ok


@postgres_only
def test_a_second_run_only_adds_partitions_ahead():
    part.partition(interval="year", ahead=1, now=NOW)
    had = {name for name, _low, _high in part.partitions()}
    assert {"audit_auditevent_y2026", "audit_auditevent_y2027", part.DEFAULT} <= had
    report = part.partition(interval="year", ahead=3, now=NOW)
    assert not report.converted
    wanted = [f"audit_auditevent_y{year}" for year in (2028, 2029)]
    assert report.created == [name for name in wanted if name not in had]
    assert {name for name, _low, _high in part.partitions()} == had | set(wanted)
    assert part.partitions_ahead(interval="year", ahead=3, now=NOW).created == []


@postgres_only
def test_a_period_with_rows_in_the_default_partition_is_skipped(appraisal):
    part.partition(interval="year", ahead=0, now=NOW)
    stray = _note(
        appraisal,
        dt.datetime(2031, 6, 1, tzinfo=dt.UTC),
    )
    assert _partition_of(stray.id) == part.DEFAULT
    later = dt.datetime(2031, 1, 1, tzinfo=dt.UTC)
    report = part.partitions_ahead(interval="year", ahead=1, now=later)
    assert report.skipped == ["audit_auditevent_y2031"]
    assert report.created == ["audit_auditevent_y2032"]


@postgres_only
def test_subject_and_seq_stay_unique_across_partitions(appraisal):
    part.partition(interval="year", ahead=2, now=NOW)
    event = _note(
        appraisal,
        dt.datetime(2028, 1, 2, tzinfo=dt.UTC),
    )
    twin = AuditEvent.objects.get(pk=event.pk)
    twin.pk = twin.id = None
    twin._state.adding = True
    twin.at = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)  # another partition
    with pytest.raises(IntegrityError, match=part.KEY_CONSTRAINT), transaction.atomic():
        twin.save(force_insert=True)


@postgres_only
def test_partitions_and_the_key_table_refuse_rewrites(appraisal):
    part.partition(interval="year", ahead=1, now=NOW)
    _note(appraisal, NOW)
    names = [name for name, _low, _high in part.partitions()] + [part.TABLE, part.KEY_TABLE]
    assert part.DEFAULT in names and "audit_auditevent_y2027" in names
    for table in names:
        quoted = connection.ops.quote_name(table)
        assert _refused(f"UPDATE {quoted} SET seq = seq"), table
        assert _refused(f"DELETE FROM {quoted}"), table
        assert _refused(f"TRUNCATE {quoted}"), table
    assert AuditEvent.objects.filter(subject_id=str(appraisal.pk)).count() >= 2


def _keys(appraisal) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT seq FROM {part.KEY_TABLE} WHERE subject_id = %s ORDER BY seq",
            [str(appraisal.pk)],
        )
        return [row[0] for row in cursor.fetchall()]


@postgres_only
def test_the_key_table_follows_a_superusers_rewrites(appraisal):
    """Like an index: moved, renumbered or deleted rows keep their keys (replica mode too)."""
    from .tamper import raw

    part.partition(interval="year", ahead=2, now=NOW)
    event = _note(appraisal, dt.datetime(2026, 12, 2, tzinfo=dt.UTC))
    seqs = list(
        AuditEvent.objects.filter(subject_id=str(appraisal.pk))
        .order_by("seq")
        .values_list("seq", flat=True)
    )
    assert _keys(appraisal) == seqs
    # Moved to another partition (a DELETE and an INSERT underneath).
    raw(
        "UPDATE audit_auditevent SET at = %s WHERE id = %s",
        [dt.datetime(2028, 2, 1, tzinfo=dt.UTC), event.pk],
    )
    assert _partition_of(event.pk) == "audit_auditevent_y2028"
    assert _keys(appraisal) == seqs
    # Renumbered in place.
    raw("UPDATE audit_auditevent SET seq = seq + 100 WHERE id = %s", [event.pk])
    assert _keys(appraisal) == seqs[:-1] + [event.seq + 100]
    # Deleted: the seq is free again, as the unique index would leave it.
    raw("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    assert _keys(appraisal) == seqs[:-1]
    again = _note(appraisal, dt.datetime(2026, 12, 3, tzinfo=dt.UTC))
    assert again.seq == event.seq and _keys(appraisal) == seqs


@postgres_only
def test_the_daily_task_keeps_the_interval_the_table_was_partitioned_by(settings):
    """Whatever AUDIT_PARTITION_INTERVAL says: monthly partitions among yearly ones (or the
    reverse) would overlap them, and leave periods to the default partition."""
    from audit.tasks import partitions_ahead

    if not part.is_partitioned():  # else KINERJA_AUDIT_PARTITIONED=1 did it, yearly
        part.partition(interval="month", ahead=1)
    used = part.interval_in_use()
    marks = {"year": "audit_auditevent_y", "month": "audit_auditevent_m"}
    settings.AUDIT_PARTITION_INTERVAL = "year" if used == "month" else "month"
    created = partitions_ahead()
    names = {name for name, _low, _high in part.partitions()}
    wrong = marks[settings.AUDIT_PARTITION_INTERVAL]
    assert not any(name.startswith(wrong) for name in names), names
    assert all(name.startswith(marks[used]) for name in created), created
