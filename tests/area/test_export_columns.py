"""The RODO export's spreadsheets name their columns in Polish (issue 14,
item 11); ``dane.json`` keeps its machine keys."""

import io
import json
import zipfile

from django.urls import reverse

import pytest
import time_machine

from tests.area.conftest import NOON

pytestmark = pytest.mark.django_db


def test_the_csv_columns_of_the_data_export_are_polish(resident_client):
    with time_machine.travel(NOON, tick=False):
        response = resident_client.post(reverse("members:my-data"))
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        ledger_header = archive.read("csv/ledger.csv").decode("utf-8").splitlines()[0]
        readings_header = (
            archive.read("csv/meter_readings.csv").decode("utf-8").splitlines()[0]
        )
        data = json.loads(archive.read("dane.json"))
    assert ledger_header.lstrip("\ufeff").split(";") == [
        "lokal",
        "data księgowania",
        "okres",
        "termin płatności",
        "rodzaj",
        "składnik opłaty",
        "kwota",
        "numer dokumentu",
        "opis",
    ]
    assert "data odczytu" in readings_header and "wskazanie" in readings_header
    assert "booking_date" not in ledger_header
    assert "booking_date" in data["ledger"][0]
