"""A lifecycle declared once, as data.

The domain builds a `Workflow` (states and transitions, who may fire each,
conditions with a human reason, payload schema, labels) and registers it.
django-fsm methods, the API's available transitions, diagrams and the
permission tests are all derived from this table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps

from .text import Text

ANY_STATE = "*"
SYSTEM_ROLE = "system"


@dataclass(frozen=True)
class Context:
    """What a guard or effect may know about the attempt."""

    actor: Any
    roles: frozenset[str]
    now: dt.datetime
    payload: Mapping[str, Any] = field(default_factory=dict)
    reason: str = ""
    # Facts several guards of one attempt share (e.g. one query for three conditions),
    # read by the first that needs them: it lives as long as this attempt's context.
    memo: dict = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class Guard:
    """A rule with the reason shown when it fails.

    As a transition's `condition` it speaks about the object (unmet -> 400);
    as a `restriction` it speaks about the actor, e.g. separation of duties
    (unmet -> 403).
    """

    code: str
    message: Text
    check: Callable[[Any, Context], bool]
    # The message with the object's particulars (e.g. the date it waits for);
    # `message` stays the general reason tables and pages list.
    explain: Callable[[Any, Context], Text] | None = None


@dataclass(frozen=True)
class State:
    name: str
    label: Text
    final: bool = False
    # Who must move the object on from here (a relation or an assigned role);
    # deadlines remind them and digests list it for them.
    responsible: str = ""


@dataclass(frozen=True)
class Transition:
    name: str
    source: tuple[str, ...]
    target: str
    roles: frozenset[str]
    label: Text
    conditions: tuple[Guard, ...] = ()
    restrictions: tuple[Guard, ...] = ()
    # A DRF serializer class validating the payload (the body less `reason`).
    payload: type | None = None
    reason_required: bool = False
    # Domain effect: changes fields (and rows belonging to the aggregate)
    # after the state moved; may return extra {field: [old, new]} changes for
    # the audit event. Never locks, notifies or audits by itself.
    effect: Callable[[Any, Context], Mapping[str, list] | None] | None = None
    # Who is told when it fired: relations (a person field of the model, e.g.
    # "employee") or roles assigned over the object's scope (e.g. "authority").
    # The actor is never told of their own action. Empty: the workflow's default.
    audience: tuple[str, ...] = ()
    # A transition whose next state depends on more than its source (e.g. an appraisal
    # stays `decision_proposed` while other proposals of it wait): the other states it
    # may reach, and `settle(obj, ctx)`, which names the one (`target` or one of
    # `also_to`) before the state moves and the effect runs. The table lists every
    # state it can reach, so diagrams, django-fsm and the matrix tests derive from data.
    also_to: tuple[str, ...] = ()
    settle: Callable[[Any, Context], str] | None = None

    @property
    def targets(self) -> tuple[str, ...]:
        """Every state this transition may lead to, its usual `target` first."""
        return (self.target, *self.also_to)


@dataclass(frozen=True)
class Workflow:
    name: str
    label: Text
    states: tuple[State, ...]
    initial: str
    transitions: tuple[Transition, ...]
    # The domain's answer to "which roles does this user hold towards this
    # object?" (employee, appraiser, panel ...). The engine only intersects.
    roles_of: Callable[[Any, Any], frozenset[str]]
    state_field: str = "state"
    version_field: str = "version"
    # The subject's place in the organisation (e.g. a unit path), recorded on
    # each audit event so inspectors can search and be scoped by it.
    scope_of: Callable[[Any], str] | None = None
    # Fields whose change is noise in an audit diff (timestamps).
    untracked_fields: frozenset[str] = frozenset({"updated_at"})

    # -- how the generic HTTP layer, pages and notifications serve it --------
    # Dotted paths are resolved on first use, so the table never imports the
    # views or serializers that import its model.
    # The URL segment of its objects: /api/<route>/<id>/transitions/<name>/,
    # /api/<route>/<id>/history/, /<route>/<id>/ and /<route>/<id>/do/<name>/.
    # Empty: no HTTP exposure.
    route: str = ""
    # `f(*, user, pk)` returning the object `user` may see, else raising
    # workflow.errors.NotFound. Default: any object `user` holds a role on.
    visible: str = ""
    # `f(*, user, pk)` as `visible`, returning the object read with SELECT ... FOR UPDATE
    # (its own row) in the caller's transaction, with `related` loaded: a transition
    # then reads its row once. Default: `visible`, then the row locked by id.
    visible_locked: str = ""
    # The DRF serializer of the object after a transition (its response).
    # Default: id, state, version and the transitions open to the caller.
    serializer: str = ""
    # select_related() for that response.
    related: tuple[str, ...] = ()
    # Roles that may read the object's history (API and page).
    history_readers: frozenset[str] = frozenset()
    # `f(*, obj, events) -> {seq: capacity}`: the capacity in which each event's actor
    # acted then (e.g. "appraiser", "plt_appraiser"), shown on the history as
    # `actor_capacity` and on the timeline. Default: none.
    history_capacity: str = ""
    # An `ObjectPages` subclass (workflow.web.views) drawing the object's page
    # and its transition forms. Default: the generic pages.
    pages: str = ""
    # Audience of a transition that declares none.
    default_audience: tuple[str, ...] = ()
    # Who hears instead when nobody holds a relation (e.g. no appeal reviewer:
    # the authority decides in their place, so it is told).
    stand_ins: Mapping[str, str] = field(default_factory=dict)
    # Fields copied into each notification event (the texts may show them).
    notify_fields: tuple[str, ...] = ()
    # Changes outside the transitions (`services.change` actions) that are announced as
    # transitions are, with their audience: action -> relations/roles to tell.
    announced_changes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # The object changes only while these hold (e.g. its period is not closed):
    # unmet, every transition and change() is refused (409) and none is offered.
    live_while: tuple[Guard, ...] = ()

    def __post_init__(self) -> None:
        names = [t.name for t in self.transitions]
        if len(names) != len(set(names)):
            raise ValueError(f"{self.name}: duplicate transition names")
        state_names = {s.name for s in self.states}
        if self.initial not in state_names:
            raise ValueError(f"{self.name}: unknown initial state {self.initial!r}")
        for t in self.transitions:
            if not t.roles:
                # Deny by default: a transition nobody may fire is a bug.
                raise ValueError(f"{self.name}.{t.name}: no roles declared")
            unknown = (set(t.source) - {ANY_STATE}) | set(t.targets)
            unknown -= state_names
            if unknown:
                raise ValueError(f"{self.name}.{t.name}: unknown states {sorted(unknown)}")
            if bool(t.also_to) != (t.settle is not None):
                # Several possible targets need the rule that picks one, and only they.
                raise ValueError(f"{self.name}.{t.name}: `also_to` and `settle` go together")

    def transition(self, name: str) -> Transition | None:
        return self._by_name().get(name)

    def _by_name(self) -> dict[str, Transition]:
        cache = self.__dict__.get("_by_name_cache")
        if cache is None:
            cache = {t.name: t for t in self.transitions}
            object.__setattr__(self, "_by_name_cache", cache)
        return cache

    def state(self, name: str) -> State:
        return next(s for s in self.states if s.name == name)

    def sources_of(self, t: Transition) -> list[str]:
        """Concrete source states, with `*` expanded to every non-final state but the target."""
        if ANY_STATE not in t.source:
            return list(t.source)
        return [s.name for s in self.states if not s.final and s.name != t.target]

    def edges(self) -> list[tuple[str, str, Transition]]:
        return [
            (src, target, t)
            for t in self.transitions
            for src in self.sources_of(t)
            for target in t.targets
        ]


_registry: dict[str, tuple[Workflow, str]] = {}


def register(workflow: Workflow, *, model: str) -> Workflow:
    """Register a lifecycle for a model given as "app_label.ModelName".

    A name is registered once: a second lifecycle under the same name would
    silently take over the first one's URLs, history and notifications.
    """
    existing = _registry.get(workflow.name)
    if existing is not None and existing[0] is not workflow:
        raise ValueError(f"A workflow named {workflow.name!r} is already registered")
    _registry[workflow.name] = (workflow, model)
    return workflow


def model_of(name: str) -> type:
    """The model class a registered workflow runs on."""
    return apps.get_model(_registry[name][1])


def registered() -> dict[str, Workflow]:
    return {name: wf for name, (wf, _model) in sorted(_registry.items())}


def bindings() -> list[tuple[Workflow, str]]:
    """Each registered lifecycle with its model's label ("app_label.ModelName")."""
    return [entry for _name, entry in sorted(_registry.items())]


def get(name: str) -> Workflow | None:
    entry = _registry.get(name)
    return entry[0] if entry else None


def for_model(model: type) -> Workflow:
    label = model._meta.label
    for wf, model_label in _registry.values():
        if model_label == label:
            return wf
    raise LookupError(f"No workflow registered for {label}")
