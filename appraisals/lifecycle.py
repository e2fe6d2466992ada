"""The appraisal lifecycle, declared once (api-contract.md, PermenPANRB 6/2022).

Everything else — django-fsm methods on Appraisal, the API's available
transitions, diagrams, permission tests — is derived from this table.
The model does not import it: `workflow` finds this module at start-up
(WorkflowConfig.ready) and binds the table's transitions to the model it was
registered for, so this module may import the domain freely.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, OuterRef, Q

from workflow.compiled import Compiled
from workflow.definition import Context, Guard, Transition, Workflow, register
from workflow.text import Text

from . import clock, effects, payloads
from .models import Indicator, IssuedDocument, PlanItem
from .policies import HISTORY_READERS, SYSTEM, appraisal_roles
from .selectors.appraisals import APPRAISAL_RELATED
from .selectors.calibration import curve_blocks_issue
from .selectors.periods import annual_from_periodic
from .services.content import expectations_complete
from .services.periodic import ACTION as PERIODIC_RATED
from .services.phases import plan_fallback_not_due, plan_fallback_passed
from .states import INITIAL, STATE_CHOICES, STATES
from .units import UNIT_HEAD_RATING, unit_head_rating_follows_unit

T = Text
# The documents the table's transitions issue (services/documents.py).
SKP, EVALUATION = IssuedDocument.Kind.SKP, IssuedDocument.Kind.EVALUATION

__all__ = ["APPRAISAL_WORKFLOW", "STATE_CHOICES", "STATES", "TRANSITIONS", "AppraisalTransitions"]

# -- conditions (about the appraisal; unmet -> 400 with the reason) ---------


_PLAN_FACTS = ("items", "unmeasured", "without_perspective")


def _plan_facts_query(_shape, appraisal_id):
    """`plan_items.aggregate(...)` as a one-row values query: the same statement, which
    workflow.compiled can keep compiled (an aggregate has no queryset to keep)."""
    measured = Indicator.objects.filter(item=OuterRef("pk"), target__gt="")
    rows = (
        PlanItem.objects.filter(appraisal_id=appraisal_id)
        .annotate(
            items=Count("pk"),
            unmeasured=Count("pk", filter=~Exists(measured)),
            without_perspective=Count("pk", filter=Q(perspective="")),
        )
        .values_list(*_PLAN_FACTS)
        .order_by()
    )
    rows.query.group_by = None  # aggregate() groups by nothing: one row, even for no items
    return rows


_PLAN_FACTS_READ = Compiled("plan facts", _plan_facts_query, (int,))


def _plan_facts(a, ctx: Context) -> dict[str, int]:
    """How many result items the plan has, how many lack an indicator with a target and how
    many lack a perspective: one query for the plan's three conditions, once per attempt."""
    key = ("plan_facts", a.pk)
    if key not in ctx.memo:
        (row,) = _PLAN_FACTS_READ.rows(None, [a.pk], model=PlanItem, instance=a)
        ctx.memo[key] = dict(zip(_PLAN_FACTS, row, strict=True))
    return ctx.memo[key]


def _has_items(a, ctx: Context) -> bool:
    return _plan_facts(a, ctx)["items"] > 0


def _items_measured(a, ctx: Context) -> bool:
    # Every result item needs at least one indicator with a target.
    return _plan_facts(a, ctx)["unmeasured"] == 0


def _curve_achievable(a, ctx: Context) -> bool:
    return not curve_blocks_issue(a)


def _unit_head_rating(a, ctx: Context) -> bool:
    # PermenPANRB 6/2022 (annex): a unit head's result rating is the unit's achievement.
    rating = ctx.payload.get("result_rating")
    return rating is None or unit_head_rating_follows_unit(a, rating)


def _expectations_set(a, ctx: Context) -> bool:
    return expectations_complete(a)


def _jpt_items_have_perspective(a, ctx: Context) -> bool:
    # JPT plans are organised by perspective (PermenPANRB 6/2022 annex).
    if not a.employee.position_id or a.employee.position.kind != "jpt":
        return True
    return _plan_facts(a, ctx)["without_perspective"] == 0


def _annual_follows_last_period(a, ctx: Context) -> bool:
    # PermenPANRB 6/2022 (annex, evaluation), our reading: under the cycle's `last_period`
    # rule the last period's evaluation stands as the year's (selectors.periods).
    if "result_rating" not in ctx.payload:
        return True  # asked without a payload (what is open to whom): not decided here
    last = annual_from_periodic(appraisal=a)
    return last is None or (
        ctx.payload["result_rating"] == last.result_rating
        and ctx.payload["behaviour_rating"] == last.behaviour_rating
    )


