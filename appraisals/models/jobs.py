"""Long-running work (opening a cycle for tens of thousands, a large organisation
import) with visible progress."""

from django.conf import settings
from django.db import models


class BulkJob(models.Model):
    class Kind(models.TextChoices):
        CYCLE_OPEN = "cycle_open", "Buka siklus penilaian"
        ORGANISATION_IMPORT = "organisation_import", "Impor organisasi"
        RECAP = "recap", "Rekap kinerja unit"

    class Status(models.TextChoices):
        QUEUED = "queued", "Menunggu"
        RUNNING = "running", "Berjalan"
        DONE = "done", "Selesai"
        FAILED = "failed", "Gagal"

    kind = models.CharField(max_length=30, choices=Kind.choices)
    cycle = models.ForeignKey(
        "appraisals.Cycle", null=True, on_delete=models.PROTECT, related_name="jobs"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # An import's file (by its waiting-upload token and SHA-256), date and mode;
    # its report (counts and row-level problems) when done.
    params = models.JSONField(default=dict, blank=True)
    report = models.JSONField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} {self.status} {self.done}/{self.total}"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0
