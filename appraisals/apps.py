from django.apps import AppConfig


class AppraisalsConfig(AppConfig):
    name = "appraisals"
    verbose_name = "Penilaian kinerja"
