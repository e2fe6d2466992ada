import copy

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject

from workflow import calendar
from workflow.api.objects import AVAILABLE_TRANSITIONS_SCHEMA, available_transitions

from .. import clock
from ..models import Appraisal, Employee, Indicator, PlanItem
from ..predicate import Rating

# A rule in both languages, e.g. {"id": "14 hari kalender, sampai pukul 23.59 WITA",
# "en": "14 calendar days, until 23:59 WITA"}.
RULE_SCHEMA = {
    "type": "object",
    "properties": {"id": {"type": "string"}, "en": {"type": "string"}},
    "required": ["id", "en"],
}


class FieldsBuiltOnce:
    """A ModelSerializer whose fields are derived from the model once per class, not per use.

    DRF's ModelSerializer introspects the model and builds every field again for each
    serializer it makes: for a transition's response (the appraisal and three people)
    that was most of the response's cost (issue #17). The fields are built once, then
    each serializer gets fresh copies, as DRF itself does for declared fields
    (`Serializer.get_fields`), so no state is shared between requests or threads.
    Only for serializers whose fields depend on nothing but their class (no
    `get_fields` or `__init__` reading the context).

    Output goes further: `to_representation` is DRF's own loop over the fields of one
    serializer per class, bound once (a prototype: copying the fields for every response
    was still ~0.6 ms of a transition's). Its fields read nothing but the instance (no
    context, no request), so sharing them is safe; a SerializerMethodField, which calls
    its serializer, calls this one, with this serializer's context.
    """

    def get_fields(self):
        cls = type(self)
        built = cls.__dict__.get("_fields_built")
        if built is None:
            built = super().get_fields()
            cls._fields_built = built
        return copy.deepcopy(built)

    @classmethod
    def _readable_once(cls) -> list:
        readable = cls.__dict__.get("_readable_built")
        if readable is None:
            readable = list(cls()._readable_fields)
            cls._readable_built = readable
        return readable

    def to_representation(self, instance):
        # rest_framework.serializers.Serializer.to_representation, on the prototype's fields.
        ret = {}
        for field in self._readable_once():
            if isinstance(field, serializers.SerializerMethodField):
                ret[field.field_name] = getattr(self, field.method_name)(instance)
                continue
            try:
                attribute = field.get_attribute(instance)
            except SkipField:
                continue
            check_for_none = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
            if check_for_none is None:
                ret[field.field_name] = None
            else:
                ret[field.field_name] = field.to_representation(attribute)
        return ret


class EmployeeBriefSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    class Meta:
        model = Employee
        fields = ["id", "nip", "name"]


class AppraisalListSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    employee_detail = EmployeeBriefSerializer(source="employee", read_only=True)
    predicate = serializers.SerializerMethodField()

    class Meta:
        model = Appraisal
        fields = [
            "id",
            "employee",
            "employee_detail",
            "cycle",
            "unit",
            "appraiser",
            "appeal_reviewer",
            "state",
            "version",
            "predicate",
        ]
        read_only_fields = fields

    def get_predicate(self, appraisal: Appraisal) -> str | None:
        return appraisal.predicate or None


