from django.conf import settings
from django.utils.module_loading import import_string
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from ..models import AuditEvent
from ..verify import verify_chains
from .serializers import AuditEventSerializer, VerifyReportSerializer


class IsInspector(BasePermission):
    """Audit endpoints are for inspectors only.

    Who is an inspector is the domain's knowledge; the audit app asks it
    through settings.AUDIT_INSPECTOR_CHECK instead of importing the domain.
    """

    def has_permission(self, request, view) -> bool:
        check = import_string(settings.AUDIT_INSPECTOR_CHECK)
        return bool(request.user and request.user.is_authenticated and check(request.user))


class AuditEventFilter(filters.FilterSet):
    subject = filters.CharFilter(
        method="filter_subject", help_text="<type>:<id>, e.g. appraisals.appraisal:42"
    )
    actor = filters.CharFilter(field_name="actor_username")
    action = filters.CharFilter(field_name="action")
    since = filters.IsoDateTimeFilter(field_name="at", lookup_expr="gte")
    until = filters.IsoDateTimeFilter(field_name="at", lookup_expr="lt")

    class Meta:
        model = AuditEvent
        fields = ["subject", "actor", "action", "since", "until"]

    def filter_subject(self, queryset, name, value):
        subject_type, _, subject_id = value.rpartition(":")
        if not subject_type:
            return queryset.filter(subject_id=value)
        return queryset.filter(subject_type=subject_type, subject_id=subject_id)


class AuditEventListView(generics.ListAPIView):
    permission_classes = [IsInspector]
    serializer_class = AuditEventSerializer
    filterset_class = AuditEventFilter
    queryset = AuditEvent.objects.order_by("at", "id")


class AuditVerifyView(APIView):
    permission_classes = [IsInspector]

    @extend_schema(responses=VerifyReportSerializer, summary="Recompute every hash chain")
    def get(self, request):
        return Response(verify_chains().as_dict())
