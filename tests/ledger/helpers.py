"""Small helpers that book a month of a flat's ledger for the tests."""

import datetime as dt
from decimal import Decimal

from ledger.models import LedgerEntry
from tests.factories import LedgerEntryFactory


def book_charges(unit, components, amounts, month: dt.date, booked_on=None, only=None):
    """Book the month's charge of each component (negative amounts), due on
    the 10th; ``only`` limits it to some component codes."""
    for code, amount in amounts.items():
        if only is not None and code not in only:
            continue
        LedgerEntryFactory(
            unit=unit,
            kind=LedgerEntry.Kind.CHARGE,
            component=components[code],
            amount=-amount,
            booking_date=booked_on or month,
            period=month,
            due_date=month.replace(day=10),
        )


def pay(unit, amount, on: dt.date):
    return LedgerEntryFactory(
        unit=unit,
        kind=LedgerEntry.Kind.PAYMENT,
        amount=Decimal(amount),
        booking_date=on,
        period=on.replace(day=1),
    )
