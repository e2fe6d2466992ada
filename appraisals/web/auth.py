"""Signing in and out of the pages, with failed attempts throttled per client address."""

from __future__ import annotations

import contextlib
import hashlib
import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..policies import contract_roles, profile_of
from ..throttling import counters as cache

log = logging.getLogger("kinerja.security")


def _buckets(request) -> list[str]:
    """Attempts count per client address and per username (guesses spread over many
    addresses against one account are throttled too). Hashed: no personal data in the cache."""

    def key(kind: str, value: str) -> str:
        return f"web-login:{kind}:" + hashlib.sha256(value.encode()).hexdigest()[:32]

    username = request.POST.get("username", "")[:150].strip().casefold()
    return [key("address", request.META.get("REMOTE_ADDR", "")), key("user", username)]


def _attempt(request) -> bool:
    """Count this attempt first (atomic increments), then judge: a burst cannot slip past."""
    over = False
    window = settings.KINERJA_LOGIN_WINDOW_SECONDS
    for bucket in _buckets(request):
        cache.add(bucket, 0, window)
        try:
            count = cache.incr(bucket)
        except ValueError:  # expired between add and incr
            cache.set(bucket, 1, window)
            count = 1
        over = over or count > settings.KINERJA_LOGIN_FAILURES
    return not over


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        if not _attempt(request):
            # An unbound form: a throttled attempt costs no password hashing.
            form = self.get_form_class()(request)
            refusal = _("Too many failed sign-in attempts. Wait a few minutes and try again.")
            log.warning("web login throttled")
            context = self.get_context_data(form=form, refusal=refusal)
            return self.render_to_response(context, status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        # Only failures count: a success takes its own attempt back from the address
        # (a shared office address is not locked by people signing in) and clears the
        # account's count.
        address, account = _buckets(self.request)
        with contextlib.suppress(ValueError):  # the count expired meanwhile
            cache.decr(address)
        cache.delete(account)
        return super().form_valid(form)

    def form_invalid(self, form):
        log.warning("web login failed")
        return super().form_invalid(form)


@require_POST
def logout_view(request):
    from .hr_import import forget_pending

    forget_pending(request)  # an organisation file waiting for apply goes with the session
    logout(request)
    messages.info(request, _("You have signed out."))
    return redirect(settings.LOGOUT_REDIRECT_URL)


@login_required
def profile(request):
    from ..models import Employee

    employee_id = profile_of(request.user).employee_id
    employee = (
        Employee.objects.select_related("unit", "position").filter(pk=employee_id).first()
        if employee_id
        else None
    )
    return render(
        request,
        "web/profile.html",
        {"employee": employee, "roles": contract_roles(request.user)},
    )