def _appeal_window_open(a, ctx: Context) -> bool:
    # The deadline is the last moment of the 14th local day (effects.open_appeal_window).
    return a.appeal_deadline is not None and ctx.now <= a.appeal_deadline


def _issue_from(a) -> dt.date:
    return a.cycle.ends_on + dt.timedelta(days=1 - a.cycle.issue_early_days)


def _period_ended(a, ctx: Context) -> bool:
    # PermenPANRB 6/2022: the annual result follows the year's period; the
    # agency may allow issuing `issue_early_days` before its end.
    return ctx.now >= clock.day_start(_issue_from(a), a.unit)


def _period_not_ended(a, ctx: Context) -> Text:
    return PERIOD_NOT_ENDED_ON.format(
        ends=f"{a.cycle.ends_on:%d-%m-%Y}",
        start=clock.local_display(clock.day_start(_issue_from(a), a.unit), a.unit),
    )


def _cycle_open(a, ctx: Context) -> bool:
    return a.cycle.status != "closed"


HAS_ITEMS = Guard(
    "plan_empty",
    T("SKP belum memiliki rencana hasil kerja.", "The plan has no result items."),
    _has_items,
)
ITEMS_MEASURED = Guard(
    "item_without_indicator",
    T(
        "Setiap rencana hasil kerja memerlukan indikator dengan target.",
        "Every result item needs an indicator with a target.",
    ),
    _items_measured,
)
CURVE_ACHIEVABLE = Guard(
    "curve_unachievable",
    T(
        "Distribusi predikat unit tidak lagi dapat memenuhi kurva distribusi predikat "
        "organisasi; lihat kalibrasi unit, atau pejabat yang berwenang mencatat pengecualian.",
        "The unit's predicate distribution can no longer meet the organisation's curve; see "
        "the unit's calibration, or the authority records an override.",
    ),
    _curve_achievable,
)
UNIT_HEAD_RESULT = Guard("unit_head_result_rating", UNIT_HEAD_RATING, _unit_head_rating)


def _no_approved_decision(a, ctx: Context) -> bool:
    # Only a decided appraisal taken back to `decision_proposed` by a further proposal
    # holds an approved decision while `cancel` lists its state: no query elsewhere.
    return a.state != "decision_proposed" or not a.decisions.filter(status="approved").exists()


NO_APPROVED_DECISION = Guard(
    "decision_approved",
    T(
        "Penilaian ini sudah memiliki tindak lanjut yang disetujui dengan keputusan; penilaian "
        "yang sudah diputuskan tidak dapat dibatalkan.",
        "This appraisal has a follow-up approved by decree; a decided appraisal cannot be "
        "cancelled.",
    ),
    _no_approved_decision,
)
EXPECTATIONS_SET = Guard(
    "behaviour_expectations_missing",
    T(
        "Ekspektasi khusus untuk ketujuh nilai perilaku kerja (BerAKHLAK) belum lengkap.",
        "Specific expectations for all seven work-behaviour values (BerAKHLAK) are missing.",
    ),
    _expectations_set,
)
JPT_PERSPECTIVES = Guard(
    "jpt_perspective_missing",
    T(
        "SKP JPT: setiap rencana hasil kerja memerlukan perspektif.",
        "A senior executive (JPT) plan needs a perspective on every result item.",
    ),
    _jpt_items_have_perspective,
)
ANNUAL_FOLLOWS_LAST_PERIOD = Guard(
    "annual_differs_from_last_period",
    T(
        "Evaluasi kinerja periode terakhir menjadi evaluasi tahunan (PermenPANRB 6/2022): "
        "rating hasil kerja dan rating perilaku harus sama dengan evaluasi periode terakhir.",
        "The last period's evaluation stands as the year's (PermenPANRB 6/2022): the result "
        "and behaviour ratings must equal the last period's evaluation.",
    ),
    _annual_follows_last_period,
)
APPEAL_WINDOW_OPEN = Guard(
    "appeal_window_closed",
    T(
        "Batas waktu pengajuan keberatan (14 hari sejak hasil diterima) telah lewat.",
        "The appeal window (14 days from receiving the result) has closed.",
    ),
    _appeal_window_open,
)
PERIOD_NOT_ENDED_ON = T(
    "Hasil penilaian tahunan ditetapkan setelah periode penilaian berakhir "
    "({ends}); dapat ditetapkan mulai {start}.",
    "The annual result is issued after the appraisal period has ended ({ends}); "
    "it can be issued from {start}.",
)
PERIOD_ENDED = Guard(
    "period_not_ended",
    T(
        "Hasil penilaian tahunan ditetapkan setelah periode penilaian berakhir.",
        "The annual result is issued after the appraisal period has ended.",
    ),
    _period_ended,
    explain=_period_not_ended,
)
CYCLE_OPEN = Guard(
    "cycle_closed",
    T(
        "Siklus penilaian sudah ditutup; tidak ada yang dapat diubah kecuali pengelola "
        "kinerja membukanya kembali dengan alasan.",
        "The cycle is closed; nothing can change unless HR reopens it with a reason.",
    ),
    _cycle_open,
)


