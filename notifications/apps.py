from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifikasi"

    def ready(self) -> None:
        from workflow.signals import transition_applied, transition_committed

        from . import receivers

        transition_applied.connect(receivers.outbox_write, dispatch_uid="notifications.outbox")
        transition_committed.connect(receivers.relay_nudge, dispatch_uid="notifications.relay")
