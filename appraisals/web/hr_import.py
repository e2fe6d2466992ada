"""The HR administrator's organisation import: a dry run, then the same file applied."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse


@login_required
def organisation_import(request):
    return HttpResponse("TODO", status=501)
