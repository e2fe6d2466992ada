from __future__ import annotations

from functools import reduce
from operator import or_

from django.db import models
from django.db.models import Q, QuerySet

from .hooks import inspector_scopes
from .models import AuditEvent, ReadAccess
from .services import subject_key


def audit_events_of(*, subject: models.Model) -> QuerySet[AuditEvent]:
    subject_type, subject_id = subject_key(subject)
    return AuditEvent.objects.filter(subject_type=subject_type, subject_id=subject_id).order_by(
        "seq"
    )


# A page of one subject's history: the API's and the pages' (api-contract.md: at least 100).
HISTORY_PAGE_SIZE = 200


def audit_events_page(
    *, subject: models.Model, after: int = 0, size: int = HISTORY_PAGE_SIZE
) -> tuple[list[AuditEvent], int | None]:
    """Up to `size` events of the subject's chain after seq `after`, oldest first.

    Returns them and the cursor of the next page (the last seq shown) while
    there is one, else None. A keyset on (subject, seq), the chain's unique
    index: the first page of 10,000 events costs what the first of 10 does,
    and events appended meanwhile (seqs only grow) are met once, at the end.
    """
    rows = list(audit_events_of(subject=subject).filter(seq__gt=after)[: size + 1])
    if len(rows) > size:
        return rows[:size], rows[size - 1].seq
    return rows, None


def _scoped(qs: QuerySet, scopes: list[str]) -> QuerySet:
    if not scopes:
        return qs.none()
    return qs.filter(reduce(or_, (Q(scope__startswith=path) for path in scopes)))


def audit_events_visible(*, user) -> QuerySet[AuditEvent]:
    """Events an inspector may read: those under the units they inspect."""
    return _scoped(AuditEvent.objects.all(), inspector_scopes(user))


def read_accesses_visible(*, user) -> QuerySet[ReadAccess]:
    return _scoped(ReadAccess.objects.all(), inspector_scopes(user))


def subjects_visible(*, user, subjects: list[str]) -> list[str]:
    """Those of `subjects` ("type:id") with at least one event in the user's scope."""
    by_type: dict[str, list[str]] = {}
    for subject in subjects:
        subject_type, _, subject_id = subject.partition(":")
        by_type.setdefault(subject_type, []).append(subject_id)
    seen = set()
    qs = audit_events_visible(user=user).order_by()
    for subject_type, ids in by_type.items():
        for start in range(0, len(ids), 500):
            found = qs.filter(subject_type=subject_type, subject_id__in=ids[start : start + 500])
            seen.update(f"{subject_type}:{i}" for i in found.values_list("subject_id", flat=True))
    return [s for s in subjects if s in seen]
