"""The own-data (RODO) download holds a unit's loans and meters only for the
days the resident held a right to it: a former holder gets nothing booked,
installed or read after they left, the next holder nothing from before they
came (rules: "a resident sees a unit's data only while holding its right")."""

import datetime as dt
import io
import json
import zipfile
from decimal import Decimal

from django.urls import reverse

import pytest
import time_machine

from ledger.models import LoanEntry
from tests.area.conftest import NOON
from tests.factories import (
    BuildingFactory,
    LoanEntryFactory,
    LoanFactory,
    MeterFactory,
    MeterReadingFactory,
    PartyFactory,
    UnitFactory,
    UnitRightFactory,
)

pytestmark = pytest.mark.django_db

LEFT_ON = dt.date(2023, 12, 31)
CAME_ON = dt.date(2024, 1, 1)


@pytest.fixture
def handed_over(django_user_model):
    """One flat: held by a former resident until the end of 2023, by the
    current one since 2024. A loan repaid by both, a loan granted after the
    hand-over, a meter removed before it, one installed after it."""
    unit = UnitFactory(building=BuildingFactory())
    former, current = PartyFactory(number="600001"), PartyFactory(number="600002")
    UnitRightFactory(
        party=former, unit=unit, valid_from=dt.date(2015, 1, 1), valid_to=LEFT_ON
    )
    UnitRightFactory(party=current, unit=unit, valid_from=CAME_ON)
    shared = LoanFactory(
        unit=unit,
        number="KR/OLD",
        amount_granted=Decimal("10000.00"),
        granted_on=dt.date(2016, 1, 1),
    )
    for day, amount in (
        (dt.date(2023, 6, 10), "100.00"),  # the former holder's
        (dt.date(2024, 6, 10), "400.00"),  # the current holder's
    ):
        LoanEntryFactory(
            loan=shared, kind=LoanEntry.Kind.REPAYMENT, date=day, amount=Decimal(amount)
        )
    later = LoanFactory(
        unit=unit,
        number="KR/NEW",
        amount_granted=Decimal("5000.00"),
        granted_on=dt.date(2024, 5, 1),
    )
    LoanEntryFactory(
        loan=later,
        kind=LoanEntry.Kind.REPAYMENT,
        date=dt.date(2024, 7, 10),
        amount=Decimal("50.00"),
    )
    old_meter = MeterFactory(
        unit=unit,
        serial_number="OLD00001",
        installed_on=dt.date(2015, 1, 1),
        removed_on=dt.date(2023, 5, 31),
    )
    MeterReadingFactory(meter=old_meter, reading_date=dt.date(2022, 12, 31), value=5)
    both_meter = MeterFactory(
        unit=unit, serial_number="BOTH0001", installed_on=dt.date(2023, 6, 1)
    )
    MeterReadingFactory(meter=both_meter, reading_date=dt.date(2023, 12, 31), value=7)
    MeterReadingFactory(meter=both_meter, reading_date=dt.date(2024, 12, 31), value=19)
    new_meter = MeterFactory(
        unit=unit, serial_number="NEW00001", installed_on=dt.date(2024, 3, 1)
    )
    MeterReadingFactory(meter=new_meter, reading_date=dt.date(2024, 12, 31), value=3)
    users = {
        name: django_user_model.objects.create_user(
            username=party.number, password="Haslo123", party=party
        )
        for name, party in (("former", former), ("current", current))
    }
    return users


def download(client, user) -> dict:
    client.force_login(user)
    with time_machine.travel(NOON, tick=False):
        response = client.post(reverse("members:my-data"))
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        return json.loads(archive.read("dane.json"))


def test_a_former_holder_gets_only_their_period(client, handed_over):
    data = download(client, handed_over["former"])

    assert [loan["number"] for loan in data["loans"]] == ["KR/OLD"]
    (loan,) = data["loans"]
    assert Decimal(loan["repaid"]) == Decimal("100.00")
    assert Decimal(loan["outstanding"]) == Decimal("9900.00")  # when they left
    assert [(e["loan"], e["amount"]) for e in data["loan_entries"]] == [
        ("KR/OLD", "100.00")
    ]
    assert [m["serial_number"] for m in data["meters"]] == ["OLD00001", "BOTH0001"]
    assert [(r["meter"], r["reading_date"]) for r in data["meter_readings"]] == [
        ("OLD00001", "2022-12-31"),
        ("BOTH0001", "2023-12-31"),
    ]


def test_the_current_holder_gets_nothing_from_before_their_right(client, handed_over):
    data = download(client, handed_over["current"])

    assert [loan["number"] for loan in data["loans"]] == ["KR/OLD", "KR/NEW"]
    old, new = data["loans"]
    assert Decimal(old["repaid"]) == Decimal("400.00")
    assert Decimal(old["outstanding"]) == Decimal("9500.00")
    assert Decimal(new["repaid"]) == Decimal("50.00")
    assert sorted((e["loan"], e["amount"]) for e in data["loan_entries"]) == [
        ("KR/NEW", "50.00"),
        ("KR/OLD", "400.00"),
    ]
    assert [m["serial_number"] for m in data["meters"]] == ["BOTH0001", "NEW00001"]
    assert [(r["meter"], r["reading_date"]) for r in data["meter_readings"]] == [
        ("BOTH0001", "2024-12-31"),
        ("NEW00001", "2024-12-31"),
    ]
