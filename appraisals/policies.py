"""Who holds which role towards an appraisal: the one place that answers it.

Relation roles (`employee`, `appraiser`, `appeal_reviewer`) come from the
appraisal; assigned roles (`panel`, `authority`, `inspector`, `hr_admin`) from
RoleAssignment over a unit subtree. The engine intersects these with the
roles a transition declares; selectors use the same facts to scope querysets.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import CharField, Q, Value
from django.db.models.functions import Cast
from django.utils import timezone

from workflow.compiled import Compiled

from .models import (
    ActingAssignment,
    Appraisal,
    Employee,
    RoleAssignment,
    SupervisorRelation,
    Unit,
)
from .models.organisation import path_ids, valid_on

SYSTEM = "system"
ASSIGNED_ROLES = ("panel", "authority", "inspector", "hr_admin")
# Roles whose holders may see appraisals in their unit subtree.
SCOPED_READERS = ASSIGNED_ROLES
# Roles that read an appraisal's history (its audit chain), on the API and the pages.
HISTORY_READERS = frozenset(
    {"employee", "appraiser", "appeal_reviewer", "panel", "authority", "inspector"}
)


@dataclass(frozen=True)
class Profile:
    user_id: int | None
    employee_id: int | None
    scopes: tuple[tuple[str, str], ...]  # (role, unit path)
    is_system: bool = False

    def scope_paths(self, roles=ASSIGNED_ROLES) -> list[str]:
        return [path for role, path in self.scopes if role in roles]

    def holds_in(self, unit_path: str) -> set[str]:
        return {role for role, path in self.scopes if unit_path.startswith(path)}


def is_system_user(user) -> bool:
    return user.get_username() == settings.KINERJA_SYSTEM_USERNAME and not user.is_active


def profile_of(user) -> Profile:
    """The user's employee and assigned scopes, cached on the user object.

    One small query per request at most, whatever the data size: the employee's id and
    the assigned scopes come back together (UNION ALL), each row marked by its kind.
    """
    cached = getattr(user, "_kinerja_profile", None)
    if cached is not None:
        return cached
    if user is None or not user.is_authenticated:
        profile = Profile(user_id=None, employee_id=None, scopes=())
    elif is_system_user(user):
        profile = Profile(user_id=user.pk, employee_id=None, scopes=(), is_system=True)
    else:
        employee_ids, scopes = [], []
        for role, value in _profile_rows(user, timezone.localdate()):
            if role == _EMPLOYEE_ROW:
                employee_ids.append(int(value))
            else:
                scopes.append((role, value))
        # The lowest id when several were ever linked, as before (ordered by id, first).
        employee_id = min(employee_ids) if employee_ids else None
        profile = Profile(user_id=user.pk, employee_id=employee_id, scopes=tuple(scopes))
    user._kinerja_profile = profile
    return profile


# No role is empty: the row of the user's own employee record is marked so.
_EMPLOYEE_ROW = ""


def _profile_rows_query(today, user_id):
    text = CharField()
    scopes = RoleAssignment.objects.filter(valid_on(today), user_id=user_id).values_list(
        "role", "unit__path"
    )
    employee = Employee.objects.filter(user_id=user_id, active=True).values_list(
        Value(_EMPLOYEE_ROW, output_field=text), Cast("id", output_field=text)
    )
    return scopes.order_by().union(employee.order_by(), all=True)


# Every request asks it: compiled once a day (the date is in its text), run per user.
_PROFILE_ROWS = Compiled("profile rows", _profile_rows_query, (int,))


def _profile_rows(user, today) -> list[tuple[str, str]]:
    """(role, unit path) of each assigned scope and ("", employee id) of the active employee
    record, in one statement."""
    return _PROFILE_ROWS.rows(today, [user.pk], model=RoleAssignment)


def forget_profile(user) -> None:
    user.__dict__.pop("_kinerja_profile", None)


def appraisal_roles(appraisal, user) -> frozenset[str]:
    profile = profile_of(user)
    if profile.is_system:
        return frozenset({SYSTEM})
    roles: set[str] = set()
    if profile.employee_id is not None:
        if appraisal.employee_id == profile.employee_id:
            roles.add("employee")
        if appraisal.appraiser_id == profile.employee_id:
            roles.add("appraiser")
        if appraisal.appeal_reviewer_id == profile.employee_id:
            roles.add("appeal_reviewer")
    if profile.scopes:
        roles |= profile.holds_in(appraisal.unit.path)
    return frozenset(roles)


def plan_author_role(roles: frozenset[str], *, fallback_passed: bool) -> str | None:
    """As whom a holder of `roles` writes an appraisal's plan content, if at all.

    The employee drafts their plan (api-contract.md). PermenPANRB 6/2022 annex: once
    the cycle's fallback date has passed, the performance manager (hr_admin in scope)
    drafts it instead, but never their own (then they are the employee).
    """
    if "employee" in roles:
        return "employee"
    if "hr_admin" in roles and fallback_passed:
        return "hr_admin"
    return None


def appraisal_visibility(user) -> Q:
    """A filter for the appraisals `user` may see (matches nothing for a stranger)."""
    profile = profile_of(user)
    if profile.is_system:
        return Q()
    return visibility_of(profile.employee_id, profile.scope_paths(SCOPED_READERS))


def visibility_of(employee_id: int | None, paths) -> Q:
    """The appraisals of, appraised or reviewed by `employee_id`, or under any of `paths`."""
    q = Q(pk__in=[])
    if employee_id is not None:
        e = employee_id
        q |= Q(employee_id=e) | Q(appraiser_id=e) | Q(appeal_reviewer_id=e)
    for path in paths:
        q |= Q(unit__path__startswith=path)
    return q


def is_inspector(user) -> bool:
    return any(role == "inspector" for role, _path in profile_of(user).scopes)


def contract_roles(user) -> list[str]:
    """The roles of api-contract.md's /api/me/: derived from the organisation or assigned."""
    profile = profile_of(user)
    roles = {role for role, _path in profile.scopes}
    employee_id = profile.employee_id
    if employee_id is not None:
        roles.add("staff")
        today = timezone.localdate()
        valid = valid_on(today)
        # Subqueries, not id lists: a supervisor of thousands would otherwise send
        # thousands of ids on every page (and PostgreSQL plan them) to learn two booleans.
        acting_for = (
            ActingAssignment.objects.in_force(today)
            .filter(substitute_id=employee_id)
            .values("replaces_id")
        )
        subordinates = SupervisorRelation.objects.filter(valid).filter(
            Q(supervisor_id=employee_id) | Q(supervisor_id__in=acting_for)
        )
        supervises = subordinates.exists()
        if supervises:
            roles.add("supervisor")
        if (
            supervises
            and SupervisorRelation.objects.filter(
                valid, supervisor_id__in=subordinates.values("employee_id")
            ).exists()
        ) or Appraisal.objects.filter(appeal_reviewer_id=employee_id).exists():
            roles.add("appeal_reviewer")
    order = [
        "staff",
        "supervisor",
        "appeal_reviewer",
        "panel",
        "authority",
        "inspector",
        "hr_admin",
    ]
    return [r for r in order if r in roles]


