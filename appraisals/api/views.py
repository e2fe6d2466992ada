"""Thin views: validate input, call a selector or service, serialise output."""

from __future__ import annotations

from django.utils import timezone
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.services import read_access_record
from workflow.api.filters import IdFilter
from workflow.api.objects import expected_version
from workflow.errors import NotFound
from workflow.text import Text

from ..models import Appraisal, PlanItem
from ..policies import contract_roles
from ..selectors import appraisal_get_visible, appraisal_list_visible
from ..selectors.organisation import employee_own_get
from ..services.organisation import supervisor_resolve
from ..services.plan import (
    plan_item_create,
    plan_item_delete,
    plan_item_update,
    plan_write_authorise,
)
from .serializers import (
    AppraisalListSerializer,
    AppraisalSerializer,
    MeEmployeeSerializer,
    MeSerializer,
    PlanItemSerializer,
)


def with_etag(response: Response, appraisal_version: int) -> Response:
    response["ETag"] = f'"{appraisal_version}"'
    return response


class MeView(APIView):
    @extend_schema(responses=MeSerializer, summary="The caller, their roles and employee record")
    def get(self, request):
        user = request.user
        employee = None
        record = employee_own_get(user=user)
        if record is not None:
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


class _PlanItemMixin:
    def appraisal(self) -> Appraisal:
        return appraisal_get_visible(user=self.request.user, pk=self.kwargs["pk"])

    def writable(self) -> Appraisal:
        """The employee (or HR after the fallback date) writes the plan: refused before
        the body is read."""
        appraisal = appraisal_get_visible(user=self.request.user, pk=self.kwargs["pk"])
        plan_write_authorise(appraisal=appraisal, actor=self.request.user)
        return appraisal

    def item(self, appraisal: Appraisal) -> PlanItem:
        try:
            return appraisal.plan_items.prefetch_related("indicators").get(pk=self.kwargs["item"])
        except (PlanItem.DoesNotExist, ValueError):
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
