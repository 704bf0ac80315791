"""Request-level guards for accounts and sessions.

- ``SessionGuardMiddleware`` ends a session at once when its user is blocked, when
  a staff session (or any session under /admin/) has not passed the second factor,
  when it is older than ``SESSION_COOKIE_AGE`` counted from the login (an
  absolute limit: activity does not extend it), or when it has been idle too long.
- ``MemberAreaMiddleware`` sends a user who must change the office-issued password
  to the change form from every URL (documents and public pages included), and
  marks every /iok/ and /admin/ response ``Cache-Control: no-store``.
- ``ZoneMiddleware`` answers every URL of a zone of the member area that is
  suspended or switched off with a page saying so, instead of the zone's view
  (rules §III.3; the states: ``members.area.zones``).
- ``StaffViewAuditMiddleware`` writes an audit row when verified staff open admin
  screens that show residents' personal or financial data.
- ``ContentSecurityPolicyMiddleware`` is django-csp's middleware with a separate
  policy for the Wagtail admin.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from csp.middleware import CSPMiddleware

from .audit import Event, audit_record

MEMBER_PREFIX = "/iok/"
LAST_ACTIVITY_KEY = "iok_last_activity"
# When the user logged in (set by members.receivers at login): the session ends
# SESSION_COOKIE_AGE seconds later, however active it is.
LOGIN_AT_KEY = "iok_login_at"
# Write the activity clock at most this often, not on every request.
ACTIVITY_WRITE_INTERVAL = 30


def _admin_prefix() -> str:
    return settings.IOK_ADMIN_PATH_PREFIX


def _end_session(request, reason: str) -> None:
    request.iok_logout_reason = reason
    logout(request)
    # The anonymous user that replaced ours still answers django-otp's API.
    request.user.otp_device = None
    request.user.is_verified = lambda: False


class SessionGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            self._guard(request, user)
        return self.get_response(request)

    def _guard(self, request, user) -> None:
        if user.is_blocked:
            _end_session(request, Event.BLOCKED)
            messages.error(
                request,
                _(
                    "Your account has been blocked. Please contact the cooperative's "
                    "office."
                ),
            )
            return
        on_admin = request.path.startswith(_admin_prefix())
        if not user.is_verified() and (on_admin or user.needs_second_factor):
            _end_session(request, "second_factor_missing")
            if on_admin:
                messages.warning(
                    request,
                    _("The administration requires two-factor authentication."),
                )
            return
        now = int(time.time())
        login_at = request.session.setdefault(LOGIN_AT_KEY, now)
        if now - int(login_at) > settings.SESSION_COOKIE_AGE:
            _end_session(request, Event.SESSION_EXPIRED)
            messages.info(
                request,
                _(
                    "A session lasts at most %(hours)d hours, however active. "
                    "Please log in again."
                )
                % {"hours": max(1, settings.SESSION_COOKIE_AGE // 3600)},
            )
            return
        timeout = (
            settings.IOK_ADMIN_IDLE_TIMEOUT_SECONDS
            if on_admin
            else settings.IOK_IDLE_TIMEOUT_SECONDS
        )
        last = request.session.get(LAST_ACTIVITY_KEY)
        if last is not None and now - int(last) > timeout:
            _end_session(request, Event.SESSION_EXPIRED)
            messages.info(
                request,
                _(
                    "You were logged out after %(minutes)d minutes of inactivity. "
                    "Please log in again."
                )
                % {"minutes": max(1, timeout // 60)},
            )
            return
        if last is None or now - int(last) >= ACTIVITY_WRITE_INTERVAL:
            request.session[LAST_ACTIVITY_KEY] = now


class MemberAreaMiddleware:
    """Forced first-login password change; no-store caching for /iok/ and /admin/."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        private = request.path.startswith((MEMBER_PREFIX, _admin_prefix()))
        if self._must_change(request):
            response = redirect(reverse("members:password-change"))
            add_never_cache_headers(response)
            return response
        response = self.get_response(request)
        if private:
            # Residents' data must never sit in a browser or proxy cache.
            add_never_cache_headers(response)
        return response

    @staticmethod
    def _must_change(request) -> bool:
        """A logged-in user with an office-issued password reaches nothing but
        the change form, logout and login (and static files, the language
        switch and the health check): not the member area, not documents, not
        the pages that show more to a logged-in user."""
        user = request.user
        if not (user.is_authenticated and user.must_change_password):
            return False
        allowed = {
            reverse("members:password-change"),
            reverse("members:logout"),
            reverse("members:login"),
            reverse("set_language"),
            reverse("healthz"),
        }
        if request.path in allowed:
            return False
        return not request.path.startswith(settings.STATIC_URL)


