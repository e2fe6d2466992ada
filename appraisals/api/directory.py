"""Read-only organisation directory: units, positions, employees — scoped by the policy."""

from __future__ import annotations

from django_filters import rest_framework as filters
from rest_framework import generics, serializers

from workflow.api.filters import IdFilter, TrueOrFalseFilter

from ..models import Employee, Position, Unit
from ..policies import employee_visibility, unit_visibility


class UnitSerializer(serializers.ModelSerializer):
    time_zone = serializers.CharField(
        read_only=True,
        help_text="The unit's own IANA zone (Asia/Jakarta, Asia/Makassar or Asia/Jayapura); "
        "blank: its parent's, else the default.",
    )

    class Meta:
        model = Unit
        fields = ["id", "code", "name", "kind", "parent", "path", "time_zone"]
        read_only_fields = fields


class PositionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Position
        fields = ["id", "name", "unit", "kind"]
        read_only_fields = fields


class EmployeeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Employee
        fields = ["id", "nip", "name", "unit", "position", "grade", "kind", "active"]
        read_only_fields = fields


class UnitFilter(filters.FilterSet):
    parent = IdFilter(field_name="parent_id")
    kind = filters.CharFilter(field_name="kind")

    class Meta:
        model = Unit
        fields = ["parent", "kind"]


class EmployeeFilter(filters.FilterSet):
    unit = IdFilter(field_name="unit_id")
    active = TrueOrFalseFilter(field_name="active")
    kind = filters.CharFilter(field_name="kind")
    nip = filters.CharFilter(field_name="nip")

    class Meta:
        model = Employee
        fields = ["unit", "active", "kind", "nip"]


class UnitListView(generics.ListAPIView):
    serializer_class = UnitSerializer
    filterset_class = UnitFilter

    def get_queryset(self):
        return Unit.objects.filter(unit_visibility(self.request.user)).order_by("path")


class UnitDetailView(generics.RetrieveAPIView):
    serializer_class = UnitSerializer

    def get_queryset(self):
        return Unit.objects.filter(unit_visibility(self.request.user))


class PositionListView(generics.ListAPIView):
    serializer_class = PositionSerializer

    def get_queryset(self):
        units = Unit.objects.filter(unit_visibility(self.request.user))
        return Position.objects.filter(unit__in=units).order_by("id")


class EmployeeListView(generics.ListAPIView):
    serializer_class = EmployeeSerializer
    filterset_class = EmployeeFilter

    def get_queryset(self):
        return Employee.objects.filter(employee_visibility(self.request.user)).order_by("id")


class EmployeeDetailView(generics.RetrieveAPIView):
    serializer_class = EmployeeSerializer

    def get_queryset(self):
        return Employee.objects.filter(employee_visibility(self.request.user))
