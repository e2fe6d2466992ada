"""Every change leaves history with an explicit actor and reason, and an event per change."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.utils import timezone

from appraisals.models import Appraisal, PlanItem
from appraisals.services.calibration import unit_predicate_set
from appraisals.services.changes import employee_leave, employee_supervisor_change
from appraisals.services.organisation import unit_create
from appraisals.services.plan import plan_item_delete, plan_item_update
from audit.guards import historical_models
from audit.models import AuditEvent
from audit.verify import verify_audit
from workflow.services import perform

from ..factories import EmployeeFactory, supervise
from ..flow import add_plan_item, advance, valid_body

pytestmark = pytest.mark.django_db


def _high_water() -> dict:
    return {
        m: (m.objects.order_by("-history_id").values_list("history_id", flat=True).first() or 0)
        for m in historical_models(apps)
    }


def _rows_since(marks: dict):
    for model, mark in marks.items():
        yield from model.objects.filter(history_id__gt=mark)


@pytest.fixture
def newcomer(org):
    """Made by the test's factories (which attribute nothing), before the walk begins."""
    employee = EmployeeFactory(unit=org.dinas, user__username="newcomer")
    supervise(employee, org.appraiser)
    return employee


def _walk_everything(org, appraisal, other_appraisal, other_users, newcomer):
    """The lifecycle end to end, an appeal, plan edits, organisation changes, a cancel."""
    advance(appraisal, "decided", users=org.users)
    # Plan items edited and deleted in draft, then the appeal path.
    add_plan_item(other_appraisal, other_users["employee"])
    item = PlanItem.objects.filter(appraisal=other_appraisal).first()
    plan_item_update(item=item, actor=other_users["employee"], data={"result": "Hasil baru"})
    add_plan_item(other_appraisal, other_users["employee"])
    plan_item_delete(
        item=PlanItem.objects.filter(appraisal=other_appraisal).last(),
        actor=other_users["employee"],
    )
    appealed = advance(other_appraisal, "appealed", users=other_users)
    body = dict(valid_body("decide_appeal", appealed))
    reason = body.pop("reason")
    perform(appealed, "decide_appeal", actor=org.users["superior"], payload=body, reason=reason)
    # The organisation, as HR and the authority change it.
    hr = org.users["hr_admin"]
    unit_create(actor=hr, code="BARU", name="Bidang Baru", kind="unit_kerja", parent=org.dinas)
    employee_supervisor_change(
        employee=newcomer,
        supervisor=org.head,
        effective=timezone.localdate() - dt.timedelta(days=1),
        actor=hr,
    )
    employee_leave(
        employee=newcomer,
        kind="retired",
        effective=timezone.localdate() - dt.timedelta(days=1),
        actor=hr,
    )
    unit_predicate_set(
        unit=org.dinas,
        cycle=org.cycle,
        predicate="baik",
        actor=org.users["authority"],
        reason="Kinerja unit baik",
    )


def test_every_history_row_names_its_actor_and_reason(
    org, appraisal, other_appraisal, other_users, newcomer
):
    marks = _high_water()
    _walk_everything(org, appraisal, other_appraisal, other_users, newcomer)
    rows = list(_rows_since(marks))
    assert len(rows) > 40
    touched = {type(r).__name__ for r in rows}
    assert {"HistoricalAppraisal", "HistoricalPlanItem", "HistoricalEmployee"} <= touched
    missing = [(type(r).__name__, r.history_id) for r in rows if r.history_user_id is None]
    assert missing == []
    unexplained = [(type(r).__name__, r.history_id) for r in rows if not r.history_change_reason]
    assert unexplained == []


def test_every_event_names_its_actor_and_the_chains_verify(
    org, appraisal, other_appraisal, other_users, newcomer
):
    _walk_everything(org, appraisal, other_appraisal, other_users, newcomer)
    assert not AuditEvent.objects.filter(actor__isnull=True).exists()
    assert not AuditEvent.objects.filter(actor_username="").exists()
    report = verify_audit()
    assert report.ok, report.problems
    # One event per change of the appraisal: its versions count up without a gap.
    for a in Appraisal.objects.all():
        versions = [
            e.changes["version"][1]
            for e in AuditEvent.objects.filter(
                subject_id=str(a.pk), subject_type="appraisals.appraisal"
            ).order_by("seq")
            if "version" in e.changes
        ]
        assert versions == list(range(1, a.version + 1)), a
