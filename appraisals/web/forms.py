"""The appraisal's transition form: the generic one, with its fields named and its items.

The self-assessment takes one realisation and rating per result item, which a
flat form cannot draw: the rows come prefilled from the check-ins.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

from workflow.web.forms import TransitionForm

from ..selectors.checkins import self_assessment_draft
from ..services.appeals import appeal_attachment_inspect
from .labels import label

# Transitions whose form takes an optional attachment (checked as evidence is).
ATTACHMENT_TRANSITIONS = frozenset({"file_appeal"})
ITEM_FIELD = re.compile(r"^items\[(\d+)\]\.(\w+)$")

# Field names of the payloads, as the pages show them.
FIELD_LABELS = {
    "result_rating": _("Result rating"),
    "behaviour_rating": _("Work behaviour rating"),
    "feedback": _("Feedback for the employee"),
    "summary": _("Summary of the discussion"),
    "held_at": _("Held at"),
    "grounds": _("Grounds of the appeal"),
    "outcome": _("Outcome"),
    "kind": _("Follow-up"),
    "details": _("Details"),
    "reference_number": _("Decree number"),
    "effective_date": _("Effective date"),
    "decision": _("Proposal decided"),
    "realisation": _("Realisation"),
    "self_rating": _("Self rating"),
    "reason": _("Reason"),
}


class AppraisalTransitionForm(TransitionForm):
    field_labels = FIELD_LABELS
    own_fields = frozenset({"items"})
    # The appeal's grounds are its reason: one box, not two.
    reason_in_payload = frozenset({"file_appeal"})

    def __init__(self, transition, appraisal, data=None, files=None, initial=None):
        super().__init__(transition, appraisal, data=data)
        self.appraisal = appraisal
        self.initial = initial or {}
        # The appeal takes an optional document beside its grounds.
        self.multipart = transition.name in ATTACHMENT_TRANSITIONS
        self.attachment = (files or {}).get("attachment") if self.multipart else None
        self.items = None
        if transition.payload is not None and "items" in transition.payload().fields:
            self.items = self._items()

    def label(self, name: str, spec=None):
        return FIELD_LABELS.get(name, name)

    @property
    def fields(self):
        out = super().fields
        for field in out:
            if field.name == "decision":
                self._decision_choices(field)
            elif field.choices is not None and not field.value and self.initial.get(field.name):
                # A link may preset a choice (the talent pool's "propose": a promotion).
                asked = str(self.initial[field.name])
                if asked in [code for code, _shown in field.choices]:
                    field.value = asked
        return out

    def _decision_choices(self, field) -> None:
        """The proposal decided: one of those waiting (several may, issue #18), by kind."""
        if getattr(self, "_pending", None) is None:
            # Read once per form: the page draws the fields more than once.
            pending = self.appraisal.decisions.filter(status="proposed").order_by(
                "proposed_at", "pk"
            )
            self._pending = [
                (str(d.pk), f"{label(d.kind)} ({d.proposed_at:%d-%m-%Y})") for d in pending
            ]
        field.widget = "select"
        field.choices = list(self._pending)
        if not field.value:
            asked = str(self.initial.get("decision", ""))
            codes = [code for code, _shown in field.choices]
            field.value = asked if asked in codes else (codes[0] if codes else "")

    def choice_label(self, name: str, code: str, shown: str) -> str:
        return label(code)

    def with_errors(self, field_errors: dict[str, list[str]]) -> AppraisalTransitionForm:
        super().with_errors(field_errors)
        if self.items is not None:
            for key, messages in field_errors.items():
                match = ITEM_FIELD.match(key)
                if match and int(match.group(1)) < len(self.items):
                    item = self.items[int(match.group(1))]
                    item["errors"].setdefault(match.group(2), []).extend(messages)
        return self

    def _items(self) -> list[dict]:
        rows = []
        for draft in self_assessment_draft(appraisal=self.appraisal):
            pk = draft["id"]
            realisation = self.data.get(f"realisation_{pk}", "") if self.data is not None else None
            rows.append(
                {
                    "id": pk,
                    "result": draft["result"],
                    "realisation": draft["realisation"] if realisation is None else realisation,
                    "self_rating": self._value(f"self_rating_{pk}"),
                    "errors": {},
                }
            )
        return rows

    @property
    def attachment_errors(self) -> list[str]:
        return self.field_errors.get("attachment", [])

    def payload(self) -> dict:
        if self.attachment is not None:
            # Checked before the transition fires, so a refused file changes nothing.
            appeal_attachment_inspect(self.attachment)
        data = super().payload()
        if self.items is not None:
            # A rating left unchosen is left out: missing ("choose one"), not the choice "".
            data["items"] = [
                {"id": row["id"], "realisation": row["realisation"]}
                | ({"self_rating": row["self_rating"]} if row["self_rating"] else {})
                for row in self.items
            ]
        return data
