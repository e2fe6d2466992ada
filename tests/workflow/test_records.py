"""One helper for "who changed this, and why" (workflow.records)."""

import re
from pathlib import Path

import pytest
from django.db import transaction

from appraisals.models import Unit
from audit.models import AuditEvent
from audit.services import subject_key
from workflow.records import attribute, audit_record

from ..factories import UserFactory, make_unit

ROOT = Path(__file__).resolve().parents[2]
# The only places that may set simple-history's attribution or append to a chain.
OWNERS = {"workflow/records.py", "audit/services.py", "audit/admin.py"}


@pytest.mark.django_db
def test_attribute_names_actor_and_reason_on_the_history_row():
    user = UserFactory(username="hr")
    unit = make_unit("X", "Unit X", "unit_kerja")
    unit.name = "Unit X baru"
    attribute(unit, actor=user, reason="unit.renamed").save(update_fields=["name"])
    row = unit.history.latest("history_date")
    assert (row.history_user, row.history_change_reason) == (user, "unit.renamed")


@pytest.mark.django_db
def test_audit_record_appends_to_the_subjects_chain():
    user = UserFactory(username="hr")
    unit = make_unit("X", "Unit X", "unit_kerja")
    with transaction.atomic():
        first = audit_record(unit, locked=None, actor=user, action="unit.noted", changes={})
        second = audit_record(unit, locked=unit, actor=user, action="unit.noted", reason="again")
    subject_type, subject_id = subject_key(unit)
    events = AuditEvent.objects.filter(subject_type=subject_type, subject_id=subject_id)
    assert [e.pk for e in events.order_by("seq")] == [first.pk, second.pk]
    assert second.prev_hash == first.hash


@pytest.mark.django_db(transaction=True)
def test_audit_record_refuses_to_run_outside_a_transaction():
    user = UserFactory(username="hr")
    unit = Unit.objects.create(code="Y", name="Unit Y", kind="unit_kerja", path="/9/")
    with pytest.raises(RuntimeError, match="transaction"):
        audit_record(unit, locked=unit, actor=user, action="unit.noted")
    assert not AuditEvent.objects.exists()


def test_no_attribution_or_append_written_by_hand():
    pattern = re.compile(r"\._history_user\s*=|\._change_reason\s*=|audit_event_append\(")
    offenders = [
        f"{path.relative_to(ROOT)}:{n}"
        for app in ("appraisals", "workflow", "notifications", "audit")
        for path in sorted((ROOT / app).rglob("*.py"))
        if str(path.relative_to(ROOT)) not in OWNERS
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert offenders == []
