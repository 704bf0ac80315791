"""One formula-injection rule for every CSV the portal writes
(``ledger.csv_writer``): the same formula-looking description comes out the
same in the statement CSV, in the RODO archive and in ``export_data``, and
the importer reads the export back unchanged."""

import csv
import datetime as dt
import io
import zipfile
from decimal import Decimal

from django.urls import reverse

import pytest
import time_machine

from ledger.imports.exporting import data_export
from ledger.imports.parsing import unescape_text
from ledger.models import LedgerEntry
from tests.area.conftest import NOON
from tests.factories import LedgerEntryFactory

pytestmark = pytest.mark.django_db

FORMULAS = {
    '=HYPERLINK("http://evil","x")': '\'=HYPERLINK("http://evil","x")',
    "+cmd|' /C calc'!A0": "'+cmd|' /C calc'!A0",
    "-2+3": "'-2+3",
    "@SUM(1+1)": "'@SUM(1+1)",
    "\t=1": "'\t=1",
    "'=1": "''=1",
}


def cells(text: str) -> set[str]:
    rows = csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";")
    return {cell for row in rows for cell in row}


def test_a_formula_is_neutralised_the_same_in_every_csv(resident_client, resident):
    unit = resident.party.rights.get().unit
    for day, description in enumerate(FORMULAS, start=1):
        LedgerEntryFactory(
            source="fk",  # what export_data writes by default
            unit=unit,
            kind=LedgerEntry.Kind.PAYMENT,
            amount=Decimal("1.00"),
            booking_date=dt.date(2025, 3, day),
            description=description,
        )
    with time_machine.travel(NOON, tick=False):
        statement = resident_client.get(
            reverse("members:ledger-csv", args=[unit.pk]), {"rok": "2025"}
        ).content.decode()
        archive = resident_client.post(reverse("members:my-data")).content
    with zipfile.ZipFile(io.BytesIO(archive)) as files:
        rodo = "".join(
            files.read(name).decode()
            for name in files.namelist()
            if name.endswith(".csv")
        )
    stream = io.StringIO()
    data_export(kind="ledger", stream=stream)

    for name, text in (
        ("statement", statement),
        ("RODO", rodo),
        ("export_data", stream.getvalue()),
    ):
        found = cells(text)
        for written in FORMULAS.values():
            assert written in found, (name, written)
        for description in FORMULAS:
            assert description not in found, (name, description)


def test_the_importer_reads_a_neutralised_cell_back_unchanged():
    for description, written in FORMULAS.items():
        assert unescape_text(written) == description
