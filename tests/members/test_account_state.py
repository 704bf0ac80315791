"""One account state (active / waiting for the first login / locked out /
blocked), decided by ``User.account_state`` and shown alike by the office's
accounts screen and the ledger's parties screen; one rule for office staff."""

from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse

import pytest

from cms.queries import can_read_every_community
from ledger.roles import is_office_staff
from members.models import AccountState
from members.services import RegistrationError, account_block

from .conftest import login, make_resident

pytestmark = pytest.mark.django_db

PARTIES = reverse("ledger_party_modeladmin_index")
ACCOUNTS = reverse("members_admin:index")


def party_row(response, number: str) -> str:
    """The table row of the parties list that holds party ``number``."""
    html = response.content.decode()
    start = html.index(f">{number}<")
    return html[html.rindex("<tr", 0, start) : html.index("</tr>", start)]


def fail_logins(username: str, times: int = 5) -> None:
    for _attempt in range(times):
        login(Client(), username, "wrong-password1", REMOTE_ADDR="203.0.113.7")


def test_a_blocked_resident_is_listed_as_blocked_in_the_parties_screen(
    resident, staff_client
):
    account_block(user=resident, actor=staff_client.user, reason="Naruszenie zasad")

    row = party_row(staff_client.get(PARTIES, {"q": "100200"}), "100200")

    assert "zablokowane (100200)" in row
    assert "aktywne" not in row


def test_each_state_has_its_polish_label_on_both_office_screens(resident, staff_client):
    make_resident("100301", "start1", must_change_password=True)
    locked = make_resident("100302")
    make_resident("100303")
    fail_logins(locked.username)
    blocked = make_resident("100304")
    account_block(user=blocked, actor=staff_client.user, reason="Naruszenie zasad")

    parties = staff_client.get(PARTIES, {"q": "10030"})
    accounts = staff_client.get(ACCOUNTS, {"q": "10030"}).content.decode()

    expected = {
        "100301": "czeka na pierwsze logowanie",
        "100302": "blokada po nieudanych logowaniach",
        "100303": "aktywne",
        "100304": "zablokowane",
    }
    for number, label in expected.items():
        assert f"{label} ({number})" in party_row(parties, number)
        assert label in party_row_of_accounts(accounts, number)


def party_row_of_accounts(html: str, number: str) -> str:
    start = html.index(f"<td>{number}</td>")
    return html[start : html.index("</tr>", start)]


def test_a_deactivated_account_counts_as_blocked(resident):
    resident.is_active = False
    resident.save()

    assert resident.account_state is AccountState.BLOCKED
    assert login(Client(), "100200", "lato2026").status_code == 200


def test_the_lockout_state_ends_with_the_failed_logins(resident, staff_client):
    fail_logins(resident.username)
    assert resident.account_state is AccountState.LOCKED_OUT

    staff_client.post(reverse("members_admin:unlock", args=[resident.pk]))
    resident.refresh_from_db()
    del resident.__dict__["_iok_locked_out"]

    assert resident.account_state is AccountState.ACTIVE


def test_office_staff_is_whoever_reaches_the_admin(resident, django_user_model):
    editor = django_user_model.objects.create_user(username="redaktor", password="x")
    editor.groups.add(Group.objects.get(name="Editors"))
    editor = django_user_model.objects.get(pk=editor.pk)
    superuser = django_user_model.objects.create_superuser(
        username="root", password="x", email="root@example.org"
    )

    assert [is_office_staff(user) for user in (resident, editor, superuser)] == [
        False,
        True,
        True,
    ]
    # The same people read every community's notices and must use 2FA.
    assert [can_read_every_community(user) for user in (resident, editor)] == [
        False,
        True,
    ]
    assert [user.needs_second_factor for user in (resident, editor)] == [False, True]


def test_an_editor_with_a_party_is_not_managed_as_a_resident(staff_client):
    editor = make_resident("100400")
    editor.groups.add(Group.objects.get(name="Editors"))

    with pytest.raises(RegistrationError):
        account_block(user=editor, actor=staff_client.user, reason="x")
    assert (
        staff_client.get(reverse("members_admin:block", args=[editor.pk])).status_code
        == 404
    )


def test_a_resident_given_admin_access_must_sign_in_again_with_a_second_factor(
    resident,
):
    client = Client()
    client.force_login(resident)
    assert client.get("/iok/").status_code == 200

    resident.groups.add(Group.objects.get(name="Editors"))

    response = client.get("/iok/")
    assert response.status_code == 302
    assert response["Location"].startswith("/iok/login/")


def test_a_group_given_admin_access_makes_its_residents_sign_in_with_a_second_factor(
    resident,
):
    """The office-staff answer is cached; a change of a group's permissions
    renews it at once."""
    group = Group.objects.create(name="Komisja rewizyjna")
    resident.groups.add(group)
    client = Client()
    client.force_login(resident)
    assert client.get("/iok/").status_code == 200  # the answer "no" is cached

    group.permissions.add(
        Permission.objects.get(
            content_type__app_label="wagtailadmin", codename="access_admin"
        )
    )

    response = client.get("/iok/")
    assert response.status_code == 302
    assert response["Location"].startswith("/iok/login/")
