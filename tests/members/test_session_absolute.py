"""Issue 12, item 12: the 8-hour session lifetime is absolute, activity does not
extend it."""

from datetime import timedelta

from django.test import Client

import pytest
import time_machine

from members.models import AuditEvent

from .conftest import login, totp_now

pytestmark = pytest.mark.django_db


def test_an_active_session_still_ends_eight_hours_after_the_login(resident, settings):
    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60
    client = Client()
    with time_machine.travel("2026-03-02 08:00 +0100", tick=False) as traveller:
        login(client, "100200", "lato2026")
        # Busy all day: a page every ten minutes, never idle.
        for _step in range(47):
            traveller.shift(timedelta(minutes=10))
            assert client.get("/iok/").status_code == 200
        traveller.shift(timedelta(minutes=11))  # 8 h 01 min after the login
        response = client.get("/iok/", follow=True)
    assert response.redirect_chain[0][0].startswith("/iok/login/")
    assert "Sesja trwa najwyżej 8 godzin" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(
        event="session_expired", target_user=resident
    ).exists()


def test_a_new_login_starts_a_new_eight_hours(resident):
    client = Client()
    with time_machine.travel("2026-03-02 08:00 +0100", tick=False) as traveller:
        login(client, "100200", "lato2026")
        traveller.shift(timedelta(hours=7, minutes=55))
        client.post("/iok/logout/")
        login(client, "100200", "lato2026")
        traveller.shift(timedelta(minutes=10))
        assert client.get("/iok/").status_code == 200


def test_the_staff_session_in_the_admin_is_limited_too(staff_user):
    client = Client()
    with time_machine.travel("2026-03-02 08:00 +0100", tick=False) as traveller:
        response = client.post(
            "/admin/login/",
            {
                "username": "kierownik",
                "password": "Admin12345!",
                "otp_token": totp_now(staff_user.totp),
            },
        )
        assert response.status_code == 302
        for _step in range(32):
            traveller.shift(timedelta(minutes=15))
            assert client.get("/admin/").status_code == 200
        traveller.shift(timedelta(minutes=1))
        response = client.get("/admin/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
