"""The one writer of ledger rows (ledger.imports.bulk.write_rows): both paths
store the same rows, and every constraint is checked while writing."""

import datetime as dt
from decimal import Decimal

from django.db import IntegrityError, connection, transaction

import pytest

from ledger.imports.bulk import write_rows
from ledger.models import LedgerEntry, Party
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db

FIELDS = (
    "source",
    "external_id",
    "unit_id",
    "booking_date",
    "period",
    "kind",
    "amount",
)
ENGINES = ["batched"] + (["copy"] if connection.vendor == "postgresql" else [])


def entry(unit, key, amount="-120.50", kind="charge"):
    day = dt.date(2025, 3, 10)
    return ("fk", key, unit.pk, day, day.replace(day=1), kind, Decimal(amount))


@pytest.mark.parametrize("engine", ENGINES)
def test_rows_are_stored_with_what_django_would_store_for_the_rest(engine):
    unit = UnitFactory()

    count = write_rows(
        LedgerEntry, FIELDS, [entry(unit, "N1"), entry(unit, "N2")], engine=engine
    )

    assert count == 2
    row = LedgerEntry.objects.get(external_id="N1")
    assert row.amount == Decimal("-120.50")
    assert (row.document_number, row.description, row.component_id) == ("", "", None)
    assert row.created_at is not None and row.updated_at is not None


@pytest.mark.parametrize("engine", ENGINES)
def test_constraints_stay_in_place_while_writing(engine):
    unit = UnitFactory()
    write_rows(LedgerEntry, FIELDS, [entry(unit, "N1")], engine=engine)

    with pytest.raises(IntegrityError), transaction.atomic():
        write_rows(LedgerEntry, FIELDS, [entry(unit, "N1")], engine=engine)
    with pytest.raises(IntegrityError), transaction.atomic():
        # A charge is never positive.
        write_rows(LedgerEntry, FIELDS, [entry(unit, "N2", "10.00")], engine=engine)

    assert LedgerEntry.objects.count() == 1


def test_the_copy_path_needs_postgresql():
    if connection.vendor == "postgresql":
        pytest.skip("PostgreSQL has the COPY path")
    with pytest.raises(ValueError, match="PostgreSQL"):
        write_rows(LedgerEntry, FIELDS, [], engine="copy")


def test_master_data_is_refreshed_on_its_key_and_other_fields_are_kept():
    write_rows(Party, ("number", "name", "email"), [("100900", "Jan Nowak", "j@x.pl")])

    write_rows(
        Party,
        ("number", "name"),
        [("100900", "Jan Nowak-Kowalski"), ("100901", "Ewa Nowak")],
        upsert_on=("number",),
    )

    assert dict(Party.objects.values_list("number", "name")) == {
        "100900": "Jan Nowak-Kowalski",
        "100901": "Ewa Nowak",
    }
    assert Party.objects.get(number="100900").email == "j@x.pl"
