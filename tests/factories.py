"""Factories for the organisation, in one place."""

from __future__ import annotations

import datetime as dt
import itertools

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from appraisals.models import Cycle, Employee, Position, RoleAssignment, SupervisorRelation
from appraisals.services.organisation import unit_create
from workflow.actors import system_actor

_nip = itertools.count(1)


def next_nip() -> str:
    return f"19800101{next(_nip):010d}"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.LazyAttribute(lambda o: o.username.replace("_", " ").title())
    password = factory.django.Password("rahasia-123")


def make_unit(code: str, name: str, kind: str, parent=None):
    return unit_create(actor=system_actor(), code=code, name=name, kind=kind, parent=parent)


class PositionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Position

    name = factory.Sequence(lambda n: f"Jabatan {n}")
    kind = Position.Kind.PELAKSANA


class EmployeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employee

    nip = factory.LazyFunction(next_nip)
    name = factory.Sequence(lambda n: f"Pegawai {n}")
    grade = "III/a"
    kind = Employee.Kind.PNS
    user = factory.SubFactory(UserFactory)


def supervise(employee, supervisor, valid_from=dt.date(2020, 1, 1), valid_until=None):
    return SupervisorRelation.objects.create(
        employee=employee, supervisor=supervisor, valid_from=valid_from, valid_until=valid_until
    )


def assign_role(user, role: str, unit, valid_from=dt.date(2020, 1, 1)):
    return RoleAssignment.objects.create(user=user, role=role, unit=unit, valid_from=valid_from)


def make_cycle(instansi, year: int | None = None) -> Cycle:
    # By default the year before today's: its period has ended, so results can be issued
    # (PermenPANRB 6/2022), as when appraisals are really finished.
    year = year or timezone.localdate().year - 1
    return Cycle.objects.create(
        name=f"Penilaian Kinerja {year}",
        instansi=instansi,
        year=year,
        starts_on=dt.date(year, 1, 1),
        ends_on=dt.date(year, 12, 31),
    )
