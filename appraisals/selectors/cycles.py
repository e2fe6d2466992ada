"""Cycles as the HR administrator sees them."""

from __future__ import annotations

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery

from ..models import BulkJob, Cycle, Unit
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
    """The managed cycles, each with its appraisal count and its latest bulk job's id."""
    last_job = BulkJob.objects.filter(cycle=OuterRef("pk")).order_by("-id").values("id")[:1]
    return cycle_list_managed(user=user).annotate(
        appraisal_count=Count("appraisals"), last_job=Subquery(last_job)
    )


def cycle_list_of_unit(*, unit: Unit) -> list[Cycle]:
    """The cycles of the instansi above (or at) `unit`, latest first."""
    return list(Cycle.objects.filter(instansi_id__in=path_ids(unit.path)).order_by("-year", "-id"))
