from __future__ import annotations

from django.db import models
from django.db.models import QuerySet

from .models import AuditEvent
from .services import subject_key


def audit_events_of(*, subject: models.Model) -> QuerySet[AuditEvent]:
    subject_type, subject_id = subject_key(subject)
    return AuditEvent.objects.filter(subject_type=subject_type, subject_id=subject_id).order_by(
        "seq"
    )
