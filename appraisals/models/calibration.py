"""The organisation's predicate per unit and cycle, and recorded curve overrides."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from ..curve import OrganisationPredicate
from .appraisal import Cycle
from .organisation import Unit


class UnitPredicate(models.Model):
    """Predikat kinerja organisasi, set by the authority; it fixes the unit's curve."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="predicates")
    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="unit_predicates")
    predicate = models.CharField(max_length=20, choices=OrganisationPredicate.CHOICES)
    reason = models.TextField(blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "cycle"], name="unit_predicate_once"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.cycle}: {self.predicate}"


class CurveOverride(models.Model):
    """The authority's recorded decision to issue results that break the curve."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="curve_overrides")
    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="curve_overrides")
    reason = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"override {self.unit} {self.cycle}"
