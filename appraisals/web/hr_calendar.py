"""The HR administrator's calendar page: the instansi's zone and its non-working days.

Reads and writes go through the same selectors and services as the API
(appraisals/api/calendar.py), so the page does exactly what the API lets the
same user do; an instansi outside the user's HR scopes is 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from workflow.errors import WorkflowError
from workflow.web.errors import PageErrors

from .. import clock
from ..api.calendar import AgencyDaySerializer, UnitTimeZoneSerializer, agency_day_get_for_hr
from ..models import AgencyDay, Unit
from ..models.organisation import TIME_ZONES, path_ids
from ..services.calendar import agency_day_add, agency_day_remove, unit_time_zone_set
from .hr import hr_scopes


def _instansi_managed_or_404(user, pk) -> Unit:
    roots = {path_ids(path)[0] for path in hr_scopes(user) if path}
    unit = Unit.objects.filter(pk=pk, pk__in=roots).first()
    if unit is None:
        raise Http404
    return unit


def _page(request, instansi: Unit, *, errors: PageErrors | None = None, values=None, status=200):
    hr_scopes(request.user)
    tz = clock.agency_zone(instansi)
    today = clock.local_date(timezone.now(), instansi)
    try:
        year = int(request.GET.get("year", "") or today.year)
    except ValueError:
        year = today.year
    year = min(max(year, 2000), 2100)
    national = sorted(clock.national_holidays(year).items())
    days = AgencyDay.objects.filter(instansi=instansi, date__year=year).order_by("date")
    roots = {path_ids(path)[0] for path in hr_scopes(request.user) if path}
    return render(
        request,
        "web/hr_calendar.html",
        {
            "instansi": instansi,
            "instansi_choices": Unit.objects.filter(pk__in=roots).order_by("path"),
            "zone": tz,
            "zone_abbreviation": clock.zone_abbreviation(tz),
            "zones": TIME_ZONES,
            "year": year,
            "national": national,
            "days": days,
            "kinds": AgencyDay.Kind.choices,
            "values": values or {"date": "", "kind": AgencyDay.Kind.JOINT_LEAVE, "name": ""},
            "errors": errors or PageErrors(),
        },
        status=status,
    )


@login_required
def calendar_home(request):
    """The first instansi the HR admin looks after."""
    roots = [path_ids(path)[0] for path in hr_scopes(request.user) if path]
    return redirect("web:hr-calendar", pk=sorted(roots)[0])


@login_required
def calendar_page(request, pk: int):
    instansi = _instansi_managed_or_404(request.user, pk)
    if request.method != "POST":
        return _page(request, instansi)
    values = {f: request.POST.get(f, "").strip() for f in ("date", "kind", "name")}
    serializer = AgencyDaySerializer(data={**values, "instansi": instansi.pk})
    if not serializer.is_valid():
        errors = PageErrors.invalid(serializer.errors)
        return _page(request, instansi, errors=errors, values=values, status=400)
    try:
        day = agency_day_add(actor=request.user, **serializer.validated_data)
    except WorkflowError as error:
        errors = PageErrors.of(error)
        return _page(request, instansi, errors=errors, values=values, status=error.status)
    messages.success(
        request, _("Non-working day added: %(date)s.") % {"date": f"{day.date:%d-%m-%Y}"}
    )
    return redirect(f"{request.path}?year={day.date.year}")


@login_required
@require_POST
def calendar_day_remove(request, pk: int, day: int):
    instansi = _instansi_managed_or_404(request.user, pk)
    try:
        found = agency_day_get_for_hr(user=request.user, pk=day)
        if found.instansi_id != instansi.pk:
            raise Http404
        agency_day_remove(actor=request.user, day=found)
    except WorkflowError as error:
        if error.status == 404:
            raise Http404 from None
        return _page(request, instansi, errors=PageErrors.of(error), status=error.status)
    messages.success(request, _("Non-working day removed."))
    return redirect("web:hr-calendar", pk=instansi.pk)


@login_required
@require_POST
def calendar_zone(request, pk: int):
    instansi = _instansi_managed_or_404(request.user, pk)
    serializer = UnitTimeZoneSerializer(data={"time_zone": request.POST.get("time_zone", "")})
    if not serializer.is_valid():
        return _page(request, instansi, errors=PageErrors.invalid(serializer.errors), status=400)
    try:
        unit_time_zone_set(
            actor=request.user, unit=instansi, time_zone=serializer.validated_data["time_zone"]
        )
    except WorkflowError as error:
        return _page(request, instansi, errors=PageErrors.of(error), status=error.status)
    messages.success(request, _("Time zone saved."))
    return redirect("web:hr-calendar", pk=instansi.pk)
