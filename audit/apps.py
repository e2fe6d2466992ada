from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _guard_tables(sender, using="default", **kwargs):
    """Attach the append-only trigger to every history table, new ones included."""
    from django.apps import apps
    from django.db import connections

    from .dbguard import guard_all

    guard_all(connections[using], apps)


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Audit"

    def ready(self) -> None:
        from django.apps import apps

        from .guards import guard_history

        guard_history(apps)
        post_migrate.connect(_guard_tables, sender=self, dispatch_uid="audit.guard_tables")
