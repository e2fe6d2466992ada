"""Serializer fields stricter than DRF's, so that they accept what the schema says and no more."""

from __future__ import annotations

from django.http import QueryDict
from rest_framework import serializers

# In a form (multipart or urlencoded) a boolean travels as text; Python clients write True/False.
_FORM_SPELLINGS = {"true": True, "false": False, "True": True, "False": False}


class TrueOrFalseField(serializers.BooleanField):
    """A boolean: JSON true or false, or in a form the words true or false.

    DRF's BooleanField also takes "0", "1", "yes", "on", 0 and 1, which the schema's
    `boolean` does not allow: a client sending `"email": "0"` is told, not guessed at.
    """

    default_error_messages = {"invalid": "Isi dengan true atau false. / Use true or false."}

    def get_value(self, dictionary):
        # DRF reads an empty form value of an optional field as "not sent"; it was sent.
        if isinstance(dictionary, QueryDict) and dictionary.get(self.field_name) == "":
            return ""
        return super().get_value(dictionary)

    def to_internal_value(self, data):
        if isinstance(data, bool):
            return data
        in_form = isinstance(getattr(self.root, "initial_data", None), QueryDict)
        if in_form and isinstance(data, str) and data in _FORM_SPELLINGS:
            return _FORM_SPELLINGS[data]
        self.fail("invalid", input=data)
