"""Building the demo organisation and an open 2026 cycle (api-contract.md, "Demo data").

Pemerintah Kabupaten Aceh Tenggara (instansi)
  Sekretaris Daerah (JPT)                                  -- no supervisor
  └ Dinas ... (unit kerja): Kepala Dinas (JPT pratama)     -- reports to the Sekda
      └ Bidang ... (sub-unit): Kepala Bidang (administrator) -- reports to the Kepala Dinas
          └ staff (pelaksana / fungsional, PNS or PPPK)   -- report to the Kepala Bidang

plus four users holding assigned roles over the whole instansi. Everything is
deterministic (fixed seed), built in one transaction, and refused when the
demo is already there. Every history row is recorded under the system actor.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from appraisals.models import (
    Appraisal,
    Cycle,
    Employee,
    Indicator,
    PlanItem,
    Position,
    RoleAssignment,
    SupervisorRelation,
    Unit,
)
from appraisals.models.appraisal import Perspective, plan_fallback_default
from appraisals.services.cycles import cycle_open
from appraisals.services.phases import phase_deadlines_create_default
from appraisals.services.plan import plan_item_create
from workflow.actors import system_actor
from workflow.records import attribute

from .data import (
    ALREADY_SEEDED,
    DINAS,
    MIN_EMPLOYEES,
    REASON,
    ROLE_USERS,
    ROOT_CODE,
    YEAR,
)
from .living import ADMIN_USERNAME, admin_create, living_build
from .organisation import people_build, positions_create, units_create
from .people import Person, dinas_count

# A JPT plan's items by perspective, in the annex's order of importance (our choice).
PERSPECTIVES = (
    Perspective.SERVICE_RECIPIENTS.value,
    Perspective.BUSINESS_PROCESS.value,
    Perspective.INTERNAL_STRENGTHENING.value,
)
# progress(done, todo) while the cycle's appraisals are created.
Progress = Callable[[int, int], None]


class DemoAlreadySeeded(Exception):
    """The demo's root unit or one of its usernames already exists."""

    def __init__(self, clash: list[str]) -> None:
        shown = ", ".join(clash[:5]) + (" ..." if len(clash) > 5 else "")
        super().__init__(ALREADY_SEEDED.format(code=ROOT_CODE, users=shown or "-"))


@dataclass(frozen=True)
class DemoResult:
    cycle: Cycle
    # With `living`: last year's cycle, its results issued, appealed and followed up.
    previous: Cycle | None
    # One row per login, as written by `seed_demo --out`: username, password, roles,
    # employee_id, supervisor_username, unit.
    rows: list[dict]


def demo_build(
    *,
    employees: int,
    password: str,
    progress: Progress | None = None,
    living: bool = False,
    today: dt.date | None = None,
) -> DemoResult:
    """Build the demo with `employees` employees (officials included), all using `password`.

    By default (api-contract.md): the 2026 cycle, open, every appraisal in draft. With
    `living` (what `make demo` runs): the cycles of the year of `today` (default: today)
    and of the year before, the appraisals moved through the lifecycle by their real
    actors (`living.living_build`), and one admin login for /admin/.
    Raises DemoAlreadySeeded when the demo is already there; nothing is written then.
    """
    if employees < MIN_EMPLOYEES:
        raise ValueError(f"employees must be at least {MIN_EMPLOYEES}, not {employees}")
    if not password:
        raise ValueError("the password must not be empty")
    specs = DINAS[: dinas_count(employees)]
    officials = 1 + 3 * len(specs)
    staff_names = [f"pegawai.{n:04d}" for n in range(1, employees - officials + 1)]
    usernames = [
        "sekda",
        *(f"kadis.{d.slug}" for d in specs),
        *(f"kabid.{d.slug}.{i}" for d in specs for i in (1, 2)),
        *staff_names,
        *(u for u, _r, _n in ROLE_USERS),
        *([ADMIN_USERNAME] if living else []),
    ]
    year = (today or timezone.localdate()).year if living else YEAR
    # People hold their posts from the first cycle's start.
    since = dt.date(year - 1 if living else year, 1, 1)
    with transaction.atomic():
        _check_not_seeded(usernames)
        actor = system_actor()
        root, dinas = units_create(specs, actor)
        positions = positions_create(root, dinas, actor)
        people = people_build(root, dinas, positions, staff_names)
        hashed = make_password(password)
        users = _users(people, hashed, usernames)
        _employees(people, users, actor)
        _relations(people, actor, since)
        role_users = _role_users(users, root, actor, since)
        previous = _cycle(root, actor, None, year - 1) if living else None
        cycle = _cycle(root, actor, progress, year)
        plans = {c.pk: _plans(people, c, users) for c in (previous, cycle) if c is not None}
        rows = _rows(people, role_users, root, password)
        if living:
            living_build(
                people=people,
                users=users,
                root=root,
                previous=previous,
                current=cycle,
                plans=plans,
            )
            rows.insert(0, admin_create(password=password, hashed=hashed, unit=root))
    return DemoResult(cycle=cycle, previous=previous, rows=rows)


def _check_not_seeded(usernames: list[str]) -> None:
    users = get_user_model().objects.filter(username__in=usernames)
    clash = sorted(users.values_list("username", flat=True))
    if clash or Unit.objects.filter(code=ROOT_CODE).exists():
        raise DemoAlreadySeeded(clash)


