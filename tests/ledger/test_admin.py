"""Staff screens for the books in the Wagtail admin."""

import datetime as dt
from decimal import Decimal

from django.contrib.auth.models import Group
from django.urls import reverse

import pytest
import time_machine

from ledger.roles import ACCOUNTANTS, REGISTRARS
from tests.conftest import log_in_verified_staff
from tests.factories import (
    BuildingFactory,
    ChargeScheduleFactory,
    LedgerEntryFactory,
    LoanEntryFactory,
    LoanFactory,
    PartyFactory,
    UnitFactory,
    UnitRightFactory,
)
from tests.ledger.conftest import MONTHLY
from tests.ledger.helpers import book_charges, pay

pytestmark = pytest.mark.django_db

UNITS = reverse("ledger_unit_modeladmin_index")
ENTRIES = reverse("ledger_ledgerentry_modeladmin_index")


def inspect_url(model, pk):
    return reverse(f"ledger_{model}_modeladmin_inspect", args=[pk])


@pytest.fixture
def street(flat):
    """``flat`` is ul. Kwiatowa 7/12; two other units do not match it."""
    flat.building.address = "ul. Kwiatowa 7"
    flat.building.save()
    # Explicit codes: a sequence-made code ("L00125") would match "12" once
    # other tests have advanced the factory's counter.
    UnitFactory(
        number="12", code="POLNA3-12", building=BuildingFactory(address="ul. Polna 3")
    )
    UnitFactory(number="5", code="KWIAT7-5", building=flat.building)
    return flat


def listed_units(response):
    return [str(unit) for unit in response.context["object_list"]]


@pytest.mark.parametrize("term", ["Kwiatowa 7/12", "kwiatowa 12", "Kwiatowa 7 12"])
def test_staff_find_a_unit_by_address_and_number(staff_client, street, term):
    response = staff_client.get(UNITS, {"q": term})

    assert response.status_code == 200
    assert listed_units(response) == ["ul. Kwiatowa 7/12"]


def test_staff_find_a_unit_by_its_code(staff_client, street):
    response = staff_client.get(UNITS, {"q": street.code})

    assert listed_units(response) == ["ul. Kwiatowa 7/12"]


@time_machine.travel(dt.datetime(2024, 5, 3, 12, tzinfo=dt.UTC), tick=False)
def test_staff_open_a_units_ledger_from_its_page(
    staff_client, street, holder, components
):
    book_charges(street, components, MONTHLY, dt.date(2024, 4, 1))
    pay(street, "330.00", dt.date(2024, 4, 9))

    page = staff_client.get(inspect_url("unit", street.pk))
    html = page.content.decode()

    assert page.status_code == 200
    # Balance today: April's 200.00 unpaid plus May's 530.00 from the schedule.
    assert "-730,00\xa0zł" in html
    assert "Nowak Anna" in html  # the holder
    assert "Fundusz remontowy" in html
    assert f"{ENTRIES}?unit={street.pk}" in html

    entries = staff_client.get(ENTRIES, {"unit": street.pk})
    assert entries.status_code == 200
    assert {entry.unit_id for entry in entries.context["object_list"]} == {street.pk}
    assert len(entries.context["object_list"]) == 4


def test_ledger_entries_filter_by_kind_and_period(staff_client, flat, components):
    book_charges(flat, components, MONTHLY, dt.date(2024, 3, 1))
    book_charges(flat, components, MONTHLY, dt.date(2024, 4, 1))
    pay(flat, "530.00", dt.date(2024, 4, 9))

    april_charges = staff_client.get(
        ENTRIES, {"kind__exact": "charge", "year": "2024", "month": "4"}
    )

    rows = april_charges.context["object_list"]
    assert len(rows) == 3
    assert {(row.kind, row.period) for row in rows} == {("charge", dt.date(2024, 4, 1))}


def refused(response):
    """Wagtail answers a refused admin action by sending the user back to the
    dashboard with a "permission denied" message."""
    return response.status_code == 302 and response["Location"] == "/admin/"


