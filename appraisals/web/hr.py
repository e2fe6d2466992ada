"""The HR administrator's pages: cycles, bulk jobs, unit dashboards; the lifecycle diagram.

Every read goes through the API's own scoping (selectors, the calibration
rule) and every write through the API's own service, so a page can do exactly
what the API lets the same user do.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from notifications.models.deadlines import PHASE_STATES
from workflow.errors import NotFound, WorkflowError
from workflow.services import serializer_problems
from workflow.text import Text
from workflow.web.errors import PageErrors
from workflow.web.views import lifecycle_page

from ..api.cycles import CycleSerializer, PhaseDeadlinesSerializer
from ..curve import RULES
from ..imports import ImportReport
from ..lifecycle import APPRAISAL_WORKFLOW
from ..models import BulkJob, Cycle, Unit
from ..policies import profile_of
from ..selectors import bulk_job_get_visible
from ..selectors.calibration import (
    curve_flag_get_of,
    unit_figures,
    unit_get_visible,
)
from ..selectors.cycles import (
    cycle_appraisal_count,
    cycle_get_managed,
    cycle_last_job,
    cycle_list_managed_with_progress,
    cycle_list_of_unit,
    cycle_missing_appraisals,
    cycles_with_appraisals_in,
    phase_deadline_map,
)
from ..selectors.organisation import unit_list_instansi_choices, unit_list_with_children
from ..services.calibration import curve_flag_acknowledge
from ..services.cycles import cycle_close, cycle_create, cycle_reopen
from ..services.import_jobs import import_job_applicable
from ..services.jobs import cycle_open_job_start
from ..services.phases import phase_deadlines_authorise, phase_deadlines_update
from ..talent import TALENT_POOL_READERS
from .charts import curve_chart, predicate_bands

PAGE_SIZE = 25
# The phases as a page names them (the model's choices are Indonesian only).
PHASE_LABELS = {
    "draft": Text("Penyusunan SKP (pegawai)", "Drafting the plan (employee)"),
    "plan_submitted": Text("Penetapan SKP (pejabat penilai)", "Setting the plan (appraiser)"),
    "in_progress": Text("Penilaian mandiri (pegawai)", "Self-assessment (employee)"),
    "self_assessed": Text("Penilaian (pejabat penilai)", "Review (appraiser)"),
    "reviewed": Text("Dialog kinerja (pejabat penilai)", "Performance dialogue (appraiser)"),
    "discussed": Text("Penetapan hasil (pejabat penilai)", "Issuing the result (appraiser)"),
    "final": Text("Usulan tindak lanjut (tim penilai kinerja)", "Follow-up proposal (panel)"),
    "decision_proposed": Text(
        "Keputusan tindak lanjut (pejabat yang berwenang)", "Follow-up decision (authority)"
    ),
}
# Whose date each phase's default is: the regulation's (PermenPANRB 6/2022 annex) or ours.
REGULATION = Text("Ketentuan PermenPANRB 6/2022", "PermenPANRB 6/2022")
OUR_CHOICE = Text("Ketentuan instansi (bawaan Kinerja)", "The agency's (Kinerja's default)")
PHASE_RULES = {
    "draft": Text(
        "PermenPANRB 6/2022: disusun paling lambat minggu kedua Januari; setelah itu pengelola "
        "kinerja dapat menyusun dan menetapkannya.",
        "PermenPANRB 6/2022: drafted by the second week of January; after it HR may draft and "
        "set it.",
    ),
    "plan_submitted": Text(
        "PermenPANRB 6/2022: SKP ditetapkan paling lambat akhir Januari.",
        "PermenPANRB 6/2022: the plan is set by the end of January.",
    ),
}

CYCLE_FIELDS = (
    "name",
    "instansi",
    "year",
    "starts_on",
    "ends_on",
    "check_in_frequency",
    "appeal_window_days",
    "appeal_decision_days",
)


def hr_scopes(user) -> list[str]:
    """Unit paths the user administers; the HR pages are theirs alone (else 403)."""
    paths = profile_of(user).scope_paths(("hr_admin",))
    if not paths:
        raise PermissionDenied
    return paths


def _cycle_managed_or_404(user, pk) -> Cycle:
    cycle = cycle_get_managed(user=user, pk=pk)
    if cycle is None:
        raise Http404
    return cycle


# -- cycles ------------------------------------------------------------------------------------


def _cycle_form(request, paths: list[str]) -> dict:
    # Only the create form's own POST fills it back (not the open button's).
    posted = request.POST if request.method == "POST" and "name" in request.POST else {}
    today = timezone.localdate()
    defaults = {
        "year": str(today.year),
        "starts_on": f"{today.year}-01-01",
        "ends_on": f"{today.year}-12-31",
        "check_in_frequency": Cycle.CheckInFrequency.QUARTERLY,
        "appeal_window_days": "14",
        "appeal_decision_days": "14",
    }
    values = {f: posted.get(f, "") if posted else defaults.get(f, "") for f in CYCLE_FIELDS}
    return {
        "values": values,
        "instansi_choices": unit_list_instansi_choices(paths=paths),
        "frequencies": Cycle.CheckInFrequency.choices,
    }


def cycle_phase(cycle: Cycle, *, appraisals: int, job_status: str | None = None) -> str:
    """Where a cycle stands, as the pages say it: the model knows only open and closed.

    "draft": open but no appraisal made yet (it waits for "Open the cycle");
    "opening": its opening job is queued or running; "running": it has appraisals;
    "closed": nothing in it moves until HR reopens it.
    """
    if cycle.status == Cycle.Status.CLOSED:
        return "closed"
    if job_status in (BulkJob.Status.QUEUED, BulkJob.Status.RUNNING):
        return "opening"
    return "running" if appraisals else "draft"


def _cycles_page(request, *, errors: PageErrors | None = None, status: int = 200):
    paths = hr_scopes(request.user)
    profile = profile_of(request.user)
    cycles = cycle_list_managed_with_progress(user=request.user)
    page = Paginator(cycles, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "cycle": cycle,
            "phase": cycle_phase(
                cycle, appraisals=cycle.appraisal_count, job_status=cycle.last_job_status
            ),
            # Only HR of the instansi itself opens its cycle (services.jobs).
            "can_open": cycle.status == Cycle.Status.OPEN
            and "hr_admin" in profile.holds_in(cycle.instansi.path),
        }
        for cycle in page
    ]
    # The units an HR admin looks after and their direct children: the dashboards' way in.
    units = unit_list_with_children(paths=paths)
    return render(
        request,
        "web/hr_cycles.html",
        {
            "page": page,
            "rows": rows,
            "units": units,
            "form": _cycle_form(request, paths),
            "errors": errors or PageErrors(),
        },
        status=status,
    )


@login_required
def cycles(request):
    """The cycles an HR admin works with; a new cycle is created here (POST)."""
    hr_scopes(request.user)
    if request.method != "POST":
        return _cycles_page(request)
    data = {f: request.POST.get(f, "").strip() for f in CYCLE_FIELDS}
    # Blank optional fields fall back to the model's defaults, as when the API omits them.
    data = {k: v for k, v in data.items() if v or k in ("name", "instansi", "year")}
    serializer = CycleSerializer(data=data)
    errors = PageErrors()
    if not serializer.is_valid():
        for problem in serializer_problems(serializer.errors):
            errors.add(problem.message, problem.field)
        errors.status = 400
    else:
        try:
            cycle = cycle_create(actor=request.user, **serializer.validated_data)
        except WorkflowError as error:
            errors = PageErrors.of(error)
            errors.fields = {"instansi": list(errors.general)}
            errors.general = []
        else:
            messages.success(request, _("Cycle created: %(name)s.") % {"name": cycle.name})
            return redirect("web:hr-cycles")
    return _cycles_page(request, errors=errors, status=errors.status)


@login_required
@require_POST
def cycle_open(request, pk: int):
    """Start the bulk job that opens the cycle, as POST /api/cycles/{id}/open/ does."""
    hr_scopes(request.user)
    cycle = _cycle_managed_or_404(request.user, pk)
    try:
        job = cycle_open_job_start(cycle=cycle, actor=request.user)
    except WorkflowError as error:
        return _cycles_page(request, errors=PageErrors.of(error), status=error.status)
    return redirect("web:hr-job", pk=job.pk)


# -- one cycle: its fallback date and phase deadlines ----------------------------------------


def _phase_form_data(post) -> dict:
    """The page's form as the API's PUT body: every phase; a blank date removes one."""
    deadlines = {}
    for state, _label in PHASE_STATES:
        due_on = post.get(f"{state}-due_on", "").strip()
        if not due_on:
            deadlines[state] = None
            continue
        days = [d.strip() for d in post.get(f"{state}-remind_days", "").split(",") if d.strip()]
        deadlines[state] = {
            "due_on": due_on,
            "remind_days": days,
            "escalate": bool(post.get(f"{state}-escalate")),
        }
    return {"plan_fallback_on": post.get("plan_fallback_on", "").strip(), "deadlines": deadlines}


def _phase_rows(cycle: Cycle, posted: dict | None, errors: PageErrors) -> list[dict]:
    rows = []
    for state, row in phase_deadline_map(cycle=cycle).items():
        if posted is not None:
            values = posted["deadlines"][state] or {}
            due_on = values.get("due_on", "")
            remind = ", ".join(values.get("remind_days", []))
            escalate = values.get("escalate", False)
        else:
            due_on = row.due_on.isoformat() if row else ""
            remind = ", ".join(str(n) for n in row.remind_days) if row else ""
            escalate = row.escalate if row else True
        prefix = f"deadlines.{state}"
        rows.append(
            {
                "state": state,
                "label": PHASE_LABELS[state],
                "due_on": due_on,
                "remind_days": remind,
                "escalate": escalate,
                "errors": [
                    message
                    for name, messages in errors.fields.items()
                    if name.startswith(prefix)
                    for message in messages
                ],
                "rule": PHASE_RULES.get(state),
            }
        )
    return rows


@login_required
def cycle_detail(request, pk: int):
    """One cycle: its fallback date and phase deadlines, edited by HR of its instansi."""
    hr_scopes(request.user)
    cycle = _cycle_managed_or_404(request.user, pk)
    errors, posted = PageErrors(), None
    if request.method == "POST":
        phase_deadlines_authorise(cycle=cycle, actor=request.user)
        posted = _phase_form_data(request.POST)
        serializer = PhaseDeadlinesSerializer(data=posted)
        if not serializer.is_valid():
            errors = PageErrors.invalid(serializer.errors)
        else:
            data = serializer.validated_data
            try:
                phase_deadlines_update(
                    cycle=cycle,
                    actor=request.user,
                    plan_fallback_on=data["plan_fallback_on"],
                    deadlines={
                        state: (dict(values) if values is not None else None)
                        for state, values in data["deadlines"].items()
                    },
                    replace=True,
                )
            except WorkflowError as error:
                errors = PageErrors.of(error)
            else:
                messages.success(request, _("Phase deadlines saved."))
                return redirect("web:hr-cycle", pk=cycle.pk)
    return _cycle_detail_page(request, cycle, errors=errors, posted=posted)


def _cycle_detail_page(request, cycle: Cycle, *, errors: PageErrors, posted=None, reason=""):
    can_edit = "hr_admin" in profile_of(request.user).holds_in(cycle.instansi.path)
    count = cycle_appraisal_count(cycle=cycle)
    last_job = cycle_last_job(cycle=cycle)
    return render(
        request,
        "web/hr_cycle.html",
        {
            "cycle": cycle,
            "count": count,
            "phase": cycle_phase(
                cycle, appraisals=count, job_status=last_job.status if last_job else None
            ),
            "last_job": last_job,
            "missing": cycle_missing_appraisals(cycle=cycle) if can_edit else 0,
            "can_edit": can_edit,
            "closed": cycle.status == Cycle.Status.CLOSED,
            "reason": reason,
            "fallback": posted["plan_fallback_on"] if posted else cycle.plan_fallback_date,
            "phases": _phase_rows(cycle, posted, errors),
            "errors": errors,
        },
        status=errors.status if errors else 200,
    )


@login_required
@require_POST
def cycle_close_page(request, pk: int):
    """Close the cycle (as POST /api/cycles/{id}/close/): from now on nothing in it moves."""
    return _cycle_status_page(request, pk, cycle_close, _("Cycle closed."))


@login_required
@require_POST
def cycle_reopen_page(request, pk: int):
    """Reopen a closed cycle with a reason (as POST /api/cycles/{id}/reopen/)."""
    return _cycle_status_page(request, pk, cycle_reopen, _("Cycle reopened."))


def _cycle_status_page(request, pk: int, change, done: str):
    hr_scopes(request.user)
    cycle = _cycle_managed_or_404(request.user, pk)
    reason = request.POST.get("reason", "").replace("\x00", "").strip()[:2000]
    try:
        change(cycle=cycle, actor=request.user, reason=reason)
    except WorkflowError as error:
        return _cycle_detail_page(request, cycle, errors=PageErrors.of(error), reason=reason)
    messages.success(request, done)
    return redirect("web:hr-cycle", pk=cycle.pk)


# -- bulk job ------------------------------------------------------------------------------------


@login_required
def job(request, pk: int):
    """A bulk job's progress; while it runs the fragment polls itself (htmx)."""
    try:
        bulk = bulk_job_get_visible(user=request.user, pk=pk)
    except NotFound:
        raise Http404 from None
    finished = bulk.status in (BulkJob.Status.DONE, BulkJob.Status.FAILED)
    # A finished job's bar is full; its text still tells how many were created.
    maximum = max(bulk.total, 1)
    value = maximum if bulk.status == BulkJob.Status.DONE else min(bulk.done, maximum)
    context = {
        "job": bulk,
        "finished": finished,
        "value": value,
        "max": maximum,
    }
    if bulk.kind == BulkJob.Kind.ORGANISATION_IMPORT:
        context |= _import_job_context(request, bulk)
    context["recap"] = bulk.kind == BulkJob.Kind.RECAP
    template = "web/_job.html" if request.headers.get("HX-Request") else "web/hr_job.html"
    return render(request, template, context)


