"""What each transition does to the aggregate besides moving its state.

Effects run inside the engine's transaction with the appraisal row locked.
They change fields and rows that belong to the appraisal, set the acting user
on every history row they cause, and return extra {field: [old, new]}
changes for the audit event. They never lock, notify or audit themselves.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from workflow import calendar
from workflow.definition import Context
from workflow.errors import Problem, StateConflict
from workflow.records import attribute
from workflow.text import Text

from . import clock
from .follow_up import predicate_history, repeated_poor
from .models import CurveFlag
from .models.appraisal import LIVE_DECISION
from .predicate import predicate_for
from .selectors.calibration import curve_broken_by_revision
from .services.documents import document_issue
from .services.organisation import appeal_reviewer_resolve


def store_self_assessment(appraisal, ctx: Context) -> dict:
    items = {item.id: item for item in appraisal.plan_items.all()}
    changes: dict[str, list] = {}
    for entry in ctx.payload["items"]:
        item = items[entry["id"]]
        changed = []
        for field in ("realisation", "self_rating"):
            old, new = getattr(item, field), entry[field]
            if old != new:
                changes[f"plan_item[{item.id}].{field}"] = [old, new]
                setattr(item, field, new)
                changed.append(field)
        if changed:
            attribute(item, actor=ctx.actor, reason="submit_self_assessment").save(
                update_fields=changed
            )
    return changes


def _set_ratings(appraisal, result: str, behaviour: str) -> None:
    appraisal.result_rating = result
    appraisal.behaviour_rating = behaviour
    appraisal.predicate = predicate_for(result=result, behaviour=behaviour)


def store_review(appraisal, ctx: Context) -> None:
    _set_ratings(appraisal, ctx.payload["result_rating"], ctx.payload["behaviour_rating"])
    appraisal.feedback = ctx.payload["feedback"]


def record_discussion(appraisal, ctx: Context) -> dict:
    discussion = appraisal.discussions.model(
        appraisal=appraisal,
        summary=ctx.payload["summary"],
        held_at=ctx.payload["held_at"],
        recorded_by=ctx.actor,
    )
    attribute(discussion, actor=ctx.actor, reason="record_discussion").save()
    return {
        "discussion.summary": [None, discussion.summary],
        "discussion.held_at": [None, discussion.held_at],
    }


def open_appeal_window(appraisal, ctx: Context) -> None:
    # PP 30/2019 Pasal 59: at the latest 14 days after the result is received,
    # calendar days, through the end of the 14th day in the agency's zone.
    # Received: the moment it is issued to the employee (Kinerja delivers it).
    appraisal.result_issued_at = ctx.now
    appraisal.result_received_at = ctx.now
    appraisal.appeal_deadline = appeal_deadline_for(appraisal, received_at=ctx.now)


def appeal_deadline_for(appraisal, *, received_at: dt.datetime) -> dt.datetime:
    return clock.deadline_after(
        received_at, appraisal.cycle.appeal_window_days, calendar.CALENDAR, appraisal.unit
    )


def file_appeal(appraisal, ctx: Context) -> dict:
    # PP 30/2019 Pasal 59: the appraiser's superior as of the filing date
    # decides; never the appraiser, never the appellant.
    # The filing date is the agency's local day (issue #14), not UTC's: at 01:00 WIB the
    # UTC date is still yesterday.
    reviewer = appeal_reviewer_resolve(
        appraisal=appraisal, on=clock.local_date(ctx.now, appraisal.unit)
    )
    appraisal.appeal_reviewer = reviewer
    appeal = appraisal.appeals.model(
        appraisal=appraisal,
        grounds=ctx.payload["grounds"],
        filed_at=ctx.now,
        reviewer=reviewer,
        # Our choice (domain.md): the cycle's days, calendar or working.
        decision_due=clock.deadline_after(
            ctx.now,
            appraisal.cycle.appeal_decision_days,
            appraisal.cycle.appeal_decision_count,
            appraisal.unit,
        ),
    )
    attribute(appeal, actor=ctx.actor, reason="file_appeal").save()
    return {"appeal.grounds": [None, appeal.grounds]}


def decide_appeal(appraisal, ctx: Context) -> dict:
    appeal = appraisal.appeals.filter(outcome="").latest("filed_at")
    appeal.outcome = ctx.payload["outcome"]
    appeal.decision_reason = ctx.reason
    appeal.decided_at = ctx.now
    appeal.decided_by = ctx.actor
    attribute(appeal, actor=ctx.actor, reason="decide_appeal").save()
    changes: dict[str, list] = {"appeal.outcome": [None, appeal.outcome]}
    if appeal.outcome == "revised":
        before = appraisal.predicate
        _set_ratings(appraisal, ctx.payload["result_rating"], ctx.payload["behaviour_rating"])
        flag = _flag_curve(appraisal, ctx, before)
        if flag is not None:
            changes["curve_flag"] = [None, flag]
    return changes


def _flag_curve(appraisal, ctx: Context, before: str) -> dict | None:
    """PP 30/2019 Pasal 59 ayat 4: the decision is final, so the curve never refuses it.
    When the revised predicate breaks the unit's curve, record a flag for the authority
    to acknowledge; the decision's own audit event carries it (this returns it)."""
    broken = curve_broken_by_revision(appraisal, before=before, after=appraisal.predicate)
    if broken is None:
        return None
    unit, report = broken
    flag = CurveFlag(
        appraisal=appraisal,
        unit=unit,
        cycle_id=appraisal.cycle_id,
        predicate_before=before,
        predicate_after=appraisal.predicate,
        curve=report.as_dict(),
        raised_at=ctx.now,
    )
    attribute(flag, actor=ctx.actor, reason="decide_appeal: curve_flag.raised").save()
    return {
        "id": flag.pk,
        "unit_id": unit.pk,
        "predicate_before": before,
        "predicate_after": appraisal.predicate,
        "curve": flag.curve,
    }


