"""``member_required``: the one decorator for every member-area view.

Logged in (else to /iok/login/), second factor passed when the user has one
(django-otp's ``otp_required(if_configured=True)``), and never cached. The forced
first-login password change and the idle timeout are enforced by middleware for
every /iok/ URL, so views cannot forget them.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.views.decorators.cache import never_cache

from django_otp.decorators import otp_required


def member_required(view_func):
    protected = never_cache(login_required(otp_required(if_configured=True)(view_func)))
    return wraps(view_func)(protected)
