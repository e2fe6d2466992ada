"""Checks across rows and against the database: the unit tree, positions, supervisors, scope.

Each check reports a problem once, on the first row it concerns (a unit with
an unknown parent is one error, not one per employee in it), except cycles,
which are reported on every row that closes them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from appraisals.policies import profile_of

from . import messages as m
from .records import NIP, Columns, Record
from .report import RowProblem
from .state import State

CHAIN_SHOWN = 6


@dataclass
class Tree:
    """The unit tree as it will be after the import, by unit code."""

    parent: dict[str, str | None]  # every unit, the file's and the database's
    name: dict[str, str]  # the file's units
    first_row: dict[str, int]  # the file's units

    def ancestors(self, code: str) -> list[str]:
        """`code` and its parents up to the root; stops (without looping) on a cycle."""
        chain, seen = [], set()
        while code is not None and code not in seen and code in self.parent:
            chain.append(code)
            seen.add(code)
            code = self.parent[code]
        return chain


def _problem(code: str, message, row: int, columns: Columns, field: str) -> RowProblem:
    return RowProblem(code=code, message=message, row=row, column=columns.name(field))


def _cycles(graph: dict[str, str | None], starts) -> list[list[str]]:
    """The cycles reachable from `starts` in a graph where each node has one successor."""
    done: set[str] = set()
    cycles = []
    for start in starts:
        path: list[str] = []
        on_path: dict[str, int] = {}
        node = start
        while node is not None and node not in done and node not in on_path:
            on_path[node] = len(path)
            path.append(node)
            node = graph.get(node)
        if node is not None and node in on_path:
            cycles.append(path[on_path[node] :])
        done.update(path)
    return cycles


def _chain(cycle: list[str]) -> str:
    shown = [*cycle, cycle[0]] if len(cycle) <= CHAIN_SHOWN else [*cycle[:CHAIN_SHOWN], "…"]
    return " → ".join(shown)


def tree_check(
    records: list[Record], columns: Columns, state: State
) -> tuple[Tree, list[RowProblem]]:
    problems = []
    spec: dict[str, tuple[str, str, int]] = {}
    for r in records:
        if not r.unit_code:
            continue
        if r.unit_code not in spec:
            spec[r.unit_code] = (r.unit_name, r.parent_code, r.row)
            continue
        name, parent, first = spec[r.unit_code]
        for field, mine, theirs in (
            ("nama_unit", r.unit_name, name),
            ("kode_unit_induk", r.parent_code, parent),
        ):
            if mine != theirs:
                message = m.UNIT_CONFLICT.format(
                    unit=r.unit_code, column=columns.name(field), first=first, other=theirs
                )
                problems.append(_problem("unit_conflict", message, r.row, columns, field))
    parent: dict[str, str | None] = {
        u.code: (state.units_by_id[u.parent_id].code if u.parent_id else None)
        for u in state.units.values()
    }
    for code, (_name, parent_code, row) in spec.items():
        parent[code] = parent_code or None
        if parent_code and parent_code not in spec and parent_code not in state.units:
            message = m.PARENT_UNKNOWN.format(value=parent_code)
            problems.append(_problem("parent_unknown", message, row, columns, "kode_unit_induk"))
    for cycle in _cycles(parent, spec):
        message = m.UNIT_CYCLE.format(chain=_chain(cycle))
        for code in cycle:
            if code in spec:
                row = spec[code][2]
                problems.append(_problem("unit_cycle", message, row, columns, "kode_unit_induk"))
    tree = Tree(
        parent=parent,
        name={code: s[0] for code, s in spec.items()},
        first_row={code: s[2] for code, s in spec.items()},
    )
    return tree, problems


def positions_check(
    records: list[Record], columns: Columns, state: State
) -> tuple[dict[tuple[str, str], str | None], list[RowProblem]]:
    """The kind of every position named in the file, by (unit code, name); None: keep."""
    problems = []
    given: dict[tuple[str, str], tuple[str | None, int]] = {}
    first_row: dict[tuple[str, str], int] = {}
    for r in records:
        if not r.position or not r.unit_code:
            continue
        key = (r.unit_code, r.position)
        first_row.setdefault(key, r.row)
        if r.position_kind is None:
            if r.position_kind_text:  # not understood: reported as such already
                given.setdefault(key, (None, r.row))
            continue
        if key in given and given[key][0] not in (None, r.position_kind):
            message = m.POSITION_KIND_CONFLICT.format(
                value=r.position, unit=r.unit_code, first=given[key][1]
            )
            problems.append(
                _problem("position_kind_conflict", message, r.row, columns, "jenis_jabatan")
            )
        if given.get(key, (None,))[0] is None:
            given[key] = (r.position_kind, r.row)
    kinds: dict[tuple[str, str], str | None] = {}
    for key, row in first_row.items():
        if key in given:
            kinds[key] = given[key][0]
            continue
        unit = state.units.get(key[0])
        if unit is None or (unit.pk, key[1]) not in state.positions:
            message = m.POSITION_KIND_REQUIRED.format(value=key[1])
            problems.append(
                _problem("position_kind_required", message, row, columns, "jenis_jabatan")
            )
        kinds[key] = None
    return kinds, problems


def supervisors_check(
    records: list[Record],
    columns: Columns,
    state: State,
    load_outside: Callable[[set[str], set[str]], None],
) -> tuple[dict[str, str], list[RowProblem]]:
    """Each employee's supervisor NIP ("" for none), checked; empty when the column is absent."""
    if not columns.has("nip_atasan"):
        return {}, []
    problems = []
    first: dict[str, Record] = {}
    for r in records:
        if NIP.match(r.nip):
            first.setdefault(r.nip, r)
    wanted: dict[str, str] = {}
    for nip, r in first.items():
        supervisor = r.supervisor_nip or ""
        if supervisor and not NIP.match(supervisor):
            continue  # already reported as an invalid NIP
        if supervisor == nip:
            problems.append(
                _problem("supervisor_self", m.SUPERVISOR_SELF, r.row, columns, "nip_atasan")
            )
            continue
        if supervisor and supervisor not in first and supervisor not in state.employees:
            message = m.SUPERVISOR_UNKNOWN.format(value=supervisor)
            problems.append(_problem("supervisor_unknown", message, r.row, columns, "nip_atasan"))
            continue
        wanted[nip] = supervisor
    load_outside({s for s in wanted.values() if s}, set(first))
    graph = {**state.outside_supervisors, **{n: s or None for n, s in wanted.items()}}
    for cycle in _cycles(graph, wanted):
        message = m.SUPERVISOR_CYCLE.format(chain=_chain(cycle))
        for nip in cycle:
            if nip in first:
                row = first[nip].row
                problems.append(_problem("supervisor_cycle", message, row, columns, "nip_atasan"))
    return wanted, problems


