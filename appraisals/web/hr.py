"""The HR administrator's pages: cycles, bulk jobs, unit dashboards, organisation import."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse


@login_required
def cycles(request):
    return HttpResponse("TODO", status=501)


@login_required
def job(request, pk: int):
    return HttpResponse("TODO", status=501)


@login_required
def unit_dashboard(request, pk: int):
    return HttpResponse("TODO", status=501)


@login_required
def organisation_import(request):
    return HttpResponse("TODO", status=501)


@login_required
def lifecycle(request):
    return HttpResponse("TODO", status=501)
