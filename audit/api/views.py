"""Audit endpoints: inspectors only, read only, each inspector within their scope."""

from __future__ import annotations

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import hooks
from ..checkpoints import checkpoints_export
from ..models import AuditEvent, Checkpoint, ReadAccess
from ..selectors import audit_events_visible, read_accesses_visible, subjects_visible
from ..verify import verify_audit
from .pagination import AuditEventPagination
from .serializers import (
    AuditEventSerializer,
    CheckpointExportSerializer,
    CheckpointSerializer,
    ReadAccessSerializer,
    VerifyReportSerializer,
)


class IsInspector(BasePermission):
    """Audit endpoints are for inspectors only, and only for reading.

    Who is an inspector is the domain's knowledge; the audit app asks it
    through settings.AUDIT_INSPECTOR_CHECK instead of importing the domain.
    """

    def has_permission(self, request, view) -> bool:
        return hooks.is_inspector(request.user)


class _ScopedFilter(filters.FilterSet):
    """Filters shared by events and reads: where (unit or scope) and when."""

    unit = filters.CharFilter(method="filter_unit", help_text="a unit id: its whole subtree")
    scope = filters.CharFilter(
        field_name="scope", lookup_expr="startswith", help_text='a unit path, e.g. "/1/4/"'
    )
    since = filters.IsoDateTimeFilter(field_name="at", lookup_expr="gte")
    until = filters.IsoDateTimeFilter(field_name="at", lookup_expr="lt")

    def filter_unit(self, queryset, name, value):
        path = hooks.unit_path(value)
        return queryset.filter(scope__startswith=path) if path else queryset.none()

    def filter_subject(self, queryset, name, value):
        subject_type, _, subject_id = value.rpartition(":")
        if not subject_type:
            return queryset.filter(subject_id=value)
        return queryset.filter(subject_type=subject_type, subject_id=subject_id)


class AuditEventFilter(_ScopedFilter):
    subject = filters.CharFilter(
        method="filter_subject", help_text="<type>:<id>, e.g. appraisals.appraisal:42"
    )
    actor = filters.CharFilter(field_name="actor_username")
    action = filters.CharFilter(field_name="action")

    class Meta:
        model = AuditEvent
        fields = ["subject", "unit", "scope", "actor", "action", "since", "until"]


class AuditEventListView(generics.ListAPIView):
    """Search the events in your scope, oldest first.

    `count` is exact up to 1,000 matches (or ten pages past the asked one); beyond, on
    PostgreSQL, it is the planner's estimate (audit/api/pagination.py).
    """

    permission_classes = [IsInspector]
    serializer_class = AuditEventSerializer
    pagination_class = AuditEventPagination
    filterset_class = AuditEventFilter

    def get_queryset(self):
        return audit_events_visible(user=self.request.user).order_by("at", "id")


def _scoped_problems(user, problems: list[dict]) -> list[dict]:
    """Problems about subjects in the inspector's scope, and those about no subject."""
    subjects = sorted({p["subject"] for p in problems if "subject" in p})
    visible = set(subjects_visible(user=user, subjects=subjects))
    # A subject left with no event at all has no scope any more: everyone must see that.
    present = {
        f"{t}:{i}"
        for t, i in AuditEvent.objects.order_by()
        .filter(subject_id__in=[s.partition(":")[2] for s in subjects])
        .values_list("subject_type", "subject_id")
        .distinct()
    }
    return [
        p
        for p in problems
        if "subject" not in p or p["subject"] in visible or p["subject"] not in present
    ]


class AuditVerifyView(APIView):
    permission_classes = [IsInspector]

    @extend_schema(
        responses=VerifyReportSerializer,
        summary="Recompute every hash chain, check checkpoints and live records",
    )
    def get(self, request):
        report = verify_audit().as_dict()
        report["problems"] = _scoped_problems(request.user, report["problems"])
        report["ok"] = not report["problems"]
        return Response(report)


class CheckpointListView(generics.ListAPIView):
    """Signed tree heads, oldest first (they name no person)."""

    permission_classes = [IsInspector]
    serializer_class = CheckpointSerializer
    queryset = Checkpoint.objects.order_by("number")


class CheckpointExportView(APIView):
    permission_classes = [IsInspector]

    @extend_schema(
        responses=CheckpointExportSerializer,
        summary="Every checkpoint as one file, to keep outside the database",
    )
    def get(self, request):
        response = Response(checkpoints_export())
        response["Content-Disposition"] = 'attachment; filename="kinerja-checkpoints.json"'
        return response


class ReadAccessFilter(_ScopedFilter):
    subject = filters.CharFilter(method="filter_subject", help_text="<type>:<id>")
    reader = filters.CharFilter(field_name="reader_username")
    purpose = filters.CharFilter(field_name="purpose")

    class Meta:
        model = ReadAccess
        fields = ["subject", "reader", "purpose", "unit", "scope", "since", "until"]


class ReadAccessListView(generics.ListAPIView):
    """Who opened whose appraisal, newest first, in your scope."""

    permission_classes = [IsInspector]
    serializer_class = ReadAccessSerializer
    filterset_class = ReadAccessFilter

    def get_queryset(self):
        return read_accesses_visible(user=self.request.user).order_by("-at", "-id")
