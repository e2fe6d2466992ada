"""Dotted paths a workflow table names (its pages, serializer, access selector).

Resolved on first use and cached: the table stays free of imports of the
views and serializers that import its model, and a typo fails loudly on the
first request that needs it.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.utils.module_loading import import_string


@cache
def resolve(path: str) -> Any:
    return import_string(path)
