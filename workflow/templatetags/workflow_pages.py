"""Template helpers of the generic lifecycle pages (workflow/templates/workflow/)."""

from django import template

register = template.Library()


@register.filter
def text(value) -> str:
    """A workflow Text (or anything) in the active language."""
    return str(value) if value is not None else ""


@register.filter
def get(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None
