from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import AuditEvent, Checkpoint, ReadAccess


class AuditEventSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()
    subject = serializers.CharField(read_only=True)

    class Meta:
        model = AuditEvent
        fields = [
            "seq",
            "at",
            "actor",
            "action",
            "from_state",
            "to_state",
            "reason",
            "changes",
            "hash",
            "prev_hash",
            "subject",
            "scope",
            "request_id",
            "client_request_id",
        ]

    @extend_schema_field(
        {
            "type": "object",
            "properties": {"username": {"type": "string"}, "name": {"type": "string"}},
            "required": ["username"],
        }
    )
    def get_actor(self, event: AuditEvent) -> dict:
        if event.actor_username == settings.KINERJA_SYSTEM_USERNAME:
            return {"username": event.actor_username}
        return {"username": event.actor_username, "name": event.actor_name}


class VerifyReportSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    checked = serializers.IntegerField(help_text="events recomputed")
    checkpoints = serializers.IntegerField(help_text="checkpoints checked")
    problems = serializers.ListField(
        child=serializers.DictField(),
        help_text='each {"problem", "subject", "seq", ...} or {"problem", "checkpoint"}',
    )


class CheckpointSerializer(serializers.ModelSerializer):
    at = serializers.SerializerMethodField()

    class Meta:
        model = Checkpoint
        fields = ["number", "at", "last_event_id", "size", "root", "prev", "signature"]

    def get_at(self, cp: Checkpoint) -> str:
        from ..canonical import format_time

        return format_time(cp.at)


class CheckpointExportSerializer(serializers.Serializer):
    format = serializers.CharField()
    exported_at = serializers.CharField()
    checkpoints = CheckpointSerializer(many=True)


class ReadAccessSerializer(serializers.ModelSerializer):
    reader = serializers.CharField(source="reader_username")
    subject = serializers.SerializerMethodField()

    class Meta:
        model = ReadAccess
        fields = ["at", "reader", "subject", "scope", "purpose", "request_id", "client_request_id"]

    def get_subject(self, access: ReadAccess) -> str:
        return f"{access.subject_type}:{access.subject_id}"
