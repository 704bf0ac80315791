"""The accounting system's identifiers (a party's number, a unit's code, the
``external_id`` of imported rows) cannot be changed in the admin: the next
import would no longer find the row."""

import re

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

import pytest

from ledger.models import Party, Unit
from tests.conftest import log_in_verified_staff
from tests.factories import PartyFactory, UnitFactory


def staff(username, group):
    user = get_user_model().objects.create_user(username=username, password="x")
    user.groups.add(Group.objects.get(name=group))
    return log_in_verified_staff(Client(), user)


def form_data(html: str) -> dict[str, str]:
    """The values of the enabled inputs of an edit form, as a browser sends them."""
    data = {}
    for tag in re.findall(r"<(?:input|textarea|select)\b[^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        if not name or " disabled" in tag or 'type="submit"' in tag:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        data[name.group(1)] = value.group(1) if value else ""
    return data


@pytest.mark.django_db
def test_a_registrar_cannot_change_a_partys_number():
    party = PartyFactory(number="300123", name="Jan Kontrahent")
    client = staff("rej", "Rejestratorzy")
    url = f"/admin/ledger/party/edit/{party.pk}/"
    html = client.get(url).content.decode()
    number_input = re.search(r'<input[^>]*name="number"[^>]*>', html).group(0)
    assert "disabled" in number_input
    assert "klucz systemu księgowego" in html.lower()
    data = form_data(html) | {"number": "999999", "phone": "600 999 888"}
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    party.refresh_from_db()
    assert party.number == "300123"  # the crafted value was ignored
    assert party.phone == "600 999 888"  # the rest of the form was saved


@pytest.mark.django_db
def test_an_accountant_cannot_change_a_units_code_but_can_create_a_unit():
    unit = UnitFactory(code="U-0001")
    client = staff("ksieg", "Księgowość")
    url = f"/admin/ledger/unit/edit/{unit.pk}/"
    html = client.get(url).content.decode()
    assert "disabled" in re.search(r'<input[^>]*name="code"[^>]*>', html).group(0)
    client.post(url, form_data(html) | {"code": "U-9999"})
    unit.refresh_from_db()
    assert unit.code == "U-0001"
    assert not Unit.objects.filter(code="U-9999").exists()
    # A new row gets its key in the create form.
    create = client.get("/admin/ledger/unit/create/").content.decode()
    assert "disabled" not in re.search(r'<input[^>]*name="code"[^>]*>', create).group(0)


@pytest.mark.django_db
def test_the_number_stays_even_for_a_superuser(staff_client):
    party = PartyFactory(number="300124")
    url = f"/admin/ledger/party/edit/{party.pk}/"
    html = staff_client.get(url).content.decode()
    staff_client.post(url, form_data(html) | {"number": "1"})
    assert Party.objects.get(pk=party.pk).number == "300124"
