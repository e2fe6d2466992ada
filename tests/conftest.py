"""Named personas over one small organisation.

Pemkab (instansi)
  └ Dinas Pendidikan: head (kepala dinas) > appraiser (kepala bidang) > employee
  └ Dinas Kesehatan:  other_appraiser > outsider
panel, authority, inspector, hr_admin hold assigned roles over the instansi.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from rest_framework.test import APIClient

from appraisals.models import Appraisal, Unit
from appraisals.services.cycles import cycle_open
from workflow.actors import system_actor

from .factories import EmployeeFactory, UserFactory, assign_role, make_cycle, make_unit, supervise
from .flow import advance

# The slow families (markers in pyproject.toml): each is also `slow`, which `make test-fast`
# leaves out. `make test` and CI run everything.
SLOW_FAMILIES = ("browser", "schemathesis", "property", "real_worker", "matrix")


def pytest_collection_modifyitems(items):
    for item in items:
        if any(item.get_closest_marker(name) for name in SLOW_FAMILIES):
            item.add_marker(pytest.mark.slow)


@dataclass
class Org:
    instansi: Unit
    dinas: Unit
    other_dinas: Unit
    head: object
    appraiser: object
    employee: object
    other_appraiser: object
    outsider: object
    users: dict
    cycle: object


@pytest.fixture
def org(db) -> Org:
    instansi = make_unit("PEMKAB", "Pemerintah Kabupaten Aceh Tenggara", "instansi")
    dinas = make_unit("DISDIK", "Dinas Pendidikan", "unit_kerja", instansi)
    other = make_unit("DINKES", "Dinas Kesehatan", "unit_kerja", instansi)
    head = EmployeeFactory(unit=dinas, name="Kepala Dinas", user__username="superior")
    appraiser = EmployeeFactory(unit=dinas, name="Kepala Bidang", user__username="appraiser")
    employee = EmployeeFactory(unit=dinas, name="Staf Pendidikan", user__username="employee")
    other_appraiser = EmployeeFactory(
        unit=other, name="Kepala Bidang Kesehatan", user__username="other_appraiser"
    )
    outsider = EmployeeFactory(unit=other, name="Staf Kesehatan", user__username="outsider")
    supervise(employee, appraiser)
    supervise(appraiser, head)
    supervise(outsider, other_appraiser)
    supervise(other_appraiser, head)
    users = {
        "employee": employee.user,
        "appraiser": appraiser.user,
        "superior": head.user,
        "other_appraiser": other_appraiser.user,
        "outsider": outsider.user,
    }
    for role in ("panel", "authority", "inspector", "hr_admin"):
        user = UserFactory(username=role)
        assign_role(user, role, instansi)
        users[role] = user
    cycle = make_cycle(instansi)
    return Org(
        instansi, dinas, other, head, appraiser, employee, other_appraiser, outsider, users, cycle
    )


@pytest.fixture
def appraisal(org) -> Appraisal:
    cycle_open(cycle=org.cycle, actor=system_actor(), employees=[org.employee])
    return Appraisal.objects.get(cycle=org.cycle, employee=org.employee)


@pytest.fixture
def api():
    """An API client per persona: api(user).post(...)."""

    def client_for(user=None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return client_for


@pytest.fixture
def at_state(org, appraisal):
    """Move the fixture appraisal to a state along the happy path, as the real actors."""

    def move(state: str) -> Appraisal:
        return advance(appraisal, state, users=org.users)

    return move


@pytest.fixture(autouse=True)
def _breakers_closed():
    """A test that took Redis away (or faked it) leaves no open breaker to the next one, and
    no sign-in failures counted against the test client's one address (web, API and admin
    count together; a fuzzing test makes many)."""
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    from appraisals import throttling
    from notifications import relay

    yield
    for breaker in (throttling.breaker, relay.breaker):
        breaker.reset()
    throttling.fallback_clear()
    if isinstance(caches["default"], LocMemCache):  # never a shared Redis
        caches["default"].clear()
