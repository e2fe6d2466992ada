from django.conf import settings
from django.db import models

from .canonical import canonical_bytes


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Audit records are append-only.")

    def delete(self):
        raise PermissionError("Audit records are append-only.")

    def _raw_delete(self, using):
        raise PermissionError("Audit records are append-only.")


class AppendOnlyModel(models.Model):
    """A row that, once written, is never written again nor deleted by the application.

    PostgreSQL refuses the same with triggers (audit/dbguard.py).
    """

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("Audit records are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit records are append-only.")


class AuditEvent(AppendOnlyModel):
    """One change of one subject; events of a subject form a hash chain.

    Chains are per subject (not one global chain) so that writes on
    different appraisals never contend.
    """

    subject_type = models.CharField(max_length=100)
    subject_id = models.CharField(max_length=64)
    seq = models.PositiveIntegerField()
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_username = models.CharField(max_length=150)
    actor_name = models.CharField(max_length=255, blank=True)
    action = models.CharField(max_length=100)
    from_state = models.CharField(max_length=50, blank=True)
    to_state = models.CharField(max_length=50, blank=True)
    reason = models.TextField(blank=True)
    changes = models.JSONField(default=dict)
    request_id = models.CharField(max_length=64, blank=True)
    # Where the subject sits (e.g. its unit's path "/1/4/"), for scoped search;
    # hashed like the rest, so moving an event out of an inspector's view shows.
    scope = models.CharField(max_length=255, blank=True, db_index=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["subject_type", "subject_id", "seq"], name="audit_event_subject_seq"
            ),
        ]
        indexes = [
            models.Index(fields=["actor_username", "at"], name="audit_event_actor_at"),
            models.Index(fields=["action", "at"], name="audit_event_action_at"),
            models.Index(fields=["at"], name="audit_event_at"),
        ]

    def __str__(self) -> str:
        return f"{self.subject}#{self.seq} {self.action}"

    @property
    def subject(self) -> str:
        return f"{self.subject_type}:{self.subject_id}"

    def canonical(self) -> bytes:
        return canonical_bytes(
            subject=self.subject,
            seq=self.seq,
            at=self.at,
            actor=self.actor_username,
            actor_name=self.actor_name,
            action=self.action,
            from_state=self.from_state,
            to_state=self.to_state,
            reason=self.reason,
            changes=self.changes,
            scope=self.scope,
        )


class Checkpoint(AppendOnlyModel):
    """A signed Merkle tree head over every event since the previous checkpoint.

    The leaves are the events with ids in (previous.last_event_id,
    last_event_id], ordered by subject and sequence; `entries` lists them as
    [subject, first_seq, concatenated hex hashes] runs, so that verification
    can say exactly which sealed event went missing or changed. The statement
    (see audit/checkpoints.py) is what is signed and exported.
    """

    number = models.PositiveIntegerField(unique=True)
    at = models.DateTimeField()
    last_event_id = models.BigIntegerField()
    size = models.PositiveIntegerField()
    root = models.CharField(max_length=64)
    # SHA-256 of the previous checkpoint's statement (GENESIS for the first).
    prev = models.CharField(max_length=64)
    signature = models.CharField(max_length=64)
    entries = models.JSONField(default=list)

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return f"checkpoint {self.number} ({self.size} events)"


class ReadAccess(AppendOnlyModel):
    """Who opened whose record, and why (personal data accountability)."""

    at = models.DateTimeField()
    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    reader_username = models.CharField(max_length=150)
    subject_type = models.CharField(max_length=100)
    subject_id = models.CharField(max_length=64)
    scope = models.CharField(max_length=255, blank=True)
    purpose = models.CharField(max_length=100)
    request_id = models.CharField(max_length=64, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["subject_type", "subject_id", "at"], name="audit_read_subject_at"),
            models.Index(fields=["reader_username", "at"], name="audit_read_reader_at"),
            models.Index(fields=["scope", "at"], name="audit_read_scope_at"),
            models.Index(fields=["at"], name="audit_read_at"),
        ]

    def __str__(self) -> str:
        return f"{self.reader_username} read {self.subject_type}:{self.subject_id}"
