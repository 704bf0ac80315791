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
"""

from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt


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
        identifier_limit = max(
            limit, getattr(settings, "IOK_AXES_USERNAME_FAILURE_LIMIT", limit)
        )
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
