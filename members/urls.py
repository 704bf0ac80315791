import re

from django.urls import include, path, re_path
from django.views.generic import RedirectView

from . import views

app_name = "members"


def _any_case(text: str) -> str:
    """A regex matching ``text`` in any letter case (an inline ``(?i)`` flag is
    not allowed in Django's URL patterns)."""
    return "".join(
        f"[{char.lower()}{char.upper()}]" if char.isalpha() else re.escape(char)
        for char in text
    )


#: The previous IOK's login address as residents may have it bookmarked or
#: typed: any letter case, with or without ``.aspx``, with or without a
#: trailing slash (``/inetobskontr/loginpage``, ``/InetObsKontr/LoginPage.aspx/``).
LEGACY_LOGIN = (
    rf"^{_any_case('InetObsKontr')}/{_any_case('LoginPage')}"
    rf"(?:{_any_case('.aspx')})?/?$"
)

urlpatterns = [
    # Old login address of the previous IOK (rules §II.8), on any host.
    re_path(
        LEGACY_LOGIN,
        RedirectView.as_view(url="/iok/login/", permanent=True),
        name="legacy-login",
    ),
    path("iok/", include("members.area.urls")),  # the zones: members/area/
    path("iok/login/", views.login_view, name="login"),
    path("iok/login/code/", views.login_code_view, name="login-code"),
    path("iok/login/enrol/", views.login_enrol_view, name="login-enrol"),
    path("iok/logout/", views.logout_view, name="logout"),
    path("iok/password/", views.password_change_view, name="password-change"),
    path("iok/security/", views.security_view, name="security"),
    path("iok/security/app/", views.security_totp_view, name="security-totp"),
    path("iok/security/disable/", views.security_disable_view, name="security-disable"),
    path(
        "iok/security/backup-codes/",
        views.security_backup_codes_view,
        name="security-backup-codes",
    ),
]
