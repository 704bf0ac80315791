"""Issue 12, items 4 and 5: the lockout cannot be turned against a resident, and
behind the documented proxy it keys on the real client address (only when the
proxy is the trusted one)."""

from datetime import timedelta

from django.db.models import Sum
from django.test import Client

import pytest
import time_machine
from axes.models import AccessAttempt

from members.models import AuditEvent, UserSession

from .conftest import login

pytestmark = pytest.mark.django_db

PROXY = "127.0.0.1"
ATTACKER = "203.0.113.66"
RESIDENT_HOME = "198.51.100.20"
DELAY_TEXT = "kolejna próba logowania będzie możliwa za"


def fail(username="100200", **extra):
    return login(Client(), username, "wrong-password1", **extra)


def counted_failures(username="100200") -> int:
    return (
        AccessAttempt.objects.filter(username=username).aggregate(
            total=Sum("failures_since_start")
        )["total"]
        or 0
    )


@pytest.fixture
def behind_nginx(settings):
    """The configuration of docs/deployment.md: nginx on 127.0.0.1 appends the
    client's address to X-Forwarded-For; AXES_IPWARE_PROXY_COUNT=1."""
    settings.AXES_IPWARE_PROXY_COUNT = 1
    settings.IOK_TRUSTED_PROXIES = [PROXY, "::1"]


# --- Item 4: anyone can lock any resident out ------------------------------------


def test_twenty_failures_from_one_address_do_not_stop_the_resident_elsewhere(
    resident,
):
    for _attempt in range(20):
        fail(REMOTE_ADDR=ATTACKER)
    # The attacker's own address is locked...
    assert login(Client(), "100200", "lato2026", REMOTE_ADDR=ATTACKER).status_code == (
        429
    )
    # ...the resident, from home, logs in at once.
    response = login(Client(), "100200", "lato2026", REMOTE_ADDR=RESIDENT_HOME)
    assert response.status_code == 302
    assert response["Location"] == "/iok/"


def test_attempts_refused_by_a_lockout_are_not_counted(resident):
    for _attempt in range(50):
        fail(REMOTE_ADDR=ATTACKER)
    assert counted_failures() == 5


def test_a_refused_attempt_does_not_extend_the_lock(resident):
    with time_machine.travel("2026-03-02 10:00 +0100", tick=False) as traveller:
        for _attempt in range(5):
            fail(REMOTE_ADDR=ATTACKER)
        traveller.shift(timedelta(minutes=10))
        fail(REMOTE_ADDR=ATTACKER)  # refused, not counted
        traveller.shift(timedelta(minutes=6))
        response = login(Client(), "100200", "lato2026", REMOTE_ADDR=ATTACKER)
    assert response.status_code == 302


def test_a_guess_spread_over_many_addresses_gets_growing_delays_not_a_lock(
    resident, settings
):
    assert settings.IOK_AXES_USERNAME_FAILURE_LIMIT == 20
    with time_machine.travel("2026-03-02 10:00 +0100", tick=False) as traveller:
        for n in range(20):
            fail(REMOTE_ADDR=f"192.0.2.{n + 1}")
        # Right away even the right password waits: the delay, said in Polish.
        response = login(Client(), "100200", "lato2026", REMOTE_ADDR=RESIDENT_HOME)
        assert response.status_code == 429
        assert DELAY_TEXT in response.content.decode()
        assert response["Retry-After"] == "2"
        # Refused while waiting: not counted, so the delay does not grow.
        assert counted_failures() == 20
        # After the delay the resident logs in (no lock for everyone).
        traveller.shift(timedelta(seconds=3))
        response = login(Client(), "100200", "lato2026", REMOTE_ADDR=RESIDENT_HOME)
        assert response.status_code == 302


