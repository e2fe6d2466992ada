"""Whom an appraisal waits for now: the task of its state, the role and the people holding it.

The state's `responsible` role (states.py) names who acts next; relation roles are people on
the appraisal, assigned roles (panel, authority) the holders over the appraisal's unit today.
With no appeal reviewer in the system the authority decides the appeal (PP 30/2019 Pasal 59,
the table's `stand_ins`). Final states wait for nobody.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone

from workflow.text import Text

from ..models import Appraisal, RoleAssignment
from ..models.organisation import path_ids, valid_on
from ..policies import ASSIGNED_ROLES
from ..states import STATES

T = Text
RESPONSIBLE = {s.name: s.responsible for s in STATES}
# What the appraisal waits for in each state, as the sentence "Menunggu: <task> oleh ..." says.
TASKS = {
    "draft": T("penyusunan dan pengajuan SKP", "drafting and submitting the plan"),
    "plan_submitted": T("persetujuan SKP", "approval of the plan"),
    "in_progress": T("pengajuan penilaian mandiri", "the self-assessment"),
    "self_assessed": T("penilaian kinerja", "the review"),
    "reviewed": T("dialog kinerja", "the performance discussion"),
    "discussed": T("penetapan hasil penilaian", "issuing the result"),
    "result_issued": T(
        "penerimaan hasil atau pengajuan keberatan", "accepting the result or filing an appeal"
    ),
    "appealed": T("keputusan atas keberatan", "the decision on the appeal"),
    "final": T("usulan tindak lanjut", "a follow-up proposal"),
    "decision_proposed": T("keputusan atas usulan tindak lanjut", "the follow-up decision"),
}
RELATIONS = {"employee": "employee", "appraiser": "appraiser", "appeal_reviewer": "appeal_reviewer"}


@dataclass(frozen=True)
class Waiting:
    task: Text
    role: str
    names: list[str] = field(default_factory=list)
    # The user asking is one of them.
    mine: bool = False


def person_name(user) -> str:
    """A user as people know them: the employee's name, else the account's full name."""
    employee = getattr(user, "employee", None)
    if employee is not None and employee.name:
        return employee.name
    return user.get_full_name() or user.get_username()


def role_holders_of(appraisal: Appraisal, role: str) -> list:
    """The users holding assigned `role` over the appraisal's unit today, by name."""
    assignments = (
        RoleAssignment.objects.filter(
            valid_on(timezone.localdate()), role=role, unit_id__in=path_ids(appraisal.unit.path)
        )
        .select_related("user", "user__employee")
        .order_by("user_id")
    )
    seen, users = set(), []
    for assignment in assignments:
        if assignment.user_id not in seen and assignment.user.is_active:
            seen.add(assignment.user_id)
            users.append(assignment.user)
    return users


def waiting_for(appraisal: Appraisal, user=None) -> Waiting | None:
    """The appraisal's next step and who takes it; None in a final state."""
    task = TASKS.get(appraisal.state)
    role = RESPONSIBLE.get(appraisal.state, "")
    if task is None or not role:
        return None
    if role == "appeal_reviewer" and appraisal.appeal_reviewer_id is None:
        role = "authority"
    if role in ASSIGNED_ROLES:
        users = role_holders_of(appraisal, role)
        names = [person_name(u) for u in users]
        mine = user is not None and any(u.pk == user.pk for u in users)
        return Waiting(task, role, names, mine)
    person = getattr(appraisal, RELATIONS[role], None)
    if person is None:
        return Waiting(task, role)
    mine = user is not None and person.user_id is not None and person.user_id == user.pk
    return Waiting(task, role, [person.name], mine)
