"""`seed_demo --living`, what `make demo` runs: a living organisation on first run.

The lists of states and predicates come from the code (the lifecycle's states, the
predicate enum), so a new state or predicate the demo does not show fails here.
"""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from appraisals.curve import OrganisationPredicate
from appraisals.lifecycle import APPRAISAL_WORKFLOW, TRANSITIONS
from appraisals.models import (
    Appeal,
    Appraisal,
    CheckIn,
    Cycle,
    Decision,
    IssuedDocument,
    PeriodicEvaluation,
    UnitPredicate,
)
from appraisals.predicate import Predicate
from appraisals.selectors.calibration import curve_report
from appraisals.states import INITIAL, STATES
from audit.models import AuditEvent
from audit.verify import verify_chains
from notifications.models import PhaseDeadline
from workflow.actors import system_actor

pytestmark = pytest.mark.django_db

PASSWORD = "sandi-demo-hidup"
# The fewest people for every story: three dinas (ten officials) and six staff.
EMPLOYEES = 16


@pytest.fixture
def living(settings, tmp_path):
    settings.DEBUG = True
    out = tmp_path / "demo.json"
    stdout = StringIO()
    call_command(
        "seed_demo",
        "--living",
        "--no-signing",
        "--employees",
        str(EMPLOYEES),
        "--password",
        PASSWORD,
        "--out",
        str(out),
        stdout=stdout,
    )
    return json.loads(out.read_text(encoding="utf-8")), stdout.getvalue()


def test_living_demo(living):
    """One seed (it takes a while), three looks at it."""
    data, stdout = living
    every_state_and_predicate_reached_through_the_engine(data)
    the_story_around_the_states(data)
    one_admin_login_printed_and_working_on_admin(data, stdout)


def every_state_and_predicate_reached_through_the_engine(data):
    cycles = Cycle.objects.filter(pk__in=[data["cycle_id"], data["previous_cycle_id"]])
    appraisals = Appraisal.objects.filter(cycle__in=cycles)

    states = {s.name for s in APPRAISAL_WORKFLOW.states}
    assert states == {s.name for s in STATES}
    assert set(appraisals.values_list("state", flat=True)) == states
    predicates = set(appraisals.exclude(predicate="").values_list("predicate", flat=True))
    assert predicates == set(Predicate.values)

    # Moved by the engine, never by writing the state: every appraisal past its first state
    # has the transition into it on its audit chain and in its history, by a real person.
    into = {}
    for t in TRANSITIONS:
        into.setdefault(t.target, set()).add(t.name)
    for appraisal in appraisals.exclude(state=INITIAL):
        last = (
            AuditEvent.objects.filter(
                subject_type="appraisals.appraisal",
                subject_id=str(appraisal.pk),
                action__in=[t.name for t in TRANSITIONS],
            )
            .order_by("-seq")
            .first()
        )
        assert last is not None, appraisal.state
        assert (last.action, last.to_state) in {(n, appraisal.state) for n in into[appraisal.state]}
        assert last.actor_id not in (None, system_actor().pk)
        assert appraisal.history.count() > 2
    assert verify_chains().ok


def the_story_around_the_states(data):
    previous = Cycle.objects.get(pk=data["previous_cycle_id"])
    current = Cycle.objects.get(pk=data["cycle_id"])
    today = timezone.localdate()
    # The clock: this year's cycle is today's; last year's has ended, so results exist.
    assert current.year == today.year and current.starts_on <= today <= current.ends_on
    assert previous.year == today.year - 1 and previous.ends_on < today

    for cycle in (previous, current):
        assert CheckIn.objects.filter(appraisal__cycle=cycle).exists()
    assert PeriodicEvaluation.objects.filter(appraisal__cycle=previous).count() >= 4
    if current.starts_on.month + 3 <= today.month:  # a period of this year has ended
        assert PeriodicEvaluation.objects.filter(appraisal__cycle=current).exists()

    appeals = Appeal.objects.filter(appraisal__cycle=previous)
    pending = appeals.get(outcome="")
    assert pending.decision_due > timezone.now()
    assert appeals.exclude(outcome="").exists()
    decisions = Decision.objects.filter(appraisal__cycle=previous)
    assert decisions.filter(status=Decision.Status.PROPOSED).exists()
    assert decisions.filter(status=Decision.Status.APPROVED).count() >= 2
    waiting = Appraisal.objects.get(cycle=previous, state="result_issued")
    assert waiting.appeal_deadline > timezone.now()
    # The phases still open last year end after today.
    for state in ("final", "decision_proposed"):
        assert PhaseDeadline.objects.get(cycle=previous, state=state).due_on >= today
    # Documents were issued by the transitions that issue them.
    assert IssuedDocument.objects.filter(appraisal__cycle=previous, transition="issue_result")

    # The dashboard's curve: an organisation predicate, every rule met, nobody unrated.
    row = UnitPredicate.objects.get(cycle=previous)
    assert row.predicate == OrganisationPredicate.BAIK
    report = curve_report(unit=row.unit, cycle=previous)
    assert report.unrated == 0 and report.rules
    assert all(rule["met"] for rule in report.rules)


def one_admin_login_printed_and_working_on_admin(data, stdout):
    admins = [u for u in data["users"] if u["roles"] == ["admin"]]
    assert len(admins) == 1
    admin = admins[0]
    assert f"{admin['username']} / {PASSWORD}" in stdout
    assert "/admin/" in stdout

    client = Client()
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": admin["username"], "password": PASSWORD, "next": "/admin/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    page = client.get("/admin/")
    assert page.status_code == 200
    assert page.context["user"].is_superuser
    assert client.get("/admin/appraisals/appraisal/").status_code == 200
