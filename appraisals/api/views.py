"""Thin views: validate input, call a selector or service, serialise output."""

from __future__ import annotations

import re

from django.utils import timezone
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.api.serializers import AuditEventSerializer
from audit.selectors import audit_events_of
from audit.services import read_access_record
from workflow import services as engine
from workflow.api.filters import IdFilter
from workflow.errors import ActionForbidden, PayloadInvalid, Problem
from workflow.services import serializer_problems
from workflow.text import Text

from ..models import Appraisal, PlanItem
from ..policies import appraisal_roles, contract_roles, profile_of
from ..selectors import (
    APPRAISAL_RELATED,
    appraisal_get_for,
    appraisal_get_visible,
    appraisal_list_visible,
)
from ..services.organisation import supervisor_resolve
from ..services.plan import ONLY_EMPLOYEE, plan_item_create, plan_item_delete, plan_item_update
from .serializers import (
    AppraisalListSerializer,
    AppraisalSerializer,
    MeEmployeeSerializer,
    MeSerializer,
    PlanItemSerializer,
    TransitionRequestSerializer,
)

HISTORY_READERS = frozenset(
    {"employee", "appraiser", "appeal_reviewer", "panel", "authority", "inspector"}
)
# What If-Match may hold, for the schema and the check: "*" or a version ("3", W/"3").
IF_MATCH_PATTERN = r'^[ \t]*(\*|(W/)?"?[0-9]{1,18}"?)[ \t]*$'
_IF_MATCH = re.compile(r'^[ \t]*(?:W/)?"?([0-9]{1,18})"?[ \t]*$')
NOT_A_VERSION = Text(
    id='If-Match harus berisi versi, misalnya "3".', en='If-Match must carry a version, e.g. "3".'
)


def expected_version(request) -> int | None:
    """The version the client last saw; a malformed header is 400, a stale one 412 (later)."""
    header = request.headers.get("If-Match")
    if header is None or header.strip(" \t") == "*":
        return None
    match = _IF_MATCH.match(header)
    if not match:
        raise PayloadInvalid(
            NOT_A_VERSION,
            [Problem(code="invalid_if_match", message=NOT_A_VERSION, field="If-Match")],
        )
    return int(match.group(1))


def with_related(appraisal: Appraisal) -> Appraisal:
    """The changed appraisal with its people in one query, for the response."""
    return Appraisal.objects.select_related(*APPRAISAL_RELATED).get(pk=appraisal.pk)


def with_etag(response: Response, appraisal_version: int) -> Response:
    response["ETag"] = f'"{appraisal_version}"'
    return response


class MeView(APIView):
    @extend_schema(responses=MeSerializer, summary="The caller, their roles and employee record")
    def get(self, request):
        user = request.user
        profile = profile_of(user)
        employee = None
        if profile.employee_id is not None:
            from ..models import Employee

            record = Employee.objects.select_related("unit", "position").get(pk=profile.employee_id)
            supervisor = supervisor_resolve(employee=record, on=timezone.localdate())
            employee = MeEmployeeSerializer(record, context={"supervisor": supervisor}).data
        return Response(
            {
                "id": user.pk,
                "username": user.get_username(),
                "roles": contract_roles(user),
                "employee": employee,
            }
        )


class AppraisalFilter(filters.FilterSet):
    state = filters.CharFilter(field_name="state")
    cycle = IdFilter(field_name="cycle_id")
    employee = IdFilter(field_name="employee_id")
    unit = IdFilter(field_name="unit_id")

    class Meta:
        model = Appraisal
        fields = ["state", "cycle", "employee", "unit"]


class AppraisalListView(generics.ListAPIView):
    serializer_class = AppraisalListSerializer
    filterset_class = AppraisalFilter

    def get_queryset(self):
        return appraisal_list_visible(user=self.request.user)


class AppraisalDetailView(APIView):
    @extend_schema(responses=AppraisalSerializer, summary="One appraisal, with what you may do")
    def get(self, request, pk: int):
        appraisal = appraisal_get_visible(user=request.user, pk=pk)
        read_access_record(
            reader=request.user,
            subject=appraisal,
            purpose="appraisal.detail",
            scope=appraisal.unit.path,
        )
        data = AppraisalSerializer(appraisal, context={"request": request}).data
        return with_etag(Response(data), appraisal.version)


