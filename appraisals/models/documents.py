"""Documents Kinerja issued: the SKP and the Dokumen Evaluasi Kinerja as PDFs.

A row is written when a transition issues a document (plan approved, result
issued, appeal decided, follow-up approved), in that transition's transaction,
and its SHA-256 goes onto the appraisal's audit chain with it. The bytes are
kept, so what the appraisal page serves later is exactly what was issued, even
after the appraisal has moved on. Rows are never deleted; the only later
change is `superseded_by`/`superseded_at`, set when a newer document of the
same kind (and period) is issued.

A signed copy (PAdES, appraisals/signatures) is registered as another row with
`signed_from` naming the issued original: its own bytes and hash, the same
verification code printed on its pages (signing adds a signature, not content).
"""

from django.conf import settings
from django.db import models

from .appraisal import Appraisal


class IssuedDocument(models.Model):
    class Kind(models.TextChoices):
        SKP = "skp", "Sasaran Kinerja Pegawai (SKP)"
        EVALUATION = "evaluation", "Dokumen Evaluasi Kinerja"

    appraisal = models.ForeignKey(Appraisal, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # A periodic evaluation's period (1-12 or 1-4); null for the SKP and the annual one.
    period = models.PositiveSmallIntegerField(null=True, blank=True)
    code = models.CharField(max_length=20, db_index=True)
    sha256 = models.CharField(max_length=64, unique=True)
    size = models.PositiveIntegerField()
    content = models.BinaryField()
    # The appraisal as the document shows it.
    appraisal_state = models.CharField(max_length=30)
    appraisal_version = models.PositiveIntegerField()
    transition = models.CharField(max_length=50, blank=True)
    issued_at = models.DateTimeField()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    superseded_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    superseded_at = models.DateTimeField(null=True, blank=True)
    signed_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="signed_copies"
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            # One original per code; signed copies carry their original's code.
            models.UniqueConstraint(
                fields=["code"],
                condition=models.Q(signed_from__isnull=True),
                name="issued_document_code_once",
            ),
        ]
        indexes = [models.Index(fields=["appraisal", "kind", "period"], name="issued_doc_kind")]

    def __str__(self) -> str:
        return f"{self.kind} {self.code} of appraisal {self.appraisal_id}"