def _import_job_context(request, bulk: BulkJob) -> dict:
    """An import job's report, as the import page shows a dry run's, with its apply button."""
    # hr_import.py imports this module (the HR admin's scopes).
    from .hr_import import ERRORS_SHOWN, report_context

    if not bulk.report:
        return {"importing": True}
    report = ImportReport.from_dict(bulk.report)
    return report_context(request, report) | {
        "importing": True,
        "report": report,
        "problems": report.errors[:ERRORS_SHOWN],
        "hidden_problems": max(len(report.errors) - ERRORS_SHOWN, 0),
        "apply_job": bulk.pk if import_job_applicable(bulk) else None,
        "applied_as": bulk.params.get("applied_as"),
    }


# -- unit dashboard ------------------------------------------------------------------------


def _dashboard_cycle(
    request, unit: Unit, cycle_pk=None
) -> tuple[Cycle | None, list[tuple[Cycle, str]]]:
    """The cycle asked for (?cycle=), else the latest with appraisals in the unit; and
    every cycle of the unit's instansi with where it stands here (for the picker)."""
    choices = cycle_list_of_unit(unit=unit)
    filled = cycles_with_appraisals_in(cycles=choices, unit=unit) if choices else set()
    phases = [
        (
            c,
            "closed"
            if c.status == Cycle.Status.CLOSED
            else ("running" if c.pk in filled else "draft"),
        )
        for c in choices
    ]
    raw = str(cycle_pk) if cycle_pk is not None else request.GET.get("cycle", "")
    if raw:
        chosen = next((c for c in choices if str(c.pk) == raw), None)
        if chosen is None:
            raise Http404
        return chosen, phases
    # A new, still empty cycle would show nothing: the latest with appraisals here comes
    # first, else the latest open one, else the latest.
    with_appraisals = [c for c in choices if c.pk in filled]
    open_ = [c for c in choices if c.status == Cycle.Status.OPEN]
    return (with_appraisals or open_ or choices or [None])[0], phases


