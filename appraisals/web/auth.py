"""Signing in and out of the pages, with failed attempts throttled per client address."""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..policies import contract_roles, profile_of

log = logging.getLogger("kinerja.security")


def _client_key(request) -> str:
    address = request.META.get("REMOTE_ADDR", "")
    return "web-login-failures:" + hashlib.sha256(address.encode()).hexdigest()[:32]


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        if cache.get(_client_key(request), 0) >= settings.KINERJA_LOGIN_FAILURES:
            form = self.get_form()
            form.errors.clear()
            form.add_error(
                None, _("Too many failed sign-in attempts. Wait a few minutes and try again.")
            )
            log.warning("web login throttled")
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        key = _client_key(self.request)
        cache.add(key, 0, settings.KINERJA_LOGIN_WINDOW_SECONDS)
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, settings.KINERJA_LOGIN_WINDOW_SECONDS)
        log.warning("web login failed")
        return super().form_invalid(form)


@require_POST
def logout_view(request):
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
