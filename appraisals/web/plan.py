"""The employee's plan editor and check-ins, and the appraiser's behaviour expectations.

Input is validated by the API's own serializers and written by the same
services, so a page accepts exactly what the API accepts.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from workflow.errors import WorkflowError
from workflow.services import serializer_problems
from workflow.web.errors import PageErrors, posted_version, whole_number

from ..api.checkins import (
    CheckInInSerializer,
    EvidenceLinkInSerializer,
    EvidenceUploadInSerializer,
)
from ..api.content import ExpectationsIn
from ..api.serializers import PlanItemSerializer
from ..models import Appraisal, BehaviourValue
from ..models.appraisal import Indicator, Perspective
from ..policies import appraisal_roles, plan_author_role
from ..selectors.checkins import check_in_period_count
from ..selectors.plan import (
    indicator_list_of,
    plan_item_list_of,
    plan_item_of,
    plan_item_parent_choices,
)
from ..services.checkins import check_in_record
from ..services.content import behaviour_expectations_set
from ..services.evidence import evidence_add
from ..services.phases import plan_fallback_passed
from ..services.plan import plan_item_create, plan_item_delete
from .views import opened, visible_or_404

INDICATOR_ROWS = 3


def _version(request) -> int | None:
    return posted_version(request.POST.get("version"))


def _item_data(post) -> dict:
    indicators = []
    for i in range(INDICATOR_ROWS):
        row = {k: post.get(f"indicator-{i}-{k}", "").strip() for k in ("name", "aspect", "target")}
        if any(row.values()):
            indicators.append(row)
    data = {
        "result": post.get("result", ""),
        "parent_item": post.get("parent_item") or None,
        "indicators": indicators,
    }
    if post.get("perspective"):
        data["perspective"] = post["perspective"]
    return data


@login_required
def plan_editor(request, pk: int):
    appraisal = visible_or_404(request.user, pk)
    errors = PageErrors()
    if request.method == "POST":
        try:
            if request.POST.get("delete"):
                item_id = whole_number(request.POST["delete"])
                item = plan_item_of(appraisal=appraisal, pk=item_id)
                if item is None:
                    errors.add(_("That result item no longer exists."))
                else:
                    plan_item_delete(
                        item=item, actor=request.user, expected_version=_version(request)
                    )
                    messages.success(request, _("Result item deleted."))
                    return redirect("web:plan", pk=appraisal.pk)
            else:
                serializer = PlanItemSerializer(data=_item_data(request.POST))
                if not serializer.is_valid():
                    for problem in serializer_problems(serializer.errors):
                        errors.add(problem.message, problem.field)
                    errors.status = 400
                else:
                    data = serializer.validated_data
                    plan_item_create(
                        appraisal=appraisal,
                        actor=request.user,
                        result=data["result"],
                        parent_item=data.get("parent_item"),
                        perspective=data.get("perspective", ""),
                        indicators=[dict(i) for i in data.get("indicators", [])],
                        expected_version=_version(request),
                    )
                    messages.success(request, _("Result item added."))
                    return redirect("web:plan", pk=appraisal.pk)
        except WorkflowError as error:
            errors = PageErrors.of(error)
        appraisal.refresh_from_db()
    opened(request, appraisal, "web.plan")
    writable = appraisal.state == "draft" and plan_author_role(
        appraisal_roles(appraisal, request.user),
        fallback_passed=plan_fallback_passed(appraisal.cycle),
    )
    return render(
        request,
        "web/plan.html",
        {
            "a": appraisal,
            "items": plan_item_list_of(appraisal=appraisal),
            "parents": plan_item_parent_choices(appraisal=appraisal),
            "aspects": Indicator.Aspect.values,
            "perspectives": Perspective.values if _is_jpt(appraisal) else [],
            "rows": [
                {
                    "i": i,
                    **{
                        k: request.POST.get(f"indicator-{i}-{k}", "")
                        for k in ("name", "aspect", "target")
                    },
                }
                for i in range(INDICATOR_ROWS)
            ],
            "writable": writable,
            "errors": errors,
            "posted": request.POST if request.method == "POST" else {},
        },
        status=errors.status if errors else 200,
    )


def _is_jpt(appraisal: Appraisal) -> bool:
    position = appraisal.employee.position
    return position is not None and position.kind == "jpt"


@login_required
def expectations(request, pk: int):
    """The appraiser writes the specific expectation of each BerAKHLAK value."""
    appraisal = visible_or_404(request.user, pk)
    errors = PageErrors()
    current = {e.value: e.expectation for e in appraisal.behaviour_expectations.all()}
    if request.method == "POST":
        wanted = {v: request.POST.get(v, "") for v in BehaviourValue.values}
        form = ExpectationsIn(
            data={"expectations": [{"value": v, "expectation": t} for v, t in wanted.items()]}
        )
        if not form.is_valid():
            rename = {
                f"expectations[{i}].expectation": v for i, v in enumerate(BehaviourValue.values)
            }
            errors, current = PageErrors.invalid(form.errors, rename), wanted
        else:
            try:
                behaviour_expectations_set(
                    appraisal=appraisal,
                    actor=request.user,
                    expectations={
                        e["value"]: e["expectation"] for e in form.validated_data["expectations"]
                    },
                    expected_version=_version(request),
                )
            except WorkflowError as error:
                errors = PageErrors.of(error)
                current = wanted
                appraisal.refresh_from_db()
            else:
                messages.success(request, _("Behaviour expectations saved."))
                return redirect("web:appraisal", pk=appraisal.pk)
    opened(request, appraisal, "web.expectations")
    return render(
        request,
        "web/expectations.html",
        {
            "a": appraisal,
            "values": [(v, current.get(v, "")) for v in BehaviourValue.values],
            "errors": errors,
        },
        status=errors.status if errors else 200,
    )


@login_required
def check_ins(request, pk: int):
    """The employee's check-in of a period: a realisation per indicator, and evidence."""
    appraisal = visible_or_404(request.user, pk)
    errors = PageErrors()
    indicators = indicator_list_of(appraisal=appraisal)
    periods = range(1, check_in_period_count(appraisal.cycle) + 1)
    if request.method == "POST":
        try:
            if request.POST.get("kind") == "evidence":
                errors = _evidence_add(request, appraisal)
                if not errors:
                    messages.success(request, _("Evidence added."))
                    return redirect("web:check-ins", pk=appraisal.pk)
            else:
                errors = _check_in_record(request, appraisal, indicators)
                if not errors:
                    messages.success(request, _("Check-in saved."))
                    return redirect("web:check-ins", pk=appraisal.pk)
        except WorkflowError as error:
            errors = PageErrors.of(error)
        appraisal.refresh_from_db()
    opened(request, appraisal, "web.check_ins")
    return render(
        request,
        "web/check_ins.html",
        {
            "a": appraisal,
            "indicators": [
                (
                    i,
                    request.POST.get(f"realisation-{i.pk}", ""),
                    errors.fields.get(f"realisation-{i.pk}", []),
                )
                for i in indicators
            ],
            "periods": periods,
            "check_ins": appraisal.check_ins.prefetch_related("entries", "evidence"),
            "writable": "employee" in appraisal_roles(appraisal, request.user),
            "errors": errors,
            "posted": request.POST if request.method == "POST" else {},
        },
        status=errors.status if errors else 200,
    )


