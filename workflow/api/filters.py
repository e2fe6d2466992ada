"""Query filters that say what they accept, in the schema and in their answers.

A filter the client gets wrong is refused with 400 in the bilingual shape, never
silently dropped: `?active=-1` or `?unit=2&unit=3` is a mistake to report, not
a reason to answer as if no filter had been asked for.
"""

from __future__ import annotations

from django import forms
from django.utils import translation
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field

from ..errors import PayloadInvalid, Problem
from ..text import Text

MAX_ID = 2**63 - 1

INVALID_FILTER = Text(id="Filter tidak valid.", en="Invalid filter.")
REPEATED = Text(
    id="Parameter ini hanya boleh muncul sekali.", en="This parameter may appear only once."
)
NOT_BOOLEAN = Text(id="Isi dengan true atau false.", en="Use true or false.")


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(filters.NumberFilter):
    """A database id: a whole number in the bigint range, else 400 (never an overflow 500)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class _TrueOrFalse(forms.Field):
    """`true` or `false` as the schema's boolean is written in a query, nothing else."""

    default_error_messages = {"invalid": NOT_BOOLEAN.en}

    def to_python(self, value):
        if value is None:  # absent; present but empty is a mistake like any other
            return None
        if value in ("true", "false"):
            return value == "true"
        raise forms.ValidationError(self.error_messages["invalid"], code="not_boolean")


@extend_schema_field({"type": "boolean"})
class TrueOrFalseFilter(filters.Filter):
    field_class = _TrueOrFalse


def _in(language: str, error: forms.ValidationError) -> str:
    with translation.override(language):
        return " ".join(str(message) for message in error)


def _problem(name: str, error: forms.ValidationError) -> Problem:
    if error.code == "not_boolean":
        return Problem(code="not_boolean", message=NOT_BOOLEAN, field=name)
    message = Text(id=_in("id", error), en=_in("en", error))
    return Problem(code=error.code or "invalid", message=message, field=name)


class StrictFilterBackend(filters.DjangoFilterBackend):
    """django-filter's backend, refusing repeated and invalid filters with bilingual problems."""

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        problems = [
            Problem(code="repeated", message=REPEATED, field=name)
            for name, declared in filterset.filters.items()
            if not isinstance(declared, filters.MultipleChoiceFilter | filters.BaseCSVFilter)
            and len(request.query_params.getlist(name)) > 1
        ]
        if not problems and not filterset.is_valid():
            problems = [
                _problem(name, error)
                for name, errors in filterset.form.errors.as_data().items()
                for error in errors
            ]
        if problems:
            raise PayloadInvalid(INVALID_FILTER, problems)
        return filterset.qs


def query_flag(request, name: str) -> bool | None:
    """A boolean query parameter read by hand: absent -> None, else true/false or 400."""
    values = request.query_params.getlist(name)
    if not values:
        return None
    if len(values) > 1:
        raise PayloadInvalid(
            INVALID_FILTER, [Problem(code="repeated", message=REPEATED, field=name)]
        )
    if values[0] not in ("true", "false"):
        raise PayloadInvalid(
            INVALID_FILTER, [Problem(code="not_boolean", message=NOT_BOOLEAN, field=name)]
        )
    return values[0] == "true"


ID_SCHEMA = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
NOT_AN_ID = Text(
    id="Isi dengan satu bilangan bulat mulai dari 1.", en="Give one whole number from 1."
)


def query_id(request, name: str) -> int | None:
    """A database id in the query read by hand: absent -> None, else one id (ID_SCHEMA) or 400."""
    values = request.query_params.getlist(name)
    if not values:
        return None
    value = values[0]
    if len(values) > 1 or not (value.isascii() and value.isdigit() and 1 <= int(value) <= MAX_ID):
        raise PayloadInvalid(
            INVALID_FILTER, [Problem(code="invalid_id", message=NOT_AN_ID, field=name)]
        )
    return int(value)


REQUIRED = Text(id="Parameter ini wajib diisi.", en="This parameter is required.")


def required_query(name: str):
    """Raise the 400 for a query parameter the operation cannot do without."""
    raise PayloadInvalid(INVALID_FILTER, [Problem(code="required", message=REQUIRED, field=name)])
