"""Registration at the office refuses a party that holds no right to a unit
today (a former tenant or owner), with a clear Polish message."""

import datetime as dt
import re

from django.contrib.auth import get_user_model

import pytest

from ledger.models import Party
from members.models import AuditEvent
from members.services import NoCurrentRight, account_create
from tests.factories import UnitRightFactory


@pytest.fixture
def former_holder(db):
    party = Party.objects.create(number="100555", name="Ewa Dawna")
    UnitRightFactory(
        party=party, valid_from=dt.date(2001, 1, 1), valid_to=dt.date(2014, 6, 30)
    )
    return party


def test_the_office_cannot_create_an_account_for_a_former_holder(
    registrar_client, former_holder
):
    url = f"/admin/members/accounts/party/{former_holder.pk}/create/"
    response = registrar_client.get(url, follow=True)
    html = response.content.decode()
    assert "Nie utworzono konta" in html
    assert "nie ma dziś prawa do żadnego lokalu" in html
    assert 'name="letter"' not in html  # no confirmation form to send
    # Even a confirmation sent anyway (a page kept open from before the right
    # ended) creates nothing.
    from members.admin_views import _letter_token

    response = registrar_client.post(
        url, {"letter": _letter_token("create", former_holder.pk)}, follow=True
    )
    assert "Nie utworzono konta" in response.content.decode()
    assert not get_user_model().objects.filter(party=former_holder).exists()
    assert not AuditEvent.objects.filter(target_party=former_holder).exclude(
        event="staff_view"
    )


def test_the_search_says_why_there_is_no_create_button(registrar_client, former_holder):
    current = Party.objects.create(number="100556", name="Ewa Obecna")
    UnitRightFactory(party=current)
    html = registrar_client.get("/admin/members/accounts/", {"q": "Ewa"}).content
    html = html.decode()
    assert f"/party/{current.pk}/create/" in html
    assert f"/party/{former_holder.pk}/create/" not in html
    assert "brak prawa do lokalu" in html


def test_a_right_starting_in_the_future_does_not_count_yet(registrar, db):
    party = Party.objects.create(number="100557", name="Adam Przyszły")
    UnitRightFactory(party=party, valid_from=dt.date.today() + dt.timedelta(days=30))
    with pytest.raises(NoCurrentRight):
        account_create(party=party, registrar=registrar)
    assert not get_user_model().objects.filter(party=party).exists()


def test_a_current_right_is_enough(registrar, former_holder):
    UnitRightFactory(party=former_holder, valid_from=dt.date(2020, 1, 1))
    user, password = account_create(party=former_holder, registrar=registrar)
    assert user.party == former_holder
    assert re.search(r"\d", password)
