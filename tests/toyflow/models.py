from django.conf import settings
from django.db import models
from django_fsm import FSMField, FSMModelMixin
from simple_history.models import HistoricalRecords

from .lifecycle import STATE_CHOICES, TOY_WORKFLOW


class Toy(FSMModelMixin, models.Model):
    # No transition methods here: the engine binds the table's (lifecycle.py) at start-up.

    title = models.CharField(max_length=100, blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    state = FSMField(default=TOY_WORKFLOW.initial, choices=STATE_CHOICES, protected=True)
    version = models.PositiveIntegerField(default=1)
    grade = models.CharField(max_length=10, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Toy {self.pk}: {self.title}"
