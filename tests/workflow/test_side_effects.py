"""The engine announces a transition only after its transaction commits."""

import pytest
from django.db import transaction

from workflow.services import perform
from workflow.signals import transition_committed

pytestmark = pytest.mark.django_db


@pytest.fixture
def received():
    seen = []

    def receiver(sender, **kwargs):
        seen.append(kwargs)

    transition_committed.connect(receiver)
    yield seen
    transition_committed.disconnect(receiver)


def test_announced_on_commit_with_ids_only(
    org, at_state, received, django_capture_on_commit_callbacks
):
    appraisal = at_state("plan_submitted")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        outcome = perform(appraisal, "approve_plan", actor=org.users["appraiser"])
    assert received == []  # nothing before commit
    assert len(callbacks) == 1
    callbacks[0]()
    assert received == [
        {
            "signal": transition_committed,
            "workflow": "appraisal",
            "transition": "approve_plan",
            "subject_type": "appraisals.appraisal",
            "subject_id": appraisal.pk,
            "audit_event_id": outcome.event.pk,
            "actor_id": org.users["appraiser"].pk,
            "from_state": "plan_submitted",
            "to_state": "in_progress",
        }
    ]


def test_rolled_back_transition_sends_nothing(
    org, at_state, received, django_capture_on_commit_callbacks
):
    appraisal = at_state("plan_submitted")
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        perform(appraisal, "approve_plan", actor=org.users["appraiser"])
        raise RuntimeError("boom")
    assert callbacks == []
    assert received == []
    appraisal.refresh_from_db()
    assert appraisal.state == "plan_submitted"


def test_history_row_names_the_actor_and_reason(org, at_state):
    appraisal = at_state("plan_submitted")
    perform(appraisal, "return_plan", actor=org.users["appraiser"], reason="Target kurang jelas")
    record = appraisal.history.order_by("-history_id").first()
    assert record.history_user == org.users["appraiser"]
    assert record.history_change_reason == "return_plan: Target kurang jelas"
    assert record.state == "draft"
    # Every history row of the aggregate has an actor, the system's included.
    assert not appraisal.history.filter(history_user__isnull=True).exists()