def _check_in_record(request, appraisal: Appraisal, indicators) -> PageErrors:
    """Validated as the API validates a check-in, then recorded by the same service."""
    entries = [
        {"indicator": i.pk, "realisation": request.POST.get(f"realisation-{i.pk}", "")}
        for i in indicators
        if request.POST.get(f"realisation-{i.pk}", "").strip()
    ]
    form = CheckInInSerializer(
        data={
            "period": request.POST.get("period", ""),
            "note": request.POST.get("note", ""),
            "entries": entries,
        }
    )
    if not form.is_valid():
        rename = {
            f"entries[{n}].realisation": f"realisation-{e['indicator']}"
            for n, e in enumerate(entries)
        }
        return PageErrors.invalid(form.errors, rename)
    data = form.validated_data
    check_in_record(
        appraisal=appraisal,
        actor=request.user,
        period=data["period"],
        note=data["note"],
        entries=[dict(e) for e in data["entries"]],
        expected_version=_version(request),
    )
    return PageErrors()


def _evidence_add(request, appraisal: Appraisal) -> PageErrors:
    """A file or a link, validated as the API validates them, added by the same service."""
    upload = request.FILES.get("file")
    name = request.POST.get("name", "")
    if upload is not None:
        form = EvidenceUploadInSerializer(data={"file": upload, "name": name})
    else:
        form = EvidenceLinkInSerializer(
            data={"kind": "link", "url": request.POST.get("url", ""), "name": name}
        )
    period = whole_number(request.POST.get("period"))
    if not form.is_valid() or period is None or period > 12:
        errors = PageErrors.invalid(form.errors if not form.is_valid() else {})
        if period is None or period > 12:
            errors.add(_("Choose a period."), "period")
        return errors
    data = form.validated_data
    evidence_add(
        appraisal=appraisal,
        actor=request.user,
        period=period,
        upload=data.get("file"),
        url=data.get("url", ""),
        name=data["name"],
        expected_version=_version(request),
    )
    return PageErrors()
