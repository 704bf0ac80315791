"""Member-area views: login (password, then the code if the user has 2FA), logout,
first-login password change, the dashboard and the resident's security page."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from django_otp import login as otp_login

from . import otp
from .decorators import member_required
from .forms import (
    MemberLoginForm,
    OTPCodeForm,
    PasswordChangeForm,
    PasswordConfirmForm,
    TOTPConfirmForm,
    refuse_blocked,
)
from .services import password_change, sessions_end

PENDING_KEY = "iok_pending_login"
MAX_CODE_FAILURES = 5


# --- Login ------------------------------------------------------------------------


def safe_next_url(candidate: str, request: HttpRequest) -> str:
    """Where to go after logging in: ``candidate`` if it is a path on this site
    (``/…``, not ``//host``), else the member area. Whatever was sent, the
    result is a URL, never a view name for ``redirect()`` to resolve."""
    candidate = (candidate or "").strip()
    if (
        candidate.startswith("/")
        and "\\" not in candidate
        and url_has_allowed_host_and_scheme(
            candidate,
            allowed_hosts={request.get_host()},
            require_https=request.is_secure(),
        )
    ):
        return candidate
    return settings.LOGIN_REDIRECT_URL


def _next_url(request: HttpRequest) -> str:
    return safe_next_url(
        request.POST.get("next") or request.GET.get("next") or "", request
    )


def _start_pending(request: HttpRequest, user, *, enrol: bool) -> None:
    """Password accepted, second factor still to come: nobody is logged in yet."""
    request.session.cycle_key()
    request.session[PENDING_KEY] = {
        "user_id": user.pk,
        "backend": user.backend,
        "since": int(time.time()),
        "next": _next_url(request),
        "enrol": enrol,
        "failures": 0,
    }


def _pending(request: HttpRequest, *, enrol: bool):
    data = request.session.get(PENDING_KEY)
    if not data or bool(data.get("enrol")) != enrol:
        return None, None
    if time.time() - data["since"] > settings.IOK_PENDING_LOGIN_SECONDS:
        del request.session[PENDING_KEY]
        return None, None
    user = get_user_model()._default_manager.filter(pk=data["user_id"]).first()
    if user is None or user.is_blocked:
        return None, None
    user.backend = data["backend"]
    return user, data


def _complete_login(request: HttpRequest, user, device=None) -> None:
    request.session.pop(PENDING_KEY, None)
    if device is not None:
        # django-otp's user_logged_in receiver stores the device in the session.
        user.otp_device = device
    login(request, user, backend=user.backend)
    if device is not None:
        otp_login(request, device)


def _restart(request: HttpRequest, message: str) -> HttpResponse:
    request.session.pop(PENDING_KEY, None)
    messages.error(request, message)
    return redirect("members:login")


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.is_authenticated:
        if otp.has_second_factor(user) and not user.is_verified():
            logout(request)
        else:
            return HttpResponseRedirect(_next_url(request))
    form = MemberLoginForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        if otp.has_second_factor(user):
            _start_pending(request, user, enrol=False)
            return redirect("members:login-code")
        if user.needs_second_factor:
            if otp.enrolment_is_open(user):
                _start_pending(request, user, enrol=True)
                return redirect("members:login-enrol")
            form.add_error(
                None,
                _(
                    "Staff accounts need two-factor authentication. Ask an "
                    "administrator to open enrolment for your account."
                ),
            )
        else:
            _complete_login(request, user)
            return HttpResponseRedirect(_next_url(request))
    return render(
        request,
        "members/login.html",
        {"form": form, "next": _next_url(request)},
    )


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_code_view(request: HttpRequest) -> HttpResponse:
    user, data = _pending(request, enrol=False)
    if user is None:
        return _restart(request, _("Please log in again."))
    form = OTPCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device, message = otp.verify_second_factor(
            user, form.cleaned_data["code"], request=request
        )
        if device is not None:
            try:
                refuse_blocked(user, request)
            except ValidationError as error:
                return _restart(request, " ".join(error.messages))
            _complete_login(request, user, device)
            return HttpResponseRedirect(safe_next_url(data["next"], request))
        data["failures"] += 1
        request.session[PENDING_KEY] = data
        if data["failures"] >= MAX_CODE_FAILURES:
            return _restart(request, _("Too many wrong codes. Please log in again."))
        form.add_error("code", message)
    return render(request, "members/login_code.html", {"form": form})


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_enrol_view(request: HttpRequest) -> HttpResponse:
    """A staff member's first TOTP device, after a password login, while the
    enrolment window an administrator opened is still open."""
    user, data = _pending(request, enrol=True)
    if user is None or not otp.enrolment_is_open(user) or otp.has_second_factor(user):
        return _restart(request, _("Please log in again."))
    device = otp.totp_device_for_enrolment(user)
    form = TOTPConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = _totp_enrolment_confirm(request, form, device)
        if codes is not None:
            _complete_login(request, user, device)
            return _backup_codes_page(request, codes, reverse("wagtailadmin_home"))
        data["failures"] += 1
        request.session[PENDING_KEY] = data
        if data["failures"] >= MAX_CODE_FAILURES:
            return _restart(request, _("Too many wrong codes. Please log in again."))
    return _totp_enrolment_page(request, "members/login_enrol.html", form, device)


def _totp_enrolment_confirm(request, form, device) -> list[str] | None:
    """The authenticator app's first code, from a valid ``TOTPConfirmForm``:
    the backup codes to show once, or ``None`` with the error on the form."""
    codes = otp.totp_enrolment_finish(
        device=device, token=form.cleaned_data["code"], request=request
    )
    if codes is None:
        form.add_error("code", _("Incorrect code. Check the clock of your phone."))
    return codes


def _totp_enrolment_page(request, template: str, form, device) -> HttpResponse:
    """The QR code and the key of ``device`` to scan, with the code form."""
    return render(
        request,
        template,
        {
            "form": form,
            "qr": otp.qr_svg(otp.otpauth_uri(device)),
            "secret": otp.base32_key(device),
        },
    )


def _backup_codes_page(request, codes: list[str], continue_url: str) -> HttpResponse:
    return render(
        request,
        "members/backup_codes.html",
        {"codes": codes, "continue_url": continue_url},
    )


@require_POST
@csrf_protect
@never_cache
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.success(request, _("You have been logged out."))
    return redirect("members:login")


# --- Member area ------------------------------------------------------------------


@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@csrf_protect
@never_cache
@login_required
def password_change_view(request: HttpRequest) -> HttpResponse:
    # Not member_required: the forced change must be reachable before anything else,
    # but a user with 2FA still has to have passed it.
    if otp.has_second_factor(request.user) and not request.user.is_verified():
        return redirect("members:login")
    form = PasswordChangeForm(user=request.user, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        password_change(
            request=request,
            user=request.user,
            new_password=form.cleaned_data["new_password1"],
        )
        messages.success(request, _("Your password has been changed."))
        return redirect("members:dashboard")
    return render(
        request,
        "members/password_change.html",
        {"form": form, "forced": request.user.must_change_password},
    )


@member_required
def security_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "members/security.html",
        {
            "has_totp": otp.has_totp(user),
            "backup_codes_left": otp.backup_codes_left(user),
            "can_disable": not user.needs_second_factor,
            "disable_form": PasswordConfirmForm(user),
        },
    )


@sensitive_post_parameters("code")
@member_required
@require_http_methods(["GET", "POST"])
def security_totp_view(request: HttpRequest) -> HttpResponse:
    """Turn on the authenticator app: show the QR code, confirm one code."""
    user = request.user
    if otp.has_totp(user):
        return redirect("members:security")
    device = otp.totp_device_for_enrolment(user)
    form = TOTPConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = _totp_enrolment_confirm(request, form, device)
        if codes is not None:
            user.otp_device = device
            otp_login(request, device)
            # Sessions elsewhere were opened without the second factor.
            sessions_end(user=user, keep_session_key=request.session.session_key)
            return _backup_codes_page(request, codes, reverse("members:security"))
    return _totp_enrolment_page(request, "members/security_totp.html", form, device)


@sensitive_post_parameters("password")
@member_required
@require_POST
def security_disable_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.needs_second_factor:
        messages.error(request, _("Staff accounts cannot turn two-factor off."))
        return redirect("members:security")
    form = PasswordConfirmForm(user, request.POST)
    if form.is_valid():
        otp.devices_remove(user=user, actor=user, request=request)
        messages.success(request, _("Two-factor authentication is off."))
    else:
        messages.error(request, _("The password is incorrect."))
    return redirect("members:security")


@member_required
@require_POST
def security_backup_codes_view(request: HttpRequest) -> HttpResponse:
    if not otp.has_totp(request.user):
        return redirect("members:security")
    codes = otp.backup_codes_issue(request.user)
    return render(
        request,
        "members/backup_codes.html",
        {"codes": codes, "continue_url": reverse("members:security")},
    )
