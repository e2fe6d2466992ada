"""Who is told what, in which language, on which channel."""

import pytest
from django.core import mail

from appraisals.policies import forget_profile
from notifications.models import InboxItem, Message, Preference
from notifications.rules import TRANSITION_AUDIENCE
from workflow.services import perform

from ..factories import UserFactory, assign_role
from ..flow import ACTOR, valid_body
from .conftest import JAKARTA

pytestmark = pytest.mark.django_db

MONTHS = "Januari Februari Maret April Mei Juni Juli Agustus September Oktober November Desember"

CASES = [
    # (state before, transition, who hears of it)
    ("draft", "submit_plan", {"appraiser"}),
    ("plan_submitted", "return_plan", {"employee"}),
    ("plan_submitted", "approve_plan", {"employee"}),
    ("in_progress", "submit_self_assessment", {"appraiser"}),
    ("self_assessed", "return_self_assessment", {"employee"}),
    ("self_assessed", "submit_review", {"employee"}),
    ("discussed", "issue_result", {"employee"}),
    ("result_issued", "accept_result", {"appraiser"}),
    ("result_issued", "file_appeal", {"superior", "appraiser"}),
    ("appealed", "decide_appeal", {"employee", "appraiser"}),
    ("final", "propose_decision", {"authority"}),
    ("decision_proposed", "approve_decision", {"employee", "hr_admin"}),
    ("decision_proposed", "reject_decision", {"panel"}),
    ("in_progress", "cancel", {"employee", "appraiser"}),
]


def fire(org, appraisal, name):
    appraisal.refresh_from_db()
    body = dict(valid_body(name, appraisal))
    reason = body.pop("reason", "")
    perform(appraisal, name, actor=org.users[ACTOR[name]], payload=body, reason=reason)


def told(org, name) -> set[str]:
    usernames = InboxItem.objects.filter(kind=f"appraisal.{name}").values_list(
        "user__username", flat=True
    )
    return set(usernames)


@pytest.mark.parametrize(("state", "name", "expected"), CASES, ids=[c[1] for c in CASES])
def test_each_transition_tells_the_next_actor_and_the_affected(
    state, name, expected, org, at_state, relay
):
    if name == "submit_plan":
        at_state("plan_submitted")  # the flow adds the plan's content first
    else:
        fire(org, at_state(state), name)
    relay()
    assert told(org, name) == expected


def test_every_transition_of_the_table_has_an_audience():
    from appraisals.lifecycle import APPRAISAL_WORKFLOW

    assert {t.name for t in APPRAISAL_WORKFLOW.transitions} <= set(TRANSITION_AUDIENCE)


def test_authority_is_told_only_within_its_unit_subtree(org, at_state, relay):
    elsewhere = UserFactory(username="authority_dinkes")
    assign_role(elsewhere, "authority", org.other_dinas)
    here = UserFactory(username="authority_disdik")
    assign_role(here, "authority", org.dinas)
    appraisal = at_state("final")
    fire(org, appraisal, "propose_decision")
    relay()
    assert told(org, "propose_decision") == {"authority", "authority_disdik"}


def test_returned_plan_carries_the_reason_in_the_employees_language(org, at_state, relay):
    Preference.objects.create(user=org.users["employee"], language="en")
    appraisal = at_state("plan_submitted")
    perform(appraisal, "return_plan", actor=org.users["appraiser"], reason="Target belum terukur")
    relay()
    item = InboxItem.objects.get(kind="appraisal.return_plan")
    assert item.subject == "[Kinerja] Your plan was returned for changes"
    assert "Reason: Target belum terukur" in item.body
    assert item.body.startswith("Dear Staf Pendidikan,")


def test_issued_result_tells_the_employee_the_appeal_deadline(org, at_state, relay):
    appraisal = at_state("result_issued")
    relay()
    item = InboxItem.objects.get(kind="appraisal.issue_result", user=org.users["employee"])
    assert item.subject == "[Kinerja] Hasil penilaian kinerja Anda telah ditetapkan"
    deadline = appraisal.appeal_deadline.astimezone(JAKARTA)
    assert f"{deadline.day} {MONTHS.split()[deadline.month - 1]} {deadline.year}" in item.body
    assert "keberatan" in item.body


def test_channel_preferences_and_missing_addresses(org, at_state, with_email, relay):
    Preference.objects.create(user=org.users["appraiser"], email=False)
    org.users["employee"].email = ""
    org.users["employee"].save(update_fields=["email"])
    appraisal = at_state("plan_submitted")  # appraiser hears, inbox only
    perform(appraisal, "return_plan", actor=org.users["appraiser"], reason="Perbaiki target")
    relay()  # employee hears, inbox only: no address
    assert set(Message.objects.values_list("channel", flat=True)) == {"inbox"}
    assert mail.outbox == []
    Preference.objects.filter(user=org.users["appraiser"]).update(email=True, inbox=False)
    appraisal.refresh_from_db()
    perform(appraisal, "submit_plan", actor=org.users["employee"])
    relay()
    second = Message.objects.filter(event__kind="appraisal.submit_plan").order_by("-event_id")
    assert second.first().channel == "email"
    assert [m.to for m in mail.outbox] == [[org.users["appraiser"].email]]


def test_nobody_is_told_of_their_own_action(org, at_state, relay):
    # The employee's appraiser, also HR admin of the unit, cancels: the employee hears, they don't.
    appraisal = at_state("in_progress")
    assign_role(org.users["appraiser"], "hr_admin", org.dinas)
    forget_profile(org.users["appraiser"])
    perform(appraisal, "cancel", actor=org.users["appraiser"], reason="Pegawai mutasi")
    relay()
    assert told(org, "cancel") == {"employee"}
