"""Feeding a `Workflow` table into django-fsm.

`bind(workflow, model)` attaches to the model one django-fsm transition per
row of the table, at start-up (`WorkflowConfig.ready`), so the model never
imports — nor restates — its lifecycle. `fsm_methods(workflow)` builds the
same methods as a mixin, for a model that prefers to inherit them. The
methods only move the state; the engine (services.perform) does the rest.
Calling one directly changes the object in memory only. django-fsm's
`has_transition_perm(obj.<name>, user)` gives the engine's answer to "may
this actor fire it here" (`checks.permitted`: state, roles, restrictions);
whether the object is ready (the table's conditions) the engine answers with
reasons (`transitions_open_to`); `can_proceed(obj.<name>)` knows no actor and
answers only whether the state allows the transition.
"""

from __future__ import annotations

from typing import Any

from django_fsm import RETURN_VALUE, FSMFieldMixin
from django_fsm import transition as fsm_transition

from .checks import permitted
from .definition import Transition, Workflow


def _permission(workflow: Workflow, t: Transition):
    # django-fsm's `has_transition_perm` asks this after the state: it answers
    # with the engine's own check (roles and restrictions), so it agrees with
    # `transitions_open_to` and with what `perform` refuses as 403. The table's
    # conditions are not given to django-fsm as `conditions`: `perform` checks
    # them once, with their reasons, before it calls the method (they query).
    def has_perm(instance: Any, user: Any) -> bool:
        return permitted(workflow, t, instance, user)

    return has_perm


def _method(workflow: Workflow, t: Transition):
    def method(self, target: str | None = None) -> str:
        """Generated from the workflow table; the state change is django-fsm's.

        A transition with several possible targets (`also_to`) moves to the one the
        engine passes (the table's `settle` chose it); django-fsm checks it is declared.
        """
        return t.target if target is None else target

    method.__name__ = t.name
    method.__qualname__ = f"{workflow.name}.{t.name}"
    return fsm_transition(
        field=workflow.state_field,
        source=workflow.sources_of(t),
        target=RETURN_VALUE(*t.targets) if t.also_to else t.target,
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


def bind(workflow: Workflow, model: type) -> None:
    """Attach the table's transitions to `model` as django-fsm methods.

    A model that already has them (it inherits `fsm_methods`) is left as it
    is; any other attribute of the same name is a clash, refused.
    """
    field = model._meta.get_field(workflow.state_field)
    if not isinstance(field, FSMFieldMixin):
        raise TypeError(f"{model._meta.label}.{workflow.state_field} is not a django-fsm field")
    added = False
    for t in workflow.transitions:
        existing = getattr(model, t.name, None)
        if existing is not None:
            if getattr(existing, "_django_fsm", None) is None:
                raise TypeError(f"{model._meta.label}.{t.name} exists and is no transition")
            continue
        setattr(model, t.name, _method(workflow, t))
        added = True
    if added:
        # django-fsm collects a model's transitions when the class is prepared,
        # before these methods existed: let it collect them again.
        field._collect_transitions(sender=model)