# -- restrictions (about the actor; unmet -> 403) ----------------------------


def _not_own(a, ctx: Context) -> bool:
    return "employee" not in ctx.roles


def _system_after_window(a, ctx: Context) -> bool:
    # The system accepts on the employee's behalf only once the window closed.
    if ctx.roles - {SYSTEM}:
        return True
    return a.appeal_deadline is not None and ctx.now > a.appeal_deadline


def _reviewer_not_rater(a, ctx: Context) -> bool:
    # PP 30/2019 Pasal 59: the appraiser never decides an appeal against
    # their own rating, and the appellant never decides their own appeal.
    return not ctx.roles & {"appraiser", "employee"}


def _authority_only_without_reviewer(a, ctx: Context) -> bool:
    # PP 30/2019 Pasal 59 names the appraiser's superior; when there is none in
    # the system, or they let the decision deadline pass, the authority decides.
    if "appeal_reviewer" in ctx.roles or a.appeal_reviewer_id is None:
        return True
    due = a.appeals.filter(outcome="").values_list("decision_due", flat=True).first()
    return due is not None and ctx.now > due


def _plan_fallback_due(a, ctx: Context) -> bool:
    # PermenPANRB 6/2022 annex: the performance manager steps in only once the
    # employee and appraiser let the drafting deadline (the fallback date) pass.
    return plan_fallback_passed(a.cycle, now=ctx.now)


def _not_proposer(a, ctx: Context) -> bool:
    proposers = a.decisions.filter(status="proposed").values_list("proposed_by_id", flat=True)
    return ctx.actor.pk not in set(proposers)


NOT_OWN = Guard(
    "own_appraisal",
    T(
        "Anda tidak dapat menyetujui atau menilai kinerja Anda sendiri.",
        "You cannot approve or rate your own performance.",
    ),
    _not_own,
)
SYSTEM_AFTER_WINDOW = Guard(
    "appeal_window_open",
    T(
        "Sistem hanya menerima hasil setelah masa keberatan berakhir.",
        "The system accepts a result only after the appeal window has closed.",
    ),
    _system_after_window,
)
REVIEWER_NOT_RATER = Guard(
    "own_rating",
    T(
        "Keberatan tidak dapat diputus oleh pejabat penilai atau pegawai yang bersangkutan.",
        "An appeal cannot be decided by the appraiser or by the appellant.",
    ),
    _reviewer_not_rater,
)
AUTHORITY_FALLBACK = Guard(
    "reviewer_exists",
    T(
        "Keberatan diputus oleh atasan pejabat penilai kinerja sampai batas waktunya lewat.",
        "The appraiser's superior decides this appeal until its deadline has passed.",
    ),
    _authority_only_without_reviewer,
)
PLAN_FALLBACK_DUE = Guard(
    "plan_fallback_not_due",
    T(
        "Pengelola kinerja baru dapat menyusun dan menetapkan SKP setelah batas waktu "
        "penyusunan oleh pegawai dan pejabat penilai lewat.",
        "HR can draft and set the plan only after the employee's and appraiser's drafting "
        "deadline has passed.",
    ),
    _plan_fallback_due,
    explain=lambda a, ctx: plan_fallback_not_due(a.cycle),
)
NOT_PROPOSER = Guard(
    "own_proposal",
    T(
        "Usulan tindak lanjut tidak dapat disetujui oleh pengusulnya sendiri.",
        "A follow-up cannot be approved by the one who proposed it.",
    ),
    _not_proposer,
)


def _roles(*names: str) -> frozenset[str]:
    return frozenset(names)


