"""Deadlines, polled by beat: open, remind, escalate, fire.

Each poll (1) closes the deadlines of appraisals that left the state,
(2) opens one for each appraisal in a state with a due date — the cycle's
phase deadlines (PhaseDeadline), the appeal window (Appraisal.appeal_deadline)
and the reviewer's decision date (Appeal.decision_due) — and (3) acts on the
rows whose next action is due: a reminder N days before, the escalation to the
superior once the date passed, or `accept_result` fired by the system actor
when the appeal window lapsed. Each action happens once (recorded on the row,
under the appraisal's lock) and is audited on the appraisal's chain.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone

from appraisals import clock
from appraisals.models import Appeal, Appraisal, Employee, Unit
from appraisals.services.organisation import supervisor_resolve
from workflow import calendar
from workflow.actors import system_actor
from workflow.errors import WorkflowError
from workflow.records import audit_record
from workflow.services import perform

from .models import Deadline, OutboxEvent, PhaseDeadline
from .rules import RELATION_FIELD, RESPONSIBLE, escalation_audience, relation_spec

logger = logging.getLogger(__name__)

APPRAISAL = "appraisals.appraisal"
AUTO_ACCEPT_REASON = (
    "Masa keberatan berakhir tanpa keberatan; hasil diterima oleh sistem (PP 30/2019 Pasal 59)."
)
RETRY_AFTER = dt.timedelta(hours=1)


def _tz(tz: dt.tzinfo | None) -> dt.tzinfo:
    return tz or timezone.get_default_timezone()


def end_of_day(day: dt.date, tz: dt.tzinfo | None = None) -> dt.datetime:
    """A date is due through its last moment, in the agency's zone: the next local midnight."""
    return calendar.start_of_day(day + dt.timedelta(days=1), _tz(tz))


def due_day(due_at: dt.datetime, tz: dt.tzinfo | None = None) -> dt.date:
    return calendar.local_date(due_at - dt.timedelta(microseconds=1), _tz(tz))


def reminder_at(due_at: dt.datetime, days: int, tz: dt.tzinfo | None = None) -> dt.datetime:
    """The reminder `days` before the due day, at the reminder hour in the agency's zone."""
    day = due_day(due_at, tz) - dt.timedelta(days=days)
    hour = dt.time(hour=settings.DEADLINES_REMINDER_HOUR, tzinfo=_tz(tz))
    return dt.datetime.combine(day, hour).astimezone(dt.UTC)


def subject_zone(subject_id: int) -> dt.tzinfo:
    """The zone of the appraisal's unit (the agency's clock), default when it is gone."""
    appraisal = Appraisal.objects.select_related("unit").filter(pk=subject_id).first()
    return clock.agency_zone(appraisal.unit if appraisal else None)


def next_action(deadline: Deadline, tz: dt.tzinfo | None = None) -> dt.datetime | None:
    tz = tz or subject_zone(deadline.subject_id)
    moments = [
        reminder_at(deadline.due_at, n, tz)
        for n in deadline.remind_days
        if n not in deadline.reminded and reminder_at(deadline.due_at, n, tz) < deadline.due_at
    ]
    if deadline.on_due and not (deadline.escalated_at or deadline.fired_at):
        moments.append(deadline.due_at)
    return min(moments) if moments else None


def deadline_new(
    *, subject_id: int, state: str, due_at, on_due: str, remind_days, source: str, now, tz
) -> Deadline:
    # Reminders whose day had passed before the appraisal got here are not sent;
    # nor is anyone escalated for a date that had passed before it arrived.
    days = sorted(
        {int(n) for n in remind_days if reminder_at(due_at, int(n), tz) > now}, reverse=True
    )
    if on_due == Deadline.OnDue.ESCALATE and due_at <= now:
        on_due = Deadline.OnDue.NOTHING
    deadline = Deadline(
        subject_type=APPRAISAL,
        subject_id=subject_id,
        state=state,
        responsible=RESPONSIBLE.get(state, ""),
        due_at=due_at,
        on_due=on_due,
        remind_days=days,
        reminded=[],
        source=source,
        created_at=now,
    )
    deadline.next_action_at = next_action(deadline, tz)
    return deadline