KIND_LIVE = Text(
    id="Tindak lanjut '{kind}' sudah diusulkan atau disetujui untuk penilaian ini: satu "
    "usulan yang hidup per jenis. Usulkan jenis lain, atau tunggu usulan itu ditolak.",
    en="A '{kind}' follow-up is already proposed or approved for this appraisal: one live "
    "proposal per kind. Propose another kind, or wait until that one is rejected.",
)


def _kind_live(kind: str) -> StateConflict:
    text = KIND_LIVE.format(kind=kind)
    return StateConflict(text, [Problem(code="decision_kind_live", message=text, field="kind")])


def propose_decision(appraisal, ctx: Context) -> dict:
    """One more follow-up for the appraisal (issue #18: several per appraisal).

    At most one live (proposed or approved) decision of a kind per appraisal: refused
    here (409) under the appraisal's row lock, and by the database's partial unique
    index (`decision_one_live_per_kind`, migration 0019) should a write ever bypass it.
    """
    kind = ctx.payload["kind"]
    if appraisal.decisions.filter(kind=kind, status__in=LIVE_DECISION).exists():
        raise _kind_live(kind)
    history = predicate_history(appraisal)
    decision = appraisal.decisions.model(
        evidence={"predicate_history": history, "repeated_poor": repeated_poor(history)},
        appraisal=appraisal,
        kind=kind,
        details=ctx.payload.get("details", ""),
        proposed_by=ctx.actor,
        proposed_at=ctx.now,
    )
    try:
        with transaction.atomic():
            attribute(decision, actor=ctx.actor, reason="propose_decision").save()
    except IntegrityError as exc:
        raise _kind_live(kind) from exc
    return {
        "decision.id": [None, decision.pk],
        "decision.kind": [None, decision.kind],
        "decision.details": [None, decision.details],
    }


def _close_decision(appraisal, ctx: Context, status: str) -> dict:
    # The payload names the proposal decided (payloads.DecisionChoicePayload: the only
    # waiting one when the caller named none).
    decision = appraisal.decisions.get(pk=ctx.payload["decision"], status="proposed")
    decision.status = status
    decision.decided_by = ctx.actor
    decision.decided_at = ctx.now
    decision.decision_reason = ctx.reason
    decision.reference_number = ctx.payload.get("reference_number", "")
    decision.effective_date = ctx.payload.get("effective_date")
    attribute(decision, actor=ctx.actor, reason=f"decision.{status}").save()
    return {"decision.id": [decision.pk, decision.pk], "decision.status": ["proposed", status]}


def approve_decision(appraisal, ctx: Context) -> dict:
    return _close_decision(appraisal, ctx, "approved")


def reject_decision(appraisal, ctx: Context) -> dict:
    return _close_decision(appraisal, ctx, "rejected")


def after_decision(outcome: str):
    """The appraisal's state once the authority decided one proposal (`settle`).

    While another proposal waits it stays `decision_proposed`; once none waits it is
    `decided` if any follow-up was approved (this one or an earlier), else `final`
    (a rejection leaves the result ready for a new proposal, as before).
    """

    def settle(appraisal, ctx: Context) -> str:
        # Without a named proposal (the payload names the only one waiting; a list of the
        # transitions on offer names none), the oldest waiting, as the form preselects.
        chosen = ctx.payload.get("decision") or (
            appraisal.decisions.filter(status="proposed")
            .order_by("proposed_at", "pk")
            .values_list("pk", flat=True)
            .first()
        )
        others = appraisal.decisions.exclude(pk=chosen)
        if others.filter(status="proposed").exists():
            return "decision_proposed"
        if outcome == "approved" or others.filter(status="approved").exists():
            return "decided"
        return "final"

    return settle


def issuing(name: str, kind: str, effect=None):
    """`effect` (if any), then the document `kind` issued as the transition `name` leaves
    the appraisal: its new state, and the version the engine is about to write (one up).
    The hash and code become changes of the transition's own audit event."""

    def run(appraisal, ctx: Context) -> dict:
        extra = (effect(appraisal, ctx) if effect else None) or {}
        _document, changes = document_issue(
            appraisal=appraisal,
            kind=kind,
            actor=ctx.actor,
            at=ctx.now,
            version=appraisal.version + 1,
            transition=name,
        )
        return {**extra, **changes}

    run.__name__ = f"issuing_{kind}_after_{name}"
    return run
