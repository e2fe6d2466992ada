"""Template helpers of the web UI."""

from django import template

from ..web.labels import label as label_of

register = template.Library()


@register.filter
def label(code) -> str:
    """A domain code (rating, predicate, role...) in the active language."""
    return label_of(code)


@register.filter
def text(value) -> str:
    """A workflow Text (or anything) in the active language."""
    return str(value) if value is not None else ""


@register.filter
def get(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None
