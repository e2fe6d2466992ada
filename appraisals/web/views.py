"""Everyone's pages: home ("what needs me now"), appraisals, one appraisal, its actions."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Q, Subquery
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.selectors import audit_events_of
from audit.services import read_access_record
from workflow import services as engine
from workflow.definition import ANY_STATE
from workflow.errors import NotFound, VersionMismatch, WorkflowError

from ..lifecycle import APPRAISAL_WORKFLOW
from ..models import Appeal, Appraisal
from ..policies import SYSTEM, appraisal_roles, holders_filter
from ..predicate import MATRIX
from ..selectors import appraisal_get_visible, appraisal_list_visible
from ..services.feedback import peer_feedback_requests_open
from .errors import PageErrors, posted_version, whole_number
from .feedback import peer_feedback_for
from .forms import TransitionForm
from .labels import label

PAGE_SIZE = 25
HISTORY_READERS = frozenset(
    {"employee", "appraiser", "appeal_reviewer", "panel", "authority", "inspector"}
)
# Transitions that are "work waiting for someone" (cancel is HR's tool, not a task).
TASKS = tuple(
    t for t in APPRAISAL_WORKFLOW.transitions if ANY_STATE not in t.source and t.roles - {SYSTEM}
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
    for t in TASKS:
        q |= Q(state__in=APPRAISAL_WORKFLOW.sources_of(t)) & holders_filter(user, t.roles)
    return q


def task_labels(appraisal: Appraisal, user) -> list[str]:
    """The table's tasks for the user on this row (roles and state only, no queries)."""
    roles = appraisal_roles(appraisal, user)
    return [
        str(t.label)
        for t in TASKS
        if appraisal.state in APPRAISAL_WORKFLOW.sources_of(t) and roles & t.roles
    ]


def with_due(queryset):
    """Each row's nearest deadline: the appeal window, or the appeal's decision date."""
    due = Appeal.objects.filter(appraisal=OuterRef("pk"), outcome="").values("decision_due")[:1]
    return queryset.annotate(appeal_due=Subquery(due))


STATE_LABELS = {s.name: s.label for s in APPRAISAL_WORKFLOW.states}
# Forms that set both ratings show the predicate they give, as the user picks.
PREDICATE_PREVIEW = {"submit_review", "decide_appeal"}


def _predicate_matrix() -> dict:
    out = {f"{r}|{b}": label(p) for (r, b), p in MATRIX.items()}
    out["label"] = _("Predicate:")
    return out


@login_required
def home(request):
    visible = appraisal_list_visible(user=request.user)
    waiting = with_due(visible.filter(waiting_filter(request.user))).order_by("id")
    page = Paginator(waiting, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(a, task_labels(a, request.user)) for a in page]
    counts = dict(
        visible.order_by().values_list("state").annotate(n=Count("id")).values_list("state", "n")
    )
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
        },
    )


@login_required
def appraisal_list(request):
    visible = appraisal_list_visible(user=request.user)
    state = request.GET.get("state", "")
    if state in STATE_LABELS:
        visible = visible.filter(state=state)
    query = request.GET.get("q", "").replace("\x00", "").strip()[:100]
    if query:
        visible = visible.filter(
            Q(employee__name__icontains=query) | Q(employee__nip__startswith=query)
        )
    page = Paginator(visible, PAGE_SIZE).get_page(request.GET.get("page"))
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
            "pager_query": urlencode({k: v for k, v in (("q", query), ("state", state)) if v}),
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


def _actions(appraisal: Appraisal, user) -> list[dict]:
    out = []
    for t, unmet in engine.transitions_open_to(appraisal, actor=user):
        out.append(
            {
                "name": t.name,
                "label": t.label,
                "unmet": [str(p.message) for p in unmet],
                # No form needed: a single button.
                "direct": t.payload is None and not t.reason_required,
            }
        )
    return out


@login_required
def appraisal_detail(request, pk: int):
    appraisal = visible_or_404(request.user, pk)
    roles = appraisal_roles(appraisal, request.user)
    opened(request, appraisal, "web.appraisal")
    items = appraisal.plan_items.prefetch_related("indicators").select_related("parent_item")
    events = audit_events_of(subject=appraisal) if roles & HISTORY_READERS else None
    appeal = appraisal.appeals.order_by("-filed_at").first()
    decision = appraisal.decisions.order_by("-proposed_at").first()
    return render(
        request,
        "web/appraisal_detail.html",
        {
            "a": appraisal,
            "roles": roles,
            "state_label": STATE_LABELS[appraisal.state],
            "items": items,
            "expectations": appraisal.behaviour_expectations.all(),
            "check_ins": appraisal.check_ins.prefetch_related("entries"),
            "events": events,
            "states": STATE_LABELS,
            "appeal": appeal,
            "decision": decision,
            "actions": _actions(appraisal, request.user),
            "peer_feedback": peer_feedback_for(appraisal, request.user),
            "now": timezone.now(),
        },
    )


@login_required
def transition(request, pk: int, name: str):
    """The form of one transition: its reason and payload, errors inline, input kept."""
    appraisal = visible_or_404(request.user, pk)
    t = APPRAISAL_WORKFLOW.transition(name)
    if t is None:
        raise Http404
    form = TransitionForm(t, appraisal, data=request.POST if request.method == "POST" else None)
    errors = PageErrors()
    if request.method != "POST":
        open_now = {
            tt.name for tt, _unmet in engine.transitions_open_to(appraisal, actor=request.user)
        }
        if t.name not in open_now:
            errors.add(_("This action is not open to you in the appraisal's current state."))
            errors.status = 403
    else:
        try:
            engine.perform(
                appraisal,
                t.name,
                actor=request.user,
                payload=form.payload(),
                reason=form.reason(),
                expected_version=form.version(),
            )
        except WorkflowError as error:
            errors = PageErrors.of(error)
            form.with_errors(errors.fields)
            if isinstance(error, VersionMismatch):
                appraisal.refresh_from_db()
                form.stale = True
        else:
            messages.success(request, _("Done: %(action)s.") % {"action": t.label})
            return redirect("web:appraisal", pk=appraisal.pk)
    # Deciding beside the record: the history next to the form, for those who may read it
    # and may act here (a refusal shows the refusal only); each reading is recorded.
    events = None
    if errors.status != 403 and appraisal_roles(appraisal, request.user) & HISTORY_READERS:
        events = audit_events_of(subject=appraisal)
        opened(request, appraisal, "web.transition")
    return render(
        request,
        "web/transition.html",
        {
            "a": appraisal,
            "events": events,
            "states": STATE_LABELS,
            "t": t,
            "form": form,
            "errors": errors,
            "matrix": _predicate_matrix() if t.name in PREDICATE_PREVIEW else None,
        },
        status=errors.status if errors else 200,
    )