class TransitionView(APIView):
    @extend_schema(
        request=TransitionRequestSerializer,
        responses={200: AppraisalSerializer},
        parameters=[
            OpenApiParameter(
                "If-Match",
                {"type": "string", "pattern": IF_MATCH_PATTERN},
                OpenApiParameter.HEADER,
                description='The version you last saw, e.g. "3".',
            ),
            OpenApiParameter(
                "Idempotency-Key",
                str,
                OpenApiParameter.HEADER,
                description="Retry-safe key; the first response is replayed.",
            ),
        ],
        summary="Fire a lifecycle transition",
    )
    def post(self, request, pk: int, name: str):
        appraisal = appraisal_get_visible(user=request.user, pk=pk)
        if not isinstance(request.data, dict):
            raise PayloadInvalid(
                Text(
                    "Isi permintaan harus berupa objek JSON.",
                    "The request body must be a JSON object.",
                )
            )
        payload = dict(request.data)
        reason_field = TransitionRequestSerializer(data={"reason": payload.pop("reason", "") or ""})
        if not reason_field.is_valid():
            raise PayloadInvalid(
                Text("Alasan tidak valid.", "The reason is invalid."),
                serializer_problems(reason_field.errors),
            )
        reason = reason_field.validated_data["reason"]
        key = request.headers.get("Idempotency-Key") or None
        if key is not None and len(key) > 255:
            raise PayloadInvalid(
                Text(
                    "Idempotency-Key terlalu panjang (maks. 255).",
                    "Idempotency-Key is too long (max 255).",
                )
            )
        outcome = engine.perform(
            appraisal,
            name,
            actor=request.user,
            payload=payload,
            reason=reason,
            expected_version=expected_version(request),
            idempotency_key=key,
            render=lambda obj: (
                AppraisalSerializer(with_related(obj), context={"request": request}).data
            ),
        )
        response = Response(outcome.response, status=status.HTTP_200_OK)
        if outcome.replayed:
            response["Idempotent-Replayed"] = "true"
        return response


class HistoryView(APIView):
    @extend_schema(
        responses=AuditEventSerializer(many=True),
        summary="Every change of the appraisal, oldest first, hash-chained",
    )
    def get(self, request, pk: int):
        appraisal = appraisal_get_visible(user=request.user, pk=pk)
        if not appraisal_roles(appraisal, request.user) & HISTORY_READERS:
            raise ActionForbidden(
                Text("Anda tidak berwenang membaca riwayat ini.", "You may not read this history.")
            )
        read_access_record(
            reader=request.user,
            subject=appraisal,
            purpose="appraisal.history",
            scope=appraisal.unit.path,
        )
        events = audit_events_of(subject=appraisal)
        return Response(AuditEventSerializer(events, many=True).data)


class _PlanItemMixin:
    def appraisal(self) -> Appraisal:
        return appraisal_get_visible(user=self.request.user, pk=self.kwargs["pk"])

    def writable(self) -> Appraisal:
        """Only the employee writes the plan: refused before the body is read."""
        return appraisal_get_for(
            user=self.request.user, pk=self.kwargs["pk"], role="employee", refusal=ONLY_EMPLOYEE
        )

    def item(self, appraisal: Appraisal) -> PlanItem:
        try:
            return appraisal.plan_items.prefetch_related("indicators").get(pk=self.kwargs["item"])
        except (PlanItem.DoesNotExist, ValueError):
            from workflow.errors import NotFound

            raise NotFound(
                Text("Rencana hasil kerja tidak ditemukan.", "Result item not found.")
            ) from None


class PlanItemListView(_PlanItemMixin, APIView):
    @extend_schema(responses=PlanItemSerializer(many=True), summary="The plan's result items")
    def get(self, request, pk: int):
        appraisal = self.appraisal()
        items = appraisal.plan_items.prefetch_related("indicators")
        return Response(PlanItemSerializer(items, many=True).data)

    @extend_schema(
        request=PlanItemSerializer,
        responses={201: PlanItemSerializer},
        summary="Add a result item (employee, draft only)",
    )
    def post(self, request, pk: int):
        appraisal = self.writable()
        serializer = PlanItemSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        item = plan_item_create(
            appraisal=appraisal,
            actor=request.user,
            result=data["result"],
            parent_item=data.get("parent_item"),
            perspective=data.get("perspective", ""),
            indicators=[dict(i) for i in data.get("indicators", [])],
            expected_version=expected_version(request),
        )
        return Response(PlanItemSerializer(item).data, status=status.HTTP_201_CREATED)


class PlanItemDetailView(_PlanItemMixin, APIView):
    @extend_schema(responses=PlanItemSerializer, summary="One result item")
    def get(self, request, pk: int, item: int):
        return Response(PlanItemSerializer(self.item(self.appraisal())).data)

    @extend_schema(
        request=PlanItemSerializer,
        responses=PlanItemSerializer,
        summary="Change a result item (employee, draft only)",
    )
    def patch(self, request, pk: int, item: int):
        appraisal = self.writable()
        current = self.item(appraisal)
        serializer = PlanItemSerializer(current, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if "indicators" in data:
            data["indicators"] = [dict(i) for i in data["indicators"]]
        updated = plan_item_update(
            item=current, actor=request.user, data=data, expected_version=expected_version(request)
        )
        updated = PlanItem.objects.prefetch_related("indicators").get(pk=updated.pk)
        return Response(PlanItemSerializer(updated).data)

    @extend_schema(responses={204: None}, summary="Delete a result item (employee, draft only)")
    def delete(self, request, pk: int, item: int):
        appraisal = self.writable()
        plan_item_delete(
            item=self.item(appraisal),
            actor=request.user,
            expected_version=expected_version(request),
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
