"""Who appraises whom on a given date: supervisors with dates, Plt/Plh, NIP rules."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, transaction

from appraisals.models import ActingAssignment, Appraisal, Employee
from appraisals.services.cycles import cycle_open
from appraisals.services.organisation import appeal_reviewer_resolve, supervisor_resolve
from workflow.actors import system_actor

from ..factories import EmployeeFactory, supervise

pytestmark = pytest.mark.django_db

D = dt.date


def test_supervisor_follows_effective_dates(org):
    new_boss = EmployeeFactory(unit=org.dinas)
    org.employee.supervisor_relations.update(valid_until=D(2026, 6, 30))
    supervise(org.employee, new_boss, valid_from=D(2026, 7, 1))
    assert supervisor_resolve(employee=org.employee, on=D(2026, 6, 30)) == org.appraiser
    assert supervisor_resolve(employee=org.employee, on=D(2026, 7, 1)) == new_boss
    assert supervisor_resolve(employee=org.head, on=D(2026, 7, 1)) is None


@pytest.mark.parametrize("kind", ["plt", "plh"])
def test_acting_official_appraises_while_assignment_holds(org, kind):
    acting = EmployeeFactory(unit=org.dinas)
    ActingAssignment.objects.create(
        substitute=acting,
        replaces=org.appraiser,
        kind=kind,
        valid_from=D(2026, 3, 1),
        valid_until=D(2026, 3, 31),
    )
    assert supervisor_resolve(employee=org.employee, on=D(2026, 2, 28)) == org.appraiser
    assert supervisor_resolve(employee=org.employee, on=D(2026, 3, 15)) == acting
    assert supervisor_resolve(employee=org.employee, on=D(2026, 4, 1)) == org.appraiser


def test_acting_for_own_superior_does_not_appraise_self(org):
    ActingAssignment.objects.create(
        substitute=org.employee, replaces=org.appraiser, kind="plh", valid_from=D(2026, 1, 1)
    )
    assert supervisor_resolve(employee=org.employee, on=D(2026, 1, 2)) == org.appraiser


def test_cycle_open_resolves_appraiser_and_reviewer_with_acting(org):
    acting = EmployeeFactory(unit=org.dinas)
    ActingAssignment.objects.create(
        substitute=acting, replaces=org.appraiser, kind="plt", valid_from=D(2025, 12, 1)
    )
    created = cycle_open(cycle=org.cycle, actor=system_actor())
    assert created == Employee.objects.filter(active=True).count()
    appraisal = Appraisal.objects.get(employee=org.employee)
    assert appraisal.appraiser == acting
    # Acting in the appraiser's position, the Plt answers to that position's superior: the
    # kepala dinas reviews an appeal, as for the definitive appraiser (not "nobody").
    assert appraisal.appeal_reviewer == org.head
    assert appeal_reviewer_resolve(appraisal=appraisal, on=D(2026, 6, 1)) == org.head
    assert cycle_open(cycle=org.cycle, actor=system_actor()) == 0  # idempotent


def test_an_acting_official_with_a_superior_of_their_own_answers_to_the_position(org):
    """A kepala seksi acting as kepala bidang: the appeal goes above the bidang, not to them."""
    acting = EmployeeFactory(unit=org.dinas)
    supervise(acting, org.appraiser)
    ActingAssignment.objects.create(
        substitute=acting, replaces=org.appraiser, kind="plh", valid_from=D(2025, 12, 1)
    )
    cycle_open(cycle=org.cycle, actor=system_actor(), employees=[org.employee])
    appraisal = Appraisal.objects.get(employee=org.employee)
    assert (appraisal.appraiser, appraisal.appeal_reviewer) == (acting, org.head)
    assert appeal_reviewer_resolve(appraisal=appraisal, on=D(2026, 6, 1)) == org.head


def test_cycle_open_writes_history_and_audit(org):
    cycle_open(cycle=org.cycle, actor=system_actor())
    appraisal = Appraisal.objects.get(employee=org.employee)
    assert appraisal.history.get().history_user.username == "system"
    assert appraisal.appraiser == org.appraiser and appraisal.appeal_reviewer == org.head
    from audit.selectors import audit_events_of

    (event,) = audit_events_of(subject=appraisal)
    assert event.action == "appraisal.created" and event.to_state == "draft"


@pytest.mark.parametrize("nip", ["12345", "19800101200501100A", "1980010120050110011"])
def test_nip_must_be_18_digits(org, nip):
    employee = Employee(nip=nip, name="X", unit=org.dinas)
    with pytest.raises(ValidationError):
        employee.full_clean()
    # PostgreSQL refuses an over-long value before the check constraint.
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        employee.save()


def test_unit_subtree_paths(org):
    assert org.dinas.path.startswith(org.instansi.path)
    assert org.instansi.path == f"/{org.instansi.pk}/"
    assert org.dinas.history.first().history_user.username == "system"
