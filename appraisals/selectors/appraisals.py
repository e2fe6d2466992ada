"""Appraisals a user may see or act on: one scoped query each."""

from __future__ import annotations

from collections.abc import Callable
from functools import reduce
from operator import or_

from django.db import connections, router
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.query import MAX_GET_RESULTS

from workflow.compiled import Compiled
from workflow.errors import ActionForbidden, NotFound
from workflow.text import Text

from .. import clock
from ..models import Appeal, Appraisal, Cycle, Unit
from ..policies import (
    SCOPED_READERS,
    appraisal_roles,
    appraisal_visibility,
    profile_of,
    visibility_of,
)

# The people and places an appraisal is shown with; its table (lifecycle.py) declares
# them as its `related` from here.
APPRAISAL_RELATED = ("employee", "cycle", "unit", "appraiser", "appeal_reviewer")
APPRAISAL_NOT_FOUND = Text(id="Penilaian tidak ditemukan.", en="Appraisal not found.")


def appraisal_list_visible(*, user) -> QuerySet[Appraisal]:
    return (
        Appraisal.objects.filter(appraisal_visibility(user))
        .select_related(*APPRAISAL_RELATED)
        .order_by("id")
    )


def appraisal_get_visible(*, user, pk) -> Appraisal:
    """The appraisal if `user` may see it; missing and forbidden are both 404."""
    try:
        return appraisal_list_visible(user=user).get(pk=pk)
    except (Appraisal.DoesNotExist, ValueError, TypeError):
        raise NotFound(APPRAISAL_NOT_FOUND) from None


def _lock_read(shape, pk, *who):
    """The locking read for one shape of visibility: (system?, with an employee?, number of
    scope paths); `who` is the employee's id, if any, then the paths."""
    is_system, has_employee, _paths = shape
    if is_system:
        visible = Q()
    else:
        visible = visibility_of(who[0] if has_employee else None, who[1:] if has_employee else who)
    rows = (
        Appraisal.objects.filter(visible)
        .select_related(*APPRAISAL_RELATED, "employee__position")
        .annotate(unit_zone=clock.zone_subquery("unit__path"))
        .select_for_update(of=("self",))
        .filter(pk=pk)
        .order_by()
    )
    # As QuerySet.get() limits it: MultipleObjectsReturned must stay detectable.
    if connections[router.db_for_write(Appraisal)].features.supports_select_for_update_with_limit:
        rows = rows[:MAX_GET_RESULTS]
    return rows


def _lock_kinds(shape) -> tuple[type, ...]:
    _is_system, has_employee, paths = shape
    return (int, *([int] if has_employee else []), *([str] * paths))


# Every transition sends it: compiled once per shape, run per request (workflow.compiled).
_LOCK_READ = Compiled("appraisal lock read", _lock_read, _lock_kinds)


def appraisal_lock_visible(*, user, pk) -> Appraisal:
    """The appraisal if `user` may see it (else 404), read with SELECT ... FOR UPDATE of its
    own row in the caller's transaction, with what a transition checks and shows: the
    people, cycle and unit, the employee's position, the agency's zone. The table's
    `visible_locked`: a transition reads the row once (issue #17)."""
    profile = profile_of(user)
    paths = [] if profile.is_system else profile.scope_paths(SCOPED_READERS)
    has_employee = not profile.is_system and profile.employee_id is not None
    if not (profile.is_system or has_employee or paths):
        raise NotFound(APPRAISAL_NOT_FOUND)  # sees nothing: the ORM would not ask either
    shape = (profile.is_system, has_employee, len(paths))
    who = [profile.employee_id] if has_employee else []
    try:
        rows = _LOCK_READ.rows(shape, [pk, *who, *paths], model=Appraisal, for_write=True)
    except (ValueError, TypeError):
        raise NotFound(APPRAISAL_NOT_FOUND) from None
    if not rows:
        raise NotFound(APPRAISAL_NOT_FOUND)
    if len(rows) > 1:
        raise Appraisal.MultipleObjectsReturned(f"{len(rows)} appraisals with pk {pk!r}")
    appraisal = rows[0]
    clock.zone_remember(appraisal.unit, appraisal.unit_zone)
    return appraisal


