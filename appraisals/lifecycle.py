"""The appraisal lifecycle, declared once (api-contract.md, PermenPANRB 6/2022).

Everything else — django-fsm methods on Appraisal, the API's available
transitions, diagrams, permission tests — is derived from this table.
The model does not import it: `workflow` finds this module at start-up
(WorkflowConfig.ready) and binds the table's transitions to the model it was
registered for, so this module may import the domain freely.
"""

from __future__ import annotations

from workflow.definition import ANY_STATE, Context, Guard, Transition, Workflow, register
from workflow.text import Text

from . import effects, payloads
from .models import IssuedDocument
from .policies import HISTORY_READERS, SYSTEM, appraisal_roles
from .selectors.appraisals import APPRAISAL_RELATED
from .selectors.calibration import curve_blocks_issue
from .services.content import expectations_complete
from .states import INITIAL, STATE_CHOICES, STATES

T = Text
# The documents the table's transitions issue (services/documents.py).
SKP, EVALUATION = IssuedDocument.Kind.SKP, IssuedDocument.Kind.EVALUATION

__all__ = ["APPRAISAL_WORKFLOW", "STATE_CHOICES", "STATES", "TRANSITIONS", "AppraisalTransitions"]

# -- conditions (about the appraisal; unmet -> 400 with the reason) ---------


def _has_items(a, ctx: Context) -> bool:
    return a.plan_items.exists()


def _items_measured(a, ctx: Context) -> bool:
    # Every result item needs at least one indicator with a target.
    return not a.plan_items.exclude(indicators__target__gt="").exists()


def _curve_achievable(a, ctx: Context) -> bool:
    return not curve_blocks_issue(a)


def _expectations_set(a, ctx: Context) -> bool:
    return expectations_complete(a)


def _jpt_items_have_perspective(a, ctx: Context) -> bool:
    # JPT plans are organised by perspective (PermenPANRB 6/2022 annex).
    if not a.employee.position_id or a.employee.position.kind != "jpt":
        return True
    return not a.plan_items.filter(perspective="").exists()


def _appeal_window_open(a, ctx: Context) -> bool:
    return a.appeal_deadline is not None and ctx.now <= a.appeal_deadline


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
APPEAL_WINDOW_OPEN = Guard(
    "appeal_window_closed",
    T(
        "Batas waktu pengajuan keberatan (14 hari sejak hasil diterima) telah lewat.",
        "The appeal window (14 days from receiving the result) has closed.",
    ),
    _appeal_window_open,
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
        T("Simpan penilaian", "Submit review"),
        restrictions=(NOT_OWN,),
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
        conditions=(CURVE_ACHIEVABLE,),
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
    Transition(
        "propose_decision",
        ("final",),
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
    ),
    Transition(
        "reject_decision",
        ("decision_proposed",),
        "final",
        _roles("authority"),
        T("Tolak usulan tindak lanjut", "Reject follow-up"),
        restrictions=(NOT_OWN, NOT_PROPOSER),
        reason_required=True,
        effect=effects.reject_decision,
        audience=("panel",),
    ),
    Transition(
        "cancel",
        (ANY_STATE,),
        "cancelled",
        # The system cancels on HR's behalf when an imported organisation
        # file records that the employee left.
        _roles("hr_admin", SYSTEM),
        T("Batalkan penilaian", "Cancel appraisal"),
        restrictions=(NOT_OWN,),
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
        serializer="appraisals.api.serializers.AppraisalSerializer",
        related=APPRAISAL_RELATED,
        history_readers=HISTORY_READERS,
        pages="appraisals.web.views.AppraisalPages",
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
    ),
    model="appraisals.Appraisal",
)


class AppraisalTransitions:
    """Empty; kept importable because migration 0001 names it among Appraisal's bases.

    The django-fsm methods are no longer inherited: `workflow.fsm.bind` attaches
    them to the model at start-up (WorkflowConfig.ready), so the model need not
    import this table.
    """
