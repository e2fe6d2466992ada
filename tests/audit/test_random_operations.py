"""Random sequences of domain operations, some rolled back, leave exactly the
committed changes in the audit log: none missing, none from rolled-back work,
none without an actor."""

from __future__ import annotations

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from appraisals.lifecycle import APPRAISAL_WORKFLOW
from appraisals.models import Appraisal, PlanItem
from appraisals.services.cycles import cycle_open
from appraisals.services.plan import plan_item_delete, plan_item_update
from audit.models import AuditEvent
from audit.verify import verify_audit
from workflow.actors import system_actor
from workflow.errors import WorkflowError
from workflow.services import perform

from ..flow import ACTOR, add_plan_item, set_expectations, valid_body

pytestmark = [pytest.mark.django_db, pytest.mark.property]

TRANSITIONS = [t.name for t in APPRAISAL_WORKFLOW.transitions]
OPERATIONS = [*TRANSITIONS, "plan_item.created", "plan_item.updated", "plan_item.deleted",
              "behaviour_expectations.set"]  # fmt: skip


class RolledBack(Exception):
    """Raised after an operation succeeded, to undo it."""


def _apply(name: str, appraisal: Appraisal, users: dict) -> tuple[str, str]:
    """Run one operation as its proper actor; returns (action, actor) it should record."""
    employee = users["employee"]
    if name == "plan_item.created":
        add_plan_item(appraisal, employee)
        return name, employee.username
    if name in ("plan_item.updated", "plan_item.deleted"):
        item = PlanItem.objects.filter(appraisal=appraisal).order_by("-id").first()
        if item is None:
            raise WorkflowError("no item")
        if name == "plan_item.updated":
            plan_item_update(item=item, actor=employee, data={"result": f"Hasil {item.pk}"})
        else:
            plan_item_delete(item=item, actor=employee)
        return name, employee.username
    if name == "behaviour_expectations.set":
        set_expectations(appraisal, users["appraiser"])
        return name, users["appraiser"].username
    actor = users[ACTOR[name]]
    body = dict(valid_body(name, appraisal))
    reason = body.pop("reason", "")
    perform(appraisal, name, actor=actor, payload=body, reason=reason)
    return name, actor.username


def _run(org, ops: list[tuple[str, bool]]) -> None:
    cycle_open(cycle=org.cycle, actor=system_actor(), employees=[org.employee])
    appraisal = Appraisal.objects.get(cycle=org.cycle, employee=org.employee)
    subject = {"subject_type": "appraisals.appraisal", "subject_id": str(appraisal.pk)}
    history_before = appraisal.history.count()
    ledger: list[tuple[str, str]] = []
    for name, rollback in ops:
        appraisal.refresh_from_db()
        try:
            with transaction.atomic():
                done = _apply(name, appraisal, org.users)
                if rollback:
                    raise RolledBack
        except (WorkflowError, RolledBack):
            continue
        ledger.append(done)
    events = list(AuditEvent.objects.filter(**subject, seq__gt=1).order_by("seq"))
    assert [(e.action, e.actor_username) for e in events] == ledger
    assert all(e.actor_id is not None for e in events)
    appraisal.refresh_from_db()
    assert appraisal.version == 1 + len(ledger)
    assert [e.changes["version"] for e in events] == [[v, v + 1] for v in range(1, len(ledger) + 1)]
    assert appraisal.history.count() == history_before + len(ledger)
    assert appraisal.history.filter(history_user__isnull=True).count() == 0
    report = verify_audit()
    assert report.ok, report.problems


@settings(
    max_examples=25,
    deadline=None,
    database=None,  # no example database left in the work tree
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=st.lists(st.tuples(st.sampled_from(OPERATIONS), st.booleans()), min_size=1, max_size=14))
def test_events_are_exactly_the_committed_changes(org, ops):
    # Each example starts from the same organisation: its own work is rolled back at the end.
    with transaction.atomic():
        _run(org, ops)
        transaction.set_rollback(True)


def test_a_realistic_walk_with_rollbacks(org):
    """The happy path with every other step first tried and rolled back."""
    path = ["plan_item.created", "submit_plan", "behaviour_expectations.set", "approve_plan",
            "submit_self_assessment", "submit_review", "record_discussion", "issue_result",
            "file_appeal", "decide_appeal", "propose_decision", "approve_decision"]  # fmt: skip
    ops = [(name, rollback) for name in path for rollback in (True, False)]
    with transaction.atomic():
        _run(org, ops)
        assert Appraisal.objects.get(employee=org.employee).state == "decided"
        transaction.set_rollback(True)
