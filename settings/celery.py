"""The Celery app. Eager (in-process) in the embedded default; Redis otherwise."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings.local")

app = Celery("kinerja")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