TRANSITIONS = (
    Transition(
        "submit_plan",
        ("draft",),
        "plan_submitted",
        _roles("employee"),
        T("Ajukan SKP", "Submit plan"),
        conditions=(HAS_ITEMS, ITEMS_MEASURED, JPT_PERSPECTIVES),
        audience=("appraiser",),
    ),
    Transition(
        "return_plan",
        ("plan_submitted",),
        "draft",
        _roles("appraiser"),
        T("Kembalikan SKP", "Return plan"),
        restrictions=(NOT_OWN,),
        reason_required=True,
        audience=("employee",),
    ),
    Transition(
        "approve_plan",
        ("plan_submitted",),
        "in_progress",
        _roles("appraiser"),
        T("Setujui SKP", "Approve plan"),
        restrictions=(NOT_OWN,),
        conditions=(EXPECTATIONS_SET,),
        # The plan is set: the SKP is issued (PermenPANRB 6/2022).
        effect=effects.issuing("approve_plan", SKP),
        audience=("employee",),
    ),
    # PermenPANRB 6/2022 annex: a plan employee and appraiser did not draft by the
    # fallback date (the second week of January) the performance manager drafts and
    # sets, informing both. The plan's content guards hold as for the appraiser's
    # approval: HR writes the items and (in draft) the behaviour expectations itself.
    Transition(
        "hr_set_plan",
        ("draft",),
        "in_progress",
        _roles("hr_admin"),
        T("Tetapkan SKP (pengelola kinerja)", "Set plan (HR fallback)"),
        restrictions=(NOT_OWN, PLAN_FALLBACK_DUE),
        conditions=(HAS_ITEMS, ITEMS_MEASURED, JPT_PERSPECTIVES, EXPECTATIONS_SET),
        reason_required=True,
        # The plan HR sets is the SKP, issued as when the appraiser approves it.
        effect=effects.issuing("hr_set_plan", SKP),
        audience=("employee", "appraiser"),
    ),
    Transition(
        "submit_self_assessment",
        ("in_progress",),
        "self_assessed",
        _roles("employee"),
        T("Ajukan penilaian mandiri", "Submit self-assessment"),
        payload=payloads.SelfAssessmentPayload,
        effect=effects.store_self_assessment,
        audience=("appraiser",),
    ),
    Transition(
        "return_self_assessment",
        ("self_assessed",),
        "in_progress",
        _roles("appraiser"),
        T("Kembalikan penilaian mandiri", "Return self-assessment"),
        restrictions=(NOT_OWN,),
        reason_required=True,
        audience=("employee",),
    ),
    Transition(
        "submit_review",
        ("self_assessed",),
        "reviewed",
        _roles("appraiser"),
        T("Kirim penilaian", "Submit review"),
        restrictions=(NOT_OWN,),
        conditions=(UNIT_HEAD_RESULT, ANNUAL_FOLLOWS_LAST_PERIOD),
        payload=payloads.ReviewPayload,
        effect=effects.store_review,
        audience=("employee",),
    ),
    Transition(
        "record_discussion",
        ("reviewed",),
        "discussed",
        _roles("appraiser"),
        T("Catat dialog kinerja", "Record discussion"),
        restrictions=(NOT_OWN,),
        payload=payloads.DiscussionPayload,
        effect=effects.record_discussion,
        audience=("employee",),
    ),
    Transition(
        "issue_result",
        ("discussed",),
        "result_issued",
        _roles("appraiser"),
        T("Tetapkan hasil penilaian", "Issue result"),
        restrictions=(NOT_OWN,),
        conditions=(PERIOD_ENDED, CURVE_ACHIEVABLE),
        effect=effects.issuing("issue_result", EVALUATION, effects.open_appeal_window),
        audience=("employee",),
    ),
    Transition(
        "accept_result",
        ("result_issued",),
        "final",
        _roles("employee", SYSTEM),
        T("Terima hasil penilaian", "Accept result"),
        restrictions=(SYSTEM_AFTER_WINDOW,),
        # By the employee: the appraiser learns it; by the system: both do.
        audience=("employee", "appraiser"),
    ),
    Transition(
        "file_appeal",
        ("result_issued",),
        "appealed",
        _roles("employee"),
        T("Ajukan keberatan", "File appeal"),
        conditions=(APPEAL_WINDOW_OPEN,),
        payload=payloads.AppealPayload,
        effect=effects.file_appeal,
        # PP 30/2019 Pasal 59: the appraiser's superior decides (or the authority).
        audience=("appeal_reviewer", "appraiser"),
    ),
    Transition(
        "decide_appeal",
        ("appealed",),
        "final",
        _roles("appeal_reviewer", "authority"),
        T("Putuskan keberatan", "Decide appeal"),
        restrictions=(REVIEWER_NOT_RATER, AUTHORITY_FALLBACK),
        reason_required=True,
        payload=payloads.AppealDecisionPayload,
        effect=effects.issuing("decide_appeal", EVALUATION, effects.decide_appeal),
        audience=("employee", "appraiser"),
    ),
    # Several follow-ups per appraisal (issue #18: an award and a development plan, say),
    # at most one live of a kind (409 otherwise, effects.propose_decision). The appraisal
    # is `decision_proposed` while any proposal waits for the authority, `decided` once
    # none waits and one was approved, and `final` when every proposal was rejected: the
    # panel may propose from each of these, and deciding one proposal settles the state
    # from the others (effects.after_decision). With one proposal the contract's moves
    # are as before: final -> decision_proposed -> decided, or back to final.
    Transition(
        "propose_decision",
        ("final", "decision_proposed", "decided"),
        "decision_proposed",
        _roles("panel"),
        T("Usulkan tindak lanjut", "Propose follow-up"),
        restrictions=(NOT_OWN,),
        payload=payloads.DecisionProposalPayload,
        effect=effects.propose_decision,
        audience=("authority",),
    ),
    Transition(
        "approve_decision",
        ("decision_proposed",),
        "decided",
        _roles("authority"),
        T("Setujui tindak lanjut", "Approve follow-up"),
        restrictions=(NOT_OWN, NOT_PROPOSER),
        payload=payloads.DecisionApprovalPayload,
        effect=effects.issuing("approve_decision", EVALUATION, effects.approve_decision),
        audience=("employee", "hr_admin"),
        also_to=("decision_proposed",),
        settle=effects.after_decision("approved"),
    ),
    Transition(
        "reject_decision",
        ("decision_proposed",),
        "final",
        _roles("authority"),
        T("Tolak usulan tindak lanjut", "Reject follow-up"),
        restrictions=(NOT_OWN, NOT_PROPOSER),
        reason_required=True,
        payload=payloads.DecisionChoicePayload,
        effect=effects.reject_decision,
        audience=("panel",),
        also_to=("decision_proposed", "decided"),
        settle=effects.after_decision("rejected"),
    ),
    Transition(
        "cancel",
        # The contract: any state but `decided` and `cancelled` (since `decided` takes a
        # further proposal it is no longer final, so "any open state" would include it).
        tuple(s.name for s in STATES if s.name not in {"decided", "cancelled"}),
        "cancelled",
        # The system cancels on HR's behalf when an imported organisation
        # file records that the employee left.
        _roles("hr_admin", SYSTEM),
        T("Batalkan penilaian", "Cancel appraisal"),
        restrictions=(NOT_OWN,),
        # ... nor one a further proposal took back from `decided` (its decree stands).
        conditions=(NO_APPROVED_DECISION,),
        reason_required=True,
        audience=("employee", "appraiser"),
    ),
)

