"""Walking an appraisal to a state along the lifecycle's happy path, as its real actors."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from appraisals.models import Appraisal, BehaviourValue
from appraisals.services.content import behaviour_expectations_set
from appraisals.services.plan import plan_item_create
from workflow.services import perform

PATHS = {
    "draft": [],
    "plan_submitted": ["submit_plan"],
    "in_progress": ["submit_plan", "approve_plan"],
    "self_assessed": ["submit_plan", "approve_plan", "submit_self_assessment"],
    "reviewed": ["submit_plan", "approve_plan", "submit_self_assessment", "submit_review"],
}
PATHS["discussed"] = [*PATHS["reviewed"], "record_discussion"]
PATHS["result_issued"] = [*PATHS["discussed"], "issue_result"]
PATHS["appealed"] = [*PATHS["result_issued"], "file_appeal"]
PATHS["final"] = [*PATHS["result_issued"], "accept_result"]
PATHS["decision_proposed"] = [*PATHS["final"], "propose_decision"]
PATHS["decided"] = [*PATHS["decision_proposed"], "approve_decision"]
PATHS["cancelled"] = ["cancel"]

ACTOR = {
    "submit_plan": "employee",
    "return_plan": "appraiser",
    "approve_plan": "appraiser",
    "submit_self_assessment": "employee",
    "return_self_assessment": "appraiser",
    "submit_review": "appraiser",
    "record_discussion": "appraiser",
    "issue_result": "appraiser",
    "accept_result": "employee",
    "file_appeal": "employee",
    "decide_appeal": "superior",
    "propose_decision": "panel",
    "approve_decision": "authority",
    "reject_decision": "authority",
    "cancel": "hr_admin",
    "hr_set_plan": "hr_admin",
}


def footprint(appraisal: Appraisal) -> tuple:
    """What a refused request must leave as it was: state, version, plan items, history rows
    and audit events of the appraisal."""
    from audit.models import AuditEvent

    fresh = Appraisal.objects.get(pk=appraisal.pk)
    return (
        fresh.state,
        fresh.version,
        list(fresh.plan_items.order_by("pk").values_list("pk", "result")),
        fresh.history.count(),
        AuditEvent.objects.filter(subject_id=str(appraisal.pk)).count(),
    )


def valid_body(name: str, appraisal: Appraisal) -> dict:
    """A body that satisfies transition `name` on `appraisal`."""
    items = list(appraisal.plan_items.values_list("id", flat=True))
    return {
        "submit_self_assessment": {
            "items": [
                {"id": i, "realisation": "Tercapai 100%", "self_rating": "meets"} for i in items
            ]
        },
        "submit_review": {
            "result_rating": "above",
            "behaviour_rating": "above",
            "feedback": "Kinerja sangat baik.",
        },
        "record_discussion": {
            "summary": "Dialog kinerja tahunan.",
            "held_at": (timezone.now() - dt.timedelta(hours=1)).isoformat(),
        },
        "file_appeal": {"grounds": "Bukti dukung belum dipertimbangkan."},
        "decide_appeal": {
            "outcome": "revised",
            "result_rating": "above",
            "behaviour_rating": "meets",
            "reason": "Bukti diterima.",
        },
        "propose_decision": {"kind": _kind_not_live(appraisal), "details": "Satyalancana"},
        "approve_decision": {
            "reference_number": "800/123/BKPSDM/2027",
            "effective_date": "2027-02-01",
        },
        "return_plan": {"reason": "Perbaiki target."},
        "return_self_assessment": {"reason": "Lengkapi bukti."},
        "reject_decision": {"reason": "Belum memenuhi syarat."},
        "cancel": {"reason": "Pegawai pensiun."},
        "hr_set_plan": {"reason": "SKP belum disusun sampai minggu kedua Januari."},
    }.get(name, {})


def _kind_not_live(appraisal: Appraisal) -> str:
    """A follow-up kind fitting the predicate with no live decision yet (one per kind,
    issue #18): an award first, as the contract's examples."""
    from appraisals.follow_up import kinds_allowed

    live = set(
        appraisal.decisions.filter(status__in=("proposed", "approved")).values_list(
            "kind", flat=True
        )
    )
    fitting = kinds_allowed(appraisal.predicate) if appraisal.predicate else ["award"]
    order = ["award", "development", "promotion", "sanction", "none"]
    free = [k for k in order if k in fitting and k not in live]
    return free[0] if free else "award"


def add_plan_item(appraisal: Appraisal, user) -> None:
    plan_item_create(
        appraisal=appraisal,
        actor=user,
        result="Meningkatnya mutu layanan pendidikan",
        indicators=[
            {"name": "Sekolah terakreditasi", "aspect": "quantity", "target": "12 sekolah"}
        ],
    )


def set_expectations(appraisal: Appraisal, user) -> None:
    behaviour_expectations_set(
        appraisal=appraisal,
        actor=user,
        expectations={value: f"Ekspektasi {label}" for value, label in BehaviourValue.choices},
    )


def advance(appraisal: Appraisal, state: str, *, users: dict) -> Appraisal:
    for name in PATHS[state]:
        appraisal.refresh_from_db()
        if name == "submit_plan" and not appraisal.plan_items.exists():
            add_plan_item(appraisal, users["employee"])
        body = dict(valid_body(name, appraisal))
        reason = body.pop("reason", "")
        perform(appraisal, name, actor=users[ACTOR[name]], payload=body, reason=reason)
        if name == "submit_plan":
            # The appraiser states the behaviour expectations while reviewing.
            set_expectations(appraisal, users["appraiser"])
    appraisal.refresh_from_db()
    assert appraisal.state == state
    return appraisal
