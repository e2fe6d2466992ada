"""The audiences and the responsible of each state are declared on the lifecycle table."""

from appraisals.lifecycle import APPRAISAL_WORKFLOW
from notifications.rules import RESPONSIBLE, TRANSITION_AUDIENCE, states_awaiting


def test_every_appraisal_transition_declares_who_hears_of_it():
    assert [t.name for t in APPRAISAL_WORKFLOW.transitions if not t.audience] == []
    assert dict(TRANSITION_AUDIENCE) == {t.name: t.audience for t in APPRAISAL_WORKFLOW.transitions}


def test_every_open_state_but_the_last_names_who_moves_it_on():
    open_states = {s.name for s in APPRAISAL_WORKFLOW.states if not s.final}
    # `decided` is the last: open since issue #18 (the panel may propose a further
    # follow-up), but nobody must move it on, so it waits for no one (no task, no deadline).
    assert "decided" in open_states and "decided" not in RESPONSIBLE
    assert set(RESPONSIBLE) == open_states - {"decided"}
    assert states_awaiting("appraiser") == [
        "plan_submitted",
        "self_assessed",
        "reviewed",
        "discussed",
    ]
    assert states_awaiting("appeal_reviewer") == ["appealed"]
