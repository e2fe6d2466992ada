"""Peer feedback on the pages: the peer answers a request; the appraisal shows the answers
(anonymous to all but the appraiser and the appeal reviewer, as in the API)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from workflow.errors import WorkflowError
from workflow.web.errors import PageErrors

from ..api.feedback import PeerFeedbackSubmitInSerializer
from ..selectors import feedback as peer_reads
from ..services import feedback as peers

PAGE_SIZE = 25


def peer_feedback_for(appraisal, user) -> dict:
    """What the appraisal page shows of its peer feedback to `user`."""
    if peer_reads.peer_feedback_identified(appraisal, user):
        return {"identified": True, "rows": list(peer_reads.peer_feedback_of(appraisal=appraisal))}
    return {"identified": False, "rows": peer_reads.peer_feedback_anonymous(appraisal=appraisal)}


@login_required
def requests(request):
    """The caller's open requests, each answered once."""
    errors, answering = PageErrors(), None
    if request.method == "POST":
        try:
            row = peer_reads.peer_feedback_request_get(user=request.user, pk=request.POST.get("id"))
            answering = row.pk
            form = PeerFeedbackSubmitInSerializer(data={"text": request.POST.get("text", "")})
            if not form.is_valid():
                errors = PageErrors.invalid(form.errors)
            else:
                peers.peer_feedback_submit(
                    request=row, actor=request.user, text=form.validated_data["text"]
                )
                messages.success(request, _("Thank you: your feedback was sent."))
                return redirect("web:peer-feedback")
        except WorkflowError as error:
            errors = PageErrors.of(error)
    page = Paginator(peer_reads.peer_feedback_requests_open(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "web/peer_feedback.html",
        {
            "page": page,
            "errors": errors,
            "answering": answering,
            "typed": request.POST.get("text", "") if request.method == "POST" else "",
        },
        status=errors.status if errors else 200,
    )
