"""Acting officials (Plt/Plh): HR appoints and ends them; handovers between appraisers."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from workflow.api.fields import TextField

from ..models import ActingAssignment, Employee, Position
from ..selectors import appraisal_get_visible
from ..selectors.acting import acting_get_managed, acting_list_managed, handovers_readable
from ..services.acting import acting_appoint, acting_end
from ..services.handover import handover_note_target, handover_note_write, note_open_until
from .organisation import _InScope

START = (
    "Tanggal mulai, paling lambat hari ini (catat penunjukan saat berlaku) / The first day, "
    "today at the latest (record the appointment when it takes effect); otherwise 400 with "
    "the problem code future_date."
)


class PersonOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class PositionOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ActingOut(serializers.ModelSerializer):
    substitute = PersonOut(read_only=True)
    replaces = PersonOut(read_only=True)
    position = PositionOut(read_only=True, allow_null=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    in_force = serializers.SerializerMethodField()

    class Meta:
        model = ActingAssignment
        fields = [
            "id",
            "substitute",
            "replaces",
            "position",
            "kind",
            "kind_label",
            "valid_from",
            "valid_until",
            "reason",
            "ended_at",
            "end_reason",
            "in_force",
        ]
        read_only_fields = fields

    def get_in_force(self, obj) -> bool:
        return obj.ended_at is None


class ActingDone(ActingOut):
    reassigned = serializers.IntegerField(
        read_only=True, help_text="Open appraisals moved by this change"
    )

    class Meta(ActingOut.Meta):
        fields = [*ActingOut.Meta.fields, "reassigned"]
        read_only_fields = fields


class ActingIn(_InScope):
    SCOPED = {"substitute": "unit__path", "replaces": "unit__path", "position": "unit__path"}

    substitute = serializers.PrimaryKeyRelatedField(queryset=Employee.objects.filter(active=True))
    replaces = serializers.PrimaryKeyRelatedField(
        queryset=Employee.objects.all(),
        required=False,
        allow_null=True,
        help_text="The definitive official stood in for; or give `position`.",
    )
    position = serializers.PrimaryKeyRelatedField(
        queryset=Position.objects.all(),
        required=False,
        allow_null=True,
        help_text="The position acted in (its definitive holder is replaced).",
    )
    kind = serializers.ChoiceField(
        choices=ActingAssignment.Kind.choices,
        help_text="plt: a vacancy or long absence; plh: a short absence (needs valid_until)",
    )
    valid_from = serializers.DateField(help_text=START)
    valid_until = serializers.DateField(
        required=False,
        allow_null=True,
        help_text=(
            "Hari terakhir; wajib untuk Plh / The last day; required for a Plh. Not before "
            "valid_from (dates_reversed) nor today (already_over). One official has one "
            "acting official at a time (overlap); a Plh needs a present official "
            "(plh_for_vacancy); the substitute is not the official (acting_not_self)."
        ),
    )
    reason = TextField(required=False, allow_blank=True, max_length=10000)


class EndIn(serializers.Serializer):
    reason = TextField(required=False, allow_blank=True, max_length=10000)


def _done(assignment, moved: int, code=status.HTTP_200_OK) -> Response:
    assignment.reassigned = moved
    return Response(ActingDone(assignment).data, status=code)


class ActingListView(generics.ListAPIView):
    serializer_class = ActingOut
    queryset = ActingAssignment.objects.none()  # the schema's model; requests use the selector

    def get_queryset(self):
        return acting_list_managed(user=self.request.user)

    @extend_schema(
        request=ActingIn,
        responses={201: ActingDone},
        summary="Appoint a Plt/Plh; open appraisals move to them at once (HR admin)",
    )
    def post(self, request):
        acting_list_managed(user=request.user)  # 403 before the body is read
        data = ActingIn(data=request.data, context={"user": request.user})
        data.is_valid(raise_exception=True)
        assignment, moved = acting_appoint(actor=request.user, **data.validated_data)
        return _done(assignment, moved, status.HTTP_201_CREATED)


class ActingDetailView(APIView):
    @extend_schema(responses=ActingOut, summary="One Plt/Plh appointment (HR admin)")
    def get(self, request, pk: int):
        return Response(ActingOut(acting_get_managed(user=request.user, pk=pk)).data)


class ActingEndView(APIView):
    @extend_schema(
        request=EndIn,
        responses={200: ActingDone},
        summary="End a Plt/Plh appointment now; appraisals go back (HR admin)",
    )
    def post(self, request, pk: int):
        assignment = acting_get_managed(user=request.user, pk=pk)
        data = EndIn(data=request.data)
        data.is_valid(raise_exception=True)
        moved = acting_end(actor=request.user, assignment=assignment, **data.validated_data)
        assignment.refresh_from_db()
        return _done(assignment, moved)


class HandoverOut(serializers.Serializer):
    id = serializers.IntegerField()
    previous = PersonOut()
    successor = PersonOut(allow_null=True)
    cause = serializers.CharField()
    cause_label = serializers.CharField(source="get_cause_display")
    changed_at = serializers.DateTimeField()
    note = serializers.CharField()
    note_written_at = serializers.DateTimeField(allow_null=True)
    note_open_until = serializers.SerializerMethodField()

    def get_note_open_until(self, obj) -> str:
        return serializers.DateTimeField().to_representation(note_open_until(obj))


class HandoverNoteIn(serializers.Serializer):
    note = TextField(max_length=10000)


class HandoverListView(APIView):
    @extend_schema(
        responses=HandoverOut(many=True),
        summary="Changes of appraiser on this appraisal, with the handover notes",
    )
    def get(self, request, pk: int):
        appraisal = appraisal_get_visible(user=request.user, pk=pk)
        rows = handovers_readable(appraisal=appraisal, user=request.user)
        return Response(HandoverOut(rows, many=True).data)


class HandoverNoteView(APIView):
    @extend_schema(
        request=HandoverNoteIn,
        responses={200: HandoverOut},
        summary="The previous appraiser's handover note (catatan serah terima), within the window",
    )
    def post(self, request, pk: int):
        handover_note_target(user=request.user, pk=pk)  # who, before what was written
        data = HandoverNoteIn(data=request.data)
        data.is_valid(raise_exception=True)
        row = handover_note_write(actor=request.user, pk=pk, note=data.validated_data["note"])
        return Response(HandoverOut(row).data)
