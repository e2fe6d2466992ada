"""The notification inbox as a page, the preferences page its messages link to, and the
unread badge every page shows."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from workflow.errors import WorkflowError

from .models import Preference
from .selectors import inbox_list, inbox_unread_count
from .services import inbox_item_mark_read, inbox_mark_all_read, preference_get, preference_update

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


class PreferenceForm(forms.Form):
    language = forms.ChoiceField(
        label=gettext_lazy("Language of the notifications"), choices=Preference.Language.choices
    )
    inbox = forms.BooleanField(label=gettext_lazy("In the inbox on this site"), required=False)
    email = forms.BooleanField(label=gettext_lazy("By e-mail"), required=False)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def preferences(request):
    """How the user wants to be told: language and channels (every message links here)."""
    current = preference_get(user=request.user)
    initial = {"language": current.language, "inbox": current.inbox, "email": current.email}
    form = PreferenceForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            preference_update(user=request.user, **form.cleaned_data)
            messages.success(request, _("Your notification preferences were saved."))
            return redirect("notifications-web:preferences")
        return render(request, "notifications/web/preferences.html", {"form": form}, status=400)
    return render(request, "notifications/web/preferences.html", {"form": form})


app_name = "notifications-web"
urlpatterns = [
    path("", inbox, name="inbox"),
    path("<int:pk>/read/", mark_read, name="read"),
    path("read-all/", mark_all_read, name="read-all"),
    path("preferences/", preferences, name="preferences"),
]
