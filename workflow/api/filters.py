from django import forms
from django_filters import rest_framework as filters

MAX_ID = 2**63 - 1


class IdFilter(filters.NumberFilter):
    """A database id: a whole number in the bigint range, else 400 (never an overflow 500)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)
