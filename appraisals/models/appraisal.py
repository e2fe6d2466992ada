"""Cycles and appraisals: the aggregate the lifecycle moves."""

import datetime as dt

from django.conf import settings
from django.db import models
from django_fsm import FSMField, FSMModelMixin
from simple_history.models import HistoricalRecords

from workflow import calendar

from ..predicate import Predicate, Rating
from ..states import INITIAL, STATE_CHOICES
from ..storage import evidence_storage
from .organisation import Employee, Unit

DAY_COUNTS = [(calendar.CALENDAR, "Hari kalender"), (calendar.WORKING, "Hari kerja")]


class Cycle(models.Model):
    """An annual appraisal cycle of one instansi."""

    class Status(models.TextChoices):
        OPEN = "open", "Dibuka"
        CLOSED = "closed", "Ditutup"

    class CheckInFrequency(models.TextChoices):
        MONTHLY = "monthly", "Bulanan"
        QUARTERLY = "quarterly", "Triwulanan"

    class AnnualRule(models.TextChoices):
        LAST_PERIOD = "last_period", "Evaluasi periode terakhir menjadi evaluasi tahunan"
        ADVISORY = "advisory", "Evaluasi periodik sebagai pertimbangan penilai"

    name = models.CharField(max_length=255)
    instansi = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="cycles")
    year = models.PositiveIntegerField()
    starts_on = models.DateField()
    ends_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    check_in_frequency = models.CharField(
        max_length=10, choices=CheckInFrequency.choices, default=CheckInFrequency.QUARTERLY
    )
    # How the annual predicate relates to the periodic evaluations (PermenPANRB 6/2022;
    # see appraisals.selectors.periods.ANNUAL_RULE_NOTE).
    annual_rule = models.CharField(
        max_length=12, choices=AnnualRule.choices, default=AnnualRule.LAST_PERIOD
    )
    # PP 30/2019 Pasal 59: an appeal within 14 days of receiving the result.
    appeal_window_days = models.PositiveSmallIntegerField(default=14)
    # The reviewer's own deadline is not fixed by the regulation (our choice:
    # 14 days, after which the authority may decide).
    appeal_decision_days = models.PositiveSmallIntegerField(default=14)
    # PermenPANRB 6/2022 annex: a plan not drafted by the second week of January is
    # drafted and set by the performance manager (HR). Null on rows made before the
    # field (and by bare test factories): see plan_fallback_date.
    plan_fallback_on = models.DateField(
        null=True,
        blank=True,
        help_text="After this day HR may draft and set a plan still in draft.",
    )
    # ... counted in calendar or working days (the agency's calendar).
    appeal_decision_count = models.CharField(
        max_length=10, choices=DAY_COUNTS, default=calendar.CALENDAR
    )
    # The annual result is issued after the period has ended (PermenPANRB
    # 6/2022); the agency may allow it this many days before the end.
    issue_early_days = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return self.name

    @property
    def plan_fallback_date(self) -> dt.date:
        """The fallback date: HR's, or the end of the second week of January of the year."""
        return self.plan_fallback_on or plan_fallback_default(self.year)


def plan_fallback_default(year: int) -> dt.date:
    # "Minggu kedua Januari": days 8-14; its end is 14 January.
    return dt.date(year, 1, 14)


class Appraisal(FSMModelMixin, models.Model):
    """One employee's performance appraisal in one cycle.

    The appraiser and appeal reviewer are resolved from the organisation when
    the appraisal opens (and the reviewer again when an appeal is filed).
    `version` increases by one with every change of the aggregate. Its
    transition methods (`submit_plan` ...) are django-fsm's, attached at
    start-up from the table in `appraisals/lifecycle.py` (`workflow.fsm.bind`).
    """

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="appraisals")
    employee = models.ForeignKey(Employee, on_delete=models.PROTECT, related_name="appraisals")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="appraisals")
    appraiser = models.ForeignKey(
        Employee, null=True, on_delete=models.PROTECT, related_name="appraisals_as_appraiser"
    )
    appeal_reviewer = models.ForeignKey(
        Employee, null=True, on_delete=models.PROTECT, related_name="appraisals_as_reviewer"
    )
    state = FSMField(default=INITIAL, choices=STATE_CHOICES, protected=True, db_index=True)
    version = models.PositiveIntegerField(default=1)
    result_rating = models.CharField(max_length=10, choices=Rating.choices, blank=True)
    behaviour_rating = models.CharField(max_length=10, choices=Rating.choices, blank=True)
    predicate = models.CharField(max_length=20, choices=Predicate.choices, blank=True)
    feedback = models.TextField(blank=True)
    result_issued_at = models.DateTimeField(null=True, blank=True)
    # PP 30/2019 Pasal 59 counts the appeal window from receipt; by default
    # the result is received the moment it is issued to the employee.
    result_received_at = models.DateTimeField(null=True, blank=True)
    appeal_deadline = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            # One live appraisal per employee and cycle; a transfer cancels the
            # old one and opens another for the new position.
            models.UniqueConstraint(
                fields=["cycle", "employee"],
                condition=~models.Q(state="cancelled"),
                name="appraisal_one_live_per_cycle",
            ),
        ]
        # The home page's waiting tasks read each (role, state) part in id order and
        # stop after a page (selectors.appraisals.MergedParts): one range per part.
        indexes = [
            models.Index(fields=["appraiser", "state", "id"], name="appraisal_appraiser_state"),
            models.Index(
                fields=["appeal_reviewer", "state", "id"], name="appraisal_reviewer_state"
            ),
            models.Index(fields=["state", "id"], name="appraisal_state_id"),
        ]

    def __str__(self) -> str:
        return f"Appraisal {self.pk} ({self.state})"


