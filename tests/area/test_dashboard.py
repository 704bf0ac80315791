"""The dashboard: a card per unit grouped by zone, the balance as of today with
the §III.4 simulation and its note, arrears or overpayment in words, what is
due now and later this month, the monthly charge, notices, and every zone.

Resident A (tests/area/conftest.py) holds one flat charged 300 + 150 + 80 =
530,00 zł a month, due on the 10th. February 2025 is booked and paid in full
on the 8th; nothing of March is booked yet.
"""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.urls import reverse

import pytest
import time_machine

from ledger.models import LedgerEntry, Unit
from tests.area.conftest import NOON, book_month, make_resident
from tests.factories import LedgerEntryFactory, UnitRightFactory

pytestmark = pytest.mark.django_db
WARSAW = ZoneInfo("Europe/Warsaw")


def dashboard(client, when=NOON):
    with time_machine.travel(when, tick=False):
        return client.get(reverse("members:dashboard"))


def card_figures(response, unit):
    (summary,) = [s for s in response.context["summaries"] if s.unit == unit]
    breakdown = summary.breakdown
    return {
        "balance": breakdown.balance.total,
        "overdue": breakdown.overdue,
        "later": breakdown.due_later,
        "monthly": summary.monthly_charge,
    }


def test_after_the_due_date_the_unbooked_month_is_arrears_due_now(
    resident_client, resident
):
    unit = resident.party.rights.get().unit
    response = dashboard(resident_client)  # 15 March
    assert card_figures(response, unit) == {
        "balance": Decimal("-530.00"),
        "overdue": Decimal("530.00"),
        "later": Decimal("0.00"),
        "monthly": Decimal("530.00"),
    }
    html = response.content.decode()
    assert "Zaległość: 530,00\xa0zł" in html
    assert "Miesięczna opłata" in html


def test_before_the_due_date_this_months_charge_falls_due_later(
    resident_client, resident
):
    unit = resident.party.rights.get().unit
    response = dashboard(resident_client, dt.datetime(2025, 3, 5, 12, 0, tzinfo=WARSAW))
    # The simulation counts March before the 10th: still 530,00 zł owed, but
    # none of it is due yet.
    assert card_figures(response, unit) == {
        "balance": Decimal("-530.00"),
        "overdue": Decimal("0.00"),
        "later": Decimal("530.00"),
        "monthly": Decimal("530.00"),
    }


def test_charges_not_yet_due_are_not_called_arrears_until_the_due_day_passes(
    resident_client, resident
):
    """Issue 14: from the 1st to the due day the dashboard must not say
    "Zaległość" for the month's charges; after the due day it does."""
    before = dashboard(
        resident_client, dt.datetime(2025, 3, 5, 12, 0, tzinfo=WARSAW)
    ).content.decode()
    assert "Zaległość" not in before
    assert "Do zapłaty do 10.03.2025: 530,00\xa0zł" in before
    assert "Saldo na dziś" in before

    on_due_day = dashboard(
        resident_client, dt.datetime(2025, 3, 10, 12, 0, tzinfo=WARSAW)
    ).content.decode()
    assert "Zaległość" not in on_due_day

    after = dashboard(
        resident_client, dt.datetime(2025, 3, 11, 12, 0, tzinfo=WARSAW)
    ).content.decode()
    assert "Zaległość: 530,00\xa0zł" in after
    assert "Do zapłaty do" not in after


def test_a_booked_month_not_yet_due_is_not_arrears_either(resident_client, resident):
    unit = resident.party.rights.get().unit
    book_month(unit, dt.date(2025, 3, 1))
    before = dashboard(
        resident_client, dt.datetime(2025, 3, 4, 12, 0, tzinfo=WARSAW)
    ).content.decode()
    assert "Zaległość" not in before
    assert "Do zapłaty do 10.03.2025: 530,00\xa0zł" in before
    after = dashboard(resident_client).content.decode()  # 15 March
    assert "Zaległość: 530,00\xa0zł" in after


