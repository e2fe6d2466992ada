from django.apps import AppConfig


class AppraisalsConfig(AppConfig):
    name = "appraisals"
    verbose_name = "Penilaian kinerja"

    def ready(self) -> None:
        from .constraints import constraints_register

        constraints_register()
