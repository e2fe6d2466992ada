"""perform's steps, one behaviour each where the HTTP tests do not reach."""

import pytest

from audit.models import AuditEvent
from workflow.services import perform

from ..flow import add_plan_item

pytestmark = pytest.mark.django_db


def test_a_retry_without_a_rendered_response_is_still_a_replay(org, appraisal):
    # The HTTP API always renders a response; a service caller need not. The
    # key's record then holds no response, and a retry must still be a replay.
    employee = org.users["employee"]
    add_plan_item(appraisal, employee)
    first = perform(appraisal, "submit_plan", actor=employee, idempotency_key="k-1")
    events = AuditEvent.objects.count()
    again = perform(appraisal, "submit_plan", actor=employee, idempotency_key="k-1")
    assert (first.replayed, again.replayed) == (False, True)
    assert again.response is None and again.event is None
    assert AuditEvent.objects.count() == events
