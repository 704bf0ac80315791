"""Forms of the login flow, the password change and the office screens."""

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import PasswordChangeForm as DjangoPasswordChangeForm
from django.utils.translation import gettext_lazy as _

from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm

from .audit import Event, audit_record
from .otp import has_second_factor, verify_second_factor

INVALID_LOGIN = _("Incorrect identifier or password. Please try again.")
BLOCKED = _(
    "This account has been blocked. Please contact the cooperative's office to "
    "find out why and to restore access."
)


def refuse_blocked(user, request) -> None:
    """Raise the "contact the office" error for a blocked account.

    Only reached after a correct password, so it tells nothing to someone who
    merely guesses identifiers.
    """
    if user is not None and user.is_blocked:
        audit_record(
            actor=None,
            event=Event.LOGIN_BLOCKED,
            target=user,
            request=request,
            username=user.get_username(),
        )
        raise forms.ValidationError(BLOCKED, code="blocked")


class MemberLoginForm(forms.Form):
    """Identifier and password (rules §III.1)."""

    username = forms.CharField(
        label=_("Identifier"),
        max_length=150,
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none"}
        ),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, request, *args, **kwargs):
        self.request = request
        self.user_cache = None
        super().__init__(*args, **kwargs)

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is None or password is None:
            return self.cleaned_data
        # request= lets django-axes count failures and refuse locked identifiers.
        # For an unknown identifier Django's ModelBackend still hashes the password
        # once, so both failures take about the same time.
        self.user_cache = authenticate(
            request=self.request, username=username, password=password
        )
        if self.user_cache is None:
            raise forms.ValidationError(INVALID_LOGIN, code="invalid_login")
        refuse_blocked(self.user_cache, self.request)
        return self.cleaned_data

    def get_user(self):
        return self.user_cache


class OTPCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the authenticator app, or a backup code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autocapitalize": "none",
            }
        ),
    )


class TOTPConfirmForm(forms.Form):
    code = forms.CharField(
        label=_("Six-digit code shown by the app"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}
        ),
    )


class PasswordConfirmForm(forms.Form):
    """Asks for the current password again before a sensitive change."""

    password = forms.CharField(
        label=_("Current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(
                _("The password is incorrect."), code="password_incorrect"
            )
        return password


class PasswordChangeForm(DjangoPasswordChangeForm):
    """Django's form (current password, new twice, all validators) plus the rule
    that the new password differs from the current one (§II.6)."""

    error_messages = {
        **DjangoPasswordChangeForm.error_messages,
        "password_unchanged": _(
            "The new password must be different from the current one."
        ),
    }

    def clean(self):
        cleaned_data = super().clean()
        # new_password1: a failed validator removes new_password2 from cleaned_data,
        # and this rule is worth naming even when another one failed too.
        password = cleaned_data.get("new_password1")
        if password:
            old_password = cleaned_data.get("old_password")
            # The first check avoids a second hash when the user typed it twice.
            if password == old_password or self.user.check_password(password):
                self.add_error(
                    "new_password2",
                    forms.ValidationError(
                        self.error_messages["password_unchanged"],
                        code="password_unchanged",
                    ),
                )
        return cleaned_data


class AdminLoginForm(WagtailLoginForm):
    """Wagtail admin login: password, then the second factor, in one form.

    Set as ``WAGTAILADMIN_USER_LOGIN_FORM``. A user without a confirmed device is
    refused here: first-time enrolment happens through /iok/login/ after an
    administrator opened it (docs/security.md).
    """

    otp_token = forms.CharField(
        label=_("Code from the authenticator app, or a backup code"),
        required=False,
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}
        ),
    )

    error_messages = {
        **WagtailLoginForm.error_messages,
        "no_device": _(
            "The administration requires two-factor authentication and this "
            "account has none yet. Sign in at /iok/login/ to set it up once an "
            "administrator has opened enrolment for you."
        ),
        "token_required": _("Enter the code from your authenticator app."),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        # Wagtail leaves this label to the field name, which is never translated.
        self.fields["password"].label = _("Password")

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        refuse_blocked(user, self.request)

    def clean(self):
        cleaned_data = super().clean()
        user = self.user_cache
        if user is None:
            return cleaned_data
        if not has_second_factor(user):
            raise forms.ValidationError(
                self.error_messages["no_device"], code="no_device"
            )
        token = cleaned_data.get("otp_token", "")
        if not token:
            raise forms.ValidationError(
                self.error_messages["token_required"], code="token_required"
            )
        device, message = verify_second_factor(user, token, request=self.request)
        if device is None:
            raise forms.ValidationError(message, code="invalid_token")
        # django-otp's user_logged_in receiver stores this device in the session.
        user.otp_device = device
        return cleaned_data


class BlockForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for blocking"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_(
            "Recorded in the audit trail; the resident is told to contact the office."
        ),
    )


class PartySearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name, party number or identifier"), required=False, max_length=100
    )
