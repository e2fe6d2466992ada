"""Serializer fields stricter than DRF's, so that they accept what the schema says and no more."""

from __future__ import annotations

from rest_framework import serializers


class TrueOrFalseField(serializers.BooleanField):
    """A boolean: JSON true or false, nothing else.

    DRF's BooleanField also takes "0", "1", "yes", "on", 0 and 1, which the schema's
    `boolean` does not allow: a client sending `"email": "0"` is told, not guessed at.
    """

    default_error_messages = {"invalid": "Isi dengan true atau false. / Use true or false."}

    def to_internal_value(self, data):
        if isinstance(data, bool):
            return data
        self.fail("invalid", input=data)


class TextOnlyField(serializers.CharField):
    """A string: JSON text, nothing else.

    DRF's CharField turns a number into its digits, which the schema's `string` does not
    allow: `"text": 5` is refused, not stored as "5".
    """

    default_error_messages = {"invalid": "Isi dengan teks. / Use text."}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)
