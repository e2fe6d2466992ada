"""The engine's two signals, as the notifications app hears them.

`transition_applied` arrives inside the transition's transaction: we only add
the outbox row (one INSERT, from fields already on the locked row), so it
commits or rolls back with the change. `transition_committed` arrives after
commit: we only nudge the relay; if the broker is down, beat catches up.
"""

from __future__ import annotations

import datetime as dt

from workflow import definition

from .models import OutboxEvent
from .relay import relay_trigger
from .rules import person_fields


def _plain(value):
    return value.isoformat() if isinstance(value, dt.date) else value


def outbox_write(sender, *, obj, workflow, transition, **kwargs) -> None:
    """One outbox row per transition of any registered lifecycle, kind "<workflow>.<transition>".

    It carries the fields the table names (`notify_fields`, else the model's
    person fields), so the relay resolves the audience without loading the object.
    """
    table = definition.get(workflow)
    fields = table.notify_fields or tuple(
        attname for attname, _kind in person_fields(table).values()
    )
    data = {"from_state": kwargs.get("from_state"), "to_state": kwargs.get("to_state")}
    data.update({name: _plain(getattr(obj, name)) for name in fields})
    if table.scope_of is not None:
        data["scope"] = table.scope_of(obj)
    OutboxEvent.objects.create(
        kind=f"{workflow}.{transition}",
        subject_type=kwargs["subject_type"],
        subject_id=kwargs["subject_id"],
        audit_event_id=kwargs.get("audit_event_id"),
        actor_id=kwargs.get("actor_id"),
        data=data,
    )


def relay_nudge(sender, **kwargs) -> None:
    relay_trigger()