class AppraisalSerializer(AppraisalListSerializer):
    # Null until an appraiser is resolved (no supervisor on record) or when none is needed.
    appraiser_detail = EmployeeBriefSerializer(source="appraiser", read_only=True, allow_null=True)
    appeal_reviewer_detail = EmployeeBriefSerializer(
        source="appeal_reviewer", read_only=True, allow_null=True
    )
    result_rating = serializers.SerializerMethodField()
    behaviour_rating = serializers.SerializerMethodField()
    available_transitions = serializers.SerializerMethodField()

    class Meta(AppraisalListSerializer.Meta):
        fields = [
            *AppraisalListSerializer.Meta.fields,
            "appraiser_detail",
            "appeal_reviewer_detail",
            "result_rating",
            "behaviour_rating",
            "feedback",
            "result_issued_at",
            "result_received_at",
            "appeal_deadline",
            "appeal_deadline_rule",
            "time_zone",
            "created_at",
            "updated_at",
            "available_transitions",
        ]
        read_only_fields = fields

    time_zone = serializers.SerializerMethodField(
        help_text="The agency's IANA zone: days and 'end of day' are counted in it."
    )
    appeal_deadline_rule = serializers.SerializerMethodField(
        help_text="How appeal_deadline is counted (PP 30/2019 Pasal 59): calendar days from "
        "result_received_at, to the end of the last day in the agency's zone."
    )

    def get_time_zone(self, appraisal: Appraisal) -> str:
        return str(clock.agency_zone(appraisal.unit))

    @extend_schema_field(RULE_SCHEMA)
    def get_appeal_deadline_rule(self, appraisal: Appraisal) -> dict[str, str]:
        return clock.deadline_rule(
            appraisal.cycle.appeal_window_days, calendar.CALENDAR, appraisal.unit
        ).as_dict()

    def get_result_rating(self, appraisal: Appraisal) -> str | None:
        return appraisal.result_rating or None

    def get_behaviour_rating(self, appraisal: Appraisal) -> str | None:
        return appraisal.behaviour_rating or None

    @extend_schema_field(AVAILABLE_TRANSITIONS_SCHEMA)
    def get_available_transitions(self, appraisal: Appraisal) -> list[dict]:
        return available_transitions(appraisal, user=self.context["request"].user)


class IndicatorSerializer(serializers.ModelSerializer):
    target = serializers.CharField(max_length=255, trim_whitespace=True)

    class Meta:
        model = Indicator
        fields = ["id", "name", "aspect", "target"]
        read_only_fields = ["id"]


class PlanItemSerializer(serializers.ModelSerializer):
    indicators = IndicatorSerializer(many=True, required=False)
    # Empty until the self-assessment: documented as such (blank is allowed).
    self_rating = serializers.ChoiceField(choices=Rating.choices, read_only=True, allow_blank=True)
    parent_item = serializers.PrimaryKeyRelatedField(
        queryset=PlanItem.objects.select_related("appraisal"), allow_null=True, required=False
    )

    class Meta:
        model = PlanItem
        fields = [
            "id",
            "result",
            "parent_item",
            "perspective",
            "indicators",
            "realisation",
            "self_rating",
        ]
        read_only_fields = ["id", "realisation", "self_rating"]

    def validate(self, attrs):
        # Realisation and self-rating come only through submit_self_assessment; sent
        # here they are refused rather than silently dropped.
        sent = set(self.initial_data) if isinstance(self.initial_data, dict) else set()
        refused = sorted(sent & {"realisation", "self_rating"})
        if refused:
            raise serializers.ValidationError(
                dict.fromkeys(refused, "Diisi lewat penilaian mandiri / set by the self-assessment")
            )
        return attrs


class MeEmployeeSerializer(serializers.ModelSerializer):
    unit = serializers.SerializerMethodField()
    position = serializers.SerializerMethodField()
    supervisor = serializers.SerializerMethodField()

    class Meta:
        model = Employee
        fields = ["id", "nip", "name", "unit", "position", "supervisor", "grade", "kind"]

    @extend_schema_field(
        {
            "type": "object",
            "properties": {
                "id": {"type": "integer"},
                "code": {"type": "string"},
                "name": {"type": "string"},
            },
        }
    )
    def get_unit(self, employee: Employee) -> dict:
        return {"id": employee.unit_id, "code": employee.unit.code, "name": employee.unit.name}

    def get_position(self, employee: Employee) -> str | None:
        return employee.position.name if employee.position else None

    @extend_schema_field(EmployeeBriefSerializer(allow_null=True))
    def get_supervisor(self, employee: Employee) -> dict | None:
        supervisor = self.context.get("supervisor")
        return EmployeeBriefSerializer(supervisor).data if supervisor else None


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())
    employee = MeEmployeeSerializer(allow_null=True)
