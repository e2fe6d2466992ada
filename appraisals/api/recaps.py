"""A unit's recap for a cycle, as XLSX or CSV; a large one as a bulk job to download later.

Who may read the unit dashboard (its calibration) may take its recap: the
authority, the panel, HR admins and inspectors of the unit's subtree. A unit
outside the caller's sight is 404, one only seen in the directory 403.
"""

from __future__ import annotations

from django.http import FileResponse, StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from workflow.api.filters import ID_SCHEMA, query_id, required_query

from ..selectors import bulk_job_get_visible
from ..selectors.calibration import unit_get_visible
from ..services.recap_jobs import recap_job_start
from ..services.recaps import (
    FORMATS,
    recap_csv_stream,
    recap_cycle_get,
    recap_filename,
    recap_is_large,
    recap_job_file,
    recap_read_record,
    recap_xlsx_tempfile,
)
from .cycles import BulkJobSerializer

_QUEUED = OpenApiResponse(
    BulkJobSerializer,
    description="A large recap: made by a worker; follow the job and download its file",
)


def recap_response(*, cycle, unit, fmt: str, reader):
    """The download: CSV streamed as it is read, XLSX from a temporary file; the read noted."""
    recap_read_record(reader=reader, unit=unit, cycle=cycle, fmt=fmt)
    name = recap_filename(cycle=cycle, unit=unit, fmt=fmt)
    if fmt == "csv":
        response = StreamingHttpResponse(
            recap_csv_stream(cycle=cycle, unit=unit), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    return FileResponse(
        recap_xlsx_tempfile(cycle=cycle, unit=unit),
        as_attachment=True,
        filename=name,
        content_type=FORMATS["xlsx"],
    )


class _RecapView(APIView):
    fmt = ""

    def perform_content_negotiation(self, request, force=False):
        # A download may be asked for with any Accept header; errors stay JSON.
        return super().perform_content_negotiation(request, force=True)

    def get(self, request, pk: int):
        unit = unit_get_visible(user=request.user, pk=pk)
        cycle = recap_cycle_get(
            unit=unit, cycle_id=query_id(request, "cycle") or required_query("cycle")
        )
        if recap_is_large(cycle=cycle, unit=unit):
            job = recap_job_start(cycle=cycle, unit=unit, fmt=self.fmt, actor=request.user)
            job.refresh_from_db()
            response = Response(BulkJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)
            response["Location"] = f"/api/jobs/{job.pk}/"
            return response
        return recap_response(cycle=cycle, unit=unit, fmt=self.fmt, reader=request.user)


_CYCLE = [OpenApiParameter("cycle", ID_SCHEMA, required=True)]


class RecapXlsxView(_RecapView):
    fmt = "xlsx"

    @extend_schema(
        parameters=_CYCLE,
        responses={
            (200, FORMATS["xlsx"]): OpenApiResponse(
                OpenApiTypes.BINARY,
                description="Sheet 'Pegawai': a row per appraisal; 'Rekapitulasi': totals",
            ),
            (202, "application/json"): _QUEUED,
        },
        summary="The unit's recap for a cycle as a spreadsheet (XLSX)",
    )
    def get(self, request, pk: int):
        return super().get(request, pk)


class RecapCsvView(_RecapView):
    fmt = "csv"

    @extend_schema(
        parameters=_CYCLE,
        responses={
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.BINARY,
                description="A row per appraisal, in the exchange layout of the mapping file",
            ),
            (202, "application/json"): _QUEUED,
        },
        summary="The unit's recap for a cycle as CSV (exchange with the national systems)",
    )
    def get(self, request, pk: int):
        return super().get(request, pk)


class BulkJobFileView(APIView):
    def perform_content_negotiation(self, request, force=False):
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        responses={
            (200, media): OpenApiResponse(
                OpenApiTypes.BINARY, description="A finished recap job's file, as an attachment"
            )
            for media in ("text/csv", FORMATS["xlsx"])
        },
        summary="Download the file a finished job made (a large recap)",
    )
    def get(self, request, pk: int):
        job = bulk_job_get_visible(user=request.user, pk=pk)
        path, name, content_type = recap_job_file(job)
        # The reader must still see the unit (a role may have ended since the job).
        unit = unit_get_visible(user=request.user, pk=job.params["unit"])
        recap_read_record(reader=request.user, unit=unit, cycle=job.cycle, fmt=job.params["format"])
        return FileResponse(
            path.open("rb"), as_attachment=True, filename=name, content_type=content_type
        )
