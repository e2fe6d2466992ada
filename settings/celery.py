"""The Celery app. Eager (in-process) in the embedded default; Redis otherwise."""

import os

from celery import Celery
from celery.signals import before_task_publish, task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings.local")

app = Celery("kinerja")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Logs: a task's lines carry the request id of the request that published it (settings/logs.py).
from . import metrics  # noqa: E402,F401 (counts the transitions workers make, e.g. timers)
from .logs import adopt_request_id, carry_request_id, drop_request_id  # noqa: E402

before_task_publish.connect(carry_request_id, weak=False)
task_prerun.connect(adopt_request_id, weak=False)
task_postrun.connect(drop_request_id, weak=False)
