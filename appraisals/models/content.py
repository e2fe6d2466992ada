"""What the SKP holds besides result items, and what feeds the appraiser's judgement.

- Work behaviour (perilaku kerja, BerAKHLAK): seven core values, each with the
  appraiser's specific expectation of this employee.
- The plan's annexes (lampiran SKP): resources, accountability scheme,
  consequences.
- Check-ins (pemantauan / umpan balik berkelanjutan) per period, with
  realisation per indicator, evidence (bukti dukung) and the appraiser's
  feedback.
- Peer feedback (360°), shown to the employee without the peer's name, and
  public satisfaction survey results (survei kepuasan masyarakat) per unit.
"""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from ..storage import evidence_storage
from .appraisal import Appraisal, Cycle, Indicator
from .organisation import Employee, Unit


class BehaviourValue(models.TextChoices):
    """BerAKHLAK, the ASN core values (SE MenPANRB 20/2021; PermenPANRB 6/2022)."""

    SERVICE = "berorientasi_pelayanan", "Berorientasi Pelayanan"
    ACCOUNTABLE = "akuntabel", "Akuntabel"
    COMPETENT = "kompeten", "Kompeten"
    HARMONIOUS = "harmonis", "Harmonis"
    LOYAL = "loyal", "Loyal"
    ADAPTIVE = "adaptif", "Adaptif"
    COLLABORATIVE = "kolaboratif", "Kolaboratif"


class BehaviourExpectation(models.Model):
    appraisal = models.ForeignKey(
        Appraisal, on_delete=models.CASCADE, related_name="behaviour_expectations"
    )
    value = models.CharField(max_length=30, choices=BehaviourValue.choices)
    expectation = models.TextField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["appraisal", "value"], name="behaviour_once"),
        ]

    def __str__(self) -> str:
        return f"{self.value}: {self.expectation[:40]}"


class PlanAnnex(models.Model):
    """Lampiran SKP: dukungan sumber daya, skema pertanggungjawaban, konsekuensi."""

    appraisal = models.OneToOneField(Appraisal, on_delete=models.CASCADE, related_name="annex")
    resources = models.TextField(blank=True)
    accountability = models.TextField(blank=True)
    consequences = models.TextField(blank=True)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Annex of appraisal {self.appraisal_id}"


class CheckIn(models.Model):
    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="check_ins")
    period = models.PositiveSmallIntegerField(help_text="1-12 monthly, 1-4 quarterly")
    note = models.TextField(blank=True)
    submitted_at = models.DateTimeField()
    feedback = models.TextField(blank=True)
    feedback_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    feedback_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["period"]
        constraints = [
            models.UniqueConstraint(fields=["appraisal", "period"], name="checkin_once"),
        ]

    def __str__(self) -> str:
        return f"Check-in {self.period} of appraisal {self.appraisal_id}"


class CheckInEntry(models.Model):
    check_in = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="entries")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    realisation = models.TextField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["check_in", "indicator"], name="checkin_entry_once"),
        ]

    def __str__(self) -> str:
        return self.realisation[:40]


class Evidence(models.Model):
    """Bukti dukung: a file (type and size checked) or a link."""

    class Kind(models.TextChoices):
        FILE = "file", "Berkas"
        LINK = "link", "Tautan"

    check_in = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="evidence")
    indicator = models.ForeignKey(
        Indicator, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=5, choices=Kind.choices)
    name = models.CharField(max_length=255)
    # Named by the SHA-256 of its bytes (evidence/ab/cd/<sha256>.pdf, shared by identical
    # uploads); rows from before keep their random names under evidence/%Y/%m/.
    file = models.FileField(upload_to="evidence/", storage=evidence_storage, blank=True)
    url = models.URLField(max_length=2000, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField()
    history = HistoricalRecords()

    def __str__(self) -> str:
        return self.name


class PeerFeedback(models.Model):
    """360° feedback requested by the appraiser from a peer of the employee."""

    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="peer_feedback")
    peer = models.ForeignKey(Employee, on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    text = models.TextField(blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["appraisal", "peer"], name="peer_feedback_once"),
        ]

    def __str__(self) -> str:
        return f"Peer feedback {self.pk} on appraisal {self.appraisal_id}"


class SurveyResult(models.Model):
    """A public satisfaction survey result (IKM, 0-100) for a unit's service."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="survey_results")
    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="survey_results")
    service = models.CharField(max_length=255)
    period = models.CharField(max_length=50)
    score = models.DecimalField(max_digits=5, decimal_places=2)
    respondents = models.PositiveIntegerField()
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "cycle", "service", "period"], name="survey_result_once"
            ),
            models.CheckConstraint(
                condition=models.Q(score__gte=0) & models.Q(score__lte=100),
                name="survey_score_0_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service} {self.period}: {self.score}"