def _dashboard_page(
    request, unit: Unit, *, cycle_pk=None, errors: PageErrors | None = None, failed_flag=None
):
    cycle, choices = _dashboard_cycle(request, unit, cycle_pk=cycle_pk)
    context = {
        "unit": unit,
        "cycle": cycle,
        "cycles": choices,
        "errors": errors or PageErrors(),
        "failed_flag": failed_flag,
        "posted_reason": request.POST.get("reason", "") if failed_flag else "",
        # HR and the panel read the unit's talent pool (issue #18).
        "talent_readable": bool(profile_of(request.user).holds_in(unit.path) & TALENT_POOL_READERS),
    }
    if cycle is not None:
        figures = unit_figures(unit=unit, cycle=cycle)
        counts, report, governing = figures.states, figures.report, figures.governing
        total = sum(counts.values())
        bands = predicate_bands(report)
        profile = profile_of(request.user)
        context.update(
            states=[
                {"name": s.name, "label": s.label, "count": counts.get(s.name, 0)}
                for s in APPRAISAL_WORKFLOW.states
            ],
            total=total,
            report=report,
            curve_unit=governing.unit if governing else unit,
            bands=bands,
            chart=curve_chart(bands, report.size),
            has_curve=report.organisation_predicate in RULES,
            # Final appeal decisions that broke the curve; the authority over the
            # flag's unit acknowledges the open ones here (as over the API).
            flags=[
                (
                    flag,
                    not flag.acknowledged and "authority" in profile.holds_in(flag.unit.path),
                )
                for flag in figures.flags
            ],
        )
    status = errors.status if errors else 200
    return render(request, "web/hr_unit.html", context, status=status)


