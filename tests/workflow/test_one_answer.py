"""One answer to "may this fire?": django-fsm, the engine's lists and perform agree.

For every state x transition x persona of the appraisal, django-fsm's
`has_transition_perm` (state, role, restrictions) says yes exactly when the
engine lists the transition as open to the actor (`transitions_open_to`), and
with the table's conditions met exactly when the engine lists it available
and `perform` (with a valid body) succeeds.
"""

import pytest
from django.db import transaction
from django_fsm import can_proceed, has_transition_perm

from appraisals.lifecycle import APPRAISAL_WORKFLOW, STATES
from workflow.actors import system_actor
from workflow.errors import WorkflowError
from workflow.services import perform, transitions_available, transitions_open_to

from ..flow import valid_body

pytestmark = pytest.mark.django_db

PERSONAS = [
    "employee",
    "appraiser",
    "superior",
    "panel",
    "authority",
    "inspector",
    "hr_admin",
    "outsider",
    "other_appraiser",
]


class Rollback(Exception):
    pass


def performs(appraisal, name, user) -> bool:
    body = dict(valid_body(name, appraisal))
    reason = body.pop("reason", "")
    try:
        with transaction.atomic():
            perform(appraisal, name, actor=user, payload=body, reason=reason)
            raise Rollback
    except Rollback:
        return True
    except WorkflowError:
        return False


def assert_one_answer(appraisal, users) -> int:
    allowed = 0
    for label, user in users.items():
        open_to = {t.name: unmet for t, unmet in transitions_open_to(appraisal, actor=user)}
        available = {t.name for t in transitions_available(appraisal, actor=user)}
        for t in APPRAISAL_WORKFLOW.transitions:
            method = getattr(appraisal, t.name)
            fsm = has_transition_perm(method, user)
            cell = (appraisal.state, t.name, label)
            assert fsm == (t.name in open_to), cell
            ready = fsm and not open_to[t.name]
            assert ready == (t.name in available), cell
            assert ready == performs(appraisal, t.name, user), cell
            assert can_proceed(method) == (appraisal.state in APPRAISAL_WORKFLOW.sources_of(t))
            allowed += ready
    return allowed


@pytest.mark.parametrize("state", [s.name for s in STATES])
def test_django_fsm_agrees_with_the_engine_in_every_cell(state, org, at_state):
    appraisal = at_state(state)
    users = {p: org.users[p] for p in PERSONAS} | {"system": system_actor()}
    allowed = assert_one_answer(appraisal, users)
    # Each live state has someone who may move it (cancel at least); final ones none.
    assert (allowed > 0) == (not APPRAISAL_WORKFLOW.state(state).final)


def test_an_unmet_condition_is_the_objects_not_the_actors(org, appraisal):
    # A draft without result items: the employee may submit it (django-fsm and
    # the engine agree), and the engine says what is missing before it can be.
    employee = org.users["employee"]
    assert appraisal.plan_items.count() == 0
    assert has_transition_perm(appraisal.submit_plan, employee)
    unmet = dict(transitions_open_to(appraisal, actor=employee))
    codes = {p.code for t, problems in unmet.items() if t.name == "submit_plan" for p in problems}
    assert codes == {"plan_empty"}
    assert not performs(appraisal, "submit_plan", employee)


def test_a_restriction_is_a_no_from_django_fsm_too(org, at_state):
    # The authority decides an appeal only when the appraiser's superior cannot.
    appraisal = at_state("appealed")
    assert appraisal.appeal_reviewer_id is not None
    assert not has_transition_perm(appraisal.decide_appeal, org.users["authority"])
    assert has_transition_perm(appraisal.decide_appeal, org.users["superior"])
