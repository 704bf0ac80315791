"""django-axes with two thresholds: per identifier + IP, and per identifier alone.

Axes locks when ``get_failures() >= AXES_FAILURE_LIMIT``. Its own multi-parameter
mode applies one limit to every parameter set, but a per-identifier limit as low as
the per-address one would let anyone lock a resident out from one browser. So this
handler counts both and puts the identifier-wide count on the per-address scale:
a lockout happens when ``failures(identifier, IP) >= AXES_FAILURE_LIMIT`` or when
``failures(identifier, any IP) >= IOK_AXES_USERNAME_FAILURE_LIMIT``. Both counts
only include attempts newer than the cool-off time, so lockouts expire by
themselves. Unknown identifiers are counted exactly like known ones: the lockout
does not tell whether an account exists.

``recent_failures`` answers the same question for the office screens
(``User.account_state``): which identifiers are refused now, from some address.
"""

from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt


def _identifier_limit(limit: int) -> int:
    """Failures from every address that lock an identifier everywhere."""
    return max(limit, getattr(settings, "IOK_AXES_USERNAME_FAILURE_LIMIT", limit))


def _failures(queryset) -> int:
    return queryset.aggregate(total=Sum("failures_since_start"))["total"] or 0


class TwoThresholdDatabaseHandler(AxesDatabaseHandler):
    """Axes' database handler with an extra, higher per-identifier threshold."""

    def get_failures(self, request, credentials=None) -> int:
        username = get_client_username(request, credentials)
        recent = AccessAttempt.objects.filter(username=username)
        if settings.AXES_COOLOFF_TIME is not None:
            recent = recent.filter(attempt_time__gte=get_cool_off_threshold(request))
        per_address = _failures(recent.filter(ip_address=request.axes_ip_address))
        if username is None:
            return per_address
        limit = get_failure_limit(request, credentials)
        identifier_limit = _identifier_limit(limit)
        per_identifier = _failures(recent)
        return max(per_address, per_identifier - (identifier_limit - limit))


def lockout_response(
    request: HttpRequest, original_response=None, credentials=None
) -> HttpResponse:
    """The page shown instead of the login form while a lockout lasts."""
    cool_off = get_cool_off(request)
    minutes = int(cool_off.total_seconds() // 60) if cool_off else None
    return render(
        request,
        "members/lockout.html",
        {"cool_off_minutes": minutes},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )


def recent_failures(usernames) -> dict[str, tuple[int, bool]]:
    """For each of ``usernames`` with recent failed logins: how many (from every
    address, within the cool-off time) and whether django-axes refuses the
    identifier now from at least one address (the two thresholds of
    ``TwoThresholdDatabaseHandler``). One query."""
    attempts = AccessAttempt.objects.filter(username__in=list(usernames))
    cool_off = get_cool_off()
    if cool_off:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
    rows = attempts.values("username", "ip_address").annotate(
        total=Sum("failures_since_start")
    )
    limit = get_failure_limit(None, None)
    totals: dict[str, int] = {}
    locked: set[str] = set()
    for row in rows:
        username, total = row["username"], row["total"] or 0
        totals[username] = totals.get(username, 0) + total
        if total >= limit:
            locked.add(username)
    identifier_limit = _identifier_limit(limit)
    return {
        username: (total, username in locked or total >= identifier_limit)
        for username, total in totals.items()
    }


def load_lockouts(users) -> dict[str, int]:
    """Read whether each of ``users`` is locked out, in one query, so that a
    list of accounts asks ``account_state`` without a query per row. Returns
    the recent failed logins per identifier (the office's accounts screen)."""
    users = [user for user in users if user is not None]
    failures = recent_failures(user.get_username() for user in users)
    for user in users:
        total, locked = failures.get(user.get_username(), (0, False))
        user.__dict__["_iok_locked_out"] = locked
    return {username: total for username, (total, _locked) in failures.items()}
