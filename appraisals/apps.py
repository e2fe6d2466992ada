from django.apps import AppConfig


class AppraisalsConfig(AppConfig):
    name = "appraisals"
    verbose_name = "Penilaian kinerja"

    def ready(self) -> None:
        # The domain's modules import models: only once the app registry is ready.
        from .constraints import constraints_register

        constraints_register()
