"""The office's review screens: a report links to the unit's ledger; a
resident's reading shows the meter's previous readings and the consumption."""

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

import pytest

from ledger.models import MeterReading
from members.models import DiscrepancyReport
from tests.conftest import log_in_verified_staff
from tests.factories import MeterFactory, MeterReadingFactory, PartyFactory, UnitFactory


@pytest.fixture
def registrar_client(db):
    user = get_user_model().objects.create_user(username="rej", password="x")
    user.groups.add(Group.objects.get(name="Rejestratorzy"))
    return log_in_verified_staff(Client(), user)


def test_the_report_screen_links_to_the_units_ledger(registrar_client):
    unit = UnitFactory()
    report = DiscrepancyReport.objects.create(
        unit=unit, party=PartyFactory(), message="Brakuje wpłaty z marca"
    )
    html = registrar_client.get(
        f"/admin/members/discrepancyreport/edit/{report.pk}/"
    ).content.decode()
    ledger_url = f"/admin/ledger/unit/inspect/{unit.pk}/"
    assert f'href="{ledger_url}"' in html
    assert "Otwórz kartotekę lokalu" in html
    # The link opens the unit's page with its ledger for this registrar.
    page = registrar_client.get(ledger_url)
    assert page.status_code == 200
    assert unit.code in page.content.decode()


def test_the_reading_review_shows_previous_readings_and_consumption(
    registrar_client,
):
    meter = MeterFactory()
    for day, value in ((dt.date(2026, 5, 31), "100.5"), (dt.date(2026, 8, 31), "112")):
        MeterReadingFactory(meter=meter, reading_date=day, value=Decimal(value))
    MeterReadingFactory(  # rejected earlier: not a previous reading
        meter=meter,
        reading_date=dt.date(2026, 9, 30),
        value=Decimal("500"),
        source=MeterReading.Source.RESIDENT,
        status=MeterReading.Status.REJECTED,
    )
    pending = MeterReadingFactory(
        meter=meter,
        reading_date=dt.date(2026, 11, 30),
        value=Decimal("1125.250"),
        source=MeterReading.Source.RESIDENT,
        status=MeterReading.Status.PENDING,
    )
    html = registrar_client.get(
        f"/admin/members/residentmeterreading/edit/{pending.pk}/"
    ).content.decode()
    assert "Poprzednie odczyty" in html
    # 1125,25 − 112 = 1013,25, in Polish format, since the last accepted one.
    assert "1\xa0013,25 m³ od 31.08.2026" in html
    assert "100,5 m³" in html
    assert "11,5 m³" in html  # 112 − 100,5
    assert "500" not in html.split("Poprzednie odczyty")[1].split("</table>")[0]
