"""What every page's frame needs: the user's roles and the menu they open."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..lifecycle import APPRAISAL_WORKFLOW
from ..policies import contract_roles

STATE_LABELS = {s.name: s.label for s in APPRAISAL_WORKFLOW.states}

# (url name, label, roles that see it; empty = everyone signed in)
MENU = (
    ("web:home", _("Home"), ()),
    ("web:appraisals", _("Appraisals"), ()),
    ("web:peer-feedback", _("Peer feedback"), ("staff",)),
    ("web:inspect", _("Audit"), ("inspector",)),
    ("web:hr-cycles", _("Cycles"), ("hr_admin",)),
    ("web:hr-calendar-home", _("Working calendar"), ("hr_admin",)),
    ("web:hr-units", _("Unit dashboards"), ("hr_admin", "panel", "authority", "inspector")),
    ("web:hr-import", _("Organisation import"), ("hr_admin",)),
    ("web:hr-acting", _("Acting officials"), ("hr_admin",)),
    ("web:lifecycle", _("Lifecycle"), ()),
)


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    roles = getattr(request, "_kinerja_roles", None)
    if roles is None:
        roles = request._kinerja_roles = contract_roles(user)
    menu = [
        {"url": reverse(name), "label": label, "active": request.path == reverse(name)}
        for name, label, needs in MENU
        if not needs or set(needs) & set(roles)
    ]
    return {"menu": menu, "my_roles": roles, "states_map": STATE_LABELS}
