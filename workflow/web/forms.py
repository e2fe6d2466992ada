"""A transition's form, generated from the table: its reason and its payload's fields.

The payload serializer the engine validates with is also what the page draws,
so a field added to a payload appears on the page with no template change.
A domain may subclass the form for fields a flat form cannot draw (the
appraisal's per-item self-assessment) and to name its fields in its language.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .. import definition
from .errors import posted_version


class Field:
    def __init__(self, name: str, spec: serializers.Field, value: str, errors: list[str], *, label):
        self.name = name
        self.label = label
        self.required = spec.required
        self.value = value
        self.errors = errors
        self.choices = None
        if isinstance(spec, serializers.ChoiceField):
            self.widget = "select"
            self.choices = list(spec.choices.items())
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
    # Field names as the pages show them; a payload field missing here shows its
    # serializer label.
    field_labels: dict = {"reason": _("Reason")}
    # Payload fields the subclass draws itself (not as a flat field).
    own_fields: frozenset[str] = frozenset()
    # Transitions whose payload already asks the why (an appeal's grounds): an optional
    # reason beside it would be a second box asking the same, so it is not drawn.
    reason_in_payload: frozenset[str] = frozenset()
    # Whether the form posts files (drawn by the subclass in its own fields).
    multipart = False

    def __init__(self, transition, obj, data=None):
        self.t = transition
        self.obj = obj
        self.data = data
        self.field_errors: dict[str, list[str]] = {}
        self.stale = False

    # -- what the page draws -------------------------------------------------

    def with_errors(self, field_errors: dict[str, list[str]]) -> TransitionForm:
        self.field_errors = dict(field_errors)
        return self

    def label(self, name: str, spec=None):
        if name in self.field_labels:
            return self.field_labels[name]
        return (spec.label if spec is not None and spec.label else None) or name

    def choice_label(self, name: str, code: str, shown: str) -> str:
        return shown

    @property
    def fields(self) -> list[Field]:
        if self.t.payload is None:
            return []
        out = []
        for name, spec in self.t.payload().fields.items():
            if name in self.own_fields:
                continue
            field = Field(
                name,
                spec,
                self._value(name),
                self.field_errors.get(name, []),
                label=self.label(name, spec),
            )
            if field.choices is not None:
                field.choices = [
                    (code, self.choice_label(name, code, shown)) for code, shown in field.choices
                ]
            out.append(field)
        return out

    @property
    def reason_shown(self) -> bool:
        return self.t.reason_required or self.t.name not in self.reason_in_payload

    @property
    def reason_field(self) -> dict:
        return {
            "required": self.t.reason_required,
            "value": self._value("reason"),
            "errors": self.field_errors.get("reason", []),
            "label": self.label("reason"),
        }

    @property
    def current_version(self) -> int:
        return getattr(self.obj, definition.for_model(type(self.obj)).version_field)

    @property
    def version_value(self) -> str:
        # After "the record has changed" the next try is against what is there now.
        if self.stale:
            return str(self.current_version)
        return self._value("version") or str(self.current_version)

    def _value(self, name: str) -> str:
        return (self.data.get(name, "") if self.data is not None else "") or ""

    # -- what the engine gets ----------------------------------------------------

    def payload(self) -> dict:
        data = {}
        for field in self.fields:
            value = self._value(field.name)
            # A choice left on "—" is a missing answer ("required"), not the invalid
            # choice "" (whose message would read `"" is not a valid choice.`).
            if value or (field.required and field.choices is None):
                data[field.name] = value
        return data

    def reason(self) -> str:
        return self._value("reason") if self.reason_shown else ""

    def version(self) -> int | None:
        return posted_version(self._value("version"))
