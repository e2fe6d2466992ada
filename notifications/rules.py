"""Who is told what: the audience of each event, read from the lifecycle tables.

A transition's audience (`Transition.audience`, else the workflow's
`default_audience`) and a state's responsible (`State.responsible`) are
declared on the table. Each name is either a relation, a field of the model
holding a person (an Employee or a user), or a role assigned over a unit
subtree containing the object's scope. An audience resolves to specs:
("employee", <employee id>), ("user", <user id>) or ("role", "<role>"). The
actor of a change is never told about their own action.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from django.contrib.auth import get_user_model

from appraisals.models import Employee
from workflow import definition
from workflow.definition import Workflow

APPRAISAL = "appraisal"
ASSIGNED = ("panel", "authority", "hr_admin", "inspector")


def person_fields(workflow: Workflow) -> dict[str, tuple[str, str]]:
    """Relation name -> (attname, spec kind) for the model's fields that hold a person."""
    cached = workflow.__dict__.get("_person_fields")
    if cached is None:
        user_model = get_user_model()
        cached = {}
        for field in definition.model_of(workflow.name)._meta.concrete_fields:
            target = getattr(field, "related_model", None)
            if target is Employee:
                cached[field.name] = (field.attname, "employee")
            elif target is user_model:
                cached[field.name] = (field.attname, "user")
        object.__setattr__(workflow, "_person_fields", cached)
    return cached


def audience_of(workflow: Workflow, transition: str) -> tuple[str, ...]:
    t = workflow.transition(transition)
    if t is None and transition in workflow.announced_changes:
        return workflow.announced_changes[transition]
    return (t.audience if t is not None else ()) or workflow.default_audience


def relation_spec(
    relation: str, ids: dict, workflow: Workflow | None = None
) -> list[tuple[str, object]]:
    """The spec for a relation or assigned role, given the object's captured ids."""
    workflow = workflow or definition.get(APPRAISAL)
    person = person_fields(workflow).get(relation)
    if person is None:
        return [("role", relation)]
    attname, kind = person
    person_id = ids.get(attname)
    if person_id is None:
        # Nobody holds the relation: whoever stands in for them hears instead
        # (the appraisal: the authority decides an appeal without a reviewer).
        stand_in = workflow.stand_ins.get(relation)
        return [("role", stand_in)] if stand_in else []
    return [(kind, person_id)]


def transition_audience(
    transition: str, ids: dict, workflow: Workflow | None = None
) -> list[tuple[str, object]]:
    workflow = workflow or definition.get(APPRAISAL)
    specs: list[tuple[str, object]] = []
    for relation in audience_of(workflow, transition):
        for spec in relation_spec(relation, ids, workflow):
            if spec not in specs:
                specs.append(spec)
    return specs


def escalation_audience(responsible: str, ids: dict, superior_id: int | None) -> list:
    """Whom to tell when `responsible` missed a deadline.

    The superior of whoever missed it; the authority for an appeal reviewer
    (it may then decide the appeal itself); HR for the assigned roles.
    """
    if responsible == "appeal_reviewer":
        return [("role", "authority")]
    if responsible in ASSIGNED:
        return [("role", "hr_admin")]
    if superior_id is not None:
        return [("employee", superior_id)]
    return [("role", "hr_admin")]


# -- the appraisal's table, as the deadlines and the digest read it -----------------------


class _FromTable(Mapping):
    """A read-only view of the appraisal's table, computed when first read."""

    def __init__(self, build) -> None:
        self._build = build
        self._built: dict | None = None

    def _data(self) -> dict:
        # Tables are registered once, at start-up, and never change afterwards.
        if self._built is None:
            self._built = self._build(definition.get(APPRAISAL))
        return self._built

    def __getitem__(self, key):
        return self._data()[key]

    def __iter__(self) -> Iterator:
        return iter(self._data())

    def __len__(self) -> int:
        return len(self._data())


# Per appraisal transition, the relations to tell.
TRANSITION_AUDIENCE: Mapping[str, tuple[str, ...]] = _FromTable(
    lambda wf: {t.name: audience_of(wf, t.name) for t in wf.transitions}
)
# Who must move an appraisal out of each state, and who hears when they miss it.
RESPONSIBLE: Mapping[str, str] = _FromTable(
    lambda wf: {s.name: s.responsible for s in wf.states if s.responsible}
)
# The person fields of an appraisal, by relation.
RELATION_FIELD: Mapping[str, str] = _FromTable(
    lambda wf: {name: attname for name, (attname, _kind) in person_fields(wf).items()}
)


def states_awaiting(relation: str) -> list[str]:
    """The appraisal's states where `relation` must act (what waits in their digest)."""
    return [name for name, who in RESPONSIBLE.items() if who == relation]
