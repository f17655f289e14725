from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, user_login_failed
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_static.models import StaticDevice

from layak import authz
from layak.accounts import twofactor
from layak.accounts.actions import (
    TwoFactorError,
    two_factor_backup_code_used,
    two_factor_backup_codes_renew,
    two_factor_disable,
    two_factor_enrol,
    two_factor_reset,
    user_password_changed,
    user_set_language,
    user_update_profile,
)
from layak.accounts.forms import BackupOrAppCodeForm, CodeForm, LanguageForm, LoginForm, ProfileForm
from layak.accounts.models import User
from layak.audit.models import AuditEntry
from layak.organisations.models import Membership
from layak.organisations.roles import Role


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        step = _next_step(form.get_user())
        if step is None:
            return response
        return redirect(f"{reverse(step)}?{urlencode({'next': self.get_success_url()})}")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if settings.DEMO:
            from layak.core.demo import DEMO_PASSWORD, DEMO_TOTP_KEY, demo_logins

            context["demo_logins"] = demo_logins()
            context["demo_password"] = DEMO_PASSWORD
            context["demo_totp_key"] = DEMO_TOTP_KEY
            context["otp_required_roles"] = _required_role_names()
        return context


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        user_password_changed(actor=form.user, how="set")
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        user_password_changed(actor=form.user, how="changed")
        messages.success(self.request, _("Your password has been changed."))
        return response


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language; remembered on the account and in a cookie."""
    form = LanguageForm(request.POST)
    target = request.POST.get("next", "") or "/"
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(target)
    if form.is_valid():
        language = form.cleaned_data["language"]
        if request.user.is_authenticated:
            assert isinstance(request.user, User)
            user_set_language(actor=request.user, language=language)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
        )
    return response


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    form: Form
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            user_update_profile(actor=user, full_name=form.cleaned_data["full_name"])
            messages.success(request, _("Your profile has been saved."))
            return redirect("accounts:profile")
    else:
        form = ProfileForm(initial={"full_name": user.full_name})
    memberships = (
        Membership.objects.filter(user=user)
        .select_related("organisation__region")
        .order_by("-is_active", "organisation__name")
    )
    history = AuditEntry.objects.for_person(user).select_related("actor")[:50]
    device = twofactor.app_device(user)
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "memberships": memberships,
            "history": history,
            "two_factor": {
                "device": device,
                "required": twofactor.requires_two_factor(user),
                "backup_left": twofactor.backup_codes_left(user) if device else 0,
                "code_form": BackupOrAppCodeForm(auto_id="id_2fa_%s"),
            },
        },
    )


# ---- two-factor sign-in -------------------------------------------------------------------


def _next_step(user: User) -> str | None:
    """The code step for a person with an authenticator, the enrolment for a person whose role
    requires one; None when the password is enough."""
    if twofactor.has_two_factor(user):
        return "accounts:two_factor_verify"
    if twofactor.requires_two_factor(user):
        return "accounts:two_factor_enrol"
    return None


def _required_role_names() -> list[str]:
    labels = dict(Role.choices)
    return [str(labels.get(code, code)) for code in settings.OTP_REQUIRED_ROLES]


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _with_next(name: str, request: HttpRequest) -> str:
    return f"{reverse(name)}?{urlencode({'next': _next_url(request)})}"


def _signed_in_user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _wrong_code(request: HttpRequest, user: User) -> HttpResponse | None:
    """Count a wrong code in the session and toward the sign-in lockout; past the limit the
    half-finished sign-in is dropped (the person starts again with the password)."""
    failures = int(request.session.get(twofactor.FAILURES_SESSION_KEY, 0)) + 1
    request.session[twofactor.FAILURES_SESSION_KEY] = failures
    user_login_failed.send(
        sender=__name__,
        credentials={settings.AXES_USERNAME_FORM_FIELD: user.email},
        request=request,
    )
    if failures < settings.OTP_FAILURE_LIMIT:
        return None
    logout(request)
    messages.error(request, _("Too many wrong codes. Sign in again."))
    return redirect("accounts:login")


@login_required
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: a code from the authenticator app, or a backup code."""
    user = _signed_in_user(request)
    if twofactor.is_verified(user):
        return HttpResponseRedirect(_next_url(request))
    if not twofactor.has_two_factor(user):
        if twofactor.requires_two_factor(user):
            return redirect(_with_next("accounts:two_factor_enrol", request))
        return HttpResponseRedirect(_next_url(request))
    form = BackupOrAppCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = twofactor.check_code(user, form.cleaned_data["code"])
        if device is not None:
            request.session.cycle_key()
            django_otp.login(request, device)
            request.session.pop(twofactor.FAILURES_SESSION_KEY, None)
            if isinstance(device, StaticDevice):
                two_factor_backup_code_used(actor=user)
                left = twofactor.backup_codes_left(user)
                messages.warning(
                    request,
                    ngettext(
                        "You signed in with a backup code; %(n)d is left.",
                        "You signed in with a backup code; %(n)d are left.",
                        left,
                    )
                    % {"n": left},
                )
            return HttpResponseRedirect(_next_url(request))
        dropped = _wrong_code(request, user)
        if dropped is not None:
            return dropped
        form.add_error(
            "code",
            _("That code is not right, or was already used. Wait for a new code and try again."),
        )
    return render(
        request,
        "accounts/two_factor_verify.html",
        # No navigation before the code: every link would lead back here.
        {"form": form, "next": _next_url(request), "nav_items": [], "half_signed_in": True},
    )


