"""The employee's plan editor and check-ins, and the appraiser's behaviour expectations.

Input is validated by the API's own serializers and written by the same
services, so a page accepts exactly what the API accepts.
"""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from workflow.errors import WorkflowError
from workflow.web.errors import PageErrors, posted_version, whole_number

from ..api.checkins import (
    CheckInInSerializer,
    EvidenceLinkInSerializer,
    EvidenceUploadInSerializer,
)
from ..api.content import ExpectationsIn
from ..api.serializers import PlanItemSerializer
from ..models import Appraisal, BehaviourValue
from ..models.appraisal import Indicator, Perspective, PlanItem
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
from ..services.plan import plan_item_create, plan_item_delete, plan_item_update
from .views import opened, visible_or_404

INDICATOR_ROWS = 3
# A posted form names at most this many rows; more are not read.
MAX_INDICATOR_ROWS = 50
INDICATOR_KEYS = ("name", "aspect", "target")
_ROW_FIELD = re.compile(r"^indicator-([0-9]{1,3})-(?:name|aspect|target)$")


def _version(request) -> int | None:
    return posted_version(request.POST.get("version"))


def _row_count(post) -> int:
    """How many indicator rows the form posted (drawn again as posted, at least three)."""
    posted = [
        int(m.group(1))
        for key in post
        if (m := _ROW_FIELD.match(key)) and int(m.group(1)) < MAX_INDICATOR_ROWS
    ]
    return max([INDICATOR_ROWS, *(i + 1 for i in posted)])


def _item_data(post) -> tuple[dict, dict[str, str]]:
    """The posted item as the API takes it, and the API's field paths renamed to the
    page's (`indicators[1].target` -> `indicator-2-target`: the row it came from)."""
    indicators, rename = [], {}
    for i in range(_row_count(post)):
        row = {k: post.get(f"indicator-{i}-{k}", "").strip() for k in INDICATOR_KEYS}
        if any(row.values()):
            for k in INDICATOR_KEYS:
                rename[f"indicators[{len(indicators)}].{k}"] = f"indicator-{i}-{k}"
            rename[f"indicators[{len(indicators)}]"] = f"indicator-{i}"
            indicators.append(row)
    data = {
        "result": post.get("result", ""),
        "parent_item": post.get("parent_item") or None,
        "indicators": indicators,
    }
    if post.get("perspective"):
        data["perspective"] = post["perspective"]
    return data, rename


def _rows(source: list[dict], count: int, errors: PageErrors) -> list[dict]:
    """The indicator rows drawn: the values (posted, or the item's being edited) and the
    problems of each of its fields."""
    rows = []
    for i in range(count):
        values = source[i] if i < len(source) else {}
        rows.append(
            {
                "i": i,
                **{k: values.get(k, "") for k in INDICATOR_KEYS},
                "errors": {k: errors.fields.get(f"indicator-{i}-{k}", []) for k in INDICATOR_KEYS},
                "row_errors": errors.fields.get(f"indicator-{i}", []),
            }
        )
    return rows


def _save_item(request, appraisal: Appraisal, item: PlanItem | None) -> PageErrors | None:
    """Add (item None) or change an item; None when saved, else the problems to show."""
    data, rename = _item_data(request.POST)
    serializer = PlanItemSerializer(data=data)
    if not serializer.is_valid():
        return PageErrors.invalid(serializer.errors, rename)
    valid = serializer.validated_data
    fields = {
        "result": valid["result"],
        "parent_item": valid.get("parent_item"),
        "perspective": valid.get("perspective", ""),
        "indicators": [dict(i) for i in valid.get("indicators", [])],
    }
    if item is None:
        plan_item_create(
            appraisal=appraisal, actor=request.user, expected_version=_version(request), **fields
        )
        messages.success(request, _("Result item added."))
    else:
        plan_item_update(
            item=item, actor=request.user, data=fields, expected_version=_version(request)
        )
        messages.success(request, _("Result item saved."))
    return None


@login_required
def plan_editor(request, pk: int):
    appraisal = visible_or_404(request.user, pk)
    errors = PageErrors()
    # The item being edited: named by the form (POST) or the Edit link (GET ?edit=).
    editing_id = whole_number(request.POST.get("item") or request.GET.get("edit"))
    editing = plan_item_of(appraisal=appraisal, pk=editing_id) if editing_id else None
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
            elif request.POST.get("item") and editing is None:
                errors.add(_("That result item no longer exists."))
                errors.status = 404
            else:
                problems = _save_item(request, appraisal, editing)
                if problems is None:
                    return redirect("web:plan", pk=appraisal.pk)
                errors = problems
        except WorkflowError as error:
            errors = PageErrors.of(error)
        appraisal.refresh_from_db()
    opened(request, appraisal, "web.plan")
    writable = appraisal.state == "draft" and plan_author_role(
        appraisal_roles(appraisal, request.user),
        fallback_passed=plan_fallback_passed(appraisal.cycle),
    )
    if request.method == "POST":
        posted, rows = request.POST, _row_count(request.POST)
        source = [
            {k: posted.get(f"indicator-{i}-{k}", "") for k in INDICATOR_KEYS} for i in range(rows)
        ]
    elif editing is not None and writable:
        posted = {
            "result": editing.result,
            "parent_item": str(editing.parent_item_id or ""),
            "perspective": editing.perspective,
        }
        source = [
            {k: getattr(i, k) for k in INDICATOR_KEYS} for i in editing.indicators.order_by("id")
        ]
        # One empty row more than the item has: room for another indicator.
        rows = max(INDICATOR_ROWS, len(source) + 1)
    else:
        posted, source, rows = {}, [], INDICATOR_ROWS
    return render(
        request,
        "web/plan.html",
        {
            "a": appraisal,
            "items": plan_item_list_of(appraisal=appraisal),
            "parents": plan_item_parent_choices(appraisal=appraisal),
            "aspects": Indicator.Aspect.values,
            "perspectives": Perspective.values if _is_jpt(appraisal) else [],
            "rows": _rows(source, rows, errors),
            "writable": writable,
            "editing": editing if writable else None,
            "errors": errors,
            "posted": posted,
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
            "check_ins": appraisal.check_ins.prefetch_related(
                "entries__indicator__item", "evidence__indicator"
            ),
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
