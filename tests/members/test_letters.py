"""Issue 12, items 8 and 15: an access letter is issued once per confirmation
(a reload issues nothing, the printed password keeps working), and the office
screens never touch an account that has admin rights, even only through a group."""

import re

from django.contrib.auth.models import Group
from django.test import Client

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from ledger.models import Party
from members.models import AuditEvent
from members.services import RegistrationError, account_password_reset
from tests.factories import UnitRightFactory

from .conftest import login, make_resident
from .test_registration import letter_values

pytestmark = pytest.mark.django_db


def confirmation(client: Client, url: str) -> str:
    html = client.get(url).content.decode()
    return re.search(r'name="letter" value="([^"]+)"', html).group(1)


def letters_issued(user) -> int:
    return AuditEvent.objects.filter(event="letter_issued", target_user=user).count()


def test_opening_the_new_password_page_issues_nothing(registrar_client):
    user = make_resident("100700")
    hashed = user.password
    response = registrar_client.get(f"/admin/members/accounts/{user.pk}/reset/")
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.password == hashed and not user.must_change_password
    assert letters_issued(user) == 0
    assert login(Client(), "100700", "lato2026")["Location"] == "/iok/"


def test_reloading_the_letter_issues_no_second_password(registrar_client):
    user = make_resident("100701")
    url = f"/admin/members/accounts/{user.pk}/reset/"
    letter = confirmation(registrar_client, url)
    _identifier, password = letter_values(
        registrar_client.post(url, {"letter": letter})
    )
    user.refresh_from_db()
    hashed = user.password

    # The browser's reload sends the same POST again.
    reload = registrar_client.post(url, {"letter": letter})
    assert reload.status_code == 409
    html = reload.content.decode()
    assert "Odświeżenie strony nie wydało nowego hasła" in html
    assert password not in html and not reload.content.startswith(b"%PDF")
    user.refresh_from_db()
    assert user.password == hashed
    assert letters_issued(user) == 1
    # The letter already printed still works.
    assert login(Client(), "100701", password)["Location"] == "/iok/"


def test_a_post_without_this_pages_confirmation_issues_nothing(registrar_client):
    user = make_resident("100702")
    other = make_resident("100703")
    url = f"/admin/members/accounts/{user.pk}/reset/"
    other_letter = confirmation(
        registrar_client, f"/admin/members/accounts/{other.pk}/reset/"
    )
    for data in ({}, {"letter": "forged"}, {"letter": other_letter}):
        response = registrar_client.post(url, data)
        assert response.status_code == 400
        assert not response.content.startswith(b"%PDF")  # no letter
    user.refresh_from_db()
    assert letters_issued(user) == 0
    assert login(Client(), "100702", "lato2026")["Location"] == "/iok/"


def test_reloading_the_first_letter_creates_nothing_more(registrar_client):
    party = Party.objects.create(number="100704", name="Anna Nowa")
    UnitRightFactory(party=party)  # registration needs a current right
    url = f"/admin/members/accounts/party/{party.pk}/create/"
    letter = confirmation(registrar_client, url)
    _identifier, password = letter_values(
        registrar_client.post(url, {"letter": letter})
    )
    reload = registrar_client.post(url, {"letter": letter})
    assert reload.status_code == 409
    assert "Odświeżenie strony nie wydało nowego hasła" in reload.content.decode()
    party.refresh_from_db()
    assert letters_issued(party.user) == 1
    assert login(Client(), "100704", password)["Location"] == "/iok/"


# --- Item 15: admin rights through a group ------------------------------------------


@pytest.fixture
def employee_resident(db):
    """A resident who also works in the office: staff only through a group
    (no ``is_staff``, no superuser), with a second factor."""
    user = make_resident("100705")
    user.groups.add(Group.objects.get(name="Księgowość"))
    TOTPDevice.objects.create(user=user, name="app")
    assert not user.is_staff and not user.is_superuser
    return user


def test_registrar_cannot_reset_an_account_with_admin_rights_through_a_group(
    registrar_client, registrar, employee_resident
):
    user = employee_resident
    url = f"/admin/members/accounts/{user.pk}/reset/"
    assert registrar_client.get(url).status_code == 404
    assert registrar_client.post(url, {"letter": "x"}).status_code == 404
    for action in ("block", "unblock", "unlock"):
        registrar_client.post(
            f"/admin/members/accounts/{user.pk}/{action}/", {"reason": "x"}
        )
    user.refresh_from_db()
    assert user.blocked_at is None
    assert not user.must_change_password
    assert TOTPDevice.objects.filter(user=user).exists()  # second factor kept
    assert letters_issued(user) == 0
    with pytest.raises(RegistrationError):
        account_password_reset(user=user, registrar=registrar)
    assert TOTPDevice.objects.filter(user=user).exists()


def test_registrar_cannot_remove_a_staff_second_factor(
    registrar_client, employee_resident
):
    registrar_client.post(f"/admin/members/staff-2fa/{employee_resident.pk}/remove/")
    assert TOTPDevice.objects.filter(user=employee_resident).exists()
