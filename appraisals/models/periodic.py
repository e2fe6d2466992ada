"""Periodic evaluation (evaluasi kinerja periodik), one per appraisal and period.

PermenPANRB 6/2022 (the evaluation part of its annex):
besides the annual evaluation, the appraiser evaluates the employee
periodically, monthly or quarterly as the agency chooses (`Cycle.check_in_frequency`),
with a result rating and a work-behaviour rating that give a periodic
predicate by the same matrix (kuadran kinerja) as the annual one, and with
feedback. A period is rated only after it has ended
(`appraisals.selectors.periods.period_ends_at`). How the annual predicate
relates to the periodic ones: `appraisals.selectors.periods` (annual rule).

Every write goes through the engine's change path (`services.periodic`): the
appraisal is locked and versioned, this row has its simple-history, the audit
chain an entry and the employee a notification.
"""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from ..predicate import Predicate, Rating
from .appraisal import Appraisal


class PeriodicEvaluation(models.Model):
    appraisal = models.ForeignKey(
        Appraisal, on_delete=models.CASCADE, related_name="periodic_evaluations"
    )
    period = models.PositiveSmallIntegerField(help_text="1-12 monthly, 1-4 quarterly")
    result_rating = models.CharField(max_length=10, choices=Rating.choices)
    behaviour_rating = models.CharField(max_length=10, choices=Rating.choices)
    predicate = models.CharField(max_length=20, choices=Predicate.choices)
    feedback = models.TextField(blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    rated_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["period"]
        constraints = [
            models.UniqueConstraint(
                fields=["appraisal", "period"], name="periodic_evaluation_once"
            ),
        ]

    def __str__(self) -> str:
        return f"Periodic evaluation {self.period} of appraisal {self.appraisal_id}"
