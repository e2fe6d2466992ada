"""The admin for HR administrators: organisation and cycles.

Appraisals are read-only here: their state moves only through the engine
(workflow.services.perform), never by editing a row. History is shown
read-only (audit.admin.HistoryAdmin: no revert, every save attributed); audit
events are the audit app's and are read-only.
"""

from django.contrib import admin

from audit.admin import HistoryAdmin

from .models import (
    ActingAssignment,
    Appraisal,
    Cycle,
    Employee,
    Position,
    RoleAssignment,
    SupervisorRelation,
    Unit,
)


@admin.register(Unit)
class UnitAdmin(HistoryAdmin):
    list_display = ["code", "name", "kind", "parent"]
    search_fields = ["code", "name"]
    readonly_fields = ["path"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        path = f"{obj.parent.path if obj.parent else '/'}{obj.pk}/"
        if obj.path != path:
            obj.path = path
            obj.save(update_fields=["path"])


@admin.register(Position)
class PositionAdmin(HistoryAdmin):
    list_display = ["name", "unit", "kind"]
    search_fields = ["name"]


@admin.register(Employee)
class EmployeeAdmin(HistoryAdmin):
    list_display = ["nip", "name", "unit", "position", "kind", "active"]
    search_fields = ["nip", "name"]
    list_filter = ["kind", "active"]
    raw_id_fields = ["user", "unit", "position"]


@admin.register(SupervisorRelation)
class SupervisorRelationAdmin(HistoryAdmin):
    list_display = ["employee", "supervisor", "valid_from", "valid_until"]
    raw_id_fields = ["employee", "supervisor"]


@admin.register(ActingAssignment)
class ActingAssignmentAdmin(HistoryAdmin):
    list_display = ["substitute", "replaces", "kind", "valid_from", "valid_until"]
    raw_id_fields = ["substitute", "replaces"]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(HistoryAdmin):
    list_display = ["user", "role", "unit", "valid_from", "valid_until"]
    list_filter = ["role"]
    raw_id_fields = ["user", "unit"]


@admin.register(Cycle)
class CycleAdmin(HistoryAdmin):
    list_display = ["name", "instansi", "year", "status"]


@admin.register(Appraisal)
class AppraisalAdmin(HistoryAdmin):
    list_display = ["id", "employee", "cycle", "state", "version", "predicate"]
    list_filter = ["state", "predicate"]
    search_fields = ["employee__nip", "employee__name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