class StaffViewAuditMiddleware:
    """Audit staff reading resident data (IOK_AUDIT_STAFF_VIEW_PREFIXES URLs)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        prefixes = tuple(getattr(settings, "IOK_AUDIT_STAFF_VIEW_PREFIXES", ()))
        if (
            prefixes
            and request.method == "GET"
            and response.status_code == 200
            and request.path.startswith(prefixes)
            and request.user.is_authenticated
        ):
            audit_record(
                actor=request.user,
                event=Event.STAFF_VIEW,
                request=request,
                path=request.path,
                query=request.META.get("QUERY_STRING", "")[:500],
            )
        return response


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp with the Wagtail admin's relaxations applied under /admin/ only."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if (
            not report_only
            and parts.replace is None
            and request.path_info.startswith(_admin_prefix())
        ):
            parts.replace = getattr(settings, "IOK_ADMIN_CSP_REPLACE", None)
        return parts


class ZoneMiddleware:
    """The one place where a zone's state is enforced on its URLs.

    For a logged-in user (anonymous ones are sent to the login by the views), a
    URL of a zone that is not on (``members.area.zones.zone_for_url``, or a
    unit's page in the zone of that unit) never reaches its view:

    - suspended: 503 with the staff's message and, with an end time, that time
      and ``Retry-After`` (the service is coming back: browsers, proxies and
      monitoring treat it as temporary, and nothing is cached);
    - off: 410 with a plain explanation (the service is not offered now; 404
      would read as a wrong link, 503 would promise it back).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or not request.path.startswith(MEMBER_PREFIX):
            return None
        if not request.user.is_authenticated:
            return None
        from members.area import zones

        key = zones.zone_for_url(match.namespace, match.url_name)
        statuses = zones.zone_statuses()
        if key is None and zones.UNIT_URL_KWARG in view_kwargs:
            key = self._unit_zone(statuses, view_kwargs[zones.UNIT_URL_KWARG])
        if key is None or statuses[key].on:
            return None
        return zone_unavailable_response(request, statuses[key])

    @staticmethod
    def _unit_zone(statuses, unit_id) -> str | None:
        withheld = {
            status.key: status.zone.unit_zone
            for status in statuses.values()
            if status.zone.unit_zone and not status.on
        }
        if not withheld or unit_id is None:
            return None  # no query while every unit zone is on
        from ledger.models import Unit

        unit_zone = (
            Unit.objects.filter(pk=unit_id).values_list("zone", flat=True).first()
        )
        return next((k for k, z in withheld.items() if z == unit_zone), None)


def zone_unavailable_response(request, status):
    """The page of a zone that is suspended (503) or off (410)."""
    response = render(
        request,
        "members/area/zone_unavailable.html",
        {"zone_status": status},
        status=503 if status.suspended else 410,
    )
    if status.suspended and status.until is not None:
        seconds = int((status.until - localtime()).total_seconds())
        response["Retry-After"] = str(max(seconds, 1))
    add_never_cache_headers(response)
    # A switch staff made on purpose, not a server error: no ERROR line per
    # request in the log (django.request logs every 5xx otherwise).
    response._has_been_logged = True
    return response