def test_the_delay_doubles_with_each_further_failure_up_to_the_maximum(
    resident, settings
):
    with time_machine.travel("2026-03-02 10:00 +0100", tick=False) as traveller:
        for n in range(20):
            fail(REMOTE_ADDR=f"192.0.2.{n + 1}")
        waits = []
        for n in range(8):
            wait = int(fail(REMOTE_ADDR=f"198.51.100.{n + 1}")["Retry-After"])
            waits.append(wait)
            traveller.shift(timedelta(seconds=wait))
            fail(REMOTE_ADDR=f"198.51.100.{n + 1}")  # a counted failure
        assert waits == [2, 4, 8, 16, 32, 60, 60, 60]
        assert settings.IOK_LOGIN_DELAY_MAX_SECONDS == 60


def test_the_identifier_wide_count_expires_with_the_cool_off(resident):
    with time_machine.travel("2026-03-02 10:00 +0100", tick=False) as traveller:
        for n in range(25):
            fail(REMOTE_ADDR=f"192.0.2.{n + 1}")
        traveller.shift(timedelta(minutes=16))
        response = login(Client(), "100200", "lato2026", REMOTE_ADDR=RESIDENT_HOME)
    assert response.status_code == 302


def test_office_screen_does_not_call_a_delayed_identifier_locked(resident):
    for n in range(20):
        fail(REMOTE_ADDR=f"192.0.2.{n + 1}")
    resident.refresh_from_db()
    assert resident.account_state == "active"


# --- Item 5: the documented proxy setting keeps the client's address ---------------


def test_behind_the_proxy_records_hold_the_client_address(resident, behind_nginx):
    fail(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=ATTACKER)
    assert AccessAttempt.objects.get().ip_address == ATTACKER
    failed = AuditEvent.objects.get(event="login_failed")
    assert failed.ip_address == ATTACKER

    login(
        Client(),
        "100200",
        "lato2026",
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=RESIDENT_HOME,
    )
    assert AuditEvent.objects.get(event="login").ip_address == RESIDENT_HOME
    assert UserSession.objects.get().ip_address == RESIDENT_HOME


def test_behind_the_proxy_five_failures_lock_only_that_client(resident, behind_nginx):
    for _attempt in range(5):
        fail(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=ATTACKER)
    locked = login(
        Client(), "100200", "lato2026", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=ATTACKER
    )
    assert locked.status_code == 429
    lockout = AuditEvent.objects.filter(event="lockout").first()
    assert lockout is not None and lockout.ip_address == ATTACKER
    response = login(
        Client(),
        "100200",
        "lato2026",
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=RESIDENT_HOME,
    )
    assert response.status_code == 302


def test_an_address_the_client_wrote_itself_is_ignored_behind_the_proxy(
    resident, behind_nginx
):
    """nginx appends the peer's address to whatever the client sent: only the
    last entry is nginx's own."""
    for n in range(5):
        fail(
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=f"10.9.8.{n}, {ATTACKER}",
        )
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}
    response = login(
        Client(), "100200", "lato2026", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=ATTACKER
    )
    assert response.status_code == 429


def test_a_forged_forwarded_for_from_an_untrusted_peer_is_not_believed(
    resident, behind_nginx
):
    """A client reaching the app directly cannot pick a fresh address per try."""
    for n in range(5):
        fail(REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR=f"192.0.2.{n + 1}")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}
    response = login(
        Client(),
        "100200",
        "lato2026",
        REMOTE_ADDR=ATTACKER,
        HTTP_X_FORWARDED_FOR="192.0.2.99",
    )
    assert response.status_code == 429
    assert AuditEvent.objects.filter(event="login_failed").first().ip_address == (
        ATTACKER
    )


def test_without_a_proxy_configured_forwarded_for_is_ignored(resident):
    fail(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=ATTACKER)
    assert AccessAttempt.objects.get().ip_address == PROXY


@pytest.mark.parametrize("header", ["", "not-an-address", "999.1.1.1"])
def test_a_broken_forwarded_for_from_the_proxy_falls_back_to_the_peer(
    resident, behind_nginx, header
):
    response = fail(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=header)
    assert response.status_code == 200
    assert AccessAttempt.objects.get().ip_address == PROXY
