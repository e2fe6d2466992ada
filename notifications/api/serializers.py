from rest_framework import serializers

from workflow.api.fields import TrueOrFalseField

from ..models import InboxItem, Preference


class InboxItemSerializer(serializers.ModelSerializer):
    read = serializers.SerializerMethodField()
    message_id = serializers.UUIDField(read_only=True)

    class Meta:
        model = InboxItem
        fields = [
            "id",
            "message_id",
            "kind",
            "subject",
            "body",
            "subject_type",
            "subject_id",
            "created_at",
            "read_at",
            "read",
        ]
        read_only_fields = fields

    def get_read(self, item) -> bool:
        return item.read_at is not None


class UnreadCountSerializer(serializers.Serializer):
    unread = serializers.IntegerField()


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField()


class PreferenceSerializer(serializers.ModelSerializer):
    inbox = TrueOrFalseField(required=False)
    email = TrueOrFalseField(required=False)

    class Meta:
        model = Preference
        fields = ["language", "inbox", "email"]


class WaitingItemSerializer(serializers.Serializer):
    appraisal = serializers.IntegerField(source="pk")
    employee = serializers.CharField(source="employee.name")
    cycle = serializers.CharField(source="cycle.name")
    state = serializers.CharField()
    since = serializers.DateTimeField(allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True)