@login_required
def unit_dashboard(request, pk: int):
    """Progress per state and the predicate distribution against the allowed curve.

    Visible to whoever may read the unit's calibration through the API.
    """
    try:
        unit = unit_get_visible(user=request.user, pk=pk)
    except NotFound:
        raise Http404 from None
    return _dashboard_page(request, unit)


@login_required
@require_POST
def curve_flag_acknowledge_page(request, pk: int, flag: int):
    """The authority acknowledges, with a reason, an appeal decision that broke the curve."""
    try:
        unit = unit_get_visible(user=request.user, pk=pk)
        found = curve_flag_get_of(unit=unit, pk=flag)
    except NotFound:
        raise Http404 from None
    try:
        curve_flag_acknowledge(
            flag=found, actor=request.user, reason=request.POST.get("reason", "")
        )
    except WorkflowError as error:
        return _dashboard_page(
            request,
            unit,
            cycle_pk=found.cycle_id,
            errors=PageErrors.of(error),
            failed_flag=found.pk,
        )
    messages.success(request, _("Curve flag acknowledged."))
    return redirect(f"{reverse('web:hr-unit', args=[unit.pk])}?cycle={found.cycle_id}")


# -- lifecycle diagram ------------------------------------------------------------------------


DASHBOARD_READERS = ("hr_admin", "panel", "authority", "inspector")


@login_required
def dashboards(request):
    """The way into the unit dashboards for all who may read them (not only HR)."""
    paths = profile_of(request.user).scope_paths(DASHBOARD_READERS)
    if not paths:
        raise PermissionDenied
    units = unit_list_with_children(paths=paths)
    page = Paginator(units, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "web/hr_dashboards.html", {"page": page})


@login_required
def lifecycle(request):
    """The appraisal lifecycle drawn from its table (the generic page of any lifecycle)."""
    return lifecycle_page(request, APPRAISAL_WORKFLOW.name)
