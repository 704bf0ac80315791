"""Consumption is a Decimal on every database (issue 14, item 3): SQLite
subtracts the stored readings as floats, which once showed 8,40000000000001 m³."""

import datetime as dt
from decimal import Decimal

from django.urls import reverse

import pytest
import time_machine

from tests.area.conftest import NOON
from tests.factories import MeterReadingFactory

pytestmark = pytest.mark.django_db


def test_consumption_between_readings_is_exact_and_shown_as_the_format_says(
    resident_client, resident
):
    meter = resident.party.rights.get().unit.meters.get()
    # As floats these two differ by 8.399999999999977.
    assert 1002.1 - 993.7 != 8.4
    MeterReadingFactory(
        meter=meter, reading_date=dt.date(2025, 1, 31), value=Decimal("993.700")
    )
    MeterReadingFactory(
        meter=meter, reading_date=dt.date(2025, 2, 28), value=Decimal("1002.100")
    )
    with time_machine.travel(NOON, tick=False):
        page = resident_client.get(reverse("members:meter-detail", args=[meter.pk]))
    readings = page.context["readings"]
    assert readings[-1].consumption == Decimal("8.400")
    assert isinstance(readings[-1].consumption, Decimal)
    html = page.content.decode()
    assert "8,4 m³" in html
    assert "8,39999" not in html and "8,40000" not in html
