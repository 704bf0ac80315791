"""Second factor: staff must pass TOTP for the admin; residents may opt in."""

import re
from datetime import timedelta

from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client

import pytest
import time_machine
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from members import otp
from members.models import AuditEvent

from .conftest import login, make_resident, totp_now

pytestmark = pytest.mark.django_db


def admin_login(client, username, password, token=""):
    return client.post(
        "/admin/login/",
        {"username": username, "password": password, "otp_token": token},
    )


def test_admin_login_form_asks_for_the_code_in_polish(client):
    html = client.get("/admin/login/").content.decode()
    assert "Kod z aplikacji uwierzytelniającej lub kod zapasowy" in html
    assert re.search(r'for="id_password"[^>]*>\s*Hasło<', html)


def test_staff_admin_login_without_second_factor_is_refused(client, staff_user):
    response = admin_login(client, "kierownik", "Admin12345!")
    assert response.status_code == 200
    assert (
        "Prosimy wpisać kod z aplikacji uwierzytelniającej."
        in response.content.decode()
    )
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/")["Location"].startswith("/admin/login/")


def test_staff_admin_login_with_a_wrong_code_is_refused(client, staff_user):
    response = admin_login(client, "kierownik", "Admin12345!", "000000")
    assert "Nieprawidłowy kod" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(
        event="otp_failed", target_user=staff_user
    ).exists()


def test_staff_admin_login_with_totp_succeeds(client, staff_user):
    response = admin_login(
        client, "kierownik", "Admin12345!", totp_now(staff_user.totp)
    )
    assert response.status_code == 302
    assert client.session[DEVICE_ID_SESSION_KEY] == staff_user.totp.persistent_id
    assert client.get("/admin/").status_code == 200
    assert AuditEvent.objects.filter(
        event="login", target_user=staff_user, details__second_factor=True
    ).exists()


def test_a_backup_code_works_once(client, staff_user):
    codes = otp.backup_codes_issue(staff_user)
    assert admin_login(client, "kierownik", "Admin12345!", codes[0]).status_code == 302
    again = admin_login(Client(), "kierownik", "Admin12345!", codes[0])
    assert again.status_code == 200
    assert StaticToken.objects.filter(device__user=staff_user).count() == 9


def test_staff_without_a_device_cannot_enter_the_admin(client, django_user_model):
    django_user_model.objects.create_superuser("nowy", "n@example.org", "Nowy2026!x")
    response = admin_login(client, "nowy", "Nowy2026!x", "123456")
    assert "wymaga uwierzytelniania dwuskładnikowego" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_session_that_skipped_the_second_factor_is_logged_out_of_the_admin(
    client, staff_user
):
    client.force_login(staff_user)  # password only, as a buggy login path might
    response = client.get("/admin/")
    assert response["Location"].startswith("/admin/login/")
    assert "_auth_user_id" not in client.session


def test_an_unverified_staff_session_is_ended_outside_the_admin_too(client, staff_user):
    client.force_login(staff_user)
    client.get("/iok/")
    assert "_auth_user_id" not in client.session


def test_a_resident_session_reaching_the_admin_is_logged_out(member_client):
    member_client.get("/admin/")
    assert "_auth_user_id" not in member_client.session


def test_staff_client_fixture_is_verified(staff_client):
    assert staff_client.get("/admin/").status_code == 200


# --- First enrolment of a staff member -----------------------------------------------


def test_staff_enrols_after_a_superuser_opened_enrolment(
    client, staff_client, django_user_model
):
    editor = django_user_model.objects.create_user(
        "redaktor", password="Redakcja2026!", is_staff=True
    )
    editor.groups.add(Group.objects.get(name="Editors"))
    refused = login(Client(), "redaktor", "Redakcja2026!")
    assert "Konta pracowników wymagają" in refused.content.decode()

    assert (
        staff_client.post(f"/admin/members/staff-2fa/{editor.pk}/open/").status_code
        == 302
    )
    response = login(client, "redaktor", "Redakcja2026!")
    assert response["Location"] == "/iok/login/enrol/"
    page = client.get("/iok/login/enrol/").content.decode()
    assert "<svg" in page
    secret = re.search(r'<code class="secret">([A-Z2-7]+)</code>', page).group(1)
    device = TOTPDevice.objects.get(user=editor, confirmed=False)
    assert otp.base32_key(device) == secret
    assert "_auth_user_id" not in client.session  # not logged in before the code

    done = client.post("/iok/login/enrol/", {"code": totp_now(device)})
    assert done.status_code == 200
    assert (
        len(re.findall(r"<li><code>[a-z2-7]{8}</code></li>", done.content.decode()))
        == 10
    )
    assert client.get("/admin/").status_code == 200
    editor.refresh_from_db()
    assert editor.otp_enrolment_until is None
    assert AuditEvent.objects.filter(event="otp_enrolled", target_user=editor).exists()
    assert AuditEvent.objects.filter(
        event="otp_enrolment_opened", target_user=editor
    ).exists()


