"""Who is told what: the audience of each event, as data.

An audience is a list of specs: ("employee", <employee id>) for a person of
the organisation, ("role", "<assigned role>") for everyone holding that role
over a unit subtree containing the appraisal's unit. The actor of a change is
never told about their own action.
"""

from __future__ import annotations

# Per appraisal transition, the relations to tell (PermenPANRB 6/2022 phases;
# PP 30/2019 Pasal 59 for the appeal). "appeal_reviewer" falls back to the
# authority when the appraiser has no superior in the system.
TRANSITION_AUDIENCE: dict[str, tuple[str, ...]] = {
    "submit_plan": ("appraiser",),
    "return_plan": ("employee",),
    "approve_plan": ("employee",),
    "submit_self_assessment": ("appraiser",),
    "return_self_assessment": ("employee",),
    "submit_review": ("employee",),
    "record_discussion": ("employee",),
    "issue_result": ("employee",),
    # By the employee: the appraiser learns it; by the system: both do.
    "accept_result": ("employee", "appraiser"),
    "file_appeal": ("appeal_reviewer", "appraiser"),
    "decide_appeal": ("employee", "appraiser"),
    "propose_decision": ("authority",),
    "approve_decision": ("employee", "hr_admin"),
    "reject_decision": ("panel",),
    "cancel": ("employee", "appraiser"),
}
DEFAULT_AUDIENCE = ("employee", "appraiser")

# Who must move an appraisal out of each state, and who hears when they miss it.
RESPONSIBLE: dict[str, str] = {
    "draft": "employee",
    "plan_submitted": "appraiser",
    "in_progress": "employee",
    "self_assessed": "appraiser",
    "reviewed": "appraiser",
    "discussed": "appraiser",
    "result_issued": "employee",
    "appealed": "appeal_reviewer",
    "final": "panel",
    "decision_proposed": "authority",
}
# What waits for a supervisor in their digest.
APPRAISER_STATES = ("plan_submitted", "self_assessed", "reviewed", "discussed")
REVIEWER_STATES = ("appealed",)

ASSIGNED = ("panel", "authority", "hr_admin", "inspector")
RELATION_FIELD = {
    "employee": "employee_id",
    "appraiser": "appraiser_id",
    "appeal_reviewer": "appeal_reviewer_id",
}


def relation_spec(relation: str, ids: dict) -> list[tuple[str, object]]:
    """The spec for a relation or assigned role, given the appraisal's captured ids."""
    if relation in ASSIGNED:
        return [("role", relation)]
    employee_id = ids.get(RELATION_FIELD[relation])
    if employee_id is None:
        # Nobody holds the relation (no appraiser, no reviewer): the authority
        # decides in their place (PP 30/2019 Pasal 59), so it hears instead.
        return [("role", "authority")] if relation == "appeal_reviewer" else []
    return [("employee", employee_id)]


def transition_audience(transition: str, ids: dict) -> list[tuple[str, object]]:
    specs: list[tuple[str, object]] = []
    for relation in TRANSITION_AUDIENCE.get(transition, DEFAULT_AUDIENCE):
        for spec in relation_spec(relation, ids):
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
