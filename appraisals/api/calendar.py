"""The agency's clock over HTTP: joint leave / local days and the zone of a unit (HR)."""

from __future__ import annotations

from django.db.models import Q
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from workflow.errors import ActionForbidden, NotFound
from workflow.text import Text

from .. import clock
from ..models import AgencyDay, Unit
from ..models.organisation import TIME_ZONES, path_ids
from ..policies import profile_of
from ..selectors import unit_get_for
from ..services.calendar import (
    ONLY_HR_CALENDAR,
    ONLY_HR_ZONE,
    agency_day_add,
    agency_day_remove,
    unit_time_zone_set,
)

DAY_NOT_FOUND = Text(id="Hari libur tidak ditemukan.", en="Non-working day not found.")


def _managed_instansi_q(user) -> Q:
    """Days of the instansi at the top of each of the user's HR scopes (a dinas HR sees them)."""
    roots = {path_ids(path)[0] for path in profile_of(user).scope_paths(("hr_admin",)) if path}
    return Q(instansi_id__in=roots)


def agency_day_get_for_hr(*, user, pk) -> AgencyDay:
    day = AgencyDay.objects.select_related("instansi").filter(_managed_instansi_q(user), pk=pk)
    found = day.first()
    if found is None:
        raise NotFound(DAY_NOT_FOUND)
    return found


class AgencyDaySerializer(serializers.ModelSerializer):
    class Meta:
        model = AgencyDay
        fields = ["id", "instansi", "date", "kind", "name"]
        read_only_fields = ["id"]
        # The service refuses a taken date, with the problem on `date`.
        validators: list = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Instansi are public (as for cycles); the service refuses one the caller does not
        # administer (403), as POST /api/cycles/ does.
        self.fields["instansi"].queryset = Unit.objects.filter(parent__isnull=True)


class AgencyDayListView(generics.ListCreateAPIView):
    """National holidays come from the `holidays` package; these are the instansi's own."""

    serializer_class = AgencyDaySerializer

    def get_queryset(self):
        days = AgencyDay.objects.filter(_managed_instansi_q(self.request.user))
        instansi = self.request.query_params.get("instansi", "")
        if instansi.isdigit() and len(instansi) < 12:
            days = days.filter(instansi_id=int(instansi))
        return days.order_by("date", "id")

    def create(self, request, *args, **kwargs):
        if not profile_of(request.user).scope_paths(("hr_admin",)):
            raise ActionForbidden(ONLY_HR_CALENDAR)
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer):
        serializer.instance = agency_day_add(actor=self.request.user, **serializer.validated_data)


class AgencyDayDetailView(APIView):
    serializer_class = AgencyDaySerializer

    @extend_schema(responses=AgencyDaySerializer, summary="One of the instansi's own days")
    def get(self, request, pk: int):
        return Response(AgencyDaySerializer(agency_day_get_for_hr(user=request.user, pk=pk)).data)

    @extend_schema(responses={204: None}, summary="Remove a joint leave or local day (HR)")
    def delete(self, request, pk: int):
        day = agency_day_get_for_hr(user=request.user, pk=pk)
        agency_day_remove(actor=request.user, day=day)
        return Response(status=status.HTTP_204_NO_CONTENT)


class UnitTimeZoneSerializer(serializers.Serializer):
    time_zone = serializers.ChoiceField(
        choices=[("", "—"), *TIME_ZONES],
        allow_blank=True,
        help_text="The unit's own IANA zone; blank: its parent's (else the default).",
    )
    effective_time_zone = serializers.CharField(read_only=True)


class UnitTimeZoneView(APIView):
    serializer_class = UnitTimeZoneSerializer

    def _out(self, unit: Unit) -> Response:
        return Response(
            {"time_zone": unit.time_zone, "effective_time_zone": str(clock.agency_zone(unit))}
        )

    @extend_schema(responses=UnitTimeZoneSerializer, summary="The unit's time zone")
    def get(self, request, pk: int):
        unit = unit_get_for(user=request.user, pk=pk, roles=("hr_admin",), refusal=ONLY_HR_ZONE)
        return self._out(unit)

    @extend_schema(
        request=UnitTimeZoneSerializer,
        responses=UnitTimeZoneSerializer,
        summary="Set the unit's time zone (HR): WIB, WITA or WIT, or inherit",
    )
    def put(self, request, pk: int):
        unit = unit_get_for(user=request.user, pk=pk, roles=("hr_admin",), refusal=ONLY_HR_ZONE)
        body = UnitTimeZoneSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        unit = unit_time_zone_set(
            actor=request.user, unit=unit, time_zone=body.validated_data["time_zone"]
        )
        return self._out(unit)
