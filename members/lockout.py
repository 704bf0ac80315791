"""django-axes: who is refused a login, and the client's address it is keyed on.

Two thresholds, neither of which lets an attacker lock a resident out:

- **Identifier + address** (axes' own ``AXES_LOCKOUT_PARAMETERS``): after
  ``AXES_FAILURE_LIMIT`` failures within the cool-off time that pair is locked;
  other addresses are not.
- **Identifier alone**: after ``IOK_AXES_USERNAME_FAILURE_LIMIT`` failures from
  all addresses together (a guess spread over many addresses) every further
  attempt on the identifier must wait a delay that doubles with each further
  failure (``IOK_LOGIN_DELAY_SECONDS``, at most ``IOK_LOGIN_DELAY_MAX_SECONDS``)
  after the last one. It slows guessing down; it never locks for everyone.

Attempts refused by either rule are not counted
(``AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False``): 20 refused requests
from one address add nothing to the identifier's count. Unknown identifiers are
counted exactly like known ones: the answer does not tell whether an account
exists.

``client_ip_address`` is the one rule for the client's address (django-axes'
``AXES_CLIENT_IP_CALLABLE``; the audit trail and the session list read it
through axes too): ``X-Forwarded-For`` is believed only from a trusted proxy.

``recent_failures`` answers the office screens (``User.account_state``): which
identifiers are locked now, from some address.
"""

import ipaddress
import math
from datetime import timedelta
from functools import lru_cache

from django.conf import settings
from django.db.models import Max, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt

# The exponent of the growing delay stops here (2**16 times the base is far
# beyond any sensible maximum anyway).
_MAX_DOUBLINGS = 16


# --- The client's address -------------------------------------------------------


def _ip(value: str | None):
    try:
        return ipaddress.ip_address((value or "").strip())
    except ValueError:
        return None


@lru_cache(maxsize=8)
def _networks(trusted: tuple[str, ...]):
    networks = []
    for item in trusted:
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            continue  # not an address: trusts nobody
    return tuple(networks)


def _is_trusted_proxy(address) -> bool:
    """``IOK_TRUSTED_PROXIES``: addresses or networks; ``*`` (as gunicorn's
    ``forwarded_allow_ips``) trusts every peer, for a gunicorn reachable only
    from the proxy."""
    trusted = tuple(getattr(settings, "IOK_TRUSTED_PROXIES", ()))
    if "*" in trusted:
        return True
    return any(address in network for network in _networks(trusted))


def client_ip_address(request: HttpRequest) -> str | None:
    """The address of the client that sent ``request``.

    The peer (``REMOTE_ADDR``) unless it is one of ``IOK_TRUSTED_PROXIES`` and
    ``AXES_IPWARE_PROXY_COUNT`` proxies are configured: then the address the
    outermost of them saw, i.e. the ``AXES_IPWARE_PROXY_COUNT``-th entry of
    ``X-Forwarded-For`` from the right (each proxy appends its peer; whatever
    the client wrote itself stands further left and is ignored). A header that
    is missing, too short or not an address leaves the peer's address."""
    peer = _ip(request.META.get("REMOTE_ADDR"))
    if peer is None:
        return None
    count = int(getattr(settings, "AXES_IPWARE_PROXY_COUNT", 0) or 0)
    if count < 1 or not _is_trusted_proxy(peer):
        return str(peer)
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if len(forwarded) < count:
        return str(peer)
    client = _ip(forwarded[-count])
    return str(client) if client is not None else str(peer)


# --- Lockout and delay ------------------------------------------------------------


def _identifier_limit(limit: int) -> int:
    """Failures from every address after which the identifier's delays start."""
    return max(limit, getattr(settings, "IOK_AXES_USERNAME_FAILURE_LIMIT", limit))


def _recent(queryset, now):
    cool_off = get_cool_off()
    if cool_off:
        queryset = queryset.filter(attempt_time__gte=now - cool_off)
    return queryset


def identifier_delay(username: str | None, now=None) -> int:
    """Seconds a login for ``username`` from any address must still wait
    (0: none): the growing delay of the identifier-wide threshold."""
    if not username:
        return 0
    now = now or timezone.now()
    limit = _identifier_limit(get_failure_limit(None, None))
    row = _recent(AccessAttempt.objects.filter(username=username), now).aggregate(
        total=Sum("failures_since_start"), last=Max("attempt_time")
    )
    total = row["total"] or 0
    if total < limit:
        return 0
    base = float(getattr(settings, "IOK_LOGIN_DELAY_SECONDS", 2))
    ceiling = float(getattr(settings, "IOK_LOGIN_DELAY_MAX_SECONDS", 60))
    delay = min(base * 2 ** min(total - limit, _MAX_DOUBLINGS), ceiling)
    remaining = (row["last"] + timedelta(seconds=delay) - now).total_seconds()
    return max(0, math.ceil(remaining))


class TwoThresholdDatabaseHandler(AxesDatabaseHandler):
    """Axes' database handler: the pair identifier + address is locked by axes'
    own count (``get_failures``); the identifier alone only gets delays."""

    def is_locked(self, request, credentials=None) -> bool:
        if super().is_locked(request, credentials):
            return True
        wait = identifier_delay(get_client_username(request, credentials))
        if wait:
            # Read by ``lockout_response``: "try again in N seconds".
            request.iok_retry_after = wait
            return True
        return False


def lockout_response(
    request: HttpRequest, original_response=None, credentials=None
) -> HttpResponse:
    """The page shown instead of the login form while a lockout lasts."""
    wait = getattr(request, "iok_retry_after", None)
    if wait:
        response = render(
            request,
            "members/lockout.html",
            {"retry_after_seconds": wait},
            status=settings.AXES_HTTP_RESPONSE_CODE,
        )
        response["Retry-After"] = str(wait)
        return response
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
    address, within the cool-off time) and whether django-axes locks the
    identifier now from at least one address (the identifier-wide threshold
    only delays, it locks nobody). One query."""
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
    return {username: (total, username in locked) for username, total in totals.items()}


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
