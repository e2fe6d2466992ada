"""Toys for the tests, each born as the engine's objects are: with history and a first event."""

from __future__ import annotations

from audit.services import audit_event_append

from .models import Toy


def toy_create(*, owner, reviewer=None, title: str = "Mainan", actor=None) -> Toy:
    toy = Toy(title=title, owner=owner, reviewer=reviewer)
    toy._history_user = actor or owner
    toy._change_reason = "toy.created"
    toy.save()
    audit_event_append(
        subject=toy,
        actor=actor or owner,
        action="toy.created",
        to_state=toy.state,
        changes={"version": [None, toy.version]},
    )
    return toy
