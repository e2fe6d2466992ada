"""Cycles and the bulk job that opens them."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from notifications.models.deadlines import PHASE_STATES
from workflow import calendar
from workflow.api.fields import TextField
from workflow.errors import ActionForbidden, NotFound
from workflow.text import Text

from .. import clock
from ..models import BulkJob, Cycle
from ..policies import profile_of
from ..selectors import bulk_job_get_visible, hr_admin_anywhere_check
from ..selectors.cycles import cycle_get_managed, phase_deadline_map
from ..services.cycles import CYCLE_NOT_HR, ONLY_HR_CREATE, cycle_close, cycle_create, cycle_reopen
from ..services.jobs import cycle_open_job_start
from ..services.phases import (
    MAX_REMINDERS,
    phase_deadlines_authorise,
    phase_deadlines_update,
)
from ..services.phases import (
    ONLY_HR as ONLY_HR_PHASES,
)
from .serializers import RULE_SCHEMA


class CycleSerializer(serializers.ModelSerializer):
    class Meta:
        model = Cycle
        fields = [
            "id",
            "name",
            "instansi",
            "year",
            "starts_on",
            "ends_on",
            "status",
            "check_in_frequency",
            "annual_rule",
            "appeal_window_days",
            "appeal_decision_days",
            "plan_fallback_on",
            "appeal_decision_count",
            "issue_early_days",
            "time_zone",
            "appeal_window_rule",
            "appeal_decision_rule",
        ]
        read_only_fields = ["id", "status"]
        extra_kwargs = {
            # A calendar year (the fallback's default, 14 January, is a date in it).
            "year": {"min_value": 1, "max_value": 9998},
            "plan_fallback_on": {
                "help_text": (
                    "After this day HR may draft and set a plan still in draft (PermenPANRB "
                    "6/2022 annex). Default: 14 January of the year, the end of its second "
                    "week. Must lie within the cycle."
                ),
            },
        }

    time_zone = serializers.SerializerMethodField(
        help_text="The agency's IANA zone (the instansi's own, else the default)."
    )
    appeal_window_rule = serializers.SerializerMethodField(
        help_text="How the appeal window is counted, e.g. '14 hari kalender, sampai pukul "
        "23.59 WIB' (PP 30/2019 Pasal 59: calendar days)."
    )
    appeal_decision_rule = serializers.SerializerMethodField(
        help_text="How the reviewer's decision deadline is counted."
    )

    def get_time_zone(self, cycle) -> str:
        return str(clock.agency_zone(cycle.instansi))

    @extend_schema_field(RULE_SCHEMA)
    def get_appeal_window_rule(self, cycle) -> dict[str, str]:
        return clock.deadline_rule(
            cycle.appeal_window_days, calendar.CALENDAR, cycle.instansi
        ).as_dict()

    @extend_schema_field(RULE_SCHEMA)
    def get_appeal_decision_rule(self, cycle) -> dict[str, str]:
        return clock.deadline_rule(
            cycle.appeal_decision_days, cycle.appeal_decision_count, cycle.instansi
        ).as_dict()

    def validate(self, attrs):
        if attrs["ends_on"] <= attrs["starts_on"]:
            raise serializers.ValidationError(
                {"ends_on": "Harus setelah tanggal mulai / must be after starts_on"}
            )
        fallback = attrs.get("plan_fallback_on")
        if fallback is not None and not attrs["starts_on"] <= fallback <= attrs["ends_on"]:
            raise serializers.ValidationError(
                {
                    "plan_fallback_on": serializers.ErrorDetail(
                        "Harus di dalam periode siklus / must lie within the cycle",
                        code="phase_date_out_of_bounds",
                    )
                }
            )
        return attrs

    def to_representation(self, instance):
        data = super().to_representation(instance)
        # Rows from before the field answer with the date that applies to them.
        data["plan_fallback_on"] = instance.plan_fallback_date.isoformat()
        return data


class PhaseDeadlineSerializer(serializers.Serializer):
    due_on = serializers.DateField(help_text="The last day (inclusive) to leave the phase.")
    remind_days = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=365),
        max_length=MAX_REMINDERS,
        required=False,
        help_text="Days before the due date on which to remind (default: the settings').",
    )
    escalate = serializers.BooleanField(
        required=False, help_text="Tell the responsible person's superior once it passes."
    )


def _phase_set(name: str, *, required: bool) -> type[serializers.Serializer]:
    """One optional-or-required, nullable field per phase (a PUT names them all)."""
    fields = {
        state: PhaseDeadlineSerializer(
            allow_null=True,
            required=required,
            help_text=f"{label}; null: no deadline for this phase.",
        )
        for state, label in PHASE_STATES
    }
    return type(name, (serializers.Serializer,), {**fields, "__module__": __name__})


PhaseDeadlineSet = _phase_set("PhaseDeadlineSetSerializer", required=True)
PhaseDeadlineChangeSet = _phase_set("PhaseDeadlineChangeSetSerializer", required=False)
FALLBACK_HELP = (
    "After this day HR may draft and set a plan still in draft; within the cycle and "
    "on or before the plan's set-by date (the plan_submitted deadline)."
)
DEADLINES_HELP = (
    "Per phase (the state an appraisal must have left). Planning phases lie within "
    "the cycle, drafting on or before the set-by date; later phases from the cycle's "
    "start to a year after its end."
)


class PhaseDeadlinesSerializer(serializers.Serializer):
    cycle = serializers.IntegerField(read_only=True)
    plan_fallback_on = serializers.DateField(help_text=FALLBACK_HELP)
    deadlines = PhaseDeadlineSet(help_text=DEADLINES_HELP)


class PhaseDeadlineChangesSerializer(serializers.Serializer):
    """A PATCH: any of the fields, any of the phases; a phase named carries its date."""

    plan_fallback_on = serializers.DateField(required=False, help_text=FALLBACK_HELP)
    deadlines = PhaseDeadlineChangeSet(required=False, help_text=DEADLINES_HELP)


def phase_deadlines_data(cycle: Cycle) -> dict:
    rows = phase_deadline_map(cycle=cycle)
    return {
        "cycle": cycle.pk,
        "plan_fallback_on": cycle.plan_fallback_date.isoformat(),
        "deadlines": {
            state: None
            if row is None
            else {
                "due_on": row.due_on.isoformat(),
                "remind_days": list(row.remind_days),
                "escalate": row.escalate,
            }
            for state, row in rows.items()
        },
    }


CYCLE_NOT_FOUND = Text("Siklus tidak ditemukan.", "Cycle not found.")


class CycleStatusIn(serializers.Serializer):
    # Text only: DRF's CharField would take a number as its digits (schemathesis found it).
    reason = TextField(
        max_length=2000, required=False, allow_blank=True, default="", trim_whitespace=True
    )


class CycleReopenIn(serializers.Serializer):
    # Anything but blank: an HR correction of a closed cycle always says why.
    reason = serializers.RegexField(
        r"\S", max_length=2000, help_text="Why the closed cycle is reopened (audited)."
    )


class _CycleStatusView(APIView):
    serializer_class = CycleStatusIn
    service = None

    def post(self, request, pk: int):
        # Cycles are public; only HR of its instansi may change one (else 403), as open/.
        cycle = generics.get_object_or_404(Cycle.objects.select_related("instansi"), pk=pk)
        if "hr_admin" not in profile_of(request.user).holds_in(cycle.instansi.path):
            raise ActionForbidden(CYCLE_NOT_HR)  # who may, before what was sent
        body = self.serializer_class(data=request.data)
        body.is_valid(raise_exception=True)
        cycle = type(self).service(cycle=cycle, actor=request.user, **body.validated_data)
        return Response(CycleSerializer(cycle).data)


class CycleCloseView(_CycleStatusView):
    service = staticmethod(cycle_close)

    @extend_schema(
        request=CycleStatusIn,
        responses={200: CycleSerializer},
        summary="Close the cycle (HR): nothing in it moves until it is reopened",
    )
    def post(self, request, pk: int):
        return super().post(request, pk)


class CycleReopenView(_CycleStatusView):
    serializer_class = CycleReopenIn
    service = staticmethod(cycle_reopen)

    @extend_schema(
        request=CycleReopenIn,
        responses={200: CycleSerializer},
        summary="Reopen a closed cycle (HR), with a reason, audited",
    )
    def post(self, request, pk: int):
        return super().post(request, pk)


class BulkJobSerializer(serializers.ModelSerializer):
    percent = serializers.IntegerField(read_only=True)
    file = serializers.SerializerMethodField(
        help_text="Where a finished job's file (a large recap) is downloaded, else null"
    )

    class Meta:
        model = BulkJob
        fields = [
            "id",
            "kind",
            "cycle",
            "status",
            "total",
            "done",
            "percent",
            "error",
            "created_at",
            "started_at",
            "finished_at",
            "file",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_file(self, job) -> str | None:
        if job.kind == BulkJob.Kind.RECAP and job.status == BulkJob.Status.DONE:
            return reverse("job-file", args=[job.pk])
        return None


class CycleListView(generics.ListCreateAPIView):
    serializer_class = CycleSerializer
    queryset = Cycle.objects.select_related("instansi").order_by("-year", "id")

    def create(self, request, *args, **kwargs):
        # The instansi is in the body; who holds no HR scope at all is refused before it is read.
        hr_admin_anywhere_check(user=request.user, refusal=ONLY_HR_CREATE)
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer):
        serializer.instance = cycle_create(actor=self.request.user, **serializer.validated_data)


class CycleDetailView(generics.RetrieveAPIView):
    serializer_class = CycleSerializer
    queryset = Cycle.objects.all()


class CyclePhaseDeadlinesView(APIView):
    """The cycle's plan fallback date and phase deadlines: HR of its instansi edits them."""

    def _cycle(self, request, pk: int, *, write: bool) -> Cycle:
        # No HR scope at all: 403; a cycle outside the caller's HR scopes: 404; an HR
        # admin of a unit below the instansi reads it but may not change it (403).
        hr_admin_anywhere_check(user=request.user, refusal=ONLY_HR_PHASES)
        cycle = cycle_get_managed(user=request.user, pk=pk)
        if cycle is None:
            raise NotFound(CYCLE_NOT_FOUND)
        if write:
            phase_deadlines_authorise(cycle=cycle, actor=request.user)
        return cycle

    @extend_schema(responses=PhaseDeadlinesSerializer, summary="The cycle's phase deadlines")
    def get(self, request, pk: int):
        return Response(phase_deadlines_data(self._cycle(request, pk, write=False)))

    def _write(self, request, pk: int, *, partial: bool):
        cycle = self._cycle(request, pk, write=True)
        kind = PhaseDeadlineChangesSerializer if partial else PhaseDeadlinesSerializer
        serializer = kind(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        cycle = phase_deadlines_update(
            cycle=cycle,
            actor=request.user,
            plan_fallback_on=data.get("plan_fallback_on"),
            deadlines={
                state: (dict(values) if values is not None else None)
                for state, values in data.get("deadlines", {}).items()
            },
            replace=not partial,
        )
        return Response(phase_deadlines_data(cycle))

    @extend_schema(
        request=PhaseDeadlinesSerializer,
        responses=PhaseDeadlinesSerializer,
        summary="Replace the phase deadlines (every phase named; null removes one)",
    )
    def put(self, request, pk: int):
        return self._write(request, pk, partial=False)

    @extend_schema(
        request=PhaseDeadlineChangesSerializer,
        responses=PhaseDeadlinesSerializer,
        summary="Change some phase deadlines or the fallback date",
    )
    def patch(self, request, pk: int):
        return self._write(request, pk, partial=True)


class CycleOpenView(APIView):
    @extend_schema(
        request=None,
        responses={202: BulkJobSerializer},
        summary="Open the cycle: a draft appraisal for every active employee",
    )
    def post(self, request, pk: int):
        cycle = generics.get_object_or_404(Cycle.objects.select_related("instansi"), pk=pk)
        job = cycle_open_job_start(cycle=cycle, actor=request.user)
        job.refresh_from_db()
        return Response(BulkJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class BulkJobView(APIView):
    @extend_schema(responses=BulkJobSerializer, summary="Progress of a bulk job")
    def get(self, request, pk: int):
        job = bulk_job_get_visible(user=request.user, pk=pk)
        return Response(BulkJobSerializer(job).data)
