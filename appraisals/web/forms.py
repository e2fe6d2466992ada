"""A transition's form, generated from the table: its reason and its payload's fields.

The payload serializer the engine validates with is also what the page draws,
so a field added to a payload appears on the page with no template change.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..services.checkins import self_assessment_draft
from .errors import posted_version
from .labels import label

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
    "realisation": _("Realisation"),
    "self_rating": _("Self rating"),
    "reason": _("Reason"),
}


class Field:
    def __init__(self, name: str, spec: serializers.Field, value: str, errors: list[str]):
        self.name = name
        self.label = FIELD_LABELS.get(name, name)
        self.required = spec.required
        self.value = value
        self.errors = errors
        self.choices = None
        if isinstance(spec, serializers.ChoiceField):
            self.widget = "select"
            self.choices = [(code, label(code)) for code in spec.choices]
        elif isinstance(spec, serializers.DateTimeField):
            self.widget = "datetime-local"
        elif isinstance(spec, serializers.DateField):
            self.widget = "date"
        elif isinstance(spec, serializers.CharField) and (spec.max_length or 10000) <= 255:
            self.widget = "text"
        else:
            self.widget = "textarea"
        self.max_length = getattr(spec, "max_length", None)


class TransitionForm:
    def __init__(self, transition, appraisal, data=None):
        self.t = transition
        self.appraisal = appraisal
        self.data = data
        self.field_errors: dict[str, list[str]] = {}
        self.stale = False
        self.items = None
        if transition.payload is not None and "items" in transition.payload().fields:
            self.items = self._items()

    # -- what the page draws -------------------------------------------------

    def with_errors(self, field_errors: dict[str, list[str]]) -> TransitionForm:
        self.field_errors = dict(field_errors)
        if self.items is not None:
            for key, messages in field_errors.items():
                match = ITEM_FIELD.match(key)
                if match and int(match.group(1)) < len(self.items):
                    item = self.items[int(match.group(1))]
                    item["errors"].setdefault(match.group(2), []).extend(messages)
        return self

    @property
    def fields(self) -> list[Field]:
        if self.t.payload is None:
            return []
        out = []
        for name, spec in self.t.payload().fields.items():
            if name == "items":
                continue
            out.append(Field(name, spec, self._value(name), self.field_errors.get(name, [])))
        return out

    @property
    def reason_field(self) -> dict:
        return {
            "required": self.t.reason_required,
            "value": self._value("reason"),
            "errors": self.field_errors.get("reason", []),
            "label": FIELD_LABELS["reason"],
        }

    @property
    def version_value(self) -> str:
        # After "the record has changed" the next try is against what is there now.
        if self.stale:
            return str(self.appraisal.version)
        return self._value("version") or str(self.appraisal.version)

    def _value(self, name: str) -> str:
        return (self.data.get(name, "") if self.data is not None else "") or ""

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

    # -- what the engine gets ----------------------------------------------------

    def payload(self) -> dict:
        data = {}
        for field in self.fields:
            value = self._value(field.name)
            if value or field.required:
                data[field.name] = value
        if self.items is not None:
            data["items"] = [
                {
                    "id": row["id"],
                    "realisation": row["realisation"],
                    "self_rating": row["self_rating"],
                }
                for row in self.items
            ]
        return data

    def reason(self) -> str:
        return self._value("reason")

    def version(self) -> int | None:
        return posted_version(self._value("version"))
