"""Database constraints and validators of the books."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import translation

import pytest

from ledger.formatting import format_money
from ledger.models import LedgerEntry
from ledger.validators import make_nrb, nrb_is_valid, validate_nrb
from tests.factories import (
    LedgerEntryFactory,
    UnitFactory,
    UnitRightFactory,
)


def test_a_valid_nrb_passes_the_iban_check():
    # A published example NRB (PL61 1090 1014 0000 0712 1981 2874).
    assert nrb_is_valid("61109010140000071219812874")
    assert nrb_is_valid("61 1090 1014 0000 0712 1981 2874")
    assert nrb_is_valid(make_nrb("102040270000000000000001"))


@pytest.mark.parametrize(
    "value",
    [
        "62109010140000071219812874",  # wrong check digits
        "61109010140000071219812875",  # one digit mistyped
        "6110901014000007121981287",  # 25 digits
        "PL61109010140000071219812874",  # the country code is not stored
        "",
    ],
)
def test_an_invalid_nrb_is_refused(value):
    assert not nrb_is_valid(value)
    with pytest.raises(ValidationError):
        validate_nrb(value)


@pytest.mark.django_db
def test_the_database_refuses_a_charge_stored_as_positive():
    with pytest.raises(IntegrityError):
        LedgerEntryFactory(kind=LedgerEntry.Kind.CHARGE, amount=Decimal("10.00"))


@pytest.mark.django_db
def test_the_database_refuses_a_period_not_on_the_first_of_the_month():
    with pytest.raises(IntegrityError):
        LedgerEntryFactory(period=dt.date(2024, 5, 2))


@pytest.mark.django_db
def test_the_database_refuses_a_right_ending_before_it_starts():
    with pytest.raises(IntegrityError):
        UnitRightFactory(valid_from=dt.date(2024, 5, 1), valid_to=dt.date(2024, 4, 30))


@pytest.mark.django_db
def test_the_database_refuses_a_malformed_account_number():
    with pytest.raises(IntegrityError):
        UnitFactory(bank_account="12 3456")


def test_money_is_shown_the_polish_way():
    with translation.override("pl"):
        assert format_money(Decimal("1234.5")) == "1\xa0234,50\xa0zł"
        assert format_money(Decimal("-0.005")) == "-0,01\xa0zł"
