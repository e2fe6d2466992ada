"""The difference between the file and the database: what to create, update and close.

Computed in memory from the loaded state, so a dry run and a commit count
the same things. Units are compared by code, positions by (unit, name),
employees by NIP; a field whose column is absent is not compared.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from appraisals.models import Position, Unit
from appraisals.models.organisation import path_ids

from .checks import Tree
from .records import Record
from .report import PEOPLE_KEPT, ImportReport, Person
from .state import Row, State

# Everything whose change may concern an open appraisal (see changes.py).
CARRIED_FIELDS = {"unit", "active", "supervisor"}
# An employee's compared fields, in the order a report lists them.
PERSON_FIELDS = ("name", "unit", "position", "grade", "kind", "active", "supervisor")


@dataclass
class Plan:
    # Unit codes to create, parents before children, and the tree they go into.
    units_new: list[str] = field(default_factory=list)
    # Existing units whose name, parent or materialised path changes.
    units_changed: dict[str, set[str]] = field(default_factory=dict)
    units_unchanged: int = 0
    # (unit code, name) -> kind.
    positions_new: dict[tuple[str, str], str] = field(default_factory=dict)
    positions_changed: list[tuple[Position, str]] = field(default_factory=list)
    positions_unchanged: int = 0
    employees_new: list[Record] = field(default_factory=list)
    employees_changed: list[tuple[Row, Record, set[str]]] = field(default_factory=list)
    employees_unchanged: int = 0
    deactivated: int = 0
    relations_close: list[Row] = field(default_factory=list)
    # (employee NIP, supervisor NIP) to start on the effective date.
    relations_new: list[tuple[str, str]] = field(default_factory=list)
    relations_unchanged: int = 0
    # Existing employees whose unit, status or supervisor changes.
    carried: set[int] = field(default_factory=set)
    # NIPs of existing employees whose supervisor changes.
    supervisor_changed: set[str] = field(default_factory=set)

    def people_into(self, report: ImportReport, *, tree: Tree, state: State) -> None:
        """Who changes, by name: the new employees, those who move to another unit, those
        whose other fields change (the first PEOPLE_KEPT; `people_total` counts them all)."""
        unit_name = {u.code: u.name for u in state.units.values()} | tree.name
        people = [
            Person("new", r.nip, r.name, unit=unit_name.get(r.unit_code, r.unit_code))
            for r in self.employees_new
        ]
        changed = {
            employee["nip"]: (employee, r, set(f)) for employee, r, f in self.employees_changed
        }
        for nip in self.supervisor_changed:
            if nip in changed:
                changed[nip][2].add("supervisor")
            else:
                employee = state.employees[nip]
                changed[nip] = (employee, None, {"supervisor"})
        moved, other = [], []
        for nip, (employee, r, fields) in sorted(changed.items()):
            was = state.units_by_id[employee["unit_id"]].name
            unit = unit_name.get(r.unit_code, r.unit_code) if r is not None else was
            name = r.name if r is not None else employee["name"]
            ordered = [f for f in PERSON_FIELDS if f in fields]
            if "unit" in fields:
                moved.append(Person("moved", nip, name, unit=unit, was=was, fields=ordered))
            else:
                other.append(Person("changed", nip, name, unit=unit, fields=ordered))
        people += moved + other
        report.people_total = len(people)
        report.people = people[:PEOPLE_KEPT]

    def count_into(self, report: ImportReport) -> None:
        report.units.created = len(self.units_new)
        report.units.updated = len(self.units_changed)
        report.units.unchanged = self.units_unchanged
        report.positions.created = len(self.positions_new)
        report.positions.updated = len(self.positions_changed)
        report.positions.unchanged = self.positions_unchanged
        report.employees.created = len(self.employees_new)
        report.employees.updated = len(self.employees_changed)
        report.employees.unchanged = self.employees_unchanged
        report.supervisors.created = len(self.relations_new)
        report.supervisors.closed = len(self.relations_close)
        report.supervisors.unchanged = self.relations_unchanged
        report.deactivated = self.deactivated


def unit_kind(depth: int) -> str:
    """Depth 0 is the instansi, 1 a unit kerja (dinas, badan), deeper a sub-unit (bidang)."""
    return (Unit.Kind.INSTANSI, Unit.Kind.UNIT_KERJA)[depth] if depth < 2 else Unit.Kind.SUB_UNIT


def _units(plan: Plan, tree: Tree, state: State) -> None:
    by_id = state.units_by_id
    for code in sorted(tree.name, key=lambda c: len(tree.ancestors(c))):
        unit = state.units.get(code)
        if unit is None:
            plan.units_new.append(code)
            continue
        changed = set()
        if unit.name != tree.name[code]:
            changed.add("name")
        if (by_id[unit.parent_id].code if unit.parent_id else None) != tree.parent[code]:
            changed.add("parent")
        if changed:
            plan.units_changed[code] = changed
        else:
            plan.units_unchanged += 1
    if any("parent" in c for c in plan.units_changed.values()):
        # A moved unit moves its whole subtree: every path below it is rewritten.
        for unit in state.units.values():
            now = [by_id[i].code for i in path_ids(unit.path)]
            if now != tree.ancestors(unit.code)[::-1]:
                if unit.code not in plan.units_changed and unit.code in tree.name:
                    plan.units_unchanged -= 1
                plan.units_changed.setdefault(unit.code, set()).add("path")


def _positions(plan: Plan, kinds: dict[tuple[str, str], str | None], state: State) -> None:
    for (unit_code, name), kind in kinds.items():
        unit = state.units.get(unit_code)
        existing = state.positions.get((unit.pk, name)) if unit else None
        if existing is None:
            plan.positions_new[(unit_code, name)] = kind
        elif kind is not None and existing.kind != kind:
            plan.positions_changed.append((existing, kind))
        else:
            plan.positions_unchanged += 1


def _position_key(employee: Row, state: State) -> tuple[str, str] | None:
    if employee["position_id"] is None:
        return None
    position = state.positions_by_id[employee["position_id"]]
    return state.units_by_id[position.unit_id].code, position.name


def _employee_changes(employee: Row, r: Record, state: State) -> set[str]:
    changed = set()
    if employee["name"] != r.name:
        changed.add("name")
    if state.units_by_id[employee["unit_id"]].code != r.unit_code:
        changed.add("unit")
    if r.position is not None:
        wanted = (r.unit_code, r.position) if r.position else None
        if _position_key(employee, state) != wanted:
            changed.add("position")
    for name, value in (("grade", r.grade), ("kind", r.kind), ("active", r.active)):
        if value is not None and employee[name] != value:
            changed.add(name)
    return changed


def _employees(plan: Plan, records: list[Record], state: State) -> None:
    for r in records:
        employee = state.employees.get(r.nip)
        if employee is None:
            plan.employees_new.append(r)
            continue
        changed = _employee_changes(employee, r, state)
        if not changed:
            plan.employees_unchanged += 1
            continue
        plan.employees_changed.append((employee, r, changed))
        if "active" in changed and not r.active:
            plan.deactivated += 1
        if changed & CARRIED_FIELDS:
            plan.carried.add(employee["id"])


def _supervisors(plan: Plan, wanted: dict[str, str], state: State) -> None:
    for nip, supervisor_nip in wanted.items():
        employee = state.employees.get(nip)
        if employee is None:
            if supervisor_nip:
                plan.relations_new.append((nip, supervisor_nip))
            continue
        supervisor = state.employees.get(supervisor_nip) if supervisor_nip else None
        current = state.supervisor_id(employee["id"])
        if supervisor_nip and supervisor is None:
            same = False  # the supervisor is new in this file
        else:
            same = current == (supervisor["id"] if supervisor else None)
        if same:
            plan.relations_unchanged += 1 if current else 0
            continue
        plan.relations_close += state.relations.get(employee["id"], [])
        if supervisor_nip:
            plan.relations_new.append((nip, supervisor_nip))
        plan.carried.add(employee["id"])
        plan.supervisor_changed.add(nip)


def plan_build(
    *,
    records: list[Record],
    tree: Tree,
    kinds: dict[tuple[str, str], str | None],
    wanted: dict[str, str],
    state: State,
) -> Plan:
    plan = Plan()
    _units(plan, tree, state)
    _positions(plan, kinds, state)
    _employees(plan, records, state)
    _supervisors(plan, wanted, state)
    return plan
