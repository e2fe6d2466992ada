"""The unit dashboard's recap downloads (XLSX, CSV) and a recap job's file.

The same rule and the same services as the API (`api/recaps.py`): whoever may
read the dashboard takes the recap; a large one becomes a bulk job whose page
shows the progress bar and, when done, the download.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect

from workflow.errors import NotFound

from ..api.recaps import recap_response
from ..selectors import bulk_job_get_visible
from ..selectors.calibration import unit_get_visible
from ..services.recap_jobs import recap_job_start
from ..services.recaps import (
    FORMATS,
    recap_cycle_get,
    recap_is_large,
    recap_job_file,
    recap_read_record,
)


@login_required
def unit_recap(request, pk: int, fmt: str):
    if fmt not in FORMATS:
        raise Http404
    try:
        unit = unit_get_visible(user=request.user, pk=pk)
        cycle = recap_cycle_get(unit=unit, cycle_id=request.GET.get("cycle"))
    except NotFound:
        raise Http404 from None
    if recap_is_large(cycle=cycle, unit=unit):
        job = recap_job_start(cycle=cycle, unit=unit, fmt=fmt, actor=request.user)
        return redirect("web:hr-job", pk=job.pk)
    return recap_response(cycle=cycle, unit=unit, fmt=fmt, reader=request.user)


@login_required
def job_file(request, pk: int):
    try:
        job = bulk_job_get_visible(user=request.user, pk=pk)
        path, name, content_type = recap_job_file(job)
        unit = unit_get_visible(user=request.user, pk=job.params["unit"])
    except NotFound:
        raise Http404 from None
    recap_read_record(reader=request.user, unit=unit, cycle=job.cycle, fmt=job.params["format"])
    return FileResponse(
        path.open("rb"), as_attachment=True, filename=name, content_type=content_type
    )
