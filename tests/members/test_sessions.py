"""Session idle timeout of the member area (15 minutes by default)."""

from datetime import timedelta

from django.test import Client

import pytest
import time_machine

from members.models import AuditEvent

from .conftest import login

pytestmark = pytest.mark.django_db


def test_idle_member_session_ends_after_fifteen_minutes(resident, settings):
    assert settings.IOK_IDLE_TIMEOUT_SECONDS == 15 * 60
    client = Client()
    with time_machine.travel("2026-03-02 10:00 +0100", tick=False) as traveller:
        login(client, "100200", "lato2026")
        traveller.shift(timedelta(minutes=14))
        assert client.get("/iok/").status_code == 200  # activity resets the clock
        traveller.shift(timedelta(minutes=14))
        assert client.get("/iok/").status_code == 200
        traveller.shift(timedelta(minutes=16))
        response = client.get("/iok/", follow=True)
    assert response.redirect_chain[0][0].startswith("/iok/login/")
    assert "bezczynności" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(
        event="session_expired", target_user=resident
    ).exists()


def test_idle_timeout_is_a_setting(resident, settings):
    settings.IOK_IDLE_TIMEOUT_SECONDS = 60
    client = Client()
    with time_machine.travel("2026-03-02 10:00 +0100", tick=False) as traveller:
        login(client, "100200", "lato2026")
        traveller.shift(timedelta(seconds=90))
        assert client.get("/iok/")["Location"].startswith("/iok/login/")
