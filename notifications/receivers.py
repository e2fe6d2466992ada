"""The engine's two signals, as the notifications app hears them.

`transition_applied` arrives inside the transition's transaction: we only add
the outbox row (one INSERT, from fields already on the locked row), so it
commits or rolls back with the change. `transition_committed` arrives after
commit: we only nudge the relay; if the broker is down, beat catches up.
"""

from __future__ import annotations

from .models import OutboxEvent
from .relay import relay_trigger


def outbox_write(sender, *, obj, workflow, transition, **kwargs) -> None:
    if workflow != "appraisal":
        return
    deadline = obj.appeal_deadline
    OutboxEvent.objects.create(
        kind=f"appraisal.{transition}",
        subject_type=kwargs["subject_type"],
        subject_id=kwargs["subject_id"],
        audit_event_id=kwargs.get("audit_event_id"),
        actor_id=kwargs.get("actor_id"),
        data={
            "from_state": kwargs.get("from_state"),
            "to_state": kwargs.get("to_state"),
            "employee_id": obj.employee_id,
            "appraiser_id": obj.appraiser_id,
            "appeal_reviewer_id": obj.appeal_reviewer_id,
            "unit_id": obj.unit_id,
            "cycle_id": obj.cycle_id,
            "appeal_deadline": deadline.isoformat() if deadline else None,
        },
    )


def relay_nudge(sender, **kwargs) -> None:
    relay_trigger()