def test_the_last_payment_and_the_rules_note_are_on_the_dashboard(
    resident_client, resident
):
    html = dashboard(resident_client).content.decode()
    assert "<dt>Ostatnia wpłata, 08.02.2025</dt><dd>530,00\xa0zł</dd>" in html
    assert "nie mogą stanowić wyłącznej" in html


def test_an_overpayment_is_stated_in_words(resident_client, resident):
    unit = resident.party.rights.get().unit
    LedgerEntryFactory(
        unit=unit,
        kind=LedgerEntry.Kind.PAYMENT,
        amount=Decimal("600.00"),
        booking_date=dt.date(2025, 3, 3),
    )
    response = dashboard(resident_client)
    assert card_figures(response, unit)["balance"] == Decimal("70.00")
    assert "Nadpłata: 70,00\xa0zł" in response.content.decode()


def test_the_note_explains_the_simulation_and_shows_the_last_import(
    resident_client,
):
    html = dashboard(resident_client).content.decode()
    assert "symulacja" in html
    assert "§III.4" in html
    assert "może – przejściowo – nie uwzględniać ostatnich wpłat" in html
    # DataImport finished 2025-03-14 06:00 UTC = 07:00 in Warsaw.
    assert "14.03.2025 07:00" in html


def test_units_are_grouped_by_zone(db, client, django_user_model):
    user, party, units = make_resident(
        django_user_model, number="700001", name="Dwie Strefy", units=2
    )
    community_unit = units[1]
    community_unit.zone = Unit.Zone.COMMUNITY
    community_unit.save()
    client.force_login(user)
    response = dashboard(client)
    zones = [
        (zone["zone"], [s.unit for s in zone["units"]])
        for zone in response.context["zones"]
    ]
    assert zones == [("cooperative", [units[0]]), ("community", [community_unit])]
    html = response.content.decode()
    assert "Najem lub prawo do lokalu" in html
    assert "Własność lokalu we wspólnocie mieszkaniowej" in html


def test_a_unit_whose_right_ended_is_not_on_the_dashboard(resident_client, resident):
    right = resident.party.rights.get()
    right.valid_to = dt.date(2025, 2, 28)
    right.save()
    response = dashboard(resident_client)
    assert response.context["summaries"] == []
    assert (
        "Nie mają Państwo dziś przypisanego żadnego lokalu" in response.content.decode()
    )


def test_the_dashboard_links_to_every_zone(resident_client, resident):
    html = dashboard(resident_client).content.decode()
    unit = resident.party.rights.get().unit
    for url in (
        reverse("members:ledger", args=[unit.pk]),
        reverse("members:loans"),
        reverse("members:meters"),
        reverse("members:payments"),
        reverse("members:notices"),
        reverse("members:membership"),
        reverse("members:contact"),
        reverse("members:reports"),
        reverse("members:my-data"),
    ):
        assert f'href="{url}' in html, url


def test_the_newest_notices_residents_may_read_are_listed(resident_client, notices):
    html = dashboard(resident_client).content.decode()
    assert notices["public"].title in html
    assert notices["residents"].title in html
    assert notices["draft"].title not in html
    assert notices["board_only"].title not in html


def test_a_second_holder_sees_only_their_own_period(db, client, django_user_model):
    """A flat sold on 1 March: the buyer's dashboard shows March only."""
    seller, _party, (unit,) = make_resident(
        django_user_model, number="700002", name="Sprzedający"
    )
    right = seller.party.rights.get()
    right.valid_to = dt.date(2025, 2, 28)
    right.save()
    book_month(unit, dt.date(2025, 1, 1))  # unpaid by the seller
    buyer, party, _units = make_resident(
        django_user_model, number="700003", name="Kupujący", units=0
    )
    UnitRightFactory(party=party, unit=unit, valid_from=dt.date(2025, 3, 1))
    client.force_login(buyer)
    response = dashboard(client)
    assert card_figures(response, unit)["balance"] == Decimal("-530.00")
