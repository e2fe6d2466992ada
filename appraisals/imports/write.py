"""Applying a plan: bulk writes in batches, each with its simple-history rows.

Runs inside the caller's transaction. Every history row carries the actor,
the reason "import_organisation" and one timestamp for the whole import.
New units are inserted level by level (a child needs its parent's id) and
their materialised paths ("/<root id>/<child id>/") set once all ids are
known; their single "+" history row is written after that, with the path.

New employees, positions and relations are written from plain dicts: on
PostgreSQL with COPY (ids drawn from the table's sequence first, so the
history rows can carry them), as when a cycle opens; elsewhere with
bulk_create_with_history. Changed rows go through bulk_update_with_history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, models
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from appraisals.models import Employee, Position, SupervisorRelation, Unit
from audit.bulk import insert_rows

from .checks import Tree
from .plan import Plan, unit_kind
from .records import Record
from .state import Row, State, attnames, chunked

REASON = "import_organisation"
# bulk_update builds one CASE per field and row; smaller statements plan faster.
UPDATE_BATCH = 1000


def _complete(model: type[models.Model], row: Row) -> Row:
    """`row` with every concrete column but the id, absent ones at their field default."""
    return {
        f.attname: row[f.attname] if f.attname in row else f.get_default()
        for f in model._meta.concrete_fields
        if not f.primary_key
    }


def _ids_assign(model: type[models.Model], rows: list[Row]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, model._meta.pk.column, len(rows)],
        )
        for row, (pk,) in zip(rows, cursor.fetchall(), strict=True):
            row[model._meta.pk.attname] = pk


@dataclass
class Writer:
    actor: object
    state: State
    tree: Tree
    on: dt.date
    batch_size: int
    tick: Callable[[int], None]

    def __post_init__(self) -> None:
        self.at = timezone.now()
        self.history = {
            "default_user": self.actor,
            "default_change_reason": REASON,
            "default_date": self.at,
        }

    def created(self, model: type[models.Model], rows: list[Row]) -> list[Row]:
        """Insert `rows` with their "+" history rows; returns them complete, with their ids."""
        pk = model._meta.pk.attname
        history_model = model.history.model
        tracked = [f for f in attnames(history_model) if not f.startswith("history_")]
        extra = {
            "history_date": self.at,
            "history_change_reason": REASON,
            "history_type": "+",
            "history_user_id": self.actor.pk,
        }
        done: list[Row] = []
        for batch in chunked(rows, self.batch_size):
            batch = [_complete(model, row) for row in batch]
            if connection.vendor == "postgresql":
                _ids_assign(model, batch)
                insert_rows(model, batch)
                insert_rows(history_model, [{**{f: r[f] for f in tracked}, **extra} for r in batch])
            else:
                objs = bulk_create_with_history(
                    [model(**row) for row in batch], model, batch_size=len(batch), **self.history
                )
                for row, obj in zip(batch, objs, strict=True):
                    row[pk] = obj.pk
            done += batch
            self.tick(len(batch))
        return done

    def updated(self, objs: list, model, fields: list[str]) -> None:
        for batch in chunked(objs, self.batch_size):
            bulk_update_with_history(batch, model, fields, batch_size=UPDATE_BATCH, **self.history)
            self.tick(len(batch))

    # -- units ---------------------------------------------------------------------------

    def units(self, plan: Plan) -> None:
        units = self.state.units
        new: list[Unit] = []
        by_depth: dict[int, list[str]] = {}
        for code in plan.units_new:
            by_depth.setdefault(len(self.tree.ancestors(code)) - 1, []).append(code)
        for depth in sorted(by_depth):
            level = [
                Unit(
                    code=code,
                    name=self.tree.name[code],
                    kind=unit_kind(depth),
                    parent=units[self.tree.parent[code]] if self.tree.parent[code] else None,
                    path="",
                )
                for code in by_depth[depth]
            ]
            Unit.objects.bulk_create(level, batch_size=self.batch_size)
            if level and level[0].pk is None:  # a backend that returns no ids
                ids = dict(Unit.objects.filter(code__in=by_depth[depth]).values_list("code", "id"))
                for unit in level:
                    unit.pk = ids[unit.code]
            units.update((u.code, u) for u in level)
            self.state.units_by_id.update((u.pk, u) for u in level)
            new += level
        for unit in new:
            unit.path = self._path(unit.code)
        Unit.objects.bulk_update(new, ["path"], batch_size=UPDATE_BATCH)
        Unit.history.bulk_history_create(new, batch_size=self.batch_size, **self.history)
        changed = []
        for code in plan.units_changed:
            unit = units[code]
            if code in self.tree.name:
                unit.name = self.tree.name[code]
            parent = self.tree.parent[code]
            unit.parent = units[parent] if parent else None
            unit.path = self._path(code)
            changed.append(unit)
        self.updated(changed, Unit, ["name", "parent", "path"])

    def _path(self, code: str) -> str:
        ids = [self.state.units[c].pk for c in reversed(self.tree.ancestors(code))]
        return "/" + "".join(f"{i}/" for i in ids)

    # -- positions -----------------------------------------------------------------------

    def positions(self, plan: Plan) -> dict[tuple[str, str], int]:
        """Every position the file names, new or not: (unit code, name) -> id."""
        units = self.state.units
        created = self.created(
            Position,
            [
                {"name": name, "unit_id": units[code].pk, "kind": kind}
                for (code, name), kind in plan.positions_new.items()
            ],
        )
        for position, kind in plan.positions_changed:
            position.kind = kind
        self.updated([p for p, _k in plan.positions_changed], Position, ["kind"])
        code_of = {u.pk: u.code for u in units.values()}
        ids = {(code_of[u], name): p.pk for (u, name), p in self.state.positions.items()}
        ids.update(((code_of[p["unit_id"]], p["name"]), p["id"]) for p in created)
        return ids

    # -- employees and their supervisors ----------------------------------------------------

    def employees(self, plan: Plan, positions: dict[tuple[str, str], int]) -> None:
        units = self.state.units

        def position_id(r: Record) -> int | None:
            return positions[(r.unit_code, r.position)] if r.position else None

        created = self.created(
            Employee,
            [
                {
                    "nip": r.nip,
                    "name": r.name,
                    "unit_id": units[r.unit_code].pk,
                    "position_id": position_id(r),
                    "grade": r.grade or "",
                    "kind": r.kind or Employee.Kind.PNS,
                    "active": True if r.active is None else r.active,
                }
                for r in plan.employees_new
            ],
        )
        self.state.employees.update((row["nip"], row) for row in created)
        fields: set[str] = set()
        changed = []
        for row, r, what in plan.employees_changed:
            fields |= what
            employee = Employee(**row)
            employee.name = r.name
            employee.unit_id = units[r.unit_code].pk
            if r.position is not None:
                employee.position_id = position_id(r)
            for name in ("grade", "kind", "active"):
                if getattr(r, name) is not None:
                    setattr(employee, name, getattr(r, name))
            changed.append(employee)
        order = ["name", "unit", "position", "grade", "kind", "active"]
        self.updated(changed, Employee, [f for f in order if f in fields])

    def supervisors(self, plan: Plan) -> None:
        until = self.on - dt.timedelta(days=1)
        closed = [
            SupervisorRelation(**{**row, "valid_until": until}) for row in plan.relations_close
        ]
        self.updated(closed, SupervisorRelation, ["valid_until"])
        employees = self.state.employees
        self.created(
            SupervisorRelation,
            [
                {
                    "employee_id": employees[nip]["id"],
                    "supervisor_id": employees[boss]["id"],
                    "valid_from": self.on,
                    "valid_until": None,
                }
                for nip, boss in plan.relations_new
            ],
        )


def plan_apply(
    *,
    plan: Plan,
    state: State,
    tree: Tree,
    actor,
    on: dt.date,
    batch_size: int,
    tick: Callable[[int], None],
) -> None:
    writer = Writer(actor=actor, state=state, tree=tree, on=on, batch_size=batch_size, tick=tick)
    writer.units(plan)
    positions = writer.positions(plan)
    writer.employees(plan, positions)
    writer.supervisors(plan)