def test_ledger_entries_are_read_only_even_for_a_superuser(staff_client, flat):
    entry = LedgerEntryFactory(unit=flat)

    listing = staff_client.get(ENTRIES)
    create = staff_client.get(reverse("ledger_ledgerentry_modeladmin_create"))
    edit = staff_client.post(
        reverse("ledger_ledgerentry_modeladmin_edit", args=[entry.pk]),
        {"amount": "-1.00"},
    )
    delete = staff_client.post(
        reverse("ledger_ledgerentry_modeladmin_delete", args=[entry.pk])
    )

    assert (
        reverse("ledger_ledgerentry_modeladmin_create") not in listing.content.decode()
    )
    assert refused(create) and refused(edit) and refused(delete)
    entry.refresh_from_db()
    assert entry.amount == Decimal("-100.00")
    assert staff_client.get(inspect_url("ledgerentry", entry.pk)).status_code == 200


def test_filtering_by_fields_outside_the_screen_is_refused(staff_client, flat, holder):
    LedgerEntryFactory(unit=flat)

    response = staff_client.get(
        ENTRIES, {"unit__rights__party__user__password__startswith": "md5"}
    )

    assert response.status_code == 400


def test_party_page_shows_rights_units_account_and_balance(
    staff_client, flat, holder, components, django_user_model
):
    django_user_model.objects.create_user(
        username=holder.number, password="x1234567", party=holder, is_active=False
    )
    book_charges(flat, components, MONTHLY, dt.date(2024, 4, 1))

    listing = staff_client.get(reverse("ledger_party_modeladmin_index"), {"q": "Nowak"})
    page = staff_client.get(inspect_url("party", holder.pk))
    html = page.content.decode()

    assert [party.number for party in listing.context["object_list"]] == [holder.number]
    assert page.status_code == 200
    assert str(flat) in html
    assert inspect_url("unit", flat.pk) in html
    assert "zablokowane" in html or "blocked" in html


def test_every_screen_of_the_group_opens(staff_client, flat, holder):
    loan = LoanFactory(unit=flat)
    LoanEntryFactory(loan=loan)
    ChargeScheduleFactory(unit=flat)
    for model in (
        "estate",
        "housingcommunity",
        "building",
        "unit",
        "party",
        "unitright",
        "ledgerentry",
        "chargecomponent",
        "chargeschedule",
        "loan",
        "loanentry",
        "meter",
        "meterreading",
        "membership",
        "dataimport",
    ):
        response = staff_client.get(reverse(f"ledger_{model}_modeladmin_index"))
        assert response.status_code == 200, model
    loan_page = staff_client.get(inspect_url("loan", loan.pk))
    assert loan_page.status_code == 200


def _staff_in(group_name, django_user_model):
    user = django_user_model.objects.create_user(
        username=f"staff-{group_name}", password="Staff12345!", is_staff=True
    )
    user.groups.add(Group.objects.get(name=group_name))
    return user


def test_a_registrar_sees_the_books_but_cannot_change_schedules(
    client, django_user_model, flat
):
    schedule = ChargeScheduleFactory(unit=flat)
    log_in_verified_staff(client, _staff_in(REGISTRARS, django_user_model))

    assert client.get(UNITS).status_code == 200
    assert client.get(inspect_url("unit", flat.pk)).status_code == 200
    edit = client.get(
        reverse("ledger_chargeschedule_modeladmin_edit", args=[schedule.pk])
    )
    assert refused(edit)


def test_an_accountant_can_change_a_schedule_but_not_a_ledger_entry(
    client, django_user_model, flat
):
    schedule = ChargeScheduleFactory(unit=flat)
    entry = LedgerEntryFactory(unit=flat)
    log_in_verified_staff(client, _staff_in(ACCOUNTANTS, django_user_model))

    assert (
        client.get(
            reverse("ledger_chargeschedule_modeladmin_edit", args=[schedule.pk])
        ).status_code
        == 200
    )
    assert refused(
        client.get(reverse("ledger_ledgerentry_modeladmin_edit", args=[entry.pk]))
    )


def test_a_resident_without_staff_rights_cannot_open_the_books(
    client, django_user_model, flat
):
    party = PartyFactory(number="300777")
    UnitRightFactory(party=party, unit=flat)
    resident = django_user_model.objects.create_user(
        username=party.number, password="abc12345", party=party
    )
    client.force_login(resident)

    response = client.get(UNITS)

    assert response.status_code in (302, 403)
    assert str(flat) not in response.content.decode()
