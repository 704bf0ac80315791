"""Brute force: django-axes lockout per identifier + IP and per identifier."""

from datetime import timedelta

from django.core.management import call_command
from django.test import Client

import pytest
import time_machine

from members.models import AuditEvent

from .conftest import login

pytestmark = pytest.mark.django_db

LOCKED_TEXT = "Logowanie jest tymczasowo zablokowane"


def fail(times: int, username="100200", ip="203.0.113.7"):
    for _i in range(times):
        login(Client(), username, "wrong-password1", REMOTE_ADDR=ip)


def test_locked_after_five_failures_even_with_the_right_password(resident, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    fail(4)
    assert (
        login(Client(), "100200", "lato2026", REMOTE_ADDR="203.0.113.7").status_code
        == 302
    )
    fail(5)
    response = login(Client(), "100200", "lato2026", REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 429
    html = response.content.decode()
    assert LOCKED_TEXT in html
    assert "spróbuj ponownie za 15 minut" in html
    assert AuditEvent.objects.filter(event="lockout", target_user=resident).exists()
    assert AuditEvent.objects.filter(event="login_failed").count() >= 9


def test_lockout_expires_after_the_cool_off(resident):
    with time_machine.travel("2026-03-02 10:00 +0100", tick=False) as traveller:
        fail(5)
        assert (
            login(Client(), "100200", "lato2026", REMOTE_ADDR="203.0.113.7").status_code
            == 429
        )
        traveller.shift(timedelta(minutes=14))
        assert (
            login(Client(), "100200", "lato2026", REMOTE_ADDR="203.0.113.7").status_code
            == 429
        )
        traveller.shift(timedelta(minutes=16))
        response = login(Client(), "100200", "lato2026", REMOTE_ADDR="203.0.113.7")
        assert response.status_code == 302


def test_lock_on_identifier_and_address_does_not_lock_other_addresses(resident):
    fail(5, ip="203.0.113.7")
    response = login(Client(), "100200", "lato2026", REMOTE_ADDR="198.51.100.20")
    assert response.status_code == 302


def test_identifier_gets_a_delay_from_every_address_at_the_higher_threshold(
    resident, settings
):
    """The identifier-wide threshold slows guessing down; it locks nobody for
    good (tests/members/test_lockout_attacks.py has the attacks)."""
    assert settings.IOK_AXES_USERNAME_FAILURE_LIMIT == 20
    with time_machine.travel("2026-03-02 10:00 +0100", tick=False) as traveller:
        for n in range(19):
            fail(1, ip=f"203.0.113.{n + 1}")
        assert (
            login(
                Client(), "100200", "lato2026", REMOTE_ADDR="198.51.100.1"
            ).status_code
            == 302
        )
        for n in range(20):
            fail(1, ip=f"192.0.2.{n + 1}")
        response = login(Client(), "100200", "lato2026", REMOTE_ADDR="198.51.100.2")
        assert response.status_code == 429
        traveller.shift(timedelta(seconds=int(response["Retry-After"])))
        response = login(Client(), "100200", "lato2026", REMOTE_ADDR="198.51.100.2")
        assert response.status_code == 302


def test_unknown_identifier_is_locked_the_same_way(resident):
    fail(5, username="100200")
    fail(5, username="no-such-user")
    known = login(Client(), "100200", "x1x1x1", REMOTE_ADDR="203.0.113.7")
    unknown = login(Client(), "no-such-user", "x1x1x1", REMOTE_ADDR="203.0.113.7")
    assert known.status_code == unknown.status_code == 429
    assert known.content == unknown.content


def test_staff_lifts_a_lockout_with_the_documented_command(resident):
    fail(5)
    call_command("axes_reset_username", "100200")
    assert (
        login(Client(), "100200", "lato2026", REMOTE_ADDR="203.0.113.7").status_code
        == 302
    )


def test_registrar_lifts_a_lockout_in_the_admin(resident, registrar_client, registrar):
    fail(5)
    page = registrar_client.get("/admin/members/accounts/", {"q": "100200"})
    assert "Wyczyść nieudane logowania" in page.content.decode()
    response = registrar_client.post(f"/admin/members/accounts/{resident.pk}/unlock/")
    assert response.status_code == 302
    assert (
        login(Client(), "100200", "lato2026", REMOTE_ADDR="203.0.113.7").status_code
        == 302
    )
    assert AuditEvent.objects.filter(
        event="lockout_reset", actor=registrar, target_user=resident
    ).exists()


def test_admin_login_is_locked_too(staff_user):
    for _i in range(5):
        Client().post(
            "/admin/login/",
            {"username": "kierownik", "password": "wrong", "otp_token": "123456"},
            REMOTE_ADDR="203.0.113.9",
        )
    response = Client().post(
        "/admin/login/",
        {"username": "kierownik", "password": "Admin12345!", "otp_token": "123456"},
        REMOTE_ADDR="203.0.113.9",
    )
    assert response.status_code == 429
