"""Cycles as the HR administrator sees them."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from ..models import Cycle
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
