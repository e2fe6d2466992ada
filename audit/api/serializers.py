from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import AuditEvent


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
            "request_id",
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
    checked = serializers.IntegerField()
    problems = serializers.ListField(child=serializers.DictField())
