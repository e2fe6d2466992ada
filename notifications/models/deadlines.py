"""Deadlines as data: a cycle's phase dates and each appraisal's due date, polled by beat.

Nothing here waits in the broker (no long Celery ETAs): the poller reads the
rows whose next action is due, acts once, and records what it did.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from .outbox import _now

# States somebody must move an appraisal out of, and who that is.
PHASE_STATES = [
    ("draft", "Penyusunan SKP (pegawai)"),
    ("plan_submitted", "Persetujuan SKP (pejabat penilai)"),
    ("in_progress", "Penilaian mandiri (pegawai)"),
    ("self_assessed", "Penilaian (pejabat penilai)"),
    ("reviewed", "Dialog kinerja (pejabat penilai)"),
    ("discussed", "Penetapan hasil (pejabat penilai)"),
    ("final", "Usulan tindak lanjut (tim penilai kinerja)"),
    ("decision_proposed", "Keputusan tindak lanjut (pejabat yang berwenang)"),
]


def default_remind_days() -> list[int]:
    return list(settings.DEADLINES_REMINDER_DAYS)


class PhaseDeadline(models.Model):
    """The date by which an appraisal of the cycle must have left `state`.

    PermenPANRB 6/2022: the plan is set at the latest by the end of January,
    so e.g. (draft, 15 January) and (plan_submitted, 31 January).
    """

    cycle = models.ForeignKey(
        "appraisals.Cycle", on_delete=models.CASCADE, related_name="phase_deadlines"
    )
    state = models.CharField(max_length=30, choices=PHASE_STATES)
    due_on = models.DateField(help_text="The last day (inclusive), local time.")
    remind_days = models.JSONField(
        default=default_remind_days,
        blank=True,
        help_text="Days before the due date on which to remind, e.g. [7, 3, 1].",
    )
    escalate = models.BooleanField(
        default=True, help_text="Tell the responsible person's superior when the date passes."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cycle", "state"], name="phase_deadline_unique"),
        ]
        ordering = ["cycle", "due_on"]

    def __str__(self) -> str:
        return f"{self.cycle_id}:{self.state} by {self.due_on}"


class Deadline(models.Model):
    """One subject's due date for leaving its current state, and what was done about it."""

    class OnDue(models.TextChoices):
        NOTHING = "", "Tidak ada"
        ESCALATE = "escalate", "Eskalasi ke atasan"
        ACCEPT_RESULT = "accept_result", "Hasil diterima otomatis oleh sistem"

    subject_type = models.CharField(max_length=100)
    subject_id = models.PositiveBigIntegerField()
    state = models.CharField(max_length=30)
    # A role of the lifecycle: employee, appraiser, appeal_reviewer, panel, authority.
    responsible = models.CharField(max_length=30)
    due_at = models.DateTimeField()
    on_due = models.CharField(max_length=20, choices=OnDue.choices, blank=True)
    remind_days = models.JSONField(default=list, blank=True)
    reminded = models.JSONField(default=list, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    fired_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    next_action_at = models.DateTimeField(null=True, blank=True)
    # Where the due date came from: "phase:<id>", "appeal_window", "appeal_decision".
    source = models.CharField(max_length=50, blank=True, db_index=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=_now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["subject_type", "subject_id"],
                condition=models.Q(closed_at__isnull=True),
                name="deadline_one_open_per_subject",
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_action_at"],
                condition=models.Q(closed_at__isnull=True),
                name="deadline_open_next_action",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject_type}:{self.subject_id} {self.state} due {self.due_at:%Y-%m-%d}"
