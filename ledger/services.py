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

from ledger.formatting import format_date, format_quantity
from ledger.models import (
    ChargeComponent,
    LedgerEntry,
    Meter,
    MeterReading,
    Party,
    Unit,
)
from ledger.queries import (
    UnitNotVisible,
    last_accepted_reading,
    money,
    month_start,
    next_accepted_reading,
    party_scope,
)

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


#: The most a household can plausibly use in a day, per kind of meter. A
#: reading implying more is refused as a typo (a digit too many, a misplaced
#: comma); the office can still record a real one.
DAILY_CAP = {
    Meter.Kind.COLD_WATER: Decimal("2"),  # m³ (a household uses ~0.1–0.3)
    Meter.Kind.HOT_WATER: Decimal("1"),  # m³
    Meter.Kind.HEAT_ALLOCATOR: Decimal("50"),  # allocator units
    Meter.Kind.GAS: Decimal("20"),  # m³
    Meter.Kind.ELECTRICITY: Decimal("100"),  # kWh
}
DEFAULT_DAILY_CAP = Decimal("100")


def meter_reading_check(
    *, meter: Meter, reading_date: dt.date, value: Decimal, today: dt.date | None
) -> None:
    """The one validation of a meter reading (a resident's submission, the
    office's acceptance of it). Raise ``ValidationError`` (with field names)
    unless the reading is plausible: not in the future (after ``today``;
    ``None`` skips this), within the meter's life, not lower than the
    meter's last accepted reading before it (a replaced meter starts again:
    only the new meter's own readings count), not higher than a later accepted
    reading, and not more than the daily cap for the kind of meter since the
    previous reading (or since installation)."""
    if today is not None and reading_date > today:
        raise ValidationError(
            {"reading_date": _("The reading date cannot be in the future.")}
        )
    if reading_date < meter.installed_on:
        raise ValidationError(
            {
                "reading_date": _(
                    "This meter was installed on %(date)s, after that day."
                )
                % {"date": format_date(meter.installed_on)}
            }
        )
    if meter.removed_on and reading_date > meter.removed_on:
        raise ValidationError(
            {
                "reading_date": _(
                    "This meter was removed on %(date)s. Submit the reading of "
                    "the meter that replaced it."
                )
                % {"date": format_date(meter.removed_on)}
            }
        )
    if value < 0:
        raise ValidationError({"value": _("A reading cannot be negative.")})

    previous = last_accepted_reading(meter=meter, before=reading_date)
    if previous is not None and value < previous.value:
        raise ValidationError(
            {
                "value": _(
                    "The reading is lower than the last accepted one "
                    "(%(value)s on %(date)s). Meters do not go backwards; check "
                    "the digits. If the meter was replaced, the office records "
                    "the new meter first."
                )
                % {
                    "value": format_quantity(previous.value),
                    "date": format_date(previous.reading_date),
                }
            }
        )
    following = next_accepted_reading(meter=meter, after=reading_date)
    if following is not None and value > following.value:
        raise ValidationError(
            {
                "value": _(
                    "The reading is higher than the accepted reading of a later "
                    "day (%(value)s on %(date)s)."
                )
                % {
                    "value": format_quantity(following.value),
                    "date": format_date(following.reading_date),
                }
            }
        )

    # A new meter (also one that replaced another) counts from zero at its
    # installation, never from the old meter's figures.
    since_date = previous.reading_date if previous else meter.installed_on
    since_value = previous.value if previous else Decimal(0)
    days = max((reading_date - since_date).days, 1)
    cap = DAILY_CAP.get(meter.kind, DEFAULT_DAILY_CAP)
    if value - since_value > cap * days:
        raise ValidationError(
            {
                "value": _(
                    "This reading means %(used)s %(unit)s in %(days)d days, more "
                    "than a household can use (at most %(cap)s %(unit)s a day). "
                    "Check the digits and the decimal comma."
                )
                % {
                    "used": format_quantity(value - since_value),
                    "unit": meter.unit_of_measure,
                    "days": days,
                    "cap": format_quantity(cap),
                }
            }
        )


@transaction.atomic
def meter_reading_submit(
    *, party: Party, meter: Meter, reading_date: dt.date, value: Decimal, user
) -> MeterReading:
    """A resident submits a reading of a meter in a unit they hold a right to
    on ``reading_date``. It waits for staff review (``pending``). The reading
    must pass ``meter_reading_check``; one pending reading a day."""
    meter_reading_check(
        meter=meter,
        reading_date=reading_date,
        value=value,
        today=timezone.localdate(),
    )
    try:
        held = party_scope(party=party, unit=meter.unit_id).covers(reading_date)
    except UnitNotVisible:
        held = False
    if not held:
        raise ValidationError(_("You have no right to this unit on that day."))
    if MeterReading.objects.filter(
        meter=meter,
        reading_date=reading_date,
        source=MeterReading.Source.RESIDENT,
        status=MeterReading.Status.PENDING,
    ).exists():
        raise ValidationError(
            {
                "reading_date": _(
                    "You have already submitted a reading for that day; it is "
                    "waiting for the office."
                )
            }
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
    """Staff accept or reject a reading a resident submitted. An accepted
    reading must still pass ``meter_reading_check`` (another reading of the
    meter may have been accepted since it was submitted)."""
    if accept:
        meter_reading_check(
            meter=reading.meter,
            reading_date=reading.reading_date,
            value=reading.value,
            today=None,
        )
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
