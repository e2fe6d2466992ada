"""The talent pool page of a unit and its downloads (issue #18 part 4).

The same rule, selectors and services as the API (`api/talent.py`): HR and the panel
of the unit's subtree read it; the panel goes from a record to the propose form of
the employee's latest final appraisal, the kind preset to a promotion.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render

from workflow.errors import ActionForbidden, NotFound

from ..policies import profile_of
from ..selectors.talent import talent_pool_of, talent_records, talent_unit_get_visible
from ..services.talent import FORMATS, talent_export, talent_filename, talent_read_record
from ..talent import talent_predicates, talent_years
from .labels import label

PAGE_SIZE = 50


def _unit(request, pk: int):
    try:
        return talent_unit_get_visible(user=request.user, pk=pk)
    except NotFound:
        raise Http404 from None
    except ActionForbidden:
        raise PermissionDenied from None


@login_required
def talent_pool_page(request, pk: int):
    unit = _unit(request, pk)
    page = Paginator(talent_pool_of(unit=unit), PAGE_SIZE).get_page(request.GET.get("page"))
    talent_read_record(reader=request.user, unit=unit, purpose="web.talent_pool")
    records = talent_records(employees=page.object_list)
    # Proposing is the panel's (the form then checks state, kind and separation of duties).
    proposes = "panel" in profile_of(request.user).holds_in(unit.path)
    return render(
        request,
        "web/talent_pool.html",
        {
            "unit": unit,
            "page": page,
            "records": records,
            "years": talent_years(),
            "rule": ", ".join(str(label(p)) for p in talent_predicates()),
            "proposes": proposes,
        },
    )


@login_required
def talent_pool_file(request, pk: int, fmt: str):
    if fmt not in FORMATS:
        raise Http404
    unit = _unit(request, pk)
    response = HttpResponse(
        talent_export(unit=unit, fmt=fmt, reader=request.user), content_type=FORMATS[fmt]
    )
    name = talent_filename(unit=unit, fmt=fmt)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
