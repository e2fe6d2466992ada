"""Appraisals a user may see or act on: one scoped query each."""

from __future__ import annotations

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery

from workflow.errors import ActionForbidden, NotFound
from workflow.text import Text

from ..models import Appeal, Appraisal, Cycle, Unit
from ..policies import appraisal_roles, appraisal_visibility

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
