"""Ledger history compaction: old entries become carried-forward balances.

``compact_ledger_history(before=...)`` replaces every entry booked before
``before`` by carried-forward balances: one per unit and per period between
changes of the unit's holders (a right starting or ending splits a period,
because each holder sees only the entries booked while their right was valid),
dated on the period's last day. Every holder's balance and every statement from
``before`` on stay exactly what they were. The new rows go through the one
writer of ledger rows (``ledger.imports.bulk.write_rows``).

The RODO retention (``members.retention``) calls it with its cut-off.
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Sum
from django.utils import translation

from .formatting import format_date
from .imports.bulk import write_rows
from .models import EntrySettlement, LedgerEntry, UnitRight

#: ``LedgerEntry.source`` of the carried-forward balances.
CARRY_SOURCE = "retention"


@dataclass
class Compaction:
    """What one compaction did."""

    entries_deleted: int = 0
    settlements_deleted: int = 0
    carried_forward_units: int = 0


def carry_intervals(before: dt.date) -> dict[int, list[dt.date]]:
    """Per unit, the last days of the periods whose entries may be summed into
    one (see the module docstring)."""
    ends: dict[int, set[dt.date]] = {}
    rights = UnitRight.objects.filter(valid_from__lt=before)
    for unit_id, valid_from, valid_to in rights.values_list(
        "unit_id", "valid_from", "valid_to"
    ):
        days = ends.setdefault(unit_id, set())
        days.add(valid_from - dt.timedelta(days=1))
        if valid_to is not None and valid_to < before:
            days.add(valid_to)
    return {unit_id: sorted(days) for unit_id, days in ends.items()}


def compact_ledger_history(*, before: dt.date) -> Compaction:
    """Replace the entries booked before ``before`` by carried-forward balances.
    Run it inside the caller's transaction; running it twice with the same
    cut-off changes nothing."""
    result = Compaction()
    old = LedgerEntry.objects.filter(booking_date__lt=before)
    last_day = before - dt.timedelta(days=1)
    intervals = carry_intervals(before)
    carried: dict[tuple[int, dt.date], Decimal] = {}
    rows = (
        old.values_list("unit_id", "booking_date")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    for unit_id, booking_date, total in rows.iterator(chunk_size=10_000):
        ends = intervals.get(unit_id, [])
        position = bisect.bisect_left(ends, booking_date)
        end = ends[position] if position < len(ends) else last_day
        key = (unit_id, end)
        carried[key] = carried.get(key, Decimal(0)) + total
    wanted = {
        (unit_id, f"BO-{unit_id}-{end:%Y%m%d}"): (end, amount)
        for (unit_id, end), amount in carried.items()
        if amount
    }
    existing = {
        (unit_id, external_id): (booking_date, amount)
        for unit_id, external_id, booking_date, amount in old.filter(
            source=CARRY_SOURCE
        ).values_list("unit_id", "external_id", "booking_date", "amount")
    }
    if existing == wanted and not old.exclude(source=CARRY_SOURCE).exists():
        return result  # already compacted up to this cut-off
    # The delete counts settlements too (cascade); report them apart.
    counts = old.delete()[1]
    result.entries_deleted = counts.get(LedgerEntry._meta.label, 0) - len(existing)
    result.settlements_deleted = counts.get(EntrySettlement._meta.label, 0)
    write_rows(
        LedgerEntry,
        (
            "source",
            "external_id",
            "unit_id",
            "booking_date",
            "period",
            "kind",
            "amount",
            "description",
        ),
        (
            (
                CARRY_SOURCE,
                external_id,
                unit_id,
                end,
                end.replace(day=1),
                LedgerEntry.Kind.CORRECTION,
                amount,
                carried_description(end),
            )
            for (unit_id, external_id), (end, amount) in wanted.items()
        ),
    )
    result.carried_forward_units = len({unit_id for unit_id, _id in wanted})
    return result


def carried_description(end: dt.date) -> str:
    """The stored description of a carried-forward balance. It is part of the
    books, so it is written in the site's language whatever the language of
    the command that compacts."""
    with translation.override(settings.LANGUAGE_CODE):
        return f"Saldo przeniesione na dzień {format_date(end)}"
