"""What the database holds for the rows of a file, loaded in a few batched queries.

Nothing here is per row: employees and their supervisor relations come in
chunks of CHUNK keys, as plain dicts of column values (model instances cost
more than the query at 100,000 rows; the writer makes instances only of what
changes). Units and positions are few and come as instances; units come
whole, since the tree is needed to place new units and to find cycles.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.db import connection, models
from django.db.models import Q
from django.db.models.expressions import RawSQL

from appraisals.models import Employee, Position, SupervisorRelation, Unit

CHUNK = 5000
# A row as loaded: {attname: value} over all the model's concrete fields.
Row = dict


def chunked(values: Iterable, size: int = CHUNK) -> Iterator[list]:
    batch = []
    for value in values:
        batch.append(value)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def among(field: str, values: list, sql_type: str) -> Q:
    """`field` IN `values`. On PostgreSQL as one array parameter: a list of 5,000
    placeholders costs more to build, send and plan than the rows cost to read."""
    if connection.vendor == "postgresql":
        return Q(**{f"{field}__in": RawSQL(f"SELECT unnest(%s::{sql_type}[])", [values])})
    return Q(**{f"{field}__in": values})


def attnames(model: type[models.Model]) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields]


def not_ended(on: dt.date) -> Q:
    """Relations still running on `on` or starting later: what a change on `on` closes."""
    return Q(valid_until__isnull=True) | Q(valid_until__gte=on)


@dataclass
class State:
    on: dt.date
    units: dict[str, Unit]  # by code
    units_by_id: dict[int, Unit]
    employees: dict[str, Row]  # by NIP: those of the file, and known supervisors
    positions: dict[tuple[int, str], Position]  # by (unit id, name); the oldest wins
    positions_by_id: dict[int, Position]
    # Supervisor relations not ended before `on`, by employee id, oldest first.
    relations: dict[int, list[Row]] = field(default_factory=dict)
    # NIP -> supervisor NIP on `on`, for employees outside the file (cycle checks).
    outside_supervisors: dict[str, str] = field(default_factory=dict)

    def supervisor_id(self, employee_id: int) -> int | None:
        """The supervisor on `on` (the latest relation that has started), if any."""
        current = [r for r in self.relations.get(employee_id, ()) if r["valid_from"] <= self.on]
        return current[-1]["supervisor_id"] if current else None


def state_load(
    *, nips: set[str], supervisor_nips: set[str], unit_codes: set[str], on: dt.date
) -> State:
    units = {u.code: u for u in Unit.objects.all()}
    employees: dict[str, Row] = {}
    for batch in chunked(sorted(nips | supervisor_nips)):
        rows = Employee.objects.filter(among("nip", batch, "text")).values(*attnames(Employee))
        employees.update((row["nip"], row) for row in rows)
    unit_ids = {units[c].pk for c in unit_codes if c in units}
    found: dict[int, Position] = {}
    for batch in chunked(sorted(unit_ids)):
        found.update((p.pk, p) for p in Position.objects.filter(among("unit_id", batch, "bigint")))
    missing = {e["position_id"] for e in employees.values() if e["position_id"]} - found.keys()
    for batch in chunked(sorted(missing)):
        found.update((p.pk, p) for p in Position.objects.filter(among("id", batch, "bigint")))
    positions: dict[tuple[int, str], Position] = {}
    for p in sorted(found.values(), key=lambda p: p.pk):
        positions.setdefault((p.unit_id, p.name), p)
    relations: dict[int, list[Row]] = defaultdict(list)
    ids = [employees[n]["id"] for n in nips if n in employees]
    for batch in chunked(sorted(ids)):
        rows = (
            SupervisorRelation.objects.filter(not_ended(on), among("employee_id", batch, "bigint"))
            .order_by("valid_from", "id")
            .values(*attnames(SupervisorRelation))
        )
        for row in rows:
            relations[row["employee_id"]].append(row)
    return State(
        on=on,
        units=units,
        units_by_id={u.pk: u for u in units.values()},
        employees=employees,
        positions=positions,
        positions_by_id=found,
        relations=dict(relations),
    )


def outside_chains_load(state: State, *, start: set[str], inside: set[str]) -> None:
    """Follow supervisors outside the file up their chains, one query per level."""
    seen, frontier = set(), set(start) - inside
    while frontier:
        seen |= frontier
        found: dict[str, str] = {}
        for batch in chunked(sorted(frontier)):
            rows = (
                SupervisorRelation.objects.filter(
                    Q(valid_from__lte=state.on),
                    not_ended(state.on),
                    among("employee__nip", batch, "text"),
                )
                .order_by("valid_from", "id")
                .values_list("employee__nip", "supervisor__nip")
            )
            found.update(rows)  # oldest first: the latest wins
        state.outside_supervisors.update(found)
        frontier = {s for s in found.values() if s not in inside and s not in seen}
