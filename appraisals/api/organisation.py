"""HR administrators' organisation changes that reach into open appraisals."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from ..models import Employee, Position, Unit
from ..policies import hr_scope
from ..selectors import employee_get_for
from ..services.changes import (
    LEAVE_REASONS,
    ONLY_HR,
    employee_leave,
    employee_supervisor_change,
    employee_transfer,
)


def employee_get_for_staff_office(*, user, pk) -> Employee:
    """An employee an HR admin acts on: 404 if unseen, 403 if seen by anyone else.

    Refused before the body is validated; the service checks again (and the
    destination unit of a transfer) under its own rules.
    """
    return employee_get_for(user=user, pk=pk, roles={"hr_admin"}, refusal=ONLY_HR)


# The change takes effect on its appraisals when it is recorded, so it is recorded when it
# takes effect: JSON Schema cannot state "not after today", the description does.
EFFECTIVE = (
    "Tanggal berlaku, paling lambat hari ini (tidak boleh di masa depan: catat perubahan saat "
    "berlaku) / The effective date, today at the latest (not in the future: record the change "
    "when it takes effect); otherwise 400 with the problem code future_date."
)


class _InScope(serializers.Serializer):
    """Ids in the body resolve only inside the caller's HR scope.

    One outside it is refused exactly as an id that does not exist (400 on its
    field), so the answer does not tell that it exists (issue #13, item 7).
    """

    # field -> the path of its unit, as seen from the field's model
    SCOPED: dict[str, str] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.context.get("user")
        if user is None:  # the schema generator
            return
        for name, path_field in self.SCOPED.items():
            field = self.fields[name]
            field.queryset = field.queryset.filter(hr_scope(user, path_field))


class SupervisorChangeIn(_InScope):
    SCOPED = {"supervisor": "unit__path"}

    supervisor = serializers.PrimaryKeyRelatedField(
        queryset=Employee.objects.filter(active=True), allow_null=True
    )
    effective = serializers.DateField(help_text=EFFECTIVE)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=10000)


class TransferIn(SupervisorChangeIn):
    SCOPED = {"supervisor": "unit__path", "unit": "path", "position": "unit__path"}

    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all())
    position = serializers.PrimaryKeyRelatedField(
        queryset=Position.objects.all(), allow_null=True, required=False
    )


class LeaveIn(serializers.Serializer):
    kind = serializers.ChoiceField(choices=sorted(LEAVE_REASONS))
    effective = serializers.DateField(help_text=EFFECTIVE)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=10000)


class _EmployeeChangeView(APIView):
    serializer_class: type[serializers.Serializer]

    def validated(self, request) -> dict:
        data = self.serializer_class(data=request.data, context={"user": request.user})
        data.is_valid(raise_exception=True)
        return dict(data.validated_data)

    def done(self) -> Response:
        return Response(status=status.HTTP_204_NO_CONTENT)


class SupervisorChangeView(_EmployeeChangeView):
    serializer_class = SupervisorChangeIn

    @extend_schema(
        request=SupervisorChangeIn,
        responses={204: None},
        summary="Change an employee's supervisor from a date (HR admin)",
    )
    def post(self, request, pk: int):
        employee = employee_get_for_staff_office(user=request.user, pk=pk)
        data = self.validated(request)
        employee_supervisor_change(employee=employee, actor=request.user, **data)
        return self.done()


class TransferView(_EmployeeChangeView):
    serializer_class = TransferIn

    @extend_schema(
        request=TransferIn,
        responses={204: None},
        summary="Transfer (mutasi) an employee to another unit/position (HR admin)",
    )
    def post(self, request, pk: int):
        employee = employee_get_for_staff_office(user=request.user, pk=pk)
        data = self.validated(request)
        data.setdefault("position", None)
        employee_transfer(employee=employee, actor=request.user, **data)
        return self.done()


class LeaveView(_EmployeeChangeView):
    serializer_class = LeaveIn

    @extend_schema(
        request=LeaveIn,
        responses={204: None},
        summary="Record retirement, death, dismissal or contract end (HR admin)",
    )
    def post(self, request, pk: int):
        employee = employee_get_for_staff_office(user=request.user, pk=pk)
        employee_leave(employee=employee, actor=request.user, **self.validated(request))
        return self.done()