def test_enrolment_command_creates_a_device_and_prints_the_uri(
    django_user_model, capsys
):
    django_user_model.objects.create_superuser("root2", "r@example.org", "Root2026!x")
    call_command("enrol_otp_device", "root2", "--create-device")
    out = capsys.readouterr().out
    assert "otpauth://totp/" in out
    assert TOTPDevice.objects.get(user__username="root2").confirmed


def test_enrolment_command_ends_sessions_opened_without_the_second_factor(
    client, capsys
):
    make_resident("100510")
    login(client, "100510", "lato2026")
    assert client.get("/iok/").status_code == 200
    call_command("enrol_otp_device", "100510", "--create-device")
    assert "1 open session(s) of 100510 ended." in capsys.readouterr().out
    assert client.get("/iok/")["Location"].startswith("/iok/login/")


# --- Residents may turn TOTP on --------------------------------------------------


def test_resident_turns_totp_on_and_then_login_asks_for_the_code(member_client, member):
    with time_machine.travel("2026-03-02 10:00 +0100", tick=False) as clock:
        page = member_client.get("/iok/security/app/")
        assert "<svg" in page.content.decode()
        device = TOTPDevice.objects.get(user=member, confirmed=False)
        wrong = member_client.post("/iok/security/app/", {"code": "000000"})
        assert wrong.status_code == 200
        device.refresh_from_db()
        assert not device.confirmed
        clock.shift(timedelta(seconds=5))  # django-otp delays a retry after a miss
        member_client.post("/iok/security/app/", {"code": totp_now(device)})
        device.refresh_from_db()
        assert device.confirmed
        assert member_client.get("/iok/").status_code == 200  # this session is verified

        clock.shift(timedelta(seconds=30))
        client = Client()
        response = login(client, member.username, "lato2026")
        assert response["Location"] == "/iok/login/code/"
        assert client.get("/iok/")["Location"].startswith("/iok/login/")  # not yet in
        assert (
            "Nieprawidłowy kod"
            in client.post("/iok/login/code/", {"code": "000000"}).content.decode()
        )
        too_soon = client.post("/iok/login/code/", {"code": totp_now(device)})
        assert "Prosimy odczekać chwilę" in too_soon.content.decode()
        clock.shift(timedelta(seconds=5))
        done = client.post("/iok/login/code/", {"code": totp_now(device)})
        assert done["Location"] == "/iok/"
        assert client.get("/iok/").status_code == 200


def test_too_many_wrong_codes_restart_the_login(client):
    user = make_resident("100500")
    TOTPDevice.objects.create(user=user, name="app")
    login(client, "100500", "lato2026")
    for _i in range(5):
        client.post("/iok/login/code/", {"code": "000000"})
    assert client.get("/iok/login/code/")["Location"] == "/iok/login/"


def test_resident_turns_totp_off_with_the_password(member_client, member):
    device = TOTPDevice.objects.create(user=member, name="app")
    session = member_client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    member_client.post("/iok/security/disable/", {"password": "wrong"})
    assert TOTPDevice.objects.filter(user=member).exists()
    member_client.post("/iok/security/disable/", {"password": "lato2026"})
    assert not TOTPDevice.objects.filter(user=member).exists()
    assert AuditEvent.objects.filter(event="otp_removed", target_user=member).exists()


@pytest.mark.parametrize(
    "url", ["/iok/", "/iok/password/", "/iok/security/", "/iok/security/app/"]
)
def test_member_views_refuse_a_session_that_has_not_passed_its_second_factor(
    member_client, member, url
):
    # E.g. a session opened elsewhere before the resident turned 2FA on.
    TOTPDevice.objects.create(user=member, name="app")
    assert member_client.get(url)["Location"].startswith("/iok/login")
