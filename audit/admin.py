from django.contrib import admin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: nobody, an administrator included, edits or deletes an event."""

    list_display = ["at", "subject_type", "subject_id", "seq", "action", "actor_username"]
    list_filter = ["action"]
    search_fields = ["subject_id", "actor_username"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
