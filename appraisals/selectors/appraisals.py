"""Appraisals a user may see or act on: one scoped query each."""

from __future__ import annotations

from django.db.models import QuerySet

from workflow.errors import ActionForbidden, NotFound
from workflow.text import Text

from ..models import Appraisal
from ..policies import appraisal_roles, appraisal_visibility

APPRAISAL_RELATED = ("employee", "cycle", "unit", "appraiser", "appeal_reviewer")
APPRAISAL_NOT_FOUND = Text(id="Penilaian tidak ditemukan.", en="Appraisal not found.")


def appraisal_list_visible(*, user) -> QuerySet[Appraisal]:
    return (
        Appraisal.objects.filter(appraisal_visibility(user))
        .select_related(*APPRAISAL_RELATED)
        .order_by("id")
    )


def appraisal_get_visible(*, user, pk) -> Appraisal:
    """The appraisal if `user` may see it; missing and forbidden are both 404."""
    try:
        return appraisal_list_visible(user=user).get(pk=pk)
    except (Appraisal.DoesNotExist, ValueError, TypeError):
        raise NotFound(APPRAISAL_NOT_FOUND) from None


def appraisal_get_for(*, user, pk, role: str, refusal: Text) -> Appraisal:
    """A visible appraisal on which `user` holds `role`: 404 unseen, 403 otherwise.

    Views call it before validating a body, so who may write is decided before
    what was written; the service checks again under the appraisal's lock.
    """
    appraisal = appraisal_get_visible(user=user, pk=pk)
    if role not in appraisal_roles(appraisal, user):
        raise ActionForbidden(refusal)
    return appraisal
