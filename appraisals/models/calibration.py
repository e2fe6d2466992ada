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


class CurveFlag(models.Model):
    """A final appeal decision whose revised predicate broke the unit's curve.

    PP 30/2019 Pasal 59 ayat 4 makes the decision final, so the curve never
    refuses it; instead this row records, at the moment of the decision, that
    the curve of `unit` (the unit whose organisation predicate governs it) no
    longer holds, with the report as it was. The authority over the unit
    acknowledges it with a reason, as with an override at issue time.
    """

    appraisal = models.ForeignKey(
        "appraisals.Appraisal", on_delete=models.PROTECT, related_name="curve_flags"
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="curve_flags")
    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="curve_flags")
    predicate_before = models.CharField(max_length=20, blank=True)
    predicate_after = models.CharField(max_length=20)
    curve = models.JSONField()
    raised_at = models.DateTimeField()
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledgement_reason = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        indexes = [models.Index(fields=["unit", "cycle"], name="curve_flag_unit_cycle")]

    def __str__(self) -> str:
        return f"curve flag {self.unit} {self.cycle} ({self.appraisal_id})"

    @property
    def acknowledged(self) -> bool:
        return self.acknowledged_at is not None
