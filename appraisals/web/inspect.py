"""The inspector's pages: search over audit events, an appraisal's verified timeline."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse


@login_required
def search(request):
    return HttpResponse("TODO", status=501)


@login_required
def timeline(request, pk: int):
    return HttpResponse("TODO", status=501)
