"""Cycles as the HR administrator sees them."""

from __future__ import annotations

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from notifications.models import PhaseDeadline
from notifications.models.deadlines import PHASE_STATES

from ..models import Appraisal, BulkJob, Cycle, Employee, Unit
from ..models.organisation import path_ids
from ..policies import profile_of


def cycle_list_managed(*, user) -> QuerySet[Cycle]:
    """Cycles an HR admin works with: of an instansi at, above or below their scopes.

    An HR admin of a dinas sees the instansi's cycle (to follow its units) but
    only an HR admin of the instansi itself may open it (services.jobs).
    """
    q = Q(pk__in=[])
    for path in profile_of(user).scope_paths(("hr_admin",)):
        ancestors = path_ids(path)
        q |= Q(instansi__path__startswith=path) | Q(instansi_id__in=ancestors)
    return Cycle.objects.filter(q).select_related("instansi").order_by("-year", "-id")


def cycle_get_managed(*, user, pk) -> Cycle | None:
    """One of the cycles `user` manages (None when it is not theirs or does not exist)."""
    return cycle_list_managed(user=user).filter(pk=pk).first()


def cycle_list_managed_with_progress(*, user) -> QuerySet[Cycle]:
    """The managed cycles, each with its live appraisal count, its latest bulk job (id and
    status) and, while open, how many active employees of its instansi have no appraisal."""
    last_job = BulkJob.objects.filter(cycle=OuterRef("pk")).order_by("-id")
    return cycle_list_managed(user=user).annotate(
        appraisal_count=Count("appraisals", filter=~Q(appraisals__state="cancelled")),
        last_job=Subquery(last_job.values("id")[:1]),
        last_job_status=Subquery(last_job.values("status")[:1]),
        # Only an open cycle can take new appraisals: the others skip the count.
        missing_count=Case(
            When(status=Cycle.Status.OPEN, then=_missing_count()),
            default=Value(0),
            output_field=IntegerField(),
        ),
    )


def _missing_count() -> Subquery:
    """Active employees of the cycle's instansi without a live appraisal in it (one query;
    the employees `cycle_open` would still create appraisals for)."""
    live = Appraisal.objects.filter(
        cycle_id=OuterRef(OuterRef("pk")), employee_id=OuterRef("pk")
    ).exclude(state="cancelled")
    return Subquery(
        Employee.objects.filter(active=True, unit__path__startswith=OuterRef("instansi__path"))
        .filter(~Exists(live))
        .annotate(n=Func(F("pk"), function="COUNT"))
        .values("n")[:1],
        output_field=IntegerField(),
    )


def cycle_missing_appraisals(*, cycle: Cycle) -> int:
    """How many active employees of the cycle's instansi have no live appraisal in it."""
    if cycle.status != Cycle.Status.OPEN:
        return 0
    live = Appraisal.objects.filter(cycle=cycle, employee_id=OuterRef("pk")).exclude(
        state="cancelled"
    )
    return (
        Employee.objects.filter(active=True, unit__path__startswith=cycle.instansi.path)
        .filter(~Exists(live))
        .count()
    )


def cycle_appraisal_count(*, cycle: Cycle) -> int:
    return Appraisal.objects.filter(cycle=cycle).exclude(state="cancelled").count()


def cycles_with_appraisals_in(*, cycles: list[Cycle], unit: Unit) -> set[int]:
    """Which of `cycles` have an appraisal in `unit`'s subtree (one query).

    Asked per cycle with EXISTS, which stops at the first appraisal found: the unit
    dashboard asks it on every view, and a DISTINCT over the subtree's appraisals read
    every one of them (for an agency's top unit, all its appraisals; issue #17).
    """
    here = Appraisal.objects.filter(cycle=OuterRef("pk"), unit__path__startswith=unit.path)
    return set(
        Cycle.objects.filter(pk__in=[c.pk for c in cycles])
        .filter(Exists(here))
        .values_list("pk", flat=True)
    )


def cycle_list_of_unit(*, unit: Unit) -> list[Cycle]:
    """The cycles of the instansi above (or at) `unit`, latest first."""
    return list(Cycle.objects.filter(instansi_id__in=path_ids(unit.path)).order_by("-year", "-id"))


def phase_deadline_map(*, cycle: Cycle) -> dict[str, PhaseDeadline | None]:
    """Every phase, in the lifecycle's order, with the cycle's deadline for it or None."""
    rows = {row.state: row for row in PhaseDeadline.objects.filter(cycle=cycle)}
    return {state: rows.get(state) for state, _label in PHASE_STATES}


def cycle_last_job(*, cycle: Cycle) -> BulkJob | None:
    return BulkJob.objects.filter(cycle=cycle).order_by("-id").first()


def cycle_list_awaiting_appraisals(*, user) -> list[Cycle]:
    """Running cycles `user` may open in which active employees still have no appraisal
    (e.g. just imported), each with `missing_count`; latest first."""
    profile = profile_of(user)
    return [
        cycle
        for cycle in cycle_list_managed_with_progress(user=user).filter(
            status=Cycle.Status.OPEN, appraisal_count__gt=0, missing_count__gt=0
        )
        if "hr_admin" in profile.holds_in(cycle.instansi.path)
    ]