def appraisal_get_for(*, user, pk, role: str, refusal: Text) -> Appraisal:
    """A visible appraisal on which `user` holds `role`: 404 unseen, 403 otherwise.

    Views call it before validating a body, so who may write is decided before
    what was written; the service checks again under the appraisal's lock.
    """
    appraisal = appraisal_get_visible(user=user, pk=pk)
    if role not in appraisal_roles(appraisal, user):
        raise ActionForbidden(refusal)
    return appraisal


def appraisal_list_search(
    *,
    user,
    state: str = "",
    query: str = "",
    cycle: Cycle | None = None,
    unit: Unit | None = None,
) -> QuerySet[Appraisal]:
    """Visible appraisals, in `state` if given, whose employee's name or NIP matches `query`,
    of `cycle` and of `unit` or the units below it when given."""
    visible = appraisal_list_visible(user=user)
    if state:
        visible = visible.filter(state=state)
    if cycle is not None:
        visible = visible.filter(cycle=cycle)
    if unit is not None:
        visible = visible.filter(unit__path__startswith=unit.path)
    if query:
        visible = visible.filter(
            Q(employee__name__icontains=query) | Q(employee__nip__startswith=query)
        )
    return visible


def appraisal_filter_choices(*, user) -> tuple[list[Cycle], list[Unit]]:
    """The cycles and units among `user`'s visible appraisals: the list's filters offer
    these and no others (HR sees all its units, an appraiser those of their staff)."""
    visible = Appraisal.objects.filter(appraisal_visibility(user)).order_by()
    cycles = Cycle.objects.filter(pk__in=visible.values("cycle_id")).order_by("-year", "-id")
    units = Unit.objects.filter(pk__in=visible.values("unit_id")).order_by("path")
    return list(cycles), list(units)


def appraisal_with_due(queryset: QuerySet[Appraisal]) -> QuerySet[Appraisal]:
    """Each row's nearest deadline: the appeal window, or the appeal's decision date."""
    due = Appeal.objects.filter(appraisal=OuterRef("pk"), outcome="").values("decision_due")[:1]
    return queryset.annotate(appeal_due=Subquery(due))


def appraisal_state_counts(queryset: QuerySet[Appraisal]) -> dict[str, int]:
    """How many of `queryset` are in each state, in one query."""
    return dict(
        queryset.order_by().values_list("state").annotate(n=Count("id")).values_list("state", "n")
    )


def appraisal_state_counts_in(*, cycle: Cycle, unit: Unit) -> dict[str, int]:
    """How many appraisals of `unit`'s subtree in `cycle` are in each state."""
    return appraisal_state_counts(
        Appraisal.objects.filter(cycle=cycle, unit__path__startswith=unit.path)
    )


def appraisal_names_visible(*, user, ids) -> dict[str, str]:
    """Employee names of the visible appraisals among `ids`, by id as text, in one query."""
    rows = appraisal_list_visible(user=user).filter(pk__in=ids).values_list("pk", "employee__name")
    return {str(pk): name for pk, name in rows}


class MergedParts:
    """The rows of `queryset` matching any of `parts`, by id, for a Paginator.

    A page is found without sorting every matching row: each part is asked for
    its first `stop` ids in id order (one index range each, so PostgreSQL stops
    after `stop` rows: the LIMIT is pushed into every part), the parts are merged
    in one UNION statement, and the page's rows are fetched by id. Two queries a
    page and one count, whatever the number of rows. Where the database cannot
    order and limit inside a compound statement (SQLite), the plain OR query is
    used: the same rows in the same order.
    """

    def __init__(self, queryset: QuerySet, parts: list[Q], decorate: Callable = lambda qs: qs):
        self.queryset = queryset.order_by("id")
        self.parts = parts
        self.decorate = decorate
        self.ordered = True

    def _all(self) -> QuerySet:
        if not self.parts:
            return self.queryset.none()
        return self.queryset.filter(reduce(or_, self.parts))

    def count(self) -> int:
        return self._all().count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key):
        if not isinstance(key, slice) or key.step is not None:
            raise TypeError("MergedParts is read in slices")
        start, stop = key.start or 0, key.stop
        compound = connections[self.queryset.db].features.supports_slicing_ordering_in_compound
        if stop is None or len(self.parts) < 2 or not compound:
            return list(self.decorate(self._all())[start:stop])
        heads = [
            self.queryset.filter(part).values_list("id", flat=True)[:stop] for part in self.parts
        ]
        ids = sorted(set(heads[0].union(*heads[1:], all=True)))[start:stop]
        if not ids:
            return []
        return list(self.decorate(self.queryset.filter(pk__in=ids)))
