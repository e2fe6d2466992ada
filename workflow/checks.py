"""The engine's one answer to "may this actor fire this transition on this object?".

`perform` refuses with these, `transitions_open_to` lists with them, and
django-fsm's `has_transition_perm` asks them too (`fsm.py`), so no caller
gets a second, laxer answer (it once checked the roles only, not the
restrictions such as separation of duties).
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from .definition import Context, Guard, Transition, Workflow
from .errors import Problem
from .text import Text


def context_for(workflow: Workflow, obj: Any, actor: Any, **fields: Any) -> Context:
    """What guards know of an attempt: the actor, the roles they hold on `obj`, now."""
    now = fields.pop("now", None) or timezone.now()
    return Context(actor=actor, roles=workflow.roles_of(obj, actor), now=now, **fields)


def failed(guards: tuple[Guard, ...], obj: Any, ctx: Context) -> list[Problem]:
    """The guards that do not hold, each as a problem with its reason."""
    return [
        Problem(code=g.code, message=g.explain(obj, ctx) if g.explain else g.message)
        for g in guards
        if not g.check(obj, ctx)
    ]


def holds(guards: tuple[Guard, ...], obj: Any, ctx: Context) -> bool:
    """Whether every guard holds: `not failed(...)`, asking in order and only until one fails."""
    return all(g.check(obj, ctx) for g in guards)


def forbidden(t: Transition, obj: Any, ctx: Context) -> list[Problem]:
    """Why the actor may not fire `t` (no role it names, or a restriction): empty if they may."""
    if not ctx.roles & t.roles:
        return [
            Problem(
                code="role",
                message=Text(
                    id=f"Anda tidak berwenang melakukan '{t.label.id}'.",
                    en=f"You may not perform '{t.label.en}'.",
                ),
            )
        ]
    return failed(t.restrictions, obj, ctx)


def in_source(workflow: Workflow, t: Transition, obj: Any) -> bool:
    return getattr(obj, workflow.state_field) in workflow.sources_of(t)


def permitted(workflow: Workflow, t: Transition, obj: Any, actor: Any) -> bool:
    """Right state, a role the transition names, and its restrictions hold.

    What `perform` refuses with 409 or 403 and `transitions_open_to` leaves out.
    The conditions (the object's readiness, 400 with reasons) are asked apart,
    as django-fsm asks its conditions apart from its permission.
    """
    return in_source(workflow, t, obj) and not forbidden(t, obj, context_for(workflow, obj, actor))
