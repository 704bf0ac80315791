"""Loans, meters and membership records as a party sees them."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet, Sum, Window
from django.db.models.functions import Lag

from ledger.models import Loan, LoanEntry, Membership, Meter, MeterReading, Party, Unit

from .base import ZERO, money, right_windows, window_filter


def loans_for_party(*, party: Party, unit: Unit | int) -> QuerySet[Loan]:
    """The unit's loans with their figures computed in the database:
    ``repaid``, ``interest``, ``corrections``, ``instalments_due``,
    ``instalments_due_count``, ``outstanding`` and ``arrears`` (docs/domain.md).
    The debt goes with the unit, so the figures are the whole loan's."""
    right_windows(party=party, unit=unit)
    return loans_with_figures().filter(unit=unit).order_by("granted_on")


def loans_with_figures() -> QuerySet[Loan]:
    """All loans annotated with their figures (for staff screens and the
    member functions above)."""
    kind = LoanEntry.Kind

    def total(entry_kind):
        return Sum("entries__amount", filter=Q(entries__kind=entry_kind), default=0)

    return Loan.objects.annotate(
        repaid=total(kind.REPAYMENT),
        interest=total(kind.INTEREST),
        corrections=total(kind.CORRECTION),
        instalments_due=total(kind.INSTALMENT_DUE),
        instalments_due_count=Count(
            "entries", filter=Q(entries__kind=kind.INSTALMENT_DUE)
        ),
    ).annotate(
        outstanding=F("amount_granted")
        + F("interest")
        - F("repaid")
        - F("corrections"),
        paid_towards_instalments=F("repaid") + F("corrections"),
    )


def loan_arrears(loan: Loan) -> Decimal:
    """Instalments due but not repaid (positive), or zero; ``loan`` comes from
    ``loans_for_party`` or ``loans_with_figures``."""
    return max(money(loan.instalments_due - loan.paid_towards_instalments), ZERO)


def loan_entries_for_party(*, party: Party, loan: Loan) -> QuerySet[LoanEntry]:
    """A loan's entries dated within the party's rights to the loan's unit."""
    windows = right_windows(party=party, unit=loan.unit_id)
    return LoanEntry.objects.filter(loan=loan).filter(window_filter(windows, "date"))


# --- Meters -------------------------------------------------------------------------


def meters_for_party(*, party: Party, unit: Unit | int) -> QuerySet[Meter]:
    """The unit's meters (removed ones too), current ones first."""
    right_windows(party=party, unit=unit)
    return Meter.objects.filter(unit=unit).order_by(
        F("removed_on").desc(nulls_first=True), "kind", "installed_on"
    )


def readings_for_party(*, party: Party, meter: Meter) -> QuerySet[MeterReading]:
    """Accepted readings of the meter dated within the party's rights, oldest
    first, each annotated with ``consumption`` since the previous accepted
    reading of the same meter (``None`` for the first)."""
    windows = right_windows(party=party, unit=meter.unit_id)
    return (
        MeterReading.objects.filter(meter=meter, status=MeterReading.Status.ACCEPTED)
        .annotate(
            consumption=F("value")
            - Window(Lag("value"), order_by=[F("reading_date").asc(), F("id").asc()])
        )
        .filter(window_filter(windows, "reading_date"))
        .order_by("reading_date", "id")
    )


def submitted_readings_for_party(*, party: Party, meter: Meter) -> QuerySet:
    """Readings of the meter submitted by residents and still pending or
    rejected, within the party's rights (newest first)."""
    windows = right_windows(party=party, unit=meter.unit_id)
    return (
        MeterReading.objects.filter(meter=meter, source=MeterReading.Source.RESIDENT)
        .exclude(status=MeterReading.Status.ACCEPTED)
        .filter(window_filter(windows, "reading_date"))
        .order_by("-reading_date", "-id")
    )


# --- Membership ---------------------------------------------------------------------


def memberships_for_party(*, party: Party) -> QuerySet[Membership]:
    """The party's membership records (normally one), newest first."""
    return Membership.objects.filter(party=party).order_by("-admission_date")
