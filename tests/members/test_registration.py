"""Office registration (§II.1–6) and password reset (§IV.3) with access letters."""

import io
import re

from django.contrib.auth.models import Group
from django.test import Client

import pytest
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from pypdf import PdfReader

from ledger.models import Party
from members.models import AuditEvent
from tests.factories import UnitRightFactory

from .conftest import login, make_resident

pytestmark = pytest.mark.django_db


def letter_text(response) -> str:
    """The text of the access letter, a PDF (issue 14)."""
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


def letter_values(response) -> tuple[str, str]:
    text = letter_text(response)
    identifier = re.search(r"^Identyfikator (\S+)$", text, re.MULTILINE)
    password = re.search(r"^Hasło do pierwszego logowania (\S+)$", text, re.MULTILINE)
    return identifier.group(1), password.group(1)


def confirm(client: Client, url: str, **extra):
    """What the registrar does: open the confirmation page, then press its
    button (the POST carries the page's one-time value)."""
    html = client.get(url).content.decode()
    letter = re.search(r'name="letter" value="([^"]+)"', html).group(1)
    return client.post(url, {"letter": letter}, **extra)


@pytest.fixture
def party(db):
    party = Party.objects.create(
        number="100777", name="Zofia Zielińska", address="ul. Ogrodowa 5/3, Opole"
    )
    UnitRightFactory(party=party)  # registration needs a current right
    return party


def test_registrar_finds_a_party_by_name_or_number(registrar_client, party):
    for query in ("Zielińska", "100777"):
        html = registrar_client.get(
            "/admin/members/accounts/", {"q": query}
        ).content.decode()
        assert "Zofia Zielińska" in html
        assert f"/admin/members/accounts/party/{party.pk}/create/" in html


def test_account_search_uses_a_fixed_number_of_queries(
    registrar_client, django_assert_max_num_queries
):
    for n in range(30):
        make_resident(f"2000{n:02d}")
    with django_assert_max_num_queries(20):
        page = registrar_client.get("/admin/members/accounts/", {"q": "2000"})
    assert page.content.decode().count("/reset/") == 30


def test_creating_an_account_prints_a_one_time_letter(
    registrar_client, registrar, party
):
    response = confirm(
        registrar_client, f"/admin/members/accounts/party/{party.pk}/create/"
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    identifier, password = letter_values(response)
    html = " ".join(letter_text(response).split())
    assert identifier == "100777"  # the party number
    assert len(password) == 10 and any(ch.isdigit() for ch in password)
    assert "http://testserver/iok/login/" in html
    assert "733/2012" in html  # the resolution that adopted the rules
    assert "osobom trzecim" in html  # §IV.2: do not share access data
    assert "dokumentem tożsamości po nowe hasło" in html  # §IV.3
    assert "Zofia Zielińska" in html
    assert "Strona 1 z 1" in html  # one page

    user = party.user
    assert user.username == identifier
    assert user.must_change_password
    assert password not in user.password  # stored only hashed
    assert user.check_password(password)
    session_data = str(dict(registrar_client.session.items()))
    assert password not in session_data
    assert not AuditEvent.objects.filter(details__icontains=password).exists()
    for event in ("account_created", "letter_issued"):
        assert AuditEvent.objects.filter(
            event=event, actor=registrar, target_user=user, target_party=party
        ).exists()


def test_the_letter_password_works_exactly_once_as_a_first_login(
    registrar_client, party
):
    identifier, password = letter_values(
        confirm(registrar_client, f"/admin/members/accounts/party/{party.pk}/create/")
    )
    resident = Client()
    assert login(resident, identifier, password)["Location"] == "/iok/"
    assert resident.get("/iok/")["Location"] == "/iok/password/"
    resident.post(
        "/iok/password/",
        {
            "old_password": password,
            "new_password1": "lato2026",
            "new_password2": "lato2026",
        },
    )
    assert resident.get("/iok/").status_code == 200
    again = login(Client(), identifier, password)
    assert again.status_code == 200
    assert "Nieprawidłowy identyfikator lub hasło." in again.content.decode()


def test_a_second_account_for_the_same_party_is_refused(registrar_client, party):
    url = f"/admin/members/accounts/party/{party.pk}/create/"
    confirm(registrar_client, url)
    assert registrar_client.get(url).status_code == 302
    response = registrar_client.post(url)
    assert response.status_code == 302
    assert type(party.user).objects.filter(party=party).count() == 1


def test_identifier_is_generated_when_the_party_number_is_taken(
    registrar_client, django_user_model
):
    django_user_model.objects.create_user("100888", password="x")
    party = Party.objects.create(number="100888", name="Jan Drugi")
    UnitRightFactory(party=party)
    identifier, _password = letter_values(
        confirm(registrar_client, f"/admin/members/accounts/party/{party.pk}/create/")
    )
    assert identifier != "100888"
    assert re.fullmatch(r"\d{8}", identifier)


def test_reset_issues_a_new_letter_and_ends_the_old_password(
    registrar_client, registrar
):
    user = make_resident("100600")
    old_session = Client()
    login(old_session, "100600", "lato2026")
    for _i in range(4):
        login(Client(), "100600", "wrong-password1")

    response = confirm(registrar_client, f"/admin/members/accounts/{user.pk}/reset/")
    identifier, password = letter_values(response)
    assert identifier == "100600"
    user.refresh_from_db()
    assert user.must_change_password
    assert old_session.get("/iok/")["Location"].startswith("/iok/login/")
    assert login(Client(), "100600", "lato2026").status_code == 200
    fresh = Client()
    assert login(fresh, "100600", password)["Location"] == "/iok/"
    assert fresh.get("/iok/")["Location"] == "/iok/password/"
    assert AuditEvent.objects.filter(event="password_reset", actor=registrar).exists()
    assert AuditEvent.objects.filter(
        event="letter_issued", target_user=user, details__reason="password_reset"
    ).exists()


def test_reset_also_removes_the_residents_optional_second_factor(registrar_client):
    user = make_resident("100601")
    TOTPDevice.objects.create(user=user, name="app")
    _identifier, password = letter_values(
        confirm(registrar_client, f"/admin/members/accounts/{user.pk}/reset/")
    )
    assert not TOTPDevice.objects.filter(user=user).exists()
    client = Client()
    assert login(client, "100601", password)["Location"] == "/iok/"
    assert AuditEvent.objects.filter(event="otp_removed", target_user=user).exists()


def test_office_screens_need_the_registrar_permission(django_user_model):
    editor = django_user_model.objects.create_user("edytor", password="Edytor2026!")
    editor.groups.add(Group.objects.get(name="Editors"))
    device = TOTPDevice.objects.create(user=editor, name="app")
    client = Client()
    client.force_login(editor)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    party = Party.objects.create(number="100999", name="X")
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/members/accounts/")["Location"] == "/admin/"
    client.post(f"/admin/members/accounts/party/{party.pk}/create/")
    assert not django_user_model.objects.filter(party=party).exists()


def test_registrar_group_exists_with_its_permissions():
    group = Group.objects.get(name="Rejestratorzy")
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {"register_resident", "view_auditevent", "access_admin"} <= codenames
