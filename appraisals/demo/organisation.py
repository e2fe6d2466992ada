"""The demo organisation's tree: its units, the positions in them and the people.

Units and positions are written here (with history, under the given actor);
people are only assembled, for `build` to turn into users and employees.
"""

from __future__ import annotations

from dataclasses import dataclass

from simple_history.utils import bulk_create_with_history

from appraisals.models import Employee, Position, Unit
from appraisals.services.organisation import unit_create

from .data import PNS_GRADES, PPPK_GRADES, REASON, ROOT_CODE, ROOT_NAME, SEKDA_PLAN, DinasSpec
from .people import Names, Person


@dataclass(frozen=True)
class Dinas:
    spec: DinasSpec
    unit: Unit
    bidang: tuple[Unit, ...]


@dataclass(frozen=True)
class Positions:
    # By unit id: the position of the unit's head.
    official: dict[int, Position]
    # By bidang unit id: (pelaksana, fungsional).
    staff: dict[int, tuple[Position, Position]]


# -- units and positions ------------------------------------------------------------------


def units_create(specs: tuple[DinasSpec, ...], actor) -> tuple[Unit, list[Dinas]]:
    """The instansi, its dinas and their bidang (few: one by one, with history)."""
    root = unit_create(
        actor=actor, reason=REASON, code=ROOT_CODE, name=ROOT_NAME, kind=Unit.Kind.INSTANSI
    )
    dinas = []
    for spec in specs:
        unit = unit_create(
            actor=actor,
            reason=REASON,
            code=f"{ROOT_CODE}-{spec.code}",
            name=spec.name,
            kind=Unit.Kind.UNIT_KERJA,
            parent=root,
        )
        bidang = tuple(
            unit_create(
                actor=actor,
                reason=REASON,
                code=f"{ROOT_CODE}-{spec.code}-B{index}",
                name=bidang_name,
                kind=Unit.Kind.SUB_UNIT,
                parent=unit,
            )
            for index, bidang_name in enumerate(spec.bidang, start=1)
        )
        dinas.append(Dinas(spec=spec, unit=unit, bidang=bidang))
    return root, dinas


def positions_create(root: Unit, dinas: list[Dinas], actor) -> Positions:
    """The heads' positions, then a pelaksana and a fungsional position per bidang."""
    official = {root.pk: Position(name="Sekretaris Daerah", unit=root, kind=Position.Kind.JPT)}
    for d in dinas:
        official[d.unit.pk] = Position(
            name=f"Kepala {d.unit.name}", unit=d.unit, kind=Position.Kind.JPT
        )
        for sub in d.bidang:
            official[sub.pk] = Position(
                name=f"Kepala {sub.name}", unit=sub, kind=Position.Kind.ADMINISTRATOR
            )
    staff = {
        sub.pk: (
            Position(name=d.spec.pelaksana, unit=sub, kind=Position.Kind.PELAKSANA),
            Position(name=d.spec.fungsional, unit=sub, kind=Position.Kind.FUNGSIONAL),
        )
        for d in dinas
        for sub in d.bidang
    }
    bulk_create_with_history(
        [*official.values(), *(p for pair in staff.values() for p in pair)],
        Position,
        default_user=actor,
        default_change_reason=REASON,
    )
    return Positions(official=official, staff=staff)


# -- people -------------------------------------------------------------------------------


def people_build(
    root: Unit, dinas: list[Dinas], positions: Positions, staff_names: list[str]
) -> list[Person]:
    """Everyone, top down, each linked to their supervisor and subordinates."""
    names = Names(set(Employee.objects.values_list("nip", flat=True)))
    officials, kabids = _officials(root, dinas, positions, names)
    people = officials + _staff(kabids, positions, staff_names, names)
    for person in people:
        if person.supervisor is not None:
            person.supervisor.subordinates.append(person)
    return people


def _officials(
    root: Unit, dinas: list[Dinas], positions: Positions, names: Names
) -> tuple[list[Person], list[Person]]:
    """The Sekda, heads of dinas and heads of bidang; and the heads of bidang alone."""
    sekda_name, gender = names.person(title="S.H., M.Si.")
    sekda = Person(
        username="sekda",
        name=sekda_name,
        unit=root,
        position=positions.official[root.pk],
        grade="IV/d",
        kind=Employee.Kind.PNS,
        nip=names.nip(gender=gender, born=(1966, 1970), pppk=False),
        plan=tuple(SEKDA_PLAN),
    )
    people = [sekda]
    kabids: list[Person] = []
    for d in dinas:
        name, gender = names.person(title="S.Sos., M.AP.")
        head = Person(
            username=f"kadis.{d.spec.slug}",
            name=name,
            unit=d.unit,
            position=positions.official[d.unit.pk],
            grade="IV/c",
            kind=Employee.Kind.PNS,
            nip=names.nip(gender=gender, born=(1968, 1974), pppk=False),
            supervisor=sekda,
            plan=d.spec.plan,
        )
        people.append(head)
        for index, sub in enumerate(d.bidang, start=1):
            name, gender = names.person(title="S.E.")
            kabid = Person(
                username=f"kabid.{d.spec.slug}.{index}",
                name=name,
                unit=sub,
                position=positions.official[sub.pk],
                grade="IV/a" if index == 1 else "III/d",
                kind=Employee.Kind.PNS,
                nip=names.nip(gender=gender, born=(1972, 1982), pppk=False),
                supervisor=head,
                plan=(d.spec.bidang_plan[index - 1],),
            )
            people.append(kabid)
            kabids.append(kabid)
    return people, kabids


def _staff(
    kabids: list[Person], positions: Positions, staff_names: list[str], names: Names
) -> list[Person]:
    """Staff in contiguous blocks per bidang, so pegawai.0001.. share a bidang."""
    per_bidang, extra = divmod(len(staff_names), len(kabids))
    numbering = iter(staff_names)
    staff = []
    for b, kabid in enumerate(kabids):
        pelaksana, fungsional = positions.staff[kabid.unit.pk]
        for k in range(per_bidang + (1 if b < extra else 0)):
            pppk = k % 3 == 2
            name, gender = names.person()
            grades = PPPK_GRADES if pppk else PNS_GRADES
            staff.append(
                Person(
                    username=next(numbering),
                    name=name,
                    unit=kabid.unit,
                    position=fungsional if pppk or k % 2 else pelaksana,
                    grade=grades[(b + k) % len(grades)],
                    kind=Employee.Kind.PPPK if pppk else Employee.Kind.PNS,
                    nip=names.nip(gender=gender, born=(1978, 2000), pppk=pppk),
                    supervisor=kabid,
                )
            )
    return staff
