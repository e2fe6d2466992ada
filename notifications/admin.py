"""The admin: the outbox's backlog, messages, dead letters (with a retry action),
inboxes, preferences and deadlines. Outbox rows and messages are read-only:
they change only through the relay and the delivery service.
"""

from django.contrib import admin, messages

from .delivery import dead_letter_requeue
from .models import DeadLetter, Deadline, InboxItem, Message, OutboxEvent, PhaseDeadline, Preference
from .selectors import outbox_backlog


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class BacklogMixin:
    change_list_template = "admin/notifications/backlog_change_list.html"

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "backlog": outbox_backlog()}
        return super().changelist_view(request, extra_context=extra_context)


@admin.register(OutboxEvent)
class OutboxEventAdmin(BacklogMixin, ReadOnlyAdmin):
    list_display = ["id", "kind", "subject_type", "subject_id", "created_at", "relayed_at", "error"]
    list_filter = ["kind"]
    search_fields = ["subject_id", "key"]
    date_hierarchy = "created_at"


@admin.register(Message)
class MessageAdmin(BacklogMixin, ReadOnlyAdmin):
    list_display = ["id", "channel", "status", "attempts", "recipient_id", "created_at"]
    list_filter = ["status", "channel"]
    search_fields = ["id"]
    raw_id_fields = ["event", "recipient"]


@admin.register(DeadLetter)
class DeadLetterAdmin(admin.ModelAdmin):
    list_display = ["id", "message_id", "attempts", "error", "created_at", "resolved_at"]
    list_filter = ["resolved_at"]
    readonly_fields = ["message", "attempts", "error", "created_at", "resolved_at"]
    actions = ["requeue"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Kirim ulang / requeue the messages")
    def requeue(self, request, queryset):
        count = dead_letter_requeue(dead_letter_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, f"{count} requeued.", messages.SUCCESS)


@admin.register(InboxItem)
class InboxItemAdmin(ReadOnlyAdmin):
    list_display = ["id", "user", "kind", "subject", "created_at", "read_at"]
    list_filter = ["kind"]
    raw_id_fields = ["user", "message"]


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "language", "inbox", "email"]
    raw_id_fields = ["user"]


@admin.register(PhaseDeadline)
class PhaseDeadlineAdmin(admin.ModelAdmin):
    list_display = ["cycle", "state", "due_on", "remind_days", "escalate"]
    list_filter = ["cycle", "state"]


@admin.register(Deadline)
class DeadlineAdmin(ReadOnlyAdmin):
    list_display = [
        "subject_id",
        "state",
        "responsible",
        "due_at",
        "on_due",
        "reminded",
        "escalated_at",
        "fired_at",
        "closed_at",
    ]
    list_filter = ["state", "on_due", "source"]
    search_fields = ["subject_id"]
