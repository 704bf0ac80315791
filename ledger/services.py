"""Writes to the cooperative's books. Imports write in bulk (ledger/imports);
these are the single-row writes: staff corrections, resident meter readings.

Each service is keyword-only, runs in a transaction and validates the row
(``full_clean``) before saving it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ledger.models import (
    ChargeComponent,
    LedgerEntry,
    Meter,
    MeterReading,
    Party,
    Unit,
    UnitRight,
)
from ledger.queries import money, month_start

#: Kinds whose amount lowers the balance (stored negative) and raises it.
OWED_KINDS = {LedgerEntry.Kind.CHARGE, LedgerEntry.Kind.INTEREST}
PAID_KINDS = {LedgerEntry.Kind.PAYMENT}


@transaction.atomic
def ledger_entry_create(
    *,
    unit: Unit,
    kind: str,
    amount: Decimal | int | str,
    booking_date: dt.date,
    external_id: str,
    source: str = "manual",
    period: dt.date | None = None,
    due_date: dt.date | None = None,
    component: ChargeComponent | None = None,
    document_number: str = "",
    description: str = "",
) -> LedgerEntry:
    """Book one ledger entry. ``amount`` follows the sign convention of
    ``LedgerEntry`` (negative lowers the balance) and is rounded half up to
    the grosz; ``period`` defaults to the booking date's month."""
    amount = money(Decimal(str(amount)))
    if (kind in OWED_KINDS and amount > 0) or (kind in PAID_KINDS and amount < 0):
        raise ValidationError(
            {"amount": _("The sign of the amount does not match the kind of entry.")}
        )
    entry = LedgerEntry(
        unit=unit,
        kind=kind,
        amount=amount,
        booking_date=booking_date,
        period=month_start(period or booking_date),
        due_date=due_date,
        component=component,
        source=source,
        external_id=external_id,
        document_number=document_number,
        description=description,
    )
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def meter_reading_submit(
    *, party: Party, meter: Meter, reading_date: dt.date, value: Decimal, user
) -> MeterReading:
    """A resident submits a reading of a meter in a unit they hold a right to
    on ``reading_date``. It waits for staff review (``pending``). A reading
    lower than the last accepted one of the same meter is refused."""
    if (
        not UnitRight.objects.valid_on(reading_date)
        .filter(party=party, unit=meter.unit_id)
        .exists()
    ):
        raise ValidationError(_("You have no right to this unit on that day."))
    if meter.removed_on and reading_date > meter.removed_on:
        raise ValidationError(_("This meter was removed before that day."))
    if reading_date < meter.installed_on:
        raise ValidationError(_("This meter was installed after that day."))
    last = (
        MeterReading.objects.filter(
            meter=meter,
            status=MeterReading.Status.ACCEPTED,
            reading_date__lte=reading_date,
        )
        .order_by("-reading_date", "-id")
        .values_list("value", flat=True)
        .first()
    )
    if last is not None and value < last:
        raise ValidationError(
            _("The reading is lower than the last accepted one (%(last)s).")
            % {"last": last}
        )
    reading = MeterReading(
        meter=meter,
        reading_date=reading_date,
        value=value,
        source=MeterReading.Source.RESIDENT,
        status=MeterReading.Status.PENDING,
        submitted_by=user,
    )
    reading.full_clean()
    reading.save()
    return reading


def lock_pending(record, message: str) -> None:
    """Lock ``record``'s row (inside the caller's transaction) and raise
    ``ValidationError(message)`` unless it is still ``pending``, as loaded and
    as stored: another member of staff may have decided it since ``record``
    was loaded."""
    stored = type(record)._default_manager.select_for_update().get(pk=record.pk)
    if not record.status == stored.status == "pending":
        raise ValidationError(message)


@transaction.atomic
def meter_reading_review(
    *, reading: MeterReading, accept: bool, note: str = ""
) -> MeterReading:
    """Staff accept or reject a reading a resident submitted."""
    lock_pending(
        reading,
        _(
            "This reading has already been reviewed (perhaps by someone "
            "else just now); nothing was changed."
        ),
    )
    reading.status = (
        MeterReading.Status.ACCEPTED if accept else MeterReading.Status.REJECTED
    )
    reading.review_note = note
    reading.reviewed_at = timezone.now()
    reading.full_clean()
    reading.save(update_fields=["status", "review_note", "reviewed_at", "updated_at"])
    return reading
