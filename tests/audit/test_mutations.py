"""The mutation test: for generated histories, every kind of tampering, done as a
database superuser, is found at its exact place (subject and sequence).

The histories: one appraisal in each lifecycle state, in two units, built once;
each example picks a kind, a victim, a place and whether a checkpoint sealed it,
tampers inside a savepoint, verifies, and rolls back.
"""

from __future__ import annotations

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from appraisals.models import Appraisal
from appraisals.services.cycles import cycle_open
from audit.checkpoints import checkpoint_seal
from audit.verify import verify_audit
from workflow.actors import system_actor

from ..factories import EmployeeFactory, supervise
from ..flow import advance
from .mutations import KINDS, NEEDS_SEAL, SUBJECT_TYPE

pytestmark = [pytest.mark.django_db, pytest.mark.property]

STATES = ["draft", "plan_submitted", "in_progress", "reviewed", "result_issued", "appealed",
          "final", "decided", "cancelled"]  # fmt: skip
# Findings about the live record that follow from damage to its chain: they
# point at the chain's (new) head, before the damage. They are the finding
# itself only when the record, or the head, was forged.
CONSEQUENCES = {"record_disagrees", "chain_missing"}
PRIMARY = {"record": CONSEQUENCES, "forge_tail": CONSEQUENCES}


def place(problem: dict) -> int:
    """Where a problem points: a gap points at the missing sequence number."""
    return problem.get("expected_seq", problem.get("seq"))


@pytest.fixture
def library(org) -> list[Appraisal]:
    employees = []
    for index, state in enumerate(STATES):
        unit, appraiser = (
            (org.dinas, org.appraiser) if index % 2 else (org.other_dinas, org.other_appraiser)
        )
        employee = EmployeeFactory(unit=unit, user__username=f"pegawai{index}")
        supervise(employee, appraiser)
        employees.append((employee, appraiser, state))
    cycle_open(cycle=org.cycle, actor=system_actor(), employees=[e for e, _a, _s in employees])
    built = []
    for employee, appraiser, state in employees:
        users = {**org.users, "employee": employee.user, "appraiser": appraiser.user}
        appraisal = Appraisal.objects.get(cycle=org.cycle, employee=employee)
        built.append(advance(appraisal, state, users=users))
    assert verify_audit().ok
    return built


def _check(library, kind, victim, pick, extra, seal) -> bool:
    if seal or kind in NEEDS_SEAL:
        checkpoint_seal()
    appraisal = library[victim % len(library)]
    subject = f"{SUBJECT_TYPE}:{appraisal.pk}"
    outcome = KINDS[kind](str(appraisal.pk), pick, extra)
    if outcome is None:
        return False  # the history is too short for this kind
    seq, problem = outcome
    report = verify_audit()
    assert not report.ok, f"{kind} went unnoticed"
    strays = [p for p in report.problems if p.get("subject") != subject]
    assert not strays, strays
    findings = [
        p for p in report.problems if p["problem"] not in CONSEQUENCES - PRIMARY.get(kind, set())
    ]
    assert findings and min(place(p) for p in findings) == seq, report.problems
    assert (seq, problem) in {(place(p), p["problem"]) for p in findings}, report.problems
    return True


def test_every_tampering_is_found_at_its_place(library):
    tampered = dict.fromkeys(KINDS, 0)
    for kind in sorted(KINDS):

        @settings(
            max_examples=10,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        )
        @given(
            kind=st.just(kind),
            victim=st.integers(0, len(STATES) - 1),
            pick=st.integers(0, 60),
            extra=st.integers(0, 60),
            seal=st.booleans(),
        )
        def run(kind, victim, pick, extra, seal):
            with transaction.atomic():
                tampered[kind] += _check(library, kind, victim, pick, extra, seal)
                transaction.set_rollback(True)

        run()
    # Found, at the exact place, every time: 100 % of at least 5 tamperings per kind.
    assert min(tampered.values()) >= 5, tampered