APPRAISAL_WORKFLOW = register(
    Workflow(
        name="appraisal",
        label=T("Penilaian kinerja pegawai", "Employee performance appraisal"),
        states=STATES,
        initial=INITIAL,
        transitions=TRANSITIONS,
        roles_of=appraisal_roles,
        scope_of=lambda appraisal: appraisal.unit.path,
        # Served by the generic API and pages (workflow.api, workflow.web).
        route="appraisals",
        visible="appraisals.selectors.appraisal_get_visible",
        visible_locked="appraisals.selectors.appraisal_lock_visible",
        serializer="appraisals.api.serializers.AppraisalSerializer",
        related=APPRAISAL_RELATED,
        history_readers=HISTORY_READERS,
        history_capacity="appraisals.selectors.acting.history_capacities",
        pages="appraisals.web.views.AppraisalPages",
        # Once HR closes the cycle nothing in it moves until HR reopens it, with
        # a reason, audited (services.cycles.cycle_reopen).
        live_while=(CYCLE_OPEN,),
        # Notifications (PermenPANRB 6/2022 phases). With no appeal reviewer in
        # the system the authority decides (PP 30/2019 Pasal 59), so it hears.
        default_audience=("employee", "appraiser"),
        stand_ins={"appeal_reviewer": "authority"},
        notify_fields=(
            "employee_id",
            "appraiser_id",
            "appeal_reviewer_id",
            "unit_id",
            "cycle_id",
            "appeal_deadline",
        ),
        # A periodic evaluation (PermenPANRB 6/2022) is a change, not a transition; the
        # employee is told it was given.
        announced_changes={PERIODIC_RATED: ("employee",)},
    ),
    model="appraisals.Appraisal",
)


class AppraisalTransitions:
    """Empty; kept importable because migration 0001 names it among Appraisal's bases.

    The django-fsm methods are no longer inherited: `workflow.fsm.bind` attaches
    them to the model at start-up (WorkflowConfig.ready), so the model need not
    import this table.
    """