class Perspective(models.TextChoices):
    SERVICE_RECIPIENTS = "service_recipients", "Perspektif Penerima Layanan"
    INTERNAL_STRENGTHENING = "internal", "Perspektif Penguatan Internal"
    BUSINESS_PROCESS = "business_process", "Perspektif Proses Bisnis"
    BUDGET = "budget", "Perspektif Anggaran"


class PlanItem(models.Model):
    """A planned result (rencana hasil kerja) of the SKP."""

    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="plan_items")
    result = models.TextField()
    # The appraiser's item this one supports (cascading / intervensi).
    parent_item = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="supporting_items"
    )
    # JPT plans are organised by perspective (PermenPANRB 6/2022 annex).
    perspective = models.CharField(max_length=20, choices=Perspective.choices, blank=True)
    realisation = models.TextField(blank=True)
    self_rating = models.CharField(max_length=10, choices=Rating.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.result[:60]


class Indicator(models.Model):
    class Aspect(models.TextChoices):
        QUANTITY = "quantity", "Kuantitas"
        QUALITY = "quality", "Kualitas"
        TIME = "time", "Waktu"
        COST = "cost", "Biaya"

    item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(max_length=500)
    aspect = models.CharField(max_length=10, choices=Aspect.choices)
    target = models.CharField(max_length=255)
    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Discussion(models.Model):
    """The recorded performance dialogue (dialog kinerja)."""

    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="discussions")
    summary = models.TextField()
    held_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Discussion {self.pk} of appraisal {self.appraisal_id}"


class Appeal(models.Model):
    """A keberatan (PP 30/2019 Pasal 59) and the reviewer's final decision."""

    class Outcome(models.TextChoices):
        UPHELD = "upheld", "Hasil dipertahankan"
        REVISED = "revised", "Hasil diubah"

    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="appeals")
    grounds = models.TextField()
    # An optional document beside the grounds, checked and stored as evidence is.
    # Named by content as evidence is (appeals/ab/cd/<sha256>.pdf).
    attachment = models.FileField(upload_to="appeals/", storage=evidence_storage, blank=True)
    attachment_name = models.CharField(max_length=255, blank=True)
    attachment_type = models.CharField(max_length=100, blank=True)
    attachment_size = models.PositiveIntegerField(default=0)
    attachment_sha256 = models.CharField(max_length=64, blank=True)
    filed_at = models.DateTimeField()
    reviewer = models.ForeignKey(
        Employee, null=True, on_delete=models.PROTECT, related_name="appeals_to_decide"
    )
    decision_due = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    decision_reason = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Appeal {self.pk} of appraisal {self.appraisal_id}"


# The statuses of a decision that still count (issue #18): one of each kind per appraisal.
LIVE_DECISION = ("proposed", "approved")


class Decision(models.Model):
    """A follow-up (tindak lanjut): proposed by the panel, decided by the authority."""

    class Kind(models.TextChoices):
        AWARD = "award", "Penghargaan"
        PROMOTION = "promotion", "Promosi"
        DEVELOPMENT = "development", "Pengembangan kompetensi"
        SANCTION = "sanction", "Sanksi"
        NONE = "none", "Tidak ada tindak lanjut"

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Diusulkan"
        APPROVED = "approved", "Disetujui"
        REJECTED = "rejected", "Ditolak"

    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="decisions")
    kind = models.CharField(max_length=15, choices=Kind.choices)
    details = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    reference_number = models.CharField(max_length=100, blank=True)
    # What the proposal rested on: the employee's predicate history.
    evidence = models.JSONField(default=dict, blank=True)
    effective_date = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            # Several follow-ups per appraisal (an award and a development plan, issue
            # #18), but one live (proposed or approved) decision of a kind: a second
            # proposal of the same kind waits until the first is rejected. The appraisal's
            # row lock refuses it first (effects.propose_decision, 409); this holds even
            # for a write that bypasses the engine.
            models.UniqueConstraint(
                fields=["appraisal", "kind"],
                condition=models.Q(status__in=LIVE_DECISION),
                name="decision_one_live_per_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"Decision {self.pk} ({self.kind}, {self.status})"


class AppraiserHandover(models.Model):
    """The appraiser of an open appraisal changed mid-cycle (serah terima).

    Written with the reassignment; the previous appraiser, who lost access to
    the appraisal itself, may leave one handover note (catatan serah terima) for
    the successor within `KINERJA_HANDOVER_NOTE_DAYS` of the change.
    """

    class Cause(models.TextChoices):
        ACTING_APPOINTED = "acting_appointed", "Penunjukan Plt/Plh"
        ACTING_ENDED = "acting_ended", "Berakhirnya Plt/Plh"
        SUPERVISOR_CHANGE = "supervisor_change", "Pergantian atasan langsung"
        TRANSFER = "transfer", "Mutasi"
        ORGANISATION = "organisation", "Perubahan organisasi"

    appraisal = models.ForeignKey(Appraisal, on_delete=models.PROTECT, related_name="handovers")
    previous = models.ForeignKey(Employee, on_delete=models.PROTECT, related_name="handed_over")
    successor = models.ForeignKey(
        Employee, null=True, blank=True, on_delete=models.PROTECT, related_name="taken_over"
    )
    cause = models.CharField(max_length=30, choices=Cause.choices)
    changed_at = models.DateTimeField()
    note = models.TextField(blank=True)
    note_written_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        indexes = [models.Index(fields=["previous", "changed_at"], name="handover_prev_at")]

    def __str__(self) -> str:
        return f"{self.appraisal_id}: {self.previous_id} -> {self.successor_id}"
