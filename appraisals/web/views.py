"""Everyone's pages: home ("what needs me now"), appraisals, one appraisal, its actions."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.selectors import audit_events_of
from audit.services import read_access_record
from workflow import calendar
from workflow import services as engine
from workflow.api.objects import history_readable
from workflow.definition import ANY_STATE
from workflow.errors import NotFound, WorkflowError
from workflow.web.errors import posted_version, whole_number
from workflow.web.views import ObjectPages, timeline_page

from .. import clock
from ..follow_up import kinds_allowed, predicate_history, repeated_poor
from ..lifecycle import APPRAISAL_WORKFLOW
from ..models import Appraisal
from ..policies import SYSTEM, appraisal_roles, holders_parts, plan_author_role
from ..predicate import MATRIX
from ..selectors import appraisal_get_visible, appraisal_list_visible
from ..selectors.acting import timeline_capacities
from ..selectors.appraisals import (
    MergedParts,
    appraisal_filter_choices,
    appraisal_list_search,
    appraisal_state_counts,
    appraisal_with_due,
)
from ..selectors.documents import document_list_of
from ..selectors.feedback import peer_feedback_requests_open
from ..selectors.periods import annual_from_periodic, periodic_evaluation_list_of
from ..selectors.plan import (
    appeal_latest_of,
    decision_list_of,
    decision_pending_of,
    plan_item_list_of,
)
from ..selectors.surveys import survey_results_for_appraisal
from ..selectors.waiting import waiting_for
from ..services.appeals import appeal_attachment_add
from ..services.evidence import evidence_max_bytes
from ..services.phases import plan_fallback_passed
from ..units import unit_head_rule
from .feedback import peer_feedback_for
from .forms import ATTACHMENT_TRANSITIONS, AppraisalTransitionForm
from .handover import handovers_for_page, handovers_to_write
from .labels import label
from .paging import WindowPaginator
from .signing_offers import sign_offers, uses_bsre

PAGE_SIZE = 25
# Transitions that are "work waiting for someone" (cancel is HR's tool, not a task; so is
# hr_set_plan, the fallback for a plan nobody drafted in time: the phase deadlines remind
# and escalate the drafting, and HR finds the drafts left by the fallback date in the list).
TASKS = tuple(
    t
    for t in APPRAISAL_WORKFLOW.transitions
    if ANY_STATE not in t.source and t.roles - {SYSTEM} and t.name != "hr_set_plan"
)


def visible_or_404(user, pk) -> Appraisal:
    try:
        return appraisal_get_visible(user=user, pk=pk)
    except NotFound:
        raise Http404 from None


def opened(request, appraisal: Appraisal, purpose: str) -> None:
    """Who opened whose appraisal (UU 27/2022): every page that shows one records it."""
    read_access_record(
        reader=request.user, subject=appraisal, purpose=purpose, scope=appraisal.unit.path
    )


def waiting_filter(user) -> Q:
    """Appraisals in a state where one of the table's tasks is the user's to do."""
    q = Q(pk__in=[])
    for part in waiting_parts(user):
        q |= part
    return q


def waiting_parts(user) -> list[Q]:
    """waiting_filter as (state, where the user holds the task's role) parts.

    Each is one range of an index (appraiser_id, state, id) and the like, read
    in id order, so the home page's first rows come without sorting them all
    (selectors.appraisals.MergedParts).
    """
    states: dict[str, set[str]] = {}
    for t in TASKS:
        for role in t.roles:
            states.setdefault(role, set()).update(APPRAISAL_WORKFLOW.sources_of(t))
    return [
        Q(state=state) & part
        for role in sorted(states)
        for part in holders_parts(user, role)
        for state in sorted(states[role])
    ]


def task_labels(appraisal: Appraisal, user) -> list[str]:
    """The table's tasks for the user on this row (roles and state only, no queries)."""
    roles = appraisal_roles(appraisal, user)
    return [
        str(t.label)
        for t in TASKS
        if appraisal.state in APPRAISAL_WORKFLOW.sources_of(t) and roles & t.roles
    ]


STATE_LABELS = {s.name: s.label for s in APPRAISAL_WORKFLOW.states}
# Forms that set both ratings show the predicate they give, as the user picks.
PREDICATE_PREVIEW = {"submit_review", "decide_appeal"}
# Forms that judge the employee's work show the record judged beside the fields (issue #16:
# nobody rates blind): the plan, realisations, self-ratings, check-ins, periodic results,
# peer feedback and survey results.
SHOWS_RECORD = {"submit_review", "return_self_assessment", "decide_appeal"}
# Forms that decide on a result show the result; the follow-up's approval shows the proposal.
SHOWS_RESULT = {"decide_appeal", "propose_decision", "approve_decision", "reject_decision"}
SHOWS_PROPOSAL = {"approve_decision", "reject_decision"}
# Transitions that send the work back: their reason stays at the top while it is back.
RETURNS = {"return_plan", "return_self_assessment", "reject_decision"}
TRANSITION_NAMES = [t.name for t in APPRAISAL_WORKFLOW.transitions]


def returned_with(appraisal: Appraisal):
    """The event that sent the appraisal back to where it is now, if its last move did."""
    last = (
        audit_events_of(subject=appraisal)
        .filter(action__in=TRANSITION_NAMES)
        .exclude(to_state="")
        .order_by("-seq")
        .first()
    )
    if last is None or last.action not in RETURNS or last.to_state != appraisal.state:
        return None
    return last


def judged_record(appraisal: Appraisal, user) -> dict:
    """What the appraiser (or the appeal's decider) weighs: the whole record, read only."""
    return {
        "record_items": plan_item_list_of(appraisal=appraisal),
        "record_check_ins": appraisal.check_ins.prefetch_related(
            "entries__indicator", "evidence"
        ).order_by("period"),
        "record_expectations": appraisal.behaviour_expectations.all(),
        "record_peer_feedback": peer_feedback_for(appraisal, user),
        "record_surveys": list(survey_results_for_appraisal(appraisal=appraisal)),
    }


def decided_result(appraisal: Appraisal, name: str, chosen: str = "") -> dict:
    """What a decision form decides on: the result, the appeal, the proposal being approved
    (the one `chosen` names, else the oldest waiting: several may wait, issue #18)."""
    proposal = (
        decision_pending_of(appraisal=appraisal, chosen=chosen) if name in SHOWS_PROPOSAL else None
    )
    # The proposal rests on the predicate history it was made with; a new one on today's.
    history = (
        (proposal.evidence or {}).get("predicate_history", [])
        if proposal is not None
        else predicate_history(appraisal)
    )
    appeal = appeal_latest_of(appraisal=appraisal)
    # The appeal form also takes the transition's own reason: the employee's words too.
    filed = (
        audit_events_of(subject=appraisal).filter(action="file_appeal").order_by("-seq").first()
        if appeal is not None
        else None
    )
    return {
        "shows_result": True,
        "appeal": appeal,
        "appeal_note": filed.reason if filed is not None else "",
        "proposal": proposal,
        "kinds_allowed": kinds_allowed(appraisal.predicate) if name == "propose_decision" else None,
        "predicate_history": history,
        "repeated_poor": repeated_poor(history),
    }


def _predicate_matrix() -> dict:
    out = {f"{r}|{b}": label(p) for (r, b), p in MATRIX.items()}
    out["label"] = _("Predicate:")
    return out


@login_required
def home(request):
    visible = appraisal_list_visible(user=request.user)
    waiting = MergedParts(visible, waiting_parts(request.user), decorate=appraisal_with_due)
    page = Paginator(waiting, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(a, task_labels(a, request.user)) for a in page]
    counts = appraisal_state_counts(visible)
    by_state = [
        (s.name, s.label, counts.get(s.name, 0))
        for s in APPRAISAL_WORKFLOW.states
        if counts.get(s.name)
    ]
    return render(
        request,
        "web/home.html",
        {
            "page": page,
            "rows": rows,
            "by_state": by_state,
            "now": timezone.now(),
            "peer_requests": peer_feedback_requests_open(user=request.user).count(),
            "handovers_to_write": handovers_to_write(request.user),
        },
    )


@login_required
def appraisal_list(request):
    state = request.GET.get("state", "")
    query = request.GET.get("q", "").replace("\x00", "").strip()[:100]
    # Only the cycles and units of the user's own appraisals are offered, and only they
    # filter: another id is ignored (the list stays scoped by the user either way).
    cycles, units = appraisal_filter_choices(user=request.user)
    cycle = next((c for c in cycles if str(c.pk) == request.GET.get("cycle", "")), None)
    unit = next((u for u in units if str(u.pk) == request.GET.get("unit", "")), None)
    visible = appraisal_list_search(
        user=request.user,
        state=state if state in STATE_LABELS else "",
        query=query,
        cycle=cycle,
        unit=unit,
    )
    asked = request.GET.get("page")
    page = WindowPaginator(visible, PAGE_SIZE, asked=asked).get_page(asked)
    rows = [(a, task_labels(a, request.user)) for a in page]
    approvable = {
        a.pk
        for a in page
        if a.state == "plan_submitted" and "appraiser" in appraisal_roles(a, request.user)
    }
    return render(
        request,
        "web/appraisal_list.html",
        {
            "page": page,
            "rows": rows,
            "states": APPRAISAL_WORKFLOW.states,
            "state": state,
            "query": query,
            "approvable": approvable,
            "cycles": cycles,
            "units": units,
            "cycle": cycle,
            "unit": unit,
            "pager_query": urlencode(
                {
                    k: v
                    for k, v in (
                        ("q", query),
                        ("state", state),
                        ("cycle", cycle.pk if cycle else ""),
                        ("unit", unit.pk if unit else ""),
                    )
                    if v
                }
            ),
        },
    )


@login_required
@require_POST
def bulk_approve(request):
    """Approve several submitted plans at once; each goes through the engine on its own."""
    done, failed = 0, []
    ids = request.POST.getlist("appraisal")[:PAGE_SIZE]
    for raw in ids:
        # "id:version": a plan changed since the list was drawn is not approved unseen.
        pk, _sep, version = raw.partition(":")
        try:
            appraisal = appraisal_get_visible(user=request.user, pk=whole_number(pk) or 0)
            engine.perform(
                appraisal,
                "approve_plan",
                actor=request.user,
                expected_version=posted_version(version),
            )
            done += 1
        except WorkflowError as error:
            failed.append(f"#{pk[:20]}: {error.message}")
    if done:
        messages.success(request, _("%(n)d plan(s) approved.") % {"n": done})
    for line in failed:
        messages.error(request, line)
    if not ids:
        messages.warning(request, _("Select at least one plan."))
    return redirect("web:appraisals")


class AppraisalPages(ObjectPages):
    """The appraisal's page and forms: the generic ones, with its plan, appeal and people."""

    object_template = "web/appraisal_detail.html"
    transition_template = "web/transition.html"
    timeline_template = "web/_timeline.html"
    form_class = AppraisalTransitionForm

    def transition_read_purpose(self) -> str:
        return "web.transition"

    def form_for(self, request, t, obj):
        if request.method != "POST":
            # A link from a waiting proposal (`?decision=<id>`) picks it in the form.
            # The talent pool's link (`?kind=promotion`) presets the kind proposed.
            initial = {name: request.GET.get(name, "") for name in ("decision", "kind")}
            return self.form_class(t, obj, initial=initial)
        return self.form_class(t, obj, data=request.POST, files=request.FILES)

    def transition_page(self, request, pk: int, name: str):
        upload = request.FILES.get("attachment") if request.method == "POST" else None
        if name not in ATTACHMENT_TRANSITIONS or upload is None:
            return super().transition_page(request, pk, name)
        # The appeal and its document together, or neither.
        with transaction.atomic():
            response = super().transition_page(request, pk, name)
            if response.status_code == 302:
                appeal_attachment_add(
                    appraisal=self.get_object(request, pk), actor=request.user, upload=upload
                )
        return response

    def not_open_message(self) -> str:
        return _("This action is not open to you in the appraisal's current state.")

    def nothing_to_do_message(self) -> str:
        return _("Nothing for you to do on this appraisal now.")

    def role_label(self, role: str) -> str:
        return label(role)

    def object_context(self, request, appraisal: Appraisal) -> dict:
        items = plan_item_list_of(appraisal=appraisal)
        return {
            "a": appraisal,
            "items": items,
            "expectations": appraisal.behaviour_expectations.all(),
            "check_ins": appraisal.check_ins.prefetch_related("entries"),
            "appeal": appeal_latest_of(appraisal=appraisal),
            # Several follow-ups per appraisal (issue #18), oldest first.
            "decisions": decision_list_of(appraisal=appraisal),
            "peer_feedback": peer_feedback_for(appraisal, request.user),
            "capacities": self.capacities(request, appraisal),
            "handovers": handovers_for_page(appraisal, request.user),
            # Whom the appraisal waits for now, by name (issue #16).
            "waiting": waiting_for(appraisal, request.user),
            # A plan (or self-assessment, or proposal) sent back: why, at the top.
            "returned": returned_with(appraisal)
            if history_readable(self.workflow, appraisal, request.user)
            else None,
            # HR after the cycle's fallback date drafts the plan (PermenPANRB 6/2022 annex).
            "hr_drafts_plan": appraisal.state == "draft"
            and plan_author_role(
                appraisal_roles(appraisal, request.user),
                fallback_passed=plan_fallback_passed(appraisal.cycle),
            )
            == "hr_admin",
            # Times read in the agency's zone, with its abbreviation (WIB, WITA, WIT).
            "agency_tz": clock.agency_zone(appraisal.unit),
            "agency_zone": clock.zone_abbreviation(clock.agency_zone(appraisal.unit)),
            "appeal_rule": clock.deadline_rule(
                appraisal.cycle.appeal_window_days, calendar.CALENDAR, appraisal.unit
            ),
            # What the user may sign now; NIK and passphrase asked only when the agency
            # signs through BSrE.
            "documents": sign_offers(
                appraisal, request.user, document_list_of(appraisal=appraisal)
            ),
            "signing_bsre": uses_bsre(appraisal),
        }

    def capacities(self, request, appraisal: Appraisal) -> dict:
        """Who acted as what on the timeline (issue #14): for those who read the history."""
        if not history_readable(self.workflow, appraisal, request.user):
            return {}
        return timeline_capacities(
            appraisal=appraisal, events=timeline_page(request, appraisal)["events"]
        )

    def transition_context(self, request, appraisal: Appraisal, transition) -> dict:
        context = {
            "a": appraisal,
            "matrix": _predicate_matrix() if transition.name in PREDICATE_PREVIEW else None,
            "capacities": self.capacities(request, appraisal),
            # PermenPANRB 6/2022: a unit head's result rating is the unit's achievement.
            "unit_head": unit_head_rule(appraisal) if transition.name == "submit_review" else None,
            "attachment_limit": evidence_max_bytes(),
        }
        if transition.name in PREDICATE_PREVIEW | SHOWS_RECORD:
            # The annual rating beside the periodic ones (PermenPANRB 6/2022), and the one
            # it must follow under the cycle's rule (selectors.periods).
            context["periodic"] = periodic_evaluation_list_of(appraisal=appraisal)
            context["annual_from"] = annual_from_periodic(appraisal=appraisal)
        if transition.name in SHOWS_RECORD:
            context.update(judged_record(appraisal, request.user))
        if transition.name in SHOWS_RESULT:
            chosen = request.POST.get("decision") or request.GET.get("decision") or ""
            context.update(decided_result(appraisal, transition.name, chosen))
            # Every follow-up of the appraisal, beside the one decided or proposed now.
            context["decisions"] = decision_list_of(appraisal=appraisal)
        return context
