from django.apps import AppConfig


class AppraisalsConfig(AppConfig):
    name = "appraisals"
    verbose_name = "Penilaian kinerja"

    def ready(self) -> None:
        # The domain's modules import models: only once the app registry is ready.
        from .constraints import constraints_register

        # Registers the check of the recap's CSV mapping (an agency's file).
        from .exports import checks  # noqa: F401

        constraints_register()
