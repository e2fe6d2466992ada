"""The toy's lifecycle: a table, and nothing else the engine needs.

draft -> submitted -> approved, with a way back (return) and out (withdraw).
No view, URL, template or notification code exists for it: the generic API,
pages, diagram, history, audit and notifications pick it up from this table.
"""

from __future__ import annotations

from rest_framework import serializers

from workflow.definition import ANY_STATE, Context, Guard, State, Transition, Workflow, register
from workflow.text import Text

T = Text

STATES = (
    State("draft", T("Konsep", "Draft"), responsible="owner"),
    State("submitted", T("Diajukan", "Submitted"), responsible="reviewer"),
    State("approved", T("Disetujui", "Approved"), final=True),
    State("withdrawn", T("Ditarik", "Withdrawn"), final=True),
)
STATE_CHOICES = [(s.name, s.label.id) for s in STATES]


def toy_roles(toy, user) -> frozenset[str]:
    roles = set()
    if user is not None and toy.owner_id == user.pk:
        roles.add("owner")
    if user is not None and toy.reviewer_id == user.pk:
        roles.add("reviewer")
    return frozenset(roles)


HAS_TITLE = Guard(
    "title_missing",
    T("Judul belum diisi.", "The title is missing."),
    lambda toy, ctx: bool(toy.title.strip()),
)
NOT_OWN = Guard(
    "own_toy",
    T("Anda tidak dapat menyetujui milik Anda sendiri.", "You cannot approve your own."),
    lambda toy, ctx: "owner" not in ctx.roles,
)


class ApprovalPayload(serializers.Serializer):
    grade = serializers.ChoiceField(choices=["good", "fair"])


def store_grade(toy, ctx: Context):
    toy.grade = ctx.payload["grade"]


TOY_WORKFLOW = register(
    Workflow(
        name="toy",
        label=T("Mainan uji", "Test toy"),
        states=STATES,
        initial="draft",
        transitions=(
            Transition(
                "submit",
                ("draft",),
                "submitted",
                frozenset({"owner"}),
                T("Ajukan", "Submit"),
                conditions=(HAS_TITLE,),
                audience=("reviewer",),
            ),
            Transition(
                "return_toy",
                ("submitted",),
                "draft",
                frozenset({"reviewer"}),
                T("Kembalikan", "Return"),
                reason_required=True,
                audience=("owner",),
            ),
            Transition(
                "approve",
                ("submitted",),
                "approved",
                frozenset({"reviewer"}),
                T("Setujui", "Approve"),
                restrictions=(NOT_OWN,),
                payload=ApprovalPayload,
                effect=store_grade,
                audience=("owner",),
            ),
            Transition(
                "withdraw",
                (ANY_STATE,),
                "withdrawn",
                frozenset({"owner"}),
                T("Tarik", "Withdraw"),
                reason_required=True,
            ),
        ),
        roles_of=toy_roles,
        route="toys",
        history_readers=frozenset({"owner", "reviewer"}),
        default_audience=("owner", "reviewer"),
    ),
    model="toyflow.Toy",
)
