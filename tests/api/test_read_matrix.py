"""Every appraisal-scoped read endpoint × persona × own/foreign appraisal, against the policy.

Visible appraisals answer 200 (or 403 where the endpoint is narrower than
visibility, e.g. history for HR admins); invisible ones answer 404, never
revealing that they exist. The expectations are written out here.
"""

import pytest

from appraisals.models import Appraisal
from appraisals.services.cycles import cycle_open
from workflow.actors import system_actor

from .access_world import add_colleague

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    "",
    "history/",
    "plan-items/",
    "behaviour-expectations/",
    "annex/",
    "coverage/",
    "check-ins/",
    "self-assessment-draft/",
    "peer-feedback/",
    "surveys/",
]
# Who sees the employee's appraisal ("own" object of the fixture organisation).
SEES_OWN = {"employee", "appraiser", "superior", "panel", "authority", "inspector", "hr_admin"}
# The foreign appraisal belongs to the other dinas: only the assigned roles see it.
SEES_FOREIGN = {"panel", "authority", "inspector", "hr_admin"}
# Narrower than visibility: (endpoint, persona) -> status.
NARROWER = {("history/", "hr_admin"): 403}
PERSONAS = [
    "employee",
    "appraiser",
    "superior",
    "other_appraiser",
    "panel",
    "authority",
    "inspector",
    "hr_admin",
    "outsider",
]


@pytest.fixture
def foreign(org):
    cycle_open(cycle=org.cycle, actor=system_actor(), employees=[org.outsider])
    return Appraisal.objects.get(employee=org.outsider)


@pytest.mark.parametrize("persona", PERSONAS)
def test_read_matrix(persona, org, appraisal, foreign, api):
    client = api(org.users[persona])
    mismatches = []
    for which, target, sees in (("own", appraisal, SEES_OWN), ("foreign", foreign, SEES_FOREIGN)):
        for endpoint in ENDPOINTS:
            # The outsider is the foreign appraisal's employee, other_appraiser rates
            # it, and the kepala dinas ("superior") is that appraiser's own superior.
            visible = persona in sees or (
                which == "foreign" and persona in {"outsider", "other_appraiser", "superior"}
            )
            expected = NARROWER.get((endpoint, persona), 200) if visible else 404
            status = client.get(f"/api/appraisals/{target.pk}/{endpoint}").status_code
            if status != expected:
                mismatches.append((which, endpoint, status, expected))
    assert mismatches == []


def test_anonymous_gets_401_everywhere(org, appraisal, api):
    for endpoint in ENDPOINTS:
        assert api().get(f"/api/appraisals/{appraisal.pk}/{endpoint}").status_code == 401


def test_a_colleague_lists_and_reads_only_their_own(org, appraisal, api):
    """Working beside the employee (same unit, same appraiser) shows nothing of theirs."""
    colleague = add_colleague(org)
    cycle_open(cycle=org.cycle, actor=system_actor(), employees=[colleague])
    theirs = Appraisal.objects.get(employee=colleague)
    client = api(org.users["colleague"])

    listed = client.get("/api/appraisals/").json()["results"]

    assert [row["id"] for row in listed] == [theirs.pk]
    for endpoint in ENDPOINTS:
        assert client.get(f"/api/appraisals/{appraisal.pk}/{endpoint}").status_code == 404
        assert client.get(f"/api/appraisals/{theirs.pk}/{endpoint}").status_code == 200
