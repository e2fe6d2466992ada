"""Querysets compiled once per shape and run with each call's values (issue #17).

Django compiles a queryset to SQL anew every time it runs: for the statements every
transition sends (the token, the profile, the locked and visibility-filtered read, the
plan's conditions) that compiling cost more Python CPU than running them. A `Compiled`
builds its queryset once per *shape* (what changes the SQL's text: e.g. how many unit
scopes a user holds) with stand-in values, compiles it twice with two sets of stand-ins to
learn which parameters are the caller's values, and from then on sends the same SQL with
the caller's values in their places; the rows become model instances or tuples exactly
as the ORM makes them (its own iterable and converters, from the compiler it kept).

The SQL sent is the ORM's own text, byte for byte; `statement()` gives it with real values
so a test can hold it equal to what the ORM compiles for them
(tests/appraisals/test_compiled_reads.py).
A value that the ORM would rewrite inside a parameter (a LIKE pattern's escaping) is put in
as is only when the rewriting leaves it unchanged; otherwise that call compiles the
ordinary way. Stand-ins are ints and strings; whatever else shapes the SQL (a date, a
flag) belongs in the shape key, compiled once per key.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connections, router
from django.db.models.query import ModelIterable, QuerySet
from django.db.transaction import TransactionManagementError

# Two sets of stand-ins, unlike any constant a query holds (and within a 32-bit column).
_INT_STAND_INS = (2_146_000_101, 2_145_000_203)
_STR_STAND_INS = ("\u27e6kinerja-a{}\u27e7", "\u27e6kinerja-b{}\u27e7")
# What the ORM escapes inside a LIKE pattern: a value holding one is compiled the usual way.
_REWRITTEN = ("%", "_", "\\")
# One entry per (name, shape, database); a shape keyed by a date adds one a day.
_MAX_ENTRIES = 512


class NotCompilable(Exception):
    """The queryset's parameters could not be mapped to the caller's values."""


def _stand_ins(kinds: Sequence[type], which: int) -> list[Any]:
    out = []
    for i, kind in enumerate(kinds):
        if kind is int:
            out.append(_INT_STAND_INS[which] + 7 * i)
        elif kind is str:
            out.append(_STR_STAND_INS[which].format(i))
        else:
            raise TypeError(f"a stand-in is an int or a str, not {kind!r}")
    return out


@dataclass(frozen=True)
class _Entry:
    sql: str
    # Per parameter: ("const", value) | ("slot", i) | ("inside", i, prefix, suffix)
    recipe: tuple[tuple, ...]
    compiler: Any
    model: Any
    for_update: bool
    values: bool  # rows as tuples (values_list/values), else model instances

    def params(self, values: Sequence[Any]) -> list[Any] | None:
        out = []
        for part in self.recipe:
            if part[0] == "const":
                out.append(part[1])
            elif part[0] == "slot":
                out.append(values[part[1]])
            else:
                value = values[part[1]]
                if not isinstance(value, str) or any(c in value for c in _REWRITTEN):
                    return None
                out.append(f"{part[2]}{value}{part[3]}")
        return out


def _compile(qs: QuerySet) -> tuple[str, list[Any], Any]:
    compiler = qs.query.get_compiler(using=qs.db)
    sql, params = compiler.as_sql()
    return sql, list(params), compiler


def _recipe(a: list[Any], b: list[Any], ins_a: list[Any], ins_b: list[Any]) -> tuple:
    if len(a) != len(b):
        raise NotCompilable("the parameters differ in number between two compilations")
    recipe = []
    for pa, pb in zip(a, b, strict=True):
        if pa == pb and type(pa) is type(pb):
            if any(isinstance(pa, str) and isinstance(s, str) and s in pa for s in ins_a):
                raise NotCompilable("a stand-in inside a constant")
            recipe.append(("const", pa))
            continue
        for i, (sa, sb) in enumerate(zip(ins_a, ins_b, strict=True)):
            if pa == sa and pb == sb and type(pa) is type(sa):
                recipe.append(("slot", i))
                break
            if isinstance(sa, str) and isinstance(pa, str) and sa in pa:
                prefix, _, suffix = pa.partition(sa)
                if pb == f"{prefix}{sb}{suffix}":
                    recipe.append(("inside", i, prefix, suffix))
                    break
        else:
            raise NotCompilable(f"parameter {pa!r} is none of the caller's values")
    return tuple(recipe)


class Compiled:
    """`build(shape, *values)` -> a queryset whose SQL's text depends only on `shape`.

    `kinds` (a tuple, or a function of the shape giving one) says each value's type, int
    or str. `rows()` runs the queryset as its iterable would: model instances (with
    select_related and annotations) or, for a values_list/values queryset, tuples in the
    order of its columns.
    """

    def __init__(self, name: str, build: Callable[..., QuerySet], kinds):
        self.name = name
        self.build = build
        self.kinds = kinds if callable(kinds) else (lambda shape, fixed=tuple(kinds): fixed)
        self._entries: dict[Hashable, _Entry] = {}

    def _entry(self, shape: Hashable, db: str) -> _Entry:
        key = (shape, db)
        entry = self._entries.get(key)
        if entry is not None:
            return entry
        kinds = self.kinds(shape)
        ins_a, ins_b = _stand_ins(kinds, 0), _stand_ins(kinds, 1)
        qs_a, qs_b = self.build(shape, *ins_a).using(db), self.build(shape, *ins_b).using(db)
        sql_a, params_a, compiler = _compile(qs_a)
        sql_b, params_b, _ = _compile(qs_b)
        if sql_a != sql_b:
            raise NotCompilable(f"{self.name}: the SQL's text depends on the values")
        entry = _Entry(
            sql=sql_a,
            recipe=_recipe(params_a, params_b, ins_a, ins_b),
            compiler=compiler,
            model=qs_a.model,
            for_update=bool(qs_a.query.select_for_update),
            values=qs_a._iterable_class is not ModelIterable,
        )
        if len(self._entries) >= _MAX_ENTRIES:
            self._entries.clear()
        self._entries[key] = entry
        return entry

    def statement(self, shape: Hashable, values: Sequence[Any], *, db: str = "default"):
        """(sql, params) as sent for `values`, or None where they are compiled the usual way."""
        if not _plain(values, self.kinds(shape)):
            return None
        params = self._entry(shape, db).params(values)
        return None if params is None else (self._entry(shape, db).sql, params)

    def rows(
        self, shape: Hashable, values: Sequence[Any], *, model, for_write=False, **hints
    ) -> list:
        """The rows of `build(shape, *values)`, compiled once per (shape, database).

        `model`, `for_write` and `hints` choose the database as the queryset would (a lock
        reads where writes go; a related manager passes its `instance`)."""
        route = router.db_for_write if for_write else router.db_for_read
        db = route(model, **hints)
        params = None
        if _plain(values, self.kinds(shape)):
            entry = self._entry(shape, db)
            params = entry.params(values)
        if params is None:
            return list(self.build(shape, *values).using(db))
        connection = connections[db]
        if (
            entry.for_update
            and connection.features.has_select_for_update
            and connection.get_autocommit()
        ):
            # As the ORM refuses it: a lock outside a transaction would end at once.
            raise TransactionManagementError(
                "select_for_update cannot be used outside of a transaction."
            )
        compiler = copy.copy(entry.compiler)
        compiler.connection = connection
        compiler.using = db
        sql = entry.sql
        compiler.as_sql = lambda *args, **kwargs: (sql, params)
        if entry.values:
            return list(compiler.results_iter(tuple_expected=True))
        return list(ModelIterable(_Source(entry.model, db, compiler)))


# Ints the ORM passes as they are (it empties a lookup on a value no column can hold).
_INT_RANGE = range(-(2**31) + 1, 2**31)


def _plain(values: Sequence[Any], kinds: Sequence[type]) -> bool:
    """Values of exactly the declared kinds (a bool is no int), ints in a 32-bit range."""
    if len(values) != len(kinds):
        return False
    for value, kind in zip(values, kinds, strict=True):
        if type(value) is not kind or (kind is int and value not in _INT_RANGE):
            return False
    return True


class _Source:
    """What ModelIterable reads of a queryset: its model, database and compiler."""

    _known_related_objects: dict = {}

    def __init__(self, model, db: str, compiler):
        self.model = model
        self.db = db
        self.query = self
        self._compiler = compiler

    def get_compiler(self, using=None, connection=None, elide_empty=True):
        return self._compiler
