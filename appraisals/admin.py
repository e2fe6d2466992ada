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
from .policies import hr_scope

# How each model's rows reach a unit's path: what an HR admin's scope filters on.
_PATHS = {Unit: "path", Position: "unit__path", Employee: "unit__path", Cycle: "instansi__path"}


class ScopedAdmin(HistoryAdmin):
    """For staff who are not superusers: the rows of their HR scope, pointing only inside it.

    Both ends (issue #13, item 7): the list, the change pages and every
    reference a form offers or accepts (employee, supervisor, substitute, unit,
    position) are filtered by the same scope as the API's HR writes; an id from
    outside is refused by the form as an invalid choice.
    """

    scope_path = "unit__path"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(hr_scope(request.user, self.scope_path))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        path = _PATHS.get(db_field.related_model)
        if path and not request.user.is_superuser:
            related = db_field.related_model._default_manager
            kwargs["queryset"] = related.filter(hr_scope(request.user, path))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Unit)
class UnitAdmin(ScopedAdmin):
    scope_path = "path"
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
class PositionAdmin(ScopedAdmin):
    list_display = ["name", "unit", "kind", "heads_unit"]
    search_fields = ["name"]


@admin.register(Employee)
class EmployeeAdmin(ScopedAdmin):
    list_display = ["nip", "name", "unit", "position", "kind", "active"]
    search_fields = ["nip", "name"]
    list_filter = ["kind", "active"]
    raw_id_fields = ["user", "unit", "position"]


@admin.register(SupervisorRelation)
class SupervisorRelationAdmin(ScopedAdmin):
    scope_path = "employee__unit__path"

    list_display = ["employee", "supervisor", "valid_from", "valid_until"]
    raw_id_fields = ["employee", "supervisor"]


@admin.register(ActingAssignment)
class ActingAssignmentAdmin(ScopedAdmin):
    """Read-only: a Plt/Plh is appointed and ended on HR's page or the API (hr/acting/,
    /api/acting-assignments/), whose service moves the open appraisals in the same
    transaction; a row written here would move nothing (issue #14, item 4)."""

    scope_path = "replaces__unit__path"

    list_display = ["substitute", "replaces", "kind", "valid_from", "valid_until", "ended_at"]
    raw_id_fields = ["substitute", "replaces"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ScopedAdmin):
    list_display = ["user", "role", "unit", "valid_from", "valid_until"]
    list_filter = ["role"]
    raw_id_fields = ["user", "unit"]


@admin.register(Cycle)
class CycleAdmin(ScopedAdmin):
    scope_path = "instansi__path"

    list_display = ["name", "instansi", "year", "status"]


@admin.register(Appraisal)
class AppraisalAdmin(ScopedAdmin):
    list_display = ["id", "employee", "cycle", "state", "version", "predicate"]
    list_filter = ["state", "predicate"]
    search_fields = ["employee__nip", "employee__name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
