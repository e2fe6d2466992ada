"""Template helpers of the web UI."""

from django import template

from workflow.templatetags import workflow_pages

from ..selectors.waiting import person_name
from ..web.history import timeline_rows as timeline_rows_of
from ..web.labels import label as label_of
from ..web.labels import period_name as period_name_of

register = template.Library()


@register.filter
def label(code) -> str:
    """A domain code (rating, predicate, role...) in the active language."""
    return label_of(code)


# The generic pages' helpers, under the same names on the domain's pages.
register.filter("text", workflow_pages.text)
register.filter("get", workflow_pages.get)


@register.filter
def period_name(period, cycle) -> str:
    """A period number of `cycle` by its name: {{ e.period|period_name:a.cycle }}."""
    return period_name_of(period, cycle)


@register.filter
def person(user) -> str:
    """A user by name (the employee's, else the account's), never a bare username if avoidable."""
    return person_name(user) if user is not None else ""


@register.simple_tag
def timeline_rows(events, appraisal):
    """The appraisal's audit events in words (appraisals/web/history.py): sentences, labels,
    local times; the employee's timeline and the decision forms read these, not the codes."""
    return timeline_rows_of(events, appraisal)
