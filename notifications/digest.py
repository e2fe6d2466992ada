"""The supervisors' digest: what waits for them, oldest first.

An appraisal waits for its appraiser in the states only the appraiser can
move it out of, and for the appeal reviewer while an appeal is open. "Since"
is when it entered that state (its audit chain says so).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import CharField, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Cast
from django.utils import timezone

from appraisals.models import Appraisal
from audit.models import AuditEvent

from .models import Deadline, OutboxEvent
from .relay import relay_trigger
from .rules import states_awaiting

APPRAISAL = "appraisals.appraisal"
DIGEST_ITEMS = 50


def waiting_for(*, employee_id: int) -> QuerySet[Appraisal]:
    entered = (
        AuditEvent.objects.filter(
            subject_type=APPRAISAL,
            subject_id=Cast(OuterRef("pk"), output_field=CharField()),
            to_state=OuterRef("state"),
        )
        .exclude(from_state=F("to_state"))
        .order_by("-seq")
        .values("at")[:1]
    )
    due = Deadline.objects.filter(
        subject_type=APPRAISAL, subject_id=OuterRef("pk"), closed_at__isnull=True
    ).values("due_at")[:1]
    return (
        Appraisal.objects.filter(
            Q(appraiser_id=employee_id, state__in=states_awaiting("appraiser"))
            | Q(appeal_reviewer_id=employee_id, state__in=states_awaiting("appeal_reviewer"))
        )
        .select_related("employee", "cycle")
        .annotate(since=Subquery(entered), due_at=Subquery(due))
        .order_by(F("since").asc(nulls_first=True), "id")
    )


def _supervisors() -> list[int]:
    appraisers = Appraisal.objects.filter(
        state__in=states_awaiting("appraiser"), appraiser_id__isnull=False
    ).values_list("appraiser_id", flat=True)
    reviewers = Appraisal.objects.filter(
        state__in=states_awaiting("appeal_reviewer"), appeal_reviewer_id__isnull=False
    ).values_list("appeal_reviewer_id", flat=True)
    return sorted(set(appraisers) | set(reviewers))


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def digest_send(*, now: dt.datetime | None = None) -> int:
    """One digest per supervisor per day (the outbox key makes a second run a no-op)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    events = []
    for employee_id in _supervisors():
        waiting = list(waiting_for(employee_id=employee_id)[: DIGEST_ITEMS + 1])
        total = (
            waiting_for(employee_id=employee_id).count()
            if len(waiting) > DIGEST_ITEMS
            else len(waiting)
        )
        events.append(
            OutboxEvent(
                kind="digest.supervisor",
                key=f"digest:{employee_id}:{today.isoformat()}",
                data={
                    "audience": [["employee", employee_id]],
                    "employee_id": employee_id,
                    "total": total,
                    "items": [
                        {
                            "appraisal_id": a.pk,
                            "state": a.state,
                            "since": _iso(a.since),
                            "due_at": _iso(a.due_at),
                        }
                        for a in waiting[:DIGEST_ITEMS]
                    ],
                },
                created_at=now,
            )
        )
    with transaction.atomic():
        before = OutboxEvent.objects.filter(kind="digest.supervisor").count()
        OutboxEvent.objects.bulk_create(events, ignore_conflicts=True, batch_size=500)
        sent = OutboxEvent.objects.filter(kind="digest.supervisor").count() - before
        transaction.on_commit(relay_trigger)
    return sent
