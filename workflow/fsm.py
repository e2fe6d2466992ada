"""Feeding a `Workflow` table into django-fsm.

`fsm_methods(workflow)` returns a plain mixin whose methods are django-fsm
transitions generated from the table, so the model never restates the
lifecycle. The methods only move the state; the engine (services.perform)
does the rest. Calling one directly changes the object in memory only.
"""

from __future__ import annotations

from typing import Any

from django_fsm import transition as fsm_transition

from .definition import Transition, Workflow


def _permission(workflow: Workflow, t: Transition):
    def has_perm(instance: Any, user: Any) -> bool:
        roles = workflow.roles_of(instance, user)
        return bool(roles & t.roles)

    return has_perm


def _method(workflow: Workflow, t: Transition):
    def method(self) -> None:
        """Generated from the workflow table; the state change is django-fsm's."""

    method.__name__ = t.name
    method.__qualname__ = f"{workflow.name}.{t.name}"
    return fsm_transition(
        field=workflow.state_field,
        source=workflow.sources_of(t),
        target=t.target,
        permission=_permission(workflow, t),
        custom={"label": t.label, "roles": sorted(t.roles)},
    )(method)


def fsm_methods(workflow: Workflow, *, module: str, name: str) -> type:
    """A mixin class; bind it to a module-level `name` in `module` (migrations import it)."""
    attrs = {t.name: _method(workflow, t) for t in workflow.transitions}
    attrs["__module__"] = module
    cls = type(name, (), attrs)
    cls.__qualname__ = name
    return cls
