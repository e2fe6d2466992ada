"""Which subjects an evidence bundle holds: named ones, or one unit-cycle's."""

from __future__ import annotations

from .hooks import unit_cycle_subjects


class EvidenceUnavailable(Exception):
    pass


class NothingToBundle(EvidenceUnavailable):
    """No subject named, or a unit-cycle without any."""


def evidence_subjects(*, subjects=(), unit=None, cycle=None) -> list[str]:
    """Subjects ("app_label.model:id") for a bundle, in a stable order."""
    chosen = [s for s in subjects if s]
    if unit is not None or cycle is not None:
        if unit is None or cycle is None:
            raise EvidenceUnavailable("A unit-cycle bundle needs both a unit and a cycle.")
        found = unit_cycle_subjects(unit, cycle)
        if found is None:
            raise EvidenceUnavailable("Unit-cycle bundles are not configured.")
        chosen.extend(found)
    if not chosen:
        raise NothingToBundle("Name a subject, or a unit and a cycle.")
    for subject in chosen:
        subject_type, sep, subject_id = subject.partition(":")
        if not (subject_type and sep and subject_id):
            raise EvidenceUnavailable(f"Not a subject: {subject!r} (expected <type>:<id>).")
    return list(dict.fromkeys(chosen))
