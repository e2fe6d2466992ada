"""The table is the single source: django-fsm, diagrams and checks derive from it."""

import pytest
from django_fsm import has_transition_perm

from appraisals.lifecycle import APPRAISAL_WORKFLOW
from appraisals.models import Appraisal
from workflow import definition, diagrams
from workflow.definition import State, Transition, Workflow
from workflow.text import Text


def test_model_transitions_equal_the_table():
    field = Appraisal._meta.get_field("state")
    # A transition with several possible targets (issue #18: deciding one of several
    # proposals) is django-fsm's RETURN_VALUE over exactly the table's targets.
    fsm = {
        (t.name, t.source, target)
        for t in field.get_all_transitions(Appraisal)
        for target in getattr(t.target, "allowed_states", None) or (t.target,)
    }
    table = {
        (t.name, src, target)
        for t in APPRAISAL_WORKFLOW.transitions
        for src in APPRAISAL_WORKFLOW.sources_of(t)
        for target in t.targets
    }
    assert fsm == table


def test_cancel_never_leaves_a_final_state():
    cancel = APPRAISAL_WORKFLOW.transition("cancel")
    assert set(APPRAISAL_WORKFLOW.sources_of(cancel)) == {
        s.name for s in APPRAISAL_WORKFLOW.states
    } - {"decided", "cancelled"}


def test_a_transition_without_roles_is_refused():
    with pytest.raises(ValueError, match="no roles"):
        Workflow(
            name="broken",
            label=Text("x", "x"),
            states=(State("a", Text("a", "a")),),
            initial="a",
            roles_of=lambda obj, user: frozenset(),
            transitions=(Transition("go", ("a",), "a", frozenset(), Text("x", "x")),),
        )


def test_unknown_states_are_refused():
    with pytest.raises(ValueError, match="unknown states"):
        Workflow(
            name="broken",
            label=Text("x", "x"),
            states=(State("a", Text("a", "a")),),
            initial="a",
            roles_of=lambda obj, user: frozenset(),
            transitions=(Transition("go", ("a",), "b", frozenset({"r"}), Text("x", "x")),),
        )


def test_every_transition_has_bilingual_label_and_roles():
    for t in APPRAISAL_WORKFLOW.transitions:
        assert t.label.id and t.label.en and t.label.id != t.label.en
        assert t.roles


def test_registered_by_name():
    assert definition.get("appraisal") is APPRAISAL_WORKFLOW
    assert definition.for_model(Appraisal) is APPRAISAL_WORKFLOW


@pytest.mark.parametrize("render", [diagrams.mermaid, diagrams.dot])
def test_diagrams_draw_every_edge(render):
    text = render(APPRAISAL_WORKFLOW)
    for src, dst, t in APPRAISAL_WORKFLOW.edges():
        edge = (
            f"{src} --> {dst}: {t.name}"
            if render is diagrams.mermaid
            else (f'"{src}" -> "{dst}" [label="{t.name}"]')
        )
        assert edge in text


@pytest.mark.django_db
def test_django_fsm_permission_uses_the_table(org, appraisal):
    appraisal.refresh_from_db()
    assert has_transition_perm(appraisal.submit_plan, org.users["employee"])
    assert not has_transition_perm(appraisal.submit_plan, org.users["appraiser"])


def _tiny(name: str) -> Workflow:
    return Workflow(
        name=name,
        label=Text("x", "x"),
        states=(State("a", Text("a", "a")),),
        initial="a",
        roles_of=lambda obj, user: frozenset(),
        transitions=(Transition("go", ("a",), "a", frozenset({"r"}), Text("x", "x")),),
    )


def test_a_second_workflow_under_a_taken_name_is_refused():
    """Silently replacing it would hand its URLs, history and notifications to another table."""
    with pytest.raises(ValueError, match="already registered"):
        definition.register(_tiny("appraisal"), model="appraisals.Appraisal")
    assert definition.get("appraisal") is APPRAISAL_WORKFLOW


def test_registering_the_same_table_again_is_harmless():
    assert definition.register(APPRAISAL_WORKFLOW, model="appraisals.Appraisal") is (
        APPRAISAL_WORKFLOW
    )


def _toy(**changes) -> Workflow:
    table = {
        "name": "toy",
        "label": Text("mainan", "toy"),
        "states": (State("a", Text("a", "a")), State("b", Text("b", "b"))),
        "initial": "a",
        "roles_of": lambda obj, user: frozenset(),
        "transitions": (
            Transition("go", ("a",), "b", frozenset({"r"}), Text("pergi", "go")),
            Transition("back", ("b",), "a", frozenset({"r"}), Text("kembali", "back")),
        ),
    }
    return Workflow(**{**table, **changes})


def test_a_sound_table_is_accepted_and_answers_by_name():
    toy = _toy()
    assert toy.state("b").label.en == "b" and toy.state("a").name == "a"
    assert toy.transition("back").target == "a"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"initial": "z"}, "toy: unknown initial state 'z'"),
        (
            {"transitions": (Transition("go", ("a",), "b", frozenset({"r"}), Text("x", "x")),) * 2},
            "toy: duplicate transition names",
        ),
    ],
)
def test_a_broken_table_says_what_is_wrong(changes, message):
    with pytest.raises(ValueError) as refused:
        _toy(**changes)
    assert str(refused.value) == message


def test_a_model_without_a_workflow_is_named_in_the_error():
    from appraisals.models import Unit

    with pytest.raises(LookupError) as missing:
        definition.for_model(Unit)
    assert str(missing.value) == "No workflow registered for appraisals.Unit"


def test_several_targets_need_the_rule_that_picks_one():
    def table(**extra):
        return Workflow(
            name="settled",
            label=Text("x", "x"),
            states=(State("a", Text("a", "a")), State("b", Text("b", "b"))),
            initial="a",
            roles_of=lambda obj, user: frozenset(),
            transitions=(Transition("go", ("a",), "b", frozenset({"r"}), Text("x", "x"), **extra),),
        )

    with pytest.raises(ValueError, match="go together"):
        table(also_to=("a",))
    with pytest.raises(ValueError, match="go together"):
        table(settle=lambda obj, ctx: "b")
    with pytest.raises(ValueError, match="unknown states"):
        table(also_to=("z",), settle=lambda obj, ctx: "z")
    wf = table(also_to=("a",), settle=lambda obj, ctx: "a")
    assert wf.transition("go").targets == ("b", "a")
    assert [(s, d) for s, d, _t in wf.edges()] == [("a", "b"), ("a", "a")]
    assert "a --> a: go" in diagrams.mermaid(wf)
