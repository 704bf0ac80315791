"""Blocking (rules §IV.1): no login, open sessions end at once."""

from django.test import Client
from django.utils import timezone

import pytest

from members.models import AuditEvent, UserSession
from members.services import account_block

from .conftest import login, make_resident

pytestmark = pytest.mark.django_db

BLOCKED_TEXT = "To konto zostało zablokowane. Prosimy o kontakt z biurem Spółdzielni"


def test_blocked_user_cannot_log_in_and_is_told_to_contact_the_office(client):
    user = make_resident("100400", blocked_at=timezone.now(), blocked_reason="test")
    response = login(client, "100400", "lato2026")
    assert response.status_code == 200
    assert BLOCKED_TEXT in response.content.decode()
    assert client.get("/iok/")["Location"].startswith("/iok/login/")
    assert AuditEvent.objects.filter(event="login_blocked", target_user=user).exists()


def test_a_wrong_password_does_not_reveal_that_an_account_is_blocked(client):
    make_resident("100401", blocked_at=timezone.now(), blocked_reason="test")
    response = login(client, "100401", "wrong-password1")
    assert BLOCKED_TEXT not in response.content.decode()
    assert "Nieprawidłowy identyfikator lub hasło." in response.content.decode()


def test_blocking_ends_open_sessions_at_once(resident, registrar):
    client = Client()
    login(client, "100200", "lato2026")
    assert client.get("/iok/").status_code == 200

    account_block(user=resident, actor=registrar, reason="Naruszenie regulaminu")

    assert not UserSession.objects.filter(user=resident).exists()
    response = client.get("/iok/")
    assert response["Location"].startswith("/iok/login/")


def test_a_session_of_a_user_blocked_elsewhere_ends_on_its_next_request(
    member_client, member
):
    # Even if the session index missed a session, the middleware checks each request.
    type(member).objects.filter(pk=member.pk).update(
        blocked_at=timezone.now(), blocked_reason="x"
    )
    response = member_client.get("/iok/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/iok/login/")
    assert (
        "Państwa konto zostało zablokowane. Prosimy o kontakt z biurem Spółdzielni."
        in (response.content.decode())
    )
    assert "_auth_user_id" not in member_client.session


def test_registrar_blocks_with_a_reason_and_unblocks(
    registrar_client, registrar, resident
):
    url = f"/admin/members/accounts/{resident.pk}/block/"
    empty = registrar_client.post(url, {"reason": ""})
    assert empty.status_code == 200
    resident.refresh_from_db()
    assert resident.blocked_at is None

    response = registrar_client.post(
        url, {"reason": "Udostępnianie konta osobom trzecim"}
    )
    assert response.status_code == 302
    resident.refresh_from_db()
    assert resident.is_blocked
    assert resident.blocked_by == registrar
    assert resident.blocked_reason == "Udostępnianie konta osobom trzecim"
    assert AuditEvent.objects.filter(
        event="blocked",
        actor=registrar,
        target_user=resident,
        details__reason="Udostępnianie konta osobom trzecim",
    ).exists()
    assert login(Client(), "100200", "lato2026").status_code == 200

    registrar_client.post(f"/admin/members/accounts/{resident.pk}/unblock/")
    resident.refresh_from_db()
    assert not resident.is_blocked
    assert login(Client(), "100200", "lato2026")["Location"] == "/iok/"
    assert AuditEvent.objects.filter(event="unblocked", target_user=resident).exists()


def test_office_screens_do_not_touch_staff_accounts(registrar_client, staff_user):
    response = registrar_client.post(
        f"/admin/members/accounts/{staff_user.pk}/block/", {"reason": "x"}
    )
    assert response.status_code == 404
    staff_user.refresh_from_db()
    assert staff_user.blocked_at is None
