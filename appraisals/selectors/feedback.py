"""Reading peer feedback: who sees which texts, and with whose names."""

from __future__ import annotations

from django.db.models import QuerySet

from workflow.errors import NotFound
from workflow.text import Text

from ..models import Appraisal, PeerFeedback
from ..policies import appraisal_roles, profile_of

OPEN_STATES = ("in_progress", "self_assessed")
IDENTIFIED_READERS = frozenset({"appraiser", "appeal_reviewer"})
REQUEST_NOT_FOUND = Text(
    id="Permintaan umpan balik tidak ditemukan.", en="Feedback request not found."
)


def peer_feedback_of(*, appraisal: Appraisal) -> QuerySet[PeerFeedback]:
    return appraisal.peer_feedback.select_related("peer").order_by("id")


def peer_feedback_identified(appraisal: Appraisal, user) -> bool:
    """Whether `user` may know who wrote which feedback (the appraiser and appeal reviewer)."""
    return bool(appraisal_roles(appraisal, user) & IDENTIFIED_READERS)


def peer_feedback_anonymous(*, appraisal: Appraisal) -> list[dict]:
    """Submitted texts only, numbered in an order that says nothing about their authors.

    Sorting by the text itself (not by id, request or submission time) keeps
    the ordinal from hinting at who was asked first or answered when.
    """
    texts = sorted(
        appraisal.peer_feedback.filter(submitted_at__isnull=False).values_list("text", flat=True),
        key=lambda text: (text.casefold(), text),
    )
    return [{"ordinal": n, "text": text} for n, text in enumerate(texts, start=1)]


def peer_feedback_requests_open(*, user) -> QuerySet[PeerFeedback]:
    """The caller's own unanswered requests on appraisals still open for feedback."""
    employee_id = profile_of(user).employee_id
    if employee_id is None:
        return PeerFeedback.objects.none()
    return (
        PeerFeedback.objects.filter(
            peer_id=employee_id,
            submitted_at__isnull=True,
            appraisal__state__in=OPEN_STATES,
        )
        .select_related("appraisal__employee", "appraisal__cycle")
        .order_by("requested_at", "id")
    )


def peer_feedback_request_get(*, user, pk) -> PeerFeedback:
    """One of the caller's own requests (answered or not); anyone else's is 404."""
    employee_id = profile_of(user).employee_id
    try:
        return PeerFeedback.objects.select_related("appraisal").get(pk=int(pk), peer_id=employee_id)
    except (PeerFeedback.DoesNotExist, TypeError, ValueError):
        raise NotFound(REQUEST_NOT_FOUND) from None