def inspector_scopes(user) -> list[str]:
    """Unit paths under which `user` inspects (the audit app's hook)."""
    return profile_of(user).scope_paths(("inspector",))


def unit_path(unit_id) -> str | None:
    """The materialised path of a unit, for scoped audit search (the audit app's hook)."""
    try:
        pk = int(unit_id)
    except (TypeError, ValueError):
        return None
    if not 0 < pk < 2**63:
        return None
    return Unit.objects.filter(pk=pk).values_list("path", flat=True).first()


def employee_visibility(user) -> Q:
    """Employees `user` may see: themself, whom they appraise or review, their scopes."""
    profile = profile_of(user)
    if profile.is_system:
        return Q()
    q = Q(pk__in=[])
    if profile.employee_id is not None:
        e = profile.employee_id
        rated = Appraisal.objects.filter(Q(appraiser_id=e) | Q(appeal_reviewer_id=e))
        q |= Q(pk=e) | Q(pk__in=rated.values("employee_id"))
    for path in profile.scope_paths():
        q |= Q(unit__path__startswith=path)
    return q


def unit_visibility(user) -> Q:
    """Units in the user's assigned scopes, and the user's own unit with its ancestors."""
    profile = profile_of(user)
    if profile.is_system:
        return Q()
    q = Q(pk__in=[])
    for path in profile.scope_paths():
        q |= Q(path__startswith=path)
    if profile.employee_id is not None:
        own = Employee.objects.filter(pk=profile.employee_id).values_list("unit__path", flat=True)
        for path in own:
            q |= Q(pk__in=path_ids(path))
    return q


def unit_cycle_subjects(unit_id, cycle_id) -> list[str]:
    """Audit subjects ("appraisals.appraisal:<id>") of one unit subtree in one cycle."""
    path = unit_path(unit_id)
    if path is None:
        return []
    try:
        cycle = int(cycle_id)
    except (TypeError, ValueError):
        return []
    if not 0 < cycle < 2**63:
        return []
    ids = (
        Appraisal.objects.filter(cycle_id=cycle, unit__path__startswith=path)
        .order_by("id")
        .values_list("id", flat=True)
    )
    return [f"{Appraisal._meta.label_lower}:{pk}" for pk in ids]


def holders_parts(user, role: str) -> list[Q]:
    """Where `user` holds `role`, as separate filters (their OR is holders_filter).

    Each part is one index range: a relation role is one column equal to the
    user's employee, an assigned role one unit subtree per scope. Lists that
    must show a few rows of many (the waiting tasks) page through each part on
    its own index and merge, instead of sorting all the rows the OR matches.
    """
    profile = profile_of(user)
    if profile.is_system:
        return []
    relation = {"employee": "employee_id", "appraiser": "appraiser_id"}
    relation["appeal_reviewer"] = "appeal_reviewer_id"
    parts = []
    if profile.employee_id is not None and role in relation:
        parts.append(Q(**{relation[role]: profile.employee_id}))
    if role in ASSIGNED_ROLES:
        parts += [Q(unit__path__startswith=path) for path in profile.scope_paths((role,))]
    return parts


def holders_filter(user, roles) -> Q:
    """Appraisals on which `user` holds any of `roles` (relation or assigned).

    The same facts as appraisal_roles(), as a filter: the UI's "what needs me"
    asks, per transition of the table, where the user holds one of its roles.
    """
    q = Q(pk__in=[])
    for role in sorted(set(roles)):
        for part in holders_parts(user, role):
            q |= part
    return q


def hr_scope(user, path_field: str = "path") -> Q:
    """Where `user` is an HR admin, as a filter on a unit path (`unit__path` for employees).

    Both ends of every HR write come from it: the employee changed and whatever
    the change points at (new supervisor, unit, position). Matches nothing for
    anyone who is no HR admin.
    """
    q = Q(pk__in=[])
    for path in profile_of(user).scope_paths(("hr_admin",)):
        q |= Q(**{f"{path_field}__startswith": path})
    return q
