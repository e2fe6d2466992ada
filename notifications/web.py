"""The notification inbox as a page, and the unread badge every page shows."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from workflow.errors import WorkflowError

from .selectors import inbox_list, inbox_unread_count
from .services import inbox_item_mark_read, inbox_mark_all_read

PAGE_SIZE = 25


def unread_count(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": inbox_unread_count(user=user)}


@login_required
def inbox(request):
    only_unread = request.GET.get("unread") == "1"
    items = inbox_list(user=request.user, unread=True if only_unread else None)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "notifications/web/inbox.html", {"page": page, "only_unread": only_unread}
    )


@login_required
@require_POST
def mark_read(request, pk: int):
    try:
        item = inbox_item_mark_read(user=request.user, pk=pk)
    except WorkflowError:
        return redirect("notifications-web:inbox")
    if item.subject_type == "appraisals.appraisal" and item.subject_id:
        return redirect("web:appraisal", pk=item.subject_id)
    return redirect("notifications-web:inbox")


@login_required
@require_POST
def mark_all_read(request):
    inbox_mark_all_read(user=request.user)
    return redirect("notifications-web:inbox")


app_name = "notifications-web"
urlpatterns = [
    path("", inbox, name="inbox"),
    path("<int:pk>/read/", mark_read, name="read"),
    path("read-all/", mark_all_read, name="read-all"),
]