# -- logins, employees and roles -----------------------------------------------------------


def _users(people: list[Person], hashed: str, usernames: list[str]) -> dict:
    """Every login, in bulk, by username: the employees' and the role holders'."""
    user_model = get_user_model()
    user_model.objects.bulk_create(
        [user_model(username=p.username, first_name=p.name[:150], password=hashed) for p in people]
        + [
            user_model(username=u, first_name=display, password=hashed)
            for u, _role, display in ROLE_USERS
        ],
        batch_size=1000,
    )
    return {u.username: u for u in user_model.objects.filter(username__in=usernames)}


def _employees(people: list[Person], users: dict, actor) -> None:
    employees = bulk_create_with_history(
        [
            Employee(
                nip=p.nip,
                name=p.name,
                unit=p.unit,
                position=p.position,
                grade=p.grade,
                kind=p.kind,
                user=users[p.username],
            )
            for p in people
        ],
        Employee,
        batch_size=1000,
        default_user=actor,
        default_change_reason=REASON,
    )
    for person, employee in zip(people, employees, strict=True):
        person.employee = employee


def _relations(people: list[Person], actor, since: dt.date) -> None:
    bulk_create_with_history(
        [
            SupervisorRelation(
                employee=p.employee, supervisor=p.supervisor.employee, valid_from=since
            )
            for p in people
            if p.supervisor is not None
        ],
        SupervisorRelation,
        batch_size=1000,
        default_user=actor,
        default_change_reason=REASON,
    )


def _role_users(users: dict, root: Unit, actor, since: dt.date) -> list[tuple]:
    """The role holders over the whole instansi, as (user, role)."""
    role_users = [(users[u], role) for u, role, _display in ROLE_USERS]
    bulk_create_with_history(
        [
            RoleAssignment(user=user, role=role, unit=root, valid_from=since)
            for user, role in role_users
        ],
        RoleAssignment,
        default_user=actor,
        default_change_reason=REASON,
    )
    return role_users


# -- the cycle and its plans ----------------------------------------------------------------


def _cycle(root: Unit, actor, progress: Progress | None, year: int) -> Cycle:
    """An open cycle of `year`, with a draft appraisal for every employee."""
    cycle = Cycle(
        name=f"Penilaian Kinerja Tahunan {year}",
        instansi=root,
        year=year,
        starts_on=dt.date(year, 1, 1),
        ends_on=dt.date(year, 12, 31),
        status=Cycle.Status.OPEN,
        plan_fallback_on=plan_fallback_default(year),
    )
    attribute(cycle, actor=actor, reason=REASON)
    cycle.save()
    phase_deadlines_create_default(cycle=cycle)
    cycle_open(cycle=cycle, actor=actor, batch_size=500, progress=progress)
    return cycle


def _plans(people: list[Person], cycle: Cycle, users: dict) -> dict[str, list[PlanItem]]:
    """Cascading plans for the officials, top down, each written by its owner; their items
    by username. A senior executive's (JPT) items name their perspective (the annex)."""
    appraisals = {
        a.employee_id: a
        for a in Appraisal.objects.filter(
            cycle=cycle, employee_id__in=[p.employee.pk for p in people if p.plan]
        ).select_related("unit")
    }
    items: dict[str, list[PlanItem]] = {}
    for person in people:
        if not person.plan:
            continue
        appraisal = appraisals[person.employee.pk]
        parents = items.get(person.supervisor.username, []) if person.supervisor else []
        created = []
        jpt = person.position.kind == Position.Kind.JPT
        for index, (result, (indicator, aspect, target)) in enumerate(person.plan):
            created.append(
                plan_item_create(
                    appraisal=appraisal,
                    actor=users[person.username],
                    result=result,
                    parent_item=_parent_for(person, index, parents),
                    perspective=PERSPECTIVES[index % len(PERSPECTIVES)] if jpt else "",
                    indicators=[
                        {
                            "name": indicator,
                            "aspect": Indicator.Aspect(aspect).value,
                            "target": target,
                        }
                    ],
                )
            )
        items[person.username] = created
    return items


def _parent_for(person: Person, index: int, parents: list[PlanItem]) -> PlanItem | None:
    if not parents:
        return None
    if person.supervisor and person.supervisor.supervisor is None:
        # A head of dinas: each item supports the Sekda's item in the same place.
        return parents[min(index, len(parents) - 1)]
    # A head of bidang: the first bidang supports the head's first item, and so on.
    position = person.supervisor.subordinates.index(person)
    return parents[position % len(parents)]


# -- the logins ---------------------------------------------------------------------------


def _rows(people: list[Person], role_users: list[tuple], root: Unit, password: str) -> list[dict]:
    rows = [
        {
            "username": user.username,
            "password": password,
            "roles": [role],
            "employee_id": None,
            "supervisor_username": None,
            "unit": root.name,
        }
        for user, role in role_users
    ]
    rows += [
        {
            "username": p.username,
            "password": password,
            "roles": p.roles(),
            "employee_id": p.employee.pk,
            "supervisor_username": p.supervisor.username if p.supervisor else None,
            "unit": p.unit.name,
        }
        for p in people
    ]
    return rows
