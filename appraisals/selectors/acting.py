"""Acting appointments (Plt/Plh) as HR reads them; handovers as an appraisal's readers do."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils import timezone

from audit.selectors import audit_events_of
from workflow.errors import ActionForbidden, NotFound
from workflow.text import Text

from ..models import ActingAssignment, Appraisal, AppraiserHandover, Employee
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


def _acting_kind(assignments: list, employee_id: int, at) -> str | None:
    """ "plt"/"plh" when `employee_id` acted for someone at `at` (inside dates, not yet ended)."""
    day = timezone.localdate(at)
    for a in assignments:
        if (
            a.substitute_id == employee_id
            and a.valid_from <= day
            and (a.valid_until is None or day <= a.valid_until)
            and (a.ended_at is None or at < a.ended_at)
        ):
            return a.kind
    return None


def _held_before(appraisal: Appraisal, seq: int) -> dict:
    """Who held each relation just before event `seq`: for a page that starts mid-chain.

    The last earlier event that changed each field says it (one backward step
    along the chain's index per field, however long the chain).
    """
    earlier = audit_events_of(subject=appraisal).filter(seq__lt=seq).order_by("-seq")
    held = {}
    for field in ("employee_id", "appraiser_id", "appeal_reviewer_id"):
        changes = earlier.filter(changes__has_key=field).values_list("changes", flat=True).first()
        change = (changes or {}).get(field)
        if isinstance(change, list) and len(change) == 2:
            held[field] = change[1]
    return held


def timeline_capacities(*, appraisal: Appraisal, events) -> dict[int, str]:
    """Each event's seq -> the capacity its actor acted in at that moment (a label code).

    Read from the chain itself: the opening event and every reassignment carry
    the appraiser and reviewer ids, so walking the events oldest first knows who
    held which relation when each change was made; an acting appointment in
    force then makes it "plt_appraiser" and the like. Assigned roles (HR, panel,
    authority, inspector) are as held over the unit now.
    """
    events = list(events)
    users = {e.actor_id for e in events if e.actor_id}
    employee_of = dict(Employee.objects.filter(user_id__in=users).values_list("user_id", "id"))
    actors = get_user_model().objects.in_bulk(users)
    assignments = list(ActingAssignment.objects.filter(substitute_id__in=set(employee_of.values())))
    held = {"employee_id": appraisal.employee_id, "appraiser_id": None, "appeal_reviewer_id": None}
    if events and events[0].seq > 1:
        held.update(_held_before(appraisal, events[0].seq))
    out: dict[int, str] = {}
    for e in events:
        person = employee_of.get(e.actor_id)
        if e.actor_username == settings.KINERJA_SYSTEM_USERNAME:
            out[e.seq] = "system"
        elif person is not None and person == held["employee_id"]:
            out[e.seq] = "employee"
        elif person is not None and person == held["appraiser_id"]:
            kind = _acting_kind(assignments, person, e.at)
            out[e.seq] = f"{kind}_appraiser" if kind else "appraiser"
        elif person is not None and person == held["appeal_reviewer_id"]:
            kind = _acting_kind(assignments, person, e.at)
            out[e.seq] = f"{kind}_appeal_reviewer" if kind else "appeal_reviewer"
        else:
            actor = actors.get(e.actor_id)
            roles = sorted(profile_of(actor).holds_in(appraisal.unit.path)) if actor else []
            if roles:
                out[e.seq] = roles[0]
            elif person is not None and e.action == "appraisal.handover_noted":
                out[e.seq] = "former_appraiser"
        for field in held:
            change = (e.changes or {}).get(field)
            if isinstance(change, list) and len(change) == 2:
                held[field] = change[1]
    return out


def handovers_open_to(*, user) -> QuerySet[AppraiserHandover]:
    """Handovers whose note `user` (the previous appraiser) may still write, newest first."""
    employee_id = profile_of(user).employee_id
    if employee_id is None:
        return AppraiserHandover.objects.none()
    days = int(getattr(settings, "KINERJA_HANDOVER_NOTE_DAYS", 14))
    since = timezone.now() - dt.timedelta(days=days)
    return (
        AppraiserHandover.objects.filter(previous_id=employee_id, changed_at__gte=since)
        .select_related("appraisal__employee", "appraisal__cycle", "successor")
        .order_by("-changed_at", "-id")
    )


def history_capacities(*, obj: Appraisal, events) -> dict[int, str]:
    """The lifecycle's hook (`history_capacity`): the history API's `actor_capacity`."""
    return timeline_capacities(appraisal=obj, events=events)