def deadlines_sync(*, now: dt.datetime) -> dict:
    current = Subquery(Appraisal.objects.filter(pk=OuterRef("subject_id")).values("state")[:1])
    stale = (
        Deadline.objects.filter(subject_type=APPRAISAL, closed_at__isnull=True)
        .annotate(current=current)
        .filter(~Q(current=F("state")) | Q(current__isnull=True))
        .values_list("pk", flat=True)
    )
    closed = Deadline.objects.filter(pk__in=list(stale)).update(closed_at=now, next_action_at=None)
    open_ids = Deadline.objects.filter(subject_type=APPRAISAL, closed_at__isnull=True).values(
        "subject_id"
    )
    new: list[Deadline] = []
    zones = _ZoneCache()
    for phase in PhaseDeadline.objects.filter(cycle__status="open").select_related(
        "cycle__instansi"
    ):
        # A phase date is the instansi's: its last local day.
        tz = clock.agency_zone(phase.cycle.instansi)
        due_at = end_of_day(phase.due_on, tz)
        on_due = Deadline.OnDue.ESCALATE if phase.escalate else Deadline.OnDue.NOTHING
        _reschedule(phase, due_at, on_due, now, tz)
        ids = Appraisal.objects.filter(cycle_id=phase.cycle_id, state=phase.state).exclude(
            pk__in=open_ids
        )
        new += [
            deadline_new(
                subject_id=pk,
                state=phase.state,
                due_at=due_at,
                on_due=on_due,
                remind_days=phase.remind_days,
                source=f"phase:{phase.pk}",
                now=now,
                tz=tz,
            )
            for pk in ids.values_list("pk", flat=True)
        ]
    window = Appraisal.objects.filter(state="result_issued", appeal_deadline__isnull=False)
    new += [
        deadline_new(
            subject_id=pk,
            state="result_issued",
            due_at=due_at,
            on_due=Deadline.OnDue.ACCEPT_RESULT,
            remind_days=settings.DEADLINES_APPEAL_REMINDER_DAYS,
            source="appeal_window",
            now=now,
            tz=zones.of(unit_id),
        )
        for pk, due_at, unit_id in window.exclude(pk__in=open_ids).values_list(
            "pk", "appeal_deadline", "unit_id"
        )
    ]
    decision_due = Appeal.objects.filter(appraisal=OuterRef("pk"), outcome="").order_by("-filed_at")
    appealed = (
        Appraisal.objects.filter(state="appealed")
        .exclude(pk__in=open_ids)
        .annotate(due=Subquery(decision_due.values("decision_due")[:1]))
        .filter(due__isnull=False)
    )
    new += [
        deadline_new(
            subject_id=pk,
            state="appealed",
            due_at=due_at,
            on_due=Deadline.OnDue.ESCALATE,
            remind_days=settings.DEADLINES_REMINDER_DAYS,
            source="appeal_decision",
            now=now,
            tz=zones.of(unit_id),
        )
        for pk, due_at, unit_id in appealed.values_list("pk", "due", "unit_id")
    ]
    Deadline.objects.bulk_create(new, ignore_conflicts=True, batch_size=1000)
    return {"closed": closed, "opened": len(new)}


class _ZoneCache:
    """Agency zones by unit id, looked up once per poll (units are few, appraisals many)."""

    def __init__(self) -> None:
        self.zones: dict[int, dt.tzinfo] = {}

    def of(self, unit_id: int) -> dt.tzinfo:
        if unit_id not in self.zones:
            self.zones[unit_id] = clock.agency_zone(Unit.objects.get(pk=unit_id))
        return self.zones[unit_id]


def _reschedule(phase: PhaseDeadline, due_at, on_due: str, now, tz) -> None:
    """HR moved a phase date: open deadlines from it follow (nothing already sent is resent)."""
    moved = Deadline.objects.filter(source=f"phase:{phase.pk}", closed_at__isnull=True).exclude(
        due_at=due_at
    )
    for deadline in moved:
        deadline.due_at = due_at
        deadline.on_due = on_due if due_at > now or deadline.escalated_at else ""
        deadline.remind_days = [n for n in phase.remind_days if reminder_at(due_at, n, tz) > now]
        deadline.next_action_at = next_action(deadline, tz)
        deadline.save(update_fields=["due_at", "on_due", "remind_days", "next_action_at"])


