"""Periodic evaluation (evaluasi kinerja periodik): the appraiser rates a period once it ended.

PermenPANRB 6/2022: monthly or quarterly (the cycle's `check_in_frequency`),
the appraiser rates results and work behaviour, the predicate follows from the
same matrix as the annual one (`appraisals.predicate`), with feedback. A period
is rated only after it has ended (`selectors.periods.period_ends_at`). The
write is a change of the appraisal through the engine: locked, versioned, the
row's simple-history attributed, an audit event on the appraisal's chain, and
the employee told (the table announces `periodic_evaluation.rated`). The
period's Dokumen Evaluasi Kinerja is issued in the same change, its SHA-256 and
code on the change's audit event (`services.documents.document_issue`).
"""

from __future__ import annotations

from django.utils import timezone

from workflow import services as engine
from workflow.errors import ActionForbidden, PayloadInvalid, Problem, StateConflict
from workflow.records import attribute
from workflow.text import Text

from ..models import Appraisal, IssuedDocument, PeriodicEvaluation
from ..policies import appraisal_roles
from ..predicate import predicate_for
from ..selectors.periods import (
    period_count,
    period_ends_at,
    period_has_ended,
    period_name_text,
)
from .documents import document_issue

ACTION = "periodic_evaluation.rated"
# Periods are rated while the plan runs and until the annual review is given.
RATING_STATES = ("in_progress", "self_assessed")

ONLY_APPRAISER = Text(
    id="Hanya pejabat penilai kinerja yang dapat memberi evaluasi kinerja periodik.",
    en="Only the appraiser can give a periodic evaluation.",
)
RATING_CLOSED = Text(
    id="Evaluasi kinerja periodik hanya dapat diberikan selama pelaksanaan SKP atau "
    "penilaian mandiri, sebelum penilaian tahunan.",
    en="A periodic evaluation can only be given during execution or the self-assessment, "
    "before the annual review.",
)
PERIOD_OUT_OF_RANGE = Text(
    id="Periode harus 1 sampai {last} pada siklus ini.",
    en="The period must be 1 to {last} in this cycle.",
)
PERIOD_NOT_ENDED = Text(
    id="{period} belum berakhir: evaluasi kinerja periodik dapat diberikan mulai "
    "{ends_at} ({zone}).",
    en="{period} has not ended yet: its evaluation can be given from {ends_at} ({zone}).",
)


def _invalid(message: Text, code: str, field: str) -> PayloadInvalid:
    return PayloadInvalid(message, [Problem(code=code, message=message, field=field)])


def periodic_rating_check(appraisal: Appraisal, actor) -> None:
    """Whether `actor` may rate a period of `appraisal` now (403, else 409)."""
    if "appraiser" not in appraisal_roles(appraisal, actor):
        raise ActionForbidden(ONLY_APPRAISER)
    if appraisal.state not in RATING_STATES:
        raise StateConflict(RATING_CLOSED)


def period_ended_check(appraisal: Appraisal, period: int) -> None:
    """The period exists in the cycle (400 period_out_of_range) and has ended (400)."""
    cycle = appraisal.cycle
    last = period_count(cycle)
    if not 1 <= period <= last:
        raise _invalid(PERIOD_OUT_OF_RANGE.format(last=last), "period_out_of_range", "period")
    if not period_has_ended(cycle, period):
        ends_at = period_ends_at(cycle, period)
        name = period_name_text(cycle, period)
        shown = {"ends_at": ends_at.strftime("%Y-%m-%d %H:%M"), "zone": ends_at.tzname()}
        message = Text(
            id=PERIOD_NOT_ENDED.id.format(period=name.id, **shown),
            en=PERIOD_NOT_ENDED.en.format(period=name.en, **shown),
        )
        raise _invalid(message, "period_not_ended", "period")


def periodic_evaluation_rate(
    *,
    appraisal: Appraisal,
    actor,
    period: int,
    result_rating: str,
    behaviour_rating: str,
    feedback: str = "",
    expected_version: int | None = None,
) -> tuple[PeriodicEvaluation, bool]:
    """Rate (or re-rate) one ended period. Returns (evaluation, created)."""

    def apply(locked: Appraisal):
        periodic_rating_check(locked, actor)
        period_ended_check(locked, period)
        evaluation = PeriodicEvaluation.objects.filter(appraisal=locked, period=period).first()
        created = evaluation is None
        if created:
            evaluation = PeriodicEvaluation(appraisal=locked, period=period)
        prefix = f"periodic_evaluation[{period}]"
        new = {
            "result_rating": result_rating,
            "behaviour_rating": behaviour_rating,
            "predicate": predicate_for(result=result_rating, behaviour=behaviour_rating),
            "feedback": feedback.strip(),
        }
        changes = {
            f"{prefix}.{name}": [None if created else getattr(evaluation, name), value]
            for name, value in new.items()
            if created or getattr(evaluation, name) != value
        }
        for name, value in new.items():
            setattr(evaluation, name, value)
        now = timezone.now()
        evaluation.rated_by, evaluation.rated_at = actor, now
        attribute(evaluation, actor=actor, reason=ACTION).save()
        # The period's Dokumen Evaluasi Kinerja, issued in this change (the version the
        # engine is about to write): its hash and code on this change's own audit event;
        # a re-rating supersedes the period's earlier document.
        _document, issued = document_issue(
            appraisal=locked,
            kind=IssuedDocument.Kind.EVALUATION,
            actor=actor,
            at=now,
            version=locked.version + 1,
            transition=ACTION,
            period=period,
        )
        return (evaluation, created), {**changes, **issued}

    _, result = engine.change(
        appraisal, actor=actor, action=ACTION, apply=apply, expected_version=expected_version
    )
    return result
