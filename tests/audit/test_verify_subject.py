"""One subject verified on its own (the inspector's badge) finds what the full
verification finds about that subject, at the same places, for every kind of tampering."""

from __future__ import annotations

import pytest
from django.db import transaction

from audit.checkpoints import checkpoint_seal
from audit.verify import verify_audit, verify_subject

from .mutations import KINDS, NEEDS_SEAL, SUBJECT_TYPE

pytestmark = pytest.mark.django_db


def places(problems) -> set[tuple]:
    return {(p.get("seq"), p.get("expected_seq"), p["problem"]) for p in problems}


def test_genuine_chain_verifies(histories):
    first, _ = histories
    assert verify_subject(subject_type=SUBJECT_TYPE, subject_id=str(first.pk)).ok
    checkpoint_seal()
    report = verify_subject(subject_type=SUBJECT_TYPE, subject_id=str(first.pk))
    assert report.ok, report.problems
    assert report.checkpoints == 1


@pytest.mark.parametrize("kind", sorted(KINDS))
@pytest.mark.parametrize("seal", [False, True])
@pytest.mark.parametrize("pick", [0, 1, 2, 5])
def test_same_findings_as_the_full_verification(histories, kind, seal, pick):
    first, second = histories
    with transaction.atomic():
        if seal or kind in NEEDS_SEAL:
            checkpoint_seal()
        if KINDS[kind](str(first.pk), pick, pick) is None:
            pytest.skip("history too short for this kind")
        subject = f"{SUBJECT_TYPE}:{first.pk}"
        full = [p for p in verify_audit().problems if p.get("subject") == subject]
        mine = verify_subject(subject_type=SUBJECT_TYPE, subject_id=str(first.pk))
        assert full and places(mine.problems) == places(full), (mine.problems, full)
        assert verify_subject(subject_type=SUBJECT_TYPE, subject_id=str(second.pk)).ok
        transaction.set_rollback(True)