def deadlines_poll(*, now: dt.datetime | None = None, limit: int = 1000) -> dict:
    now = now or timezone.now()
    result = deadlines_sync(now=now)
    due = (
        Deadline.objects.filter(closed_at__isnull=True, next_action_at__lte=now)
        .order_by("next_action_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    acted: dict[str, int] = {}
    for pk in list(due):
        outcome = deadline_act(deadline_id=pk, now=now)
        acted[outcome] = acted.get(outcome, 0) + 1
    return {**result, **acted}


def _ids(appraisal: Appraisal) -> dict:
    return {field: getattr(appraisal, field) for field in RELATION_FIELD.values()}


def _event(appraisal, deadline: Deadline, kind: str, key: str, audience, **data) -> bool:
    """The outbox row for a deadline action; False if that action was already announced."""
    try:
        with transaction.atomic():
            OutboxEvent.objects.create(
                kind=kind,
                key=key,
                subject_type=APPRAISAL,
                subject_id=appraisal.pk,
                data={
                    "unit_id": appraisal.unit_id,
                    "deadline_id": deadline.pk,
                    "state": deadline.state,
                    "due_at": deadline.due_at.isoformat(),
                    "responsible": deadline.responsible,
                    "audience": [list(spec) for spec in audience],
                    **data,
                },
            )
    except IntegrityError:
        return False
    return True


def _audit(appraisal, action: str, reason: str, changes: dict) -> None:
    audit_record(
        appraisal,
        locked=appraisal,  # deadline_act holds its row
        actor=system_actor(),
        action=action,
        from_state=appraisal.state,
        to_state=appraisal.state,
        reason=reason,
        changes=changes,
        scope=appraisal.unit.path,
    )


def _remind(appraisal, deadline: Deadline, now) -> str:
    tz = clock.agency_zone(appraisal.unit)
    due = [n for n in deadline.remind_days if n not in deadline.reminded]
    due = [n for n in due if reminder_at(deadline.due_at, n, tz) <= now]
    if not due or now >= deadline.due_at:
        return "nothing"
    # After an outage only the latest reminder goes out, not all that were missed.
    days = min(due)
    deadline.reminded = sorted({*deadline.reminded, *due}, reverse=True)
    left = (due_day(deadline.due_at, tz) - calendar.local_date(now, tz)).days
    responsible = deadline.responsible
    audience = relation_spec(responsible, _ids(appraisal)) if responsible else []
    responsible_id = _ids(appraisal).get(RELATION_FIELD.get(responsible, ""), None)
    if _event(
        appraisal,
        deadline,
        "deadline.reminder",
        f"deadline:{deadline.pk}:remind:{days}",
        audience,
        days_before=left,
        responsible_employee_id=responsible_id,
    ):
        _audit(
            appraisal,
            "deadline.reminded",
            f"Pengingat: batas waktu {due_day(deadline.due_at, tz):%d-%m-%Y} ({left} hari lagi).",
            {"deadline.due_at": [None, deadline.due_at], "deadline.days_before": [None, left]},
        )
    return "reminded"


def _escalate(appraisal, deadline: Deadline, now) -> str:
    ids = _ids(appraisal)
    responsible = deadline.responsible
    responsible_id = ids.get(RELATION_FIELD.get(responsible, ""), None)
    superior_id = None
    if responsible in ("employee", "appraiser") and responsible_id is not None:
        employee = Employee.objects.get(pk=responsible_id)
        superior = supervisor_resolve(employee=employee, on=timezone.localdate(now))
        superior_id = superior.pk if superior else None
    audience = escalation_audience(responsible, ids, superior_id)
    deadline.escalated_at = now
    if _event(
        appraisal,
        deadline,
        "deadline.escalation",
        f"deadline:{deadline.pk}:escalate",
        audience,
        responsible_employee_id=responsible_id,
    ):
        _audit(
            appraisal,
            "deadline.escalated",
            f"Batas waktu {due_day(deadline.due_at, clock.agency_zone(appraisal.unit)):%d-%m-%Y}"
            " terlewati; diteruskan ke atasan.",
            {"deadline.due_at": [None, deadline.due_at], "deadline.escalated_to": [None, audience]},
        )
    return "escalated"


def _fire(appraisal, deadline: Deadline, now) -> str:
    try:
        with transaction.atomic():
            perform(appraisal, "accept_result", actor=system_actor(), reason=AUTO_ACCEPT_REASON)
    except WorkflowError as exc:
        # E.g. the clock is not yet past the window: try again later, loudly.
        deadline.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        deadline.next_action_at = now + RETRY_AFTER
        logger.warning("deadlines: accept_result on appraisal %s refused", appraisal.pk)
        return "failed"
    deadline.fired_at = now
    deadline.closed_at = now
    return "fired"


def deadline_act(*, deadline_id: int, now: dt.datetime) -> str:
    """Take the one action that is due on a deadline, under the appraisal's lock."""
    subject_id = Deadline.objects.filter(pk=deadline_id).values_list("subject_id", flat=True)
    with transaction.atomic():
        appraisal = Appraisal.objects.select_for_update().filter(pk__in=subject_id).first()
        deadline = Deadline.objects.select_for_update().get(pk=deadline_id)
        if deadline.closed_at or not deadline.next_action_at or deadline.next_action_at > now:
            return "nothing"
        if appraisal is None or appraisal.state != deadline.state:
            deadline.closed_at = now
            deadline.next_action_at = None
            deadline.save(update_fields=["closed_at", "next_action_at"])
            return "closed"
        if deadline.on_due and now > deadline.due_at and not deadline.escalated_at:
            if deadline.on_due == Deadline.OnDue.ACCEPT_RESULT:
                outcome = _fire(appraisal, deadline, now)
            else:
                outcome = _escalate(appraisal, deadline, now)
        else:
            outcome = _remind(appraisal, deadline, now)
        if outcome != "failed":
            deadline.next_action_at = None if deadline.closed_at else next_action(deadline)
        deadline.save()
    return outcome
