"""Fixtures for the ledger tests."""

import datetime as dt
from decimal import Decimal

import pytest

from tests.conftest import log_in_verified_staff
from tests.factories import (
    ChargeComponentFactory,
    ChargeScheduleFactory,
    PartyFactory,
    UnitFactory,
    UnitRightFactory,
)


@pytest.fixture
def staff_user(django_user_model):
    """An office superuser of the Wagtail admin."""
    return django_user_model.objects.create_superuser(
        username="biuro", email="biuro@example.org", password="Biuro12345!"
    )


@pytest.fixture
def staff_client(client, staff_user):
    """A client logged in to the Wagtail admin as ``staff_user``, second factor
    passed (the admin logs out sessions without it)."""
    return log_in_verified_staff(client, staff_user)


@pytest.fixture
def components(db):
    """Three charge components of a typical flat, in display order."""
    return {
        "EKS": ChargeComponentFactory(code="EKS", name="Eksploatacja", ordering=1),
        "FR": ChargeComponentFactory(code="FR", name="Fundusz remontowy", ordering=2),
        "ZW": ChargeComponentFactory(code="ZW", name="Zimna woda", ordering=3),
    }


#: The monthly charges of ``flat``: 300 + 150 + 80 = 530.00 zł, due on the 10th.
MONTHLY = {"EKS": Decimal("300.00"), "FR": Decimal("150.00"), "ZW": Decimal("80.00")}


@pytest.fixture
def flat(components):
    """A cooperative flat with a schedule of 530.00 zł a month since 2020."""
    unit = UnitFactory(number="12")
    for code, amount in MONTHLY.items():
        ChargeScheduleFactory(
            unit=unit,
            component=components[code],
            monthly_amount=amount,
            valid_from=dt.date(2020, 1, 1),
        )
    return unit


@pytest.fixture
def holder(flat):
    """The party holding ``flat`` since 2020-01-01."""
    party = PartyFactory(number="300001", name="Nowak Anna")
    UnitRightFactory(party=party, unit=flat, valid_from=dt.date(2020, 1, 1))
    return party
