"""HR's page for acting officials (Plt/Plh): appoint one, end one, see who acts for whom.

The form names people by NIP, as HR's letters (surat perintah) do; a NIP outside
the admin's scope is "not found", as an id outside it is on the API. The
appointment and its end go through the API's own services, so the open
appraisals move in the same transaction.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from workflow.errors import NotFound, WorkflowError
from workflow.web.errors import PageErrors

from ..api.acting import ActingIn, EndIn
from ..models import ActingAssignment, Employee
from ..policies import hr_scope
from ..selectors.acting import acting_get_managed, acting_list_managed
from ..services.acting import acting_appoint, acting_end
from .hr import PAGE_SIZE, hr_scopes

FIELDS = ("substitute_nip", "replaces_nip", "kind", "valid_from", "valid_until", "reason")


def _employee_id(user, nip: str) -> int | None:
    return (
        Employee.objects.filter(hr_scope(user, "unit__path"), nip=nip.strip())
        .values_list("pk", flat=True)
        .first()
    )


def _page(request, *, values=None, errors=None, status=200):
    rows = acting_list_managed(user=request.user)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    values = values or {"kind": "plt", "valid_from": timezone.localdate().isoformat()}
    return render(
        request,
        "web/hr_acting.html",
        {
            "page": page,
            "values": values,
            "kinds": ActingAssignment.Kind.choices,
            "errors": errors or PageErrors(),
        },
        status=status,
    )


@login_required
def acting(request):
    """Appointments in the admin's scope (newest first); a new one is appointed here (POST)."""
    hr_scopes(request.user)
    if request.method != "POST":
        return _page(request)
    values = {f: request.POST.get(f, "").strip() for f in FIELDS}
    errors = PageErrors(status=400)
    data = {k: values[k] for k in ("kind", "valid_from", "reason")}
    if values["valid_until"]:
        data["valid_until"] = values["valid_until"]
    for field, target in (("substitute_nip", "substitute"), ("replaces_nip", "replaces")):
        found = _employee_id(request.user, values[field]) if values[field] else None
        if found is None:
            errors.add(_("No employee with this NIP in your scope."), field)
        data[target] = found
    serializer = ActingIn(data=data, context={"user": request.user})
    if not serializer.is_valid():
        rename = {"substitute": "substitute_nip", "replaces": "replaces_nip"}
        for field, problems in PageErrors.invalid(serializer.errors, rename).fields.items():
            if field not in errors.fields:
                for message in problems:
                    errors.add(message, field)
    if errors:
        errors.fields = dict(errors.fields)
        return _page(request, values=values, errors=errors, status=400)
    try:
        assignment, moved = acting_appoint(actor=request.user, **serializer.validated_data)
    except WorkflowError as error:
        errors = PageErrors.of(error)
        errors.fields = {
            {"substitute": "substitute_nip", "replaces": "replaces_nip"}.get(k, k): v
            for k, v in errors.fields.items()
        }
        return _page(request, values=values, errors=errors, status=error.status)
    messages.success(
        request,
        _("%(kind)s appointed: %(name)s; %(n)d open appraisal(s) moved to them.")
        % {"kind": assignment.get_kind_display(), "name": assignment.substitute.name, "n": moved},
    )
    return redirect("web:hr-acting")


@login_required
@require_POST
def acting_end_page(request, pk: int):
    hr_scopes(request.user)
    try:
        assignment = acting_get_managed(user=request.user, pk=pk)
    except NotFound:
        raise Http404 from None
    serializer = EndIn(data={"reason": request.POST.get("reason", "").strip()})
    serializer.is_valid(raise_exception=False)
    try:
        moved = acting_end(actor=request.user, assignment=assignment, **serializer.validated_data)
    except WorkflowError as error:
        return _page(request, errors=PageErrors.of(error), status=error.status)
    messages.success(
        request,
        _("Appointment ended; %(n)d open appraisal(s) handed back.") % {"n": moved},
    )
    return redirect("web:hr-acting")
