"""Handovers between appraisers on the pages: the notes on the appraisal, the old appraiser's form.

The previous appraiser no longer sees the appraisal; the note form is theirs
alone, reached from their home page, for the days the service allows.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from workflow.errors import ActionForbidden, WorkflowError
from workflow.web.errors import PageErrors

from ..selectors.acting import handovers_open_to, handovers_readable
from ..services.handover import handover_note_target, handover_note_write, note_open_until


def handovers_for_page(appraisal, user) -> list | None:
    """The appraisal's handovers for those who read them; None for anyone else."""
    try:
        return list(handovers_readable(appraisal=appraisal, user=user))
    except ActionForbidden:
        return None


def handovers_to_write(user) -> list:
    return list(handovers_open_to(user=user))


@login_required
def handover_note(request, pk: int):
    """GET the form, POST the note; 404 for who neither sees nor handed over the appraisal."""
    appraisal, handover = handover_note_target(user=request.user, pk=pk)
    errors = PageErrors()
    note = handover.note
    if request.method == "POST":
        note = request.POST.get("note", "")
        try:
            handover_note_write(actor=request.user, pk=pk, note=note)
        except WorkflowError as error:
            errors = PageErrors.of(error)
        else:
            messages.success(request, _("Handover note saved."))
            return redirect("web:home")
    return render(
        request,
        "web/handover_note.html",
        {
            "a": appraisal,
            "handover": handover,
            "open_until": note_open_until(handover),
            "note": note,
            "errors": errors,
        },
        status=errors.status if errors else 200,
    )
