"""Signing in and out of the pages, with failed attempts throttled per client address and
per account (appraisals/throttling.py: the same counts as the API's and the admin's)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ..policies import contract_roles
from ..selectors.organisation import employee_own_get
from ..throttling import signin_attempt, signin_succeeded
from .hr_import import forget_pending

log = logging.getLogger("kinerja.security")


WRONG_CREDENTIALS = gettext_lazy(
    "The user name or the password is wrong. Check both (capital letters count) and try again."
)


class SignInForm(AuthenticationForm):
    """Django's form, with a refusal that reads well in both languages (Django's Indonesian
    one repeats the field's name: "nama pengguna nama pengguna")."""

    error_messages = {**AuthenticationForm.error_messages, "invalid_login": WRONG_CREDENTIALS}


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        if not signin_attempt(request, request.POST.get("username", "")):
            # An unbound form: a throttled attempt costs no password hashing.
            form = self.get_form_class()(request)
            refusal = _("Too many failed sign-in attempts. Wait a few minutes and try again.")
            log.warning("web login throttled")
            context = self.get_context_data(form=form, refusal=refusal)
            return self.render_to_response(context, status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        signin_succeeded(self.request, self.request.POST.get("username", ""))
        return super().form_valid(form)

    def form_invalid(self, form):
        log.warning("web login failed")
        return super().form_invalid(form)


class AdminSignInForm(AdminAuthenticationForm):
    """The admin's sign-in (AdminSite.login_form) behind the same counts as the pages' and
    the API's: a held attempt is refused before the password is hashed."""

    def clean(self):
        username = self.data.get("username", "")
        if not signin_attempt(self.request, username):
            self.request.signin_held = True
            log.warning("admin login throttled")
            raise ValidationError(
                _("Too many failed sign-in attempts. Wait a few minutes and try again."),
                code="throttled",
            )
        cleaned = super().clean()  # a wrong password or a non-staff account raises: counted
        signin_succeeded(self.request, username)
        return cleaned


def admin_login(request, extra_context=None):
    """/admin/login/ (the admin site's login_form is AdminSignInForm, settings/urls.py);
    a held attempt answers 429 like the pages."""
    response = admin.site.login(request, extra_context)
    if getattr(request, "signin_held", False):
        response.status_code = 429
    return response


@require_POST
def logout_view(request):
    forget_pending(request)  # an organisation file waiting for apply goes with the session
    logout(request)
    messages.info(request, _("You have signed out."))
    return redirect(settings.LOGOUT_REDIRECT_URL)


@login_required
def profile(request):
    employee = employee_own_get(user=request.user)
    return render(
        request,
        "web/profile.html",
        {"employee": employee, "roles": contract_roles(request.user)},
    )
