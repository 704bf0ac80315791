"""``member_required``: the one decorator for every member-area view.

Logged in (else to /iok/login/), second factor passed when the user has one
(as django-otp's ``otp_required(if_configured=True)``), and never cached. The
forced first-login password change and the idle timeout are enforced by
middleware for every /iok/ URL, so views cannot forget them.
"""

import functools
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.db import connection
from django.views.decorators.cache import never_cache

from django_otp import device_classes
from django_otp.conf import settings as otp_settings


@functools.cache
def _confirmed_device_sql() -> str:
    """Whether a user has a confirmed device of any installed kind, as one
    query (django-otp's ``user_has_device`` asks each kind in turn: a query per
    kind on every member page)."""
    quote = connection.ops.quote_name
    checks = []
    for model in device_classes():
        table = quote(model._meta.db_table)
        user = quote(model._meta.get_field("user").column)
        confirmed = quote(model._meta.get_field("confirmed").column)
        checks.append(
            f"EXISTS (SELECT 1 FROM {table} WHERE {user} = %s AND {confirmed})"  # noqa: S608 - only table and column names
        )
    return "SELECT " + (" OR ".join(checks) or "0 = 1")


def has_confirmed_device(user) -> bool:
    sql = _confirmed_device_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk] * sql.count("%s"))
        return bool(cursor.fetchone()[0])


def second_factor_passed(user) -> bool:
    return user.is_verified() or not has_confirmed_device(user)


def _otp_required(view_func):
    @wraps(view_func)
    def wrapper(request, *args, **kwargs):
        if second_factor_passed(request.user):
            return view_func(request, *args, **kwargs)
        return redirect_to_login(request.get_full_path(), otp_settings.OTP_LOGIN_URL)

    return wrapper


def member_required(view_func):
    protected = never_cache(login_required(_otp_required(view_func)))
    return wraps(view_func)(protected)
