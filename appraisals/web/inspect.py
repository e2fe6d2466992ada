"""The inspector's pages: search over audit events, the read-access log, an
appraisal's verified timeline. Inspectors read, never write.

The filters, scopes and the inspector check are the audit API's own
(audit/api/views.py): a page and the API answer the same question the same way.
"""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from audit import hooks
from audit.api.views import AuditEventFilter, ReadAccessFilter
from audit.selectors import audit_events_visible, read_accesses_visible
from audit.services import read_access_record, subject_key
from audit.verify import verify_subject
from workflow.web.views import timeline_page

from ..lifecycle import APPRAISAL_WORKFLOW
from ..policies import appraisal_roles
from ..selectors.appraisals import appraisal_names_visible
from ..selectors.organisation import unit_choices_under
from .history import event_what, read_purpose_text, reason_text, timeline_rows
from .paging import WindowPaginator
from .views import visible_or_404

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200  # the API's bound (appraisals/api/pagination.py)
APPRAISAL_TYPE = "appraisals.appraisal"
ACTION_LABELS = {t.name: t.label for t in APPRAISAL_WORKFLOW.transitions}
# What each verification problem means, for the badge (audit.verify.KINDS in words).
PROBLEMS = {
    "hash_mismatch": _("the event's content does not match its hash (edited or moved)"),
    "broken_link": _("the link to the previous event is broken (inserted, deleted or reordered)"),
    "sequence_gap": _("a sequence number is missing before this event (deleted)"),
    "sealed_event_changed": _("differs from what a checkpoint sealed (rewritten from here on)"),
    "truncated_tail": _("sealed events from here on are gone"),
    "unsealed_event": _("sits among sealed events but no checkpoint sealed it (inserted later)"),
    "record_disagrees": _("the live record's state or version is not the chain's last event's"),
    "record_missing": _("the chain's subject has no live record"),
    "chain_missing": _("the live record has no chain"),
    "checkpoint_signature": _("a checkpoint's signature does not verify"),
    "checkpoint_entries": _("a checkpoint's stored leaves do not hash to its signed root"),
    "checkpoint_key_missing": _("no key to check checkpoint signatures with"),
}


