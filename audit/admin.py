from django.contrib import admin
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin

from .models import AuditEvent, Checkpoint, ReadAccess


class ReadOnlyAdmin(admin.ModelAdmin):
    """Nobody, an administrator included, adds, edits or deletes an audit record."""

    actions = None

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "subject_type", "subject_id", "seq", "action", "actor_username"]
    list_filter = ["action"]
    search_fields = ["subject_id", "actor_username"]


@admin.register(Checkpoint)
class CheckpointAdmin(ReadOnlyAdmin):
    list_display = ["number", "at", "last_event_id", "size", "root"]
    exclude = ["entries"]


@admin.register(ReadAccess)
class ReadAccessAdmin(ReadOnlyAdmin):
    list_display = ["at", "reader_username", "subject_type", "subject_id", "purpose"]
    list_filter = ["purpose"]
    search_fields = ["reader_username", "subject_id"]


class HistoryAdmin(SimpleHistoryAdmin):
    """An admin with simple-history's read-only history pages, attributing every save.

    History can be viewed, never reverted (a revert would bypass the services)
    nor edited; each save or delete through the admin is attributed to the
    administrator with an explicit change reason.
    """

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            raise PermissionDenied("History is read-only.")
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request, obj=None):
        return True

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        obj._change_reason = f"admin.{'changed' if change else 'added'}"
        super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        obj._history_user = request.user
        obj._change_reason = "admin.deleted"
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)