def scope_check(
    records: list[Record], columns: Columns, tree: Tree, state: State, actor
) -> list[RowProblem]:
    """A non-system actor must be an HR admin over every unit the file writes in or moves from."""
    profile = profile_of(actor)
    if profile.is_system or getattr(actor, "is_superuser", False):
        return []
    problems = []

    def allowed(unit_code: str) -> bool:
        return "hr_admin" in profile.holds_in(state.units[unit_code].path)

    for code, row in tree.first_row.items():
        # The unit itself if it exists, and the nearest existing unit it will hang under.
        existing = [c for c in tree.ancestors(code) if c in state.units]
        existing = existing[:2] if code in state.units else existing[:1]
        if not existing:
            message = m.FORBIDDEN_ROOT.format(value=code)
            problems.append(_problem("forbidden", message, row, columns, "kode_unit"))
        elif not all(allowed(c) for c in existing):
            message = m.FORBIDDEN_UNIT.format(value=code)
            problems.append(_problem("forbidden", message, row, columns, "kode_unit"))
    for r in records:
        employee = state.employees.get(r.nip)
        if employee is None or r.unit_code == state.units_by_id[employee["unit_id"]].code:
            continue
        old = state.units_by_id[employee["unit_id"]].code
        if not allowed(old):
            message = m.FORBIDDEN_UNIT.format(value=old)
            problems.append(_problem("forbidden", message, r.row, columns, "kode_unit"))
    # The other end: a supervisor not in the file must work inside the scope too. One
    # outside it reads as one that does not exist (issue #13, item 7).
    in_file = {r.nip for r in records}
    for r in records:
        boss = state.employees.get(r.supervisor_nip or "")
        if boss is None or r.supervisor_nip in in_file:
            continue
        if not allowed(state.units_by_id[boss["unit_id"]].code):
            message = m.SUPERVISOR_UNKNOWN.format(value=r.supervisor_nip)
            problems.append(_problem("supervisor_unknown", message, r.row, columns, "nip_atasan"))
    return problems
