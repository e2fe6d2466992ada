"""The application refuses to rewrite simple-history rows (every database).

simple-history generates its historical models, so they cannot inherit
AppendOnlyModel: at start-up every historical model gets pre_save/pre_delete
receivers that refuse anything but an insert, and its querysets refuse
update() and delete(). PostgreSQL refuses the same again (dbguard.py).
"""

from __future__ import annotations

from django.db.models.signals import pre_delete, pre_save

MESSAGE = "History records are append-only."


class _AppendOnly:
    def update(self, **kwargs):
        raise PermissionError(MESSAGE)

    def delete(self):
        raise PermissionError(MESSAGE)

    def _raw_delete(self, using):
        raise PermissionError(MESSAGE)


_guarded_classes: dict[type, type] = {}


def append_only(queryset_class: type) -> type:
    if issubclass(queryset_class, _AppendOnly):
        return queryset_class
    guarded = _guarded_classes.get(queryset_class)
    if guarded is None:
        guarded = type(f"AppendOnly{queryset_class.__name__}", (_AppendOnly, queryset_class), {})
        _guarded_classes[queryset_class] = guarded
    return guarded


def _refuse_rewrite(sender, instance, raw=False, **kwargs):
    if not instance._state.adding:
        raise PermissionError(MESSAGE)


def _refuse_delete(sender, instance, **kwargs):
    raise PermissionError(MESSAGE)


def historical_models(registry):
    from simple_history.models import HistoricalChanges

    return [m for m in registry.get_models() if issubclass(m, HistoricalChanges)]


def guard_history(registry) -> None:
    from simple_history.manager import HistoryDescriptor

    for history_model in historical_models(registry):
        uid = f"audit.append_only.{history_model._meta.label_lower}"
        pre_save.connect(_refuse_rewrite, sender=history_model, dispatch_uid=uid)
        pre_delete.connect(_refuse_delete, sender=history_model, dispatch_uid=uid)
        for manager in (*history_model._meta.managers, history_model._meta.base_manager):
            manager._queryset_class = append_only(manager._queryset_class)
        # `Model.history`: the descriptor builds its manager on every access.
        tracked = history_model.instance_type
        for value in vars(tracked).values():
            if isinstance(value, HistoryDescriptor) and value.model is history_model:
                value.queryset_class = append_only(value.queryset_class)
