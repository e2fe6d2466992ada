"""Template helpers of the web UI."""

from django import template

from workflow.templatetags import workflow_pages

from ..web.labels import label as label_of

register = template.Library()


@register.filter
def label(code) -> str:
    """A domain code (rating, predicate, role...) in the active language."""
    return label_of(code)


# The generic pages' helpers, under the same names on the domain's pages.
register.filter("text", workflow_pages.text)
register.filter("get", workflow_pages.get)


@register.simple_tag
def timeline_rows(events, appraisal):
    """The appraisal's audit events in words (appraisals/web/history.py): sentences, labels,
    local times; the employee's timeline and the decision forms read these, not the codes."""
    from ..web.history import timeline_rows as rows

    return rows(events, appraisal)