@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Add an authenticator app: scan the QR code (or type the key), confirm with a code, keep
    the backup codes. Also replaces the app of a person already verified in this session."""
    user = _signed_in_user(request)
    if twofactor.has_two_factor(user) and not twofactor.is_verified(user):
        return redirect(_with_next("accounts:two_factor_verify", request))
    device = twofactor.pending_device(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if twofactor.check_pending_code(device, form.cleaned_data["code"]):
            codes = two_factor_enrol(actor=user, device=device)
            device.refresh_from_db()
            request.session.cycle_key()
            django_otp.login(request, device)
            request.session.pop(twofactor.FAILURES_SESSION_KEY, None)
            return render(
                request,
                "accounts/two_factor_backup_codes.html",
                {"codes": codes, "next": _next_url(request), "enrolled": True},
            )
        form.add_error(
            "code",
            _("That code is not right. Check the key in your app and the time on your phone."),
        )
    required = twofactor.requires_two_factor(user)
    return render(
        request,
        "accounts/two_factor_enrol.html",
        {
            "form": form,
            "next": _next_url(request),
            "qr": twofactor.qr_data_uri(device),
            "secret": twofactor.secret_groups(device),
            "required": required,
            "replacing": twofactor.has_two_factor(user),
            # No navigation while the enrolment is due: every link would lead back here.
            **(
                {"nav_items": [], "half_signed_in": True}
                if required and not twofactor.is_verified(user)
                else {}
            ),
        },
    )


def _confirm_with_code(request: HttpRequest, user: User) -> bool:
    form = BackupOrAppCodeForm(request.POST)
    if form.is_valid() and twofactor.check_code(user, form.cleaned_data["code"]) is not None:
        return True
    messages.error(request, _("That code is not right, or was already used."))
    return False


@login_required
@require_POST
def two_factor_turn_off(request: HttpRequest) -> HttpResponse:
    """Turn two-factor sign-in off (roles that require it cannot); confirmed with a code."""
    user = _signed_in_user(request)
    if twofactor.requires_two_factor(user):
        messages.error(
            request, _("Your role requires two-factor sign-in; it cannot be turned off.")
        )
        return redirect("accounts:profile")
    if _confirm_with_code(request, user):
        try:
            two_factor_disable(actor=user)
        except TwoFactorError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Two-factor sign-in is off."))
    return redirect("accounts:profile")


@login_required
@require_POST
def two_factor_new_backup_codes(request: HttpRequest) -> HttpResponse:
    """Ten new backup codes (the old ones stop working); confirmed with a code."""
    user = _signed_in_user(request)
    if not _confirm_with_code(request, user):
        return redirect("accounts:profile")
    try:
        codes = two_factor_backup_codes_renew(actor=user)
    except TwoFactorError as exc:
        messages.error(request, str(exc))
        return redirect("accounts:profile")
    return render(
        request,
        "accounts/two_factor_backup_codes.html",
        {"codes": codes, "next": reverse("accounts:profile"), "enrolled": False},
    )


@login_required
def user_two_factor(request: HttpRequest, pk: int) -> HttpResponse:
    """A person's two-factor sign-in as the ministry sees it, with the reset (a lost phone)."""
    actor = _signed_in_user(request)
    if Role.MINISTRY_ADMIN not in authz.roles(actor):
        raise PermissionDenied
    person = get_object_or_404(User, pk=pk)
    if request.method == "POST":
        try:
            two_factor_reset(actor=actor, user=person)
        except TwoFactorError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("Two-factor sign-in of %(name)s was reset; they set it up again at next sign-in.")
                % {"name": person},
            )
        return redirect("accounts:user_two_factor", pk=person.pk)
    device = twofactor.app_device(person)
    memberships = (
        Membership.objects.filter(user=person, is_active=True)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    return render(
        request,
        "accounts/user_two_factor.html",
        {
            "person": person,
            "device": device,
            "required": twofactor.requires_two_factor(person),
            "backup_left": twofactor.backup_codes_left(person),
            "memberships": memberships,
            "history": AuditEntry.objects.for_object(person)
            .filter(action__startswith="user.two_factor")
            .select_related("actor")[:20],
        },
    )