def inspector_required(view):
    """Signed in (else to the login page), an inspector (else 403, as the API's
    IsInspector) and reading only (GET/HEAD; anything else is 405)."""

    @login_required
    @require_safe
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not hooks.is_inspector(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _page_size(raw) -> int:
    try:
        return max(1, min(int(raw), MAX_PAGE_SIZE))
    except (TypeError, ValueError):
        return PAGE_SIZE


def _filtered(request, filter_class, queryset):
    """The API's FilterSet over the GET query; (queryset, field errors)."""
    data = request.GET.copy()
    for name in ("page", "page_size"):
        data.pop(name, None)
    filterset = filter_class(data, queryset=queryset)
    if not filterset.is_valid():
        # The API answers 400 and lists nothing: so does the page.
        return queryset.none(), {k: [str(m) for m in v] for k, v in filterset.errors.items()}
    return filterset.qs, {}


def _pager_query(request) -> str:
    return urlencode([(k, v) for k, v in request.GET.items() if k != "page" and v])


def _appraisal_names(user, subjects) -> dict[str, str]:
    """Employee names of the appraisals among (subject_type, subject_id), one query."""
    ids = {int(i) for t, i in subjects if t == APPRAISAL_TYPE and i.isascii() and i.isdigit()}
    if not ids:
        return {}
    return appraisal_names_visible(user=user, ids=ids)


def _subject_row(subject_type: str, subject_id: str, names: dict) -> dict:
    is_appraisal = subject_type == APPRAISAL_TYPE and subject_id.isascii() and subject_id.isdigit()
    return {
        "code": f"{subject_type}:{subject_id}",
        "name": names.get(subject_id, "") if is_appraisal else "",
        "url": reverse("web:inspect-appraisal", args=[subject_id]) if is_appraisal else "",
    }


def _views(request) -> dict:
    """Words by default; the recorded codes and values behind the technical view (?raw=1)."""
    technical = request.GET.get("raw") == "1"
    query = [(k, v) for k, v in request.GET.items() if k not in ("raw", "page") and v]
    other = query if technical else [*query, ("raw", "1")]
    return {"technical": technical, "switch_url": "?" + urlencode(other)}


def _scoped_units(user):
    """The units the inspector may search by (their scopes' subtrees), for the unit filter."""
    return unit_choices_under(paths=hooks.inspector_scopes(user))


def _listing(request, filter_class, visible, template: str, **extra):
    """A filtered, paginated page of audit rows, each with its appraisal when it is one."""
    found, errors = _filtered(request, filter_class, visible.order_by("-at", "-id"))
    asked = request.GET.get("page")
    page = WindowPaginator(found, _page_size(request.GET.get("page_size")), asked=asked).get_page(
        asked
    )
    rows = list(page)
    names = _appraisal_names(request.user, [(r.subject_type, r.subject_id) for r in rows])
    for r in rows:
        # In words by default; the codes in the technical view (?raw=1).
        if hasattr(r, "action"):
            r.what = event_what(r.action, r.from_state, r.to_state)
            r.reason_words = reason_text(r.reason)
        else:
            r.purpose_words = read_purpose_text(r.purpose)
    return render(
        request,
        template,
        {
            "page": page,
            "rows": [(r, _subject_row(r.subject_type, r.subject_id, names)) for r in rows],
            "q": request.GET,
            "errors": errors,
            "units": _scoped_units(request.user),
            "pager_query": _pager_query(request),
            **_views(request),
            **extra,
        },
        status=400 if errors else 200,
    )


@inspector_required
def search(request):
    """Audit events in the inspector's scope, filtered as GET /api/audit/events/ is."""
    visible = audit_events_visible(user=request.user)
    return _listing(
        request, AuditEventFilter, visible, "web/inspect_search.html", actions=ACTION_LABELS
    )


@inspector_required
def reads(request):
    """Who opened whose record, newest first, as GET /api/audit/reads/ answers."""
    visible = read_accesses_visible(user=request.user)
    return _listing(request, ReadAccessFilter, visible, "web/inspect_reads.html")


def _verification(subject_type: str, subject_id: str) -> dict:
    report = verify_subject(subject_type=subject_type, subject_id=subject_id)
    problems = [{**p, "text": PROBLEMS.get(p["problem"], p["problem"])} for p in report.problems]
    first = next((p for p in problems if "seq" in p), None)
    return {
        "ok": report.ok,
        "problems": problems,
        "seq": first["seq"] if first else None,
        "broken": {p["seq"] for p in problems if "seq" in p},
        "checkpoints": report.checkpoints,
        "checked": report.checked,
    }


@inspector_required
def timeline(request, pk: int):
    """The appraisal's every event, oldest first, with its chain verified from the stored rows."""
    appraisal = visible_or_404(request.user, pk)
    if "inspector" not in appraisal_roles(appraisal, request.user):
        # Visible for another reason (own appraisal, appraiser...) but outside the
        # inspector's scope: the API's bundle answers "no such subject" too.
        raise Http404
    read_access_record(
        reader=request.user, subject=appraisal, purpose="web.inspect", scope=appraisal.unit.path
    )
    subject_type, subject_id = subject_key(appraisal)
    page = timeline_page(request, appraisal)
    return render(
        request,
        "web/inspect_timeline.html",
        {
            "a": appraisal,
            # The whole chain is verified (the badge speaks for all of it); it is shown a page
            # at a time (`?cursor=`, as the history API pages it).
            **page,
            "rows": timeline_rows(page["events"], appraisal, complete=True),
            **_views(request),
            "actions": ACTION_LABELS,
            "verify": _verification(subject_type, subject_id),
            "bundle_url": reverse("audit-bundle")
            + "?"
            + urlencode({"subject": f"{subject_type}:{subject_id}"}),
        },
    )
