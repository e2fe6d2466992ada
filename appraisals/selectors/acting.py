"""Acting appointments (Plt/Plh) as HR reads them; handovers as an appraisal's readers do."""

from __future__ import annotations

from django.db.models import QuerySet

from workflow.errors import ActionForbidden, NotFound
from workflow.text import Text

from ..models import ActingAssignment, Appraisal, AppraiserHandover
from ..policies import appraisal_roles, hr_scope, profile_of

ONLY_HR_ACTING = Text(
    id="Hanya pengelola kinerja (BKD/BKPSDM) yang dapat mengelola Plt/Plh.",
    en="Only an HR administrator may manage acting officials (Plt/Plh).",
)
ACTING_NOT_FOUND = Text(id="Penunjukan Plt/Plh tidak ditemukan.", en="Appointment not found.")
HANDOVER_READERS = frozenset(
    {"appraiser", "appeal_reviewer", "panel", "authority", "inspector", "hr_admin"}
)
HANDOVERS_HIDDEN = Text(
    id="Catatan serah terima hanya untuk pejabat penilai, atasannya, dan pengelola.",
    en="Handover notes are for the appraisers, their superiors and the administrators.",
)


def acting_list_managed(*, user) -> QuerySet[ActingAssignment]:
    """Appointments over officials in the user's HR scope; 403 for who holds none."""
    if not profile_of(user).scope_paths(("hr_admin",)):
        raise ActionForbidden(ONLY_HR_ACTING)
    return (
        ActingAssignment.objects.filter(hr_scope(user, "replaces__unit__path"))
        .select_related("substitute", "replaces", "position", "ended_by")
        .order_by("-valid_from", "-id")
    )


def acting_get_managed(*, user, pk) -> ActingAssignment:
    try:
        return acting_list_managed(user=user).get(pk=pk)
    except (ActingAssignment.DoesNotExist, ValueError, TypeError):
        raise NotFound(ACTING_NOT_FOUND) from None


def handovers_readable(*, appraisal: Appraisal, user) -> QuerySet[AppraiserHandover]:
    """An appraisal's handovers (already visible to `user`): 403 to the employee alone."""
    if not appraisal_roles(appraisal, user) & HANDOVER_READERS:
        raise ActionForbidden(HANDOVERS_HIDDEN)
    return appraisal.handovers.select_related("previous", "successor").order_by("changed_at", "id")
