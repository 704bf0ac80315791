"""Reads of the cooperative's books (the "selectors").

Every function that returns a member's data takes the ``party`` as a required
keyword argument and shows only what that party may see (docs/domain.md, "Who
sees what"): units it holds a right to, and their entries only for the days its
rights are valid. A party with no right to a unit gets ``UnitNotVisible``.

Aggregation happens in the database: a balance is one ``SUM`` over the
``(unit, booking_date)`` index, a statement page one windowed query, so the
number of queries is fixed and the cost follows the index, not the history.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Count,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    RowRange,
    Sum,
    Window,
)
from django.db.models.functions import Lag
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from ledger.models import (
    ChargeComponent,
    ChargeSchedule,
    DataImport,
    HousingCommunity,
    LedgerEntry,
    Loan,
    LoanEntry,
    Membership,
    Meter,
    MeterReading,
    Party,
    Unit,
    UnitRight,
)

GROSZ = Decimal("0.01")
ZERO = Decimal("0.00")

#: Statement rows per page, unless the caller asks otherwise.
STATEMENT_PAGE_SIZE = 50


class UnitNotVisible(Http404):
    """The party holds no right to the unit (or the unit does not exist).

    A subclass of ``Http404`` so that a view that forgets to catch it still
    answers "not found" and never shows another member's data."""

    def __init__(self):
        super().__init__(_("No such unit."))


def money(value) -> Decimal:
    """``value`` (a Decimal, int, None or a database sum) as złoty and grosz,
    rounded half up; ``None`` (an empty sum) is zero."""
    if value is None:
        return ZERO
    return Decimal(value).quantize(GROSZ, rounding=ROUND_HALF_UP)


def month_start(day: dt.date) -> dt.date:
    """The first day of ``day``'s month: the accounting ``period`` of that month."""
    return day.replace(day=1)


def due_date_in_month(month: dt.date, due_day: int) -> dt.date:
    """``due_day`` of ``month``; a day past the month's end means its last day."""
    last = calendar.monthrange(month.year, month.month)[1]
    return month.replace(day=min(due_day, last))


# --- Rights and visibility --------------------------------------------------------


@dataclass(frozen=True)
class RightWindow:
    """The days (inclusive) during which a party sees a unit's entries."""

    valid_from: dt.date
    valid_to: dt.date | None

    def covers(self, day: dt.date) -> bool:
        return self.valid_from <= day and (
            self.valid_to is None or day <= self.valid_to
        )


def _right_windows(*, party: Party, unit: Unit | int) -> list[RightWindow]:
    """The party's rights to the unit (one query). Raises ``UnitNotVisible``."""
    rows = UnitRight.objects.filter(party=party, unit=unit).values_list(
        "valid_from", "valid_to"
    )
    windows = [RightWindow(valid_from, valid_to) for valid_from, valid_to in rows]
    if not windows:
        raise UnitNotVisible
    return windows


def _window_filter(windows: list[RightWindow] | None, field_name: str) -> Q:
    """``field_name`` within any of the windows; everything when ``None``
    (staff views)."""
    if windows is None:
        return Q()
    condition = Q(pk__in=[])
    for window in windows:
        part = Q(**{f"{field_name}__gte": window.valid_from})
        if window.valid_to is not None:
            part &= Q(**{f"{field_name}__lte": window.valid_to})
        condition |= part
    return condition


def _covers(windows: list[RightWindow] | None, day: dt.date) -> bool:
    return windows is None or any(window.covers(day) for window in windows)


def units_for_party(*, party: Party, on: dt.date) -> QuerySet[Unit]:
    """Units the party holds a right to on day ``on``, with building, estate
    (and its office) and community loaded, ordered by address."""
    valid_rights = UnitRight.objects.valid_on(on).filter(
        party=party, unit=OuterRef("pk")
    )
    return (
        Unit.objects.filter(Exists(valid_rights))
        .select_related("building__estate", "building__community")
        .order_by("zone", "building__address", "number")
    )


def unit_for_party(*, party: Party, unit_id: int, on: dt.date) -> Unit:
    """One unit the party holds a right to on ``on``; ``UnitNotVisible`` for
    any other id (including another member's unit)."""
    try:
        return units_for_party(party=party, on=on).get(pk=unit_id)
    except (Unit.DoesNotExist, ValueError, TypeError):
        raise UnitNotVisible from None


def rights_for_party(*, party: Party, on: dt.date) -> QuerySet[UnitRight]:
    """The party's rights valid on ``on``, with their units."""
    return (
        UnitRight.objects.valid_on(on)
        .filter(party=party)
        .select_related("unit__building__estate")
        .order_by("unit__building__address", "unit__number")
    )


def communities_for_party(*, party: Party, on: dt.date) -> QuerySet[HousingCommunity]:
    """Housing communities in which the party holds a unit on ``on`` (whose
    notices it may read: zone 5 of rules §III.2)."""
    valid_rights = UnitRight.objects.valid_on(on).filter(
        party=party, unit__building__community=OuterRef("pk")
    )
    return HousingCommunity.objects.filter(Exists(valid_rights)).order_by("name")


# --- Balance ------------------------------------------------------------------------


@dataclass(frozen=True)
class Balance:
    """A unit's balance for a party as of a day. ``booked`` is the sum of the
    entries dated up to that day, ``simulated`` the current month's scheduled
    charges not booked yet (negative, rules §III.4). Negative total = arrears."""

    as_of: dt.date
    booked: Decimal
    simulated: Decimal

    @property
    def total(self) -> Decimal:
        return self.booked + self.simulated

    @property
    def arrears(self) -> Decimal:
        """What the resident owes (positive), or zero."""
        return max(-self.total, ZERO)

    @property
    def overpayment(self) -> Decimal:
        """What the resident has paid in advance (positive), or zero."""
        return max(self.total, ZERO)


def _booked_charge_exists(*, unit, month: dt.date, on: dt.date) -> Exists:
    """Whether the unit's charge for the schedule's component and ``month`` is
    booked by ``on`` (unit-wide: a charge booked for a previous holder is not
    simulated again for the next one)."""
    return Exists(
        LedgerEntry.objects.filter(
            unit=unit,
            period=month,
            kind=LedgerEntry.Kind.CHARGE,
            component=OuterRef("component"),
            booking_date__lte=on,
        )
    )


def _pending_schedules(*, unit, on: dt.date) -> QuerySet[ChargeSchedule]:
    """Schedules valid on ``on`` whose charge for ``on``'s month is not booked."""
    month = month_start(on)
    return (
        ChargeSchedule.objects.valid_on(on)
        .filter(unit=unit)
        .exclude(_booked_charge_exists(unit=unit, month=month, on=on))
    )


def _simulated_total(*, unit, on: dt.date, windows) -> Decimal:
    if not _covers(windows, on):
        return ZERO
    total = _pending_schedules(unit=unit, on=on).aggregate(s=Sum("monthly_amount"))
    return -money(total["s"])


def _booked_total(*, unit, on: dt.date, windows) -> Decimal:
    total = (
        LedgerEntry.objects.filter(unit=unit, booking_date__lte=on)
        .filter(_window_filter(windows, "booking_date"))
        .aggregate(s=Sum("amount"))
    )
    return money(total["s"])


def balance(*, party: Party, unit: Unit | int, on: dt.date) -> Balance:
    """The unit's balance as the party sees it on day ``on`` (rules §III.4):
    every entry booked up to ``on`` within the party's rights, plus the
    current month's scheduled charges for each component whose charge for that
    month is not booked yet. Entries dated after ``on`` are left out.
    Three queries whatever the length of the history."""
    windows = _right_windows(party=party, unit=unit)
    return Balance(
        as_of=on,
        booked=_booked_total(unit=unit, on=on, windows=windows),
        simulated=_simulated_total(unit=unit, on=on, windows=windows),
    )


@dataclass(frozen=True)
class MonthCharge:
    """One component's charge for the current month: booked, or ``simulated``
    from the schedule. ``amount`` is what is owed (positive)."""

    component: ChargeComponent
    amount: Decimal
    due_date: dt.date | None
    simulated: bool


@dataclass(frozen=True)
class Payment:
    booking_date: dt.date
    amount: Decimal
    document_number: str


@dataclass(frozen=True)
class BalanceBreakdown:
    """What the balance page shows. ``not_yet_due`` is owed but falls due after
    ``as_of`` (positive); ``balance_due`` is the balance without it (negative =
    overdue arrears)."""

    balance: Balance
    month_charges: list[MonthCharge]
    not_yet_due: Decimal
    last_payment: Payment | None
    last_import_at: dt.datetime | None

    @property
    def month_charges_total(self) -> Decimal:
        return sum((charge.amount for charge in self.month_charges), ZERO)

    @property
    def balance_due(self) -> Decimal:
        return self.balance.total + self.not_yet_due

    @property
    def overdue(self) -> Decimal:
        """Arrears already past their due date (positive), or zero."""
        return max(-self.balance_due, ZERO)

    @property
    def due_later(self) -> Decimal:
        """What falls due later this month, less any credit that covers it."""
        return max(self.balance.arrears - self.overdue, ZERO)


def balance_breakdown(
    *, party: Party, unit: Unit | int, on: dt.date
) -> BalanceBreakdown:
    """The balance with its parts: this month's charges by component, what has
    fallen due and what falls due later this month, the last payment and when
    the data were last imported. A fixed number of queries (six)."""
    windows = _right_windows(party=party, unit=unit)
    return _breakdown(unit=unit, on=on, windows=windows)


def balance_breakdown_for_staff(*, unit: Unit | int, on: dt.date) -> BalanceBreakdown:
    """The unit's balance breakdown for office staff: every entry, whoever
    held the unit."""
    return _breakdown(unit=unit, on=on, windows=None)


def _breakdown(*, unit, on: dt.date, windows) -> BalanceBreakdown:
    month = month_start(on)
    visible = Q(unit=unit, booking_date__lte=on) & _window_filter(
        windows, "booking_date"
    )

    # 1. The booked balance and the booked part owed but not yet due.
    totals = LedgerEntry.objects.filter(visible).aggregate(
        booked=Sum("amount"),
        not_yet_due=Sum("amount", filter=Q(amount__lt=0, due_date__gt=on)),
    )
    booked = money(totals["booked"])
    not_yet_due = -money(totals["not_yet_due"])

    # 2. This month's booked charges by component.
    month_charges = [
        MonthCharge(
            component=_component_from_row(row),
            amount=-money(row["total"]),
            due_date=row["due"],
            simulated=False,
        )
        for row in LedgerEntry.objects.filter(
            visible, period=month, kind=LedgerEntry.Kind.CHARGE
        )
        .values(
            "component_id",
            "component__code",
            "component__name",
            "component__ordering",
        )
        .annotate(total=Sum("amount"), due=Max("due_date"))
        .order_by()
    ]

    # 3. Scheduled charges not booked yet: the simulation.
    simulated = ZERO
    if _covers(windows, on):
        for schedule in _pending_schedules(unit=unit, on=on).select_related(
            "component"
        ):
            due = due_date_in_month(month, schedule.due_day)
            amount = money(schedule.monthly_amount)
            simulated -= amount
            if due > on:
                not_yet_due += amount
            month_charges.append(
                MonthCharge(schedule.component, amount, due, simulated=True)
            )
    month_charges.sort(key=_component_order)

    # 4. The last payment, 5. the last import.
    last = (
        LedgerEntry.objects.filter(visible, kind=LedgerEntry.Kind.PAYMENT)
        .order_by("-booking_date", "-id")
        .values("booking_date", "amount", "document_number")
        .first()
    )
    return BalanceBreakdown(
        balance=Balance(as_of=on, booked=booked, simulated=simulated),
        month_charges=month_charges,
        not_yet_due=not_yet_due,
        last_payment=Payment(**last) if last else None,
        last_import_at=last_import_at(),
    )


def _component_from_row(row) -> ChargeComponent | None:
    """A ChargeComponent from a ``values()`` row, without another query."""
    if row["component_id"] is None:
        return None
    return ChargeComponent(
        pk=row["component_id"],
        code=row["component__code"],
        name=row["component__name"],
        ordering=row["component__ordering"],
    )


def _component_order(charge: MonthCharge):
    component = charge.component
    return (component.ordering, component.code) if component else (-1, "")


def last_import_at() -> dt.datetime | None:
    """When the last successful import from the accounting system finished."""
    return DataImport.objects.filter(status=DataImport.Status.SUCCEEDED).aggregate(
        at=Max("finished_at")
    )["at"]


# --- Statement ----------------------------------------------------------------------


@dataclass
class Statement:
    """A ledger statement for ``[date_from, date_to]``: ``entries`` of one page,
    each with ``running_balance`` (the balance after it), the ``opening_balance``
    before ``date_from`` and the ``closing_balance`` at ``date_to``.
    ``pending_charges`` are the simulated charges of ``date_to``'s month, so
    ``closing_balance + pending_total`` equals ``balance(on=date_to).total``."""

    date_from: dt.date
    date_to: dt.date
    opening_balance: Decimal
    closing_balance: Decimal
    entries: list[LedgerEntry]
    page: int
    per_page: int
    count: int
    pending_charges: list[MonthCharge] = field(default_factory=list)

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.count // self.per_page))

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def is_last_page(self) -> bool:
        return self.page == self.num_pages

    @property
    def page_opening_balance(self) -> Decimal:
        """The balance before the first entry of this page."""
        if not self.entries:
            return self.closing_balance if self.page > 1 else self.opening_balance
        first = self.entries[0]
        return first.running_balance - first.amount

    @property
    def pending_total(self) -> Decimal:
        return -sum((charge.amount for charge in self.pending_charges), ZERO)

    @property
    def closing_with_pending(self) -> Decimal:
        return self.closing_balance + self.pending_total


def _statement(
    *, unit, windows, date_from: dt.date, date_to: dt.date, page: int, per_page: int
) -> Statement:
    in_rights = Q(unit=unit) & _window_filter(windows, "booking_date")
    in_period = Q(booking_date__gte=date_from, booking_date__lte=date_to)
    totals = LedgerEntry.objects.filter(in_rights, booking_date__lte=date_to).aggregate(
        opening=Sum("amount", filter=Q(booking_date__lt=date_from)),
        period=Sum("amount", filter=in_period),
        count=Count("id", filter=in_period),
    )
    opening = money(totals["opening"])
    count = totals["count"]
    num_pages = max(1, -(-count // per_page))
    page = min(max(1, page), num_pages)
    offset = (page - 1) * per_page

    entries = []
    if count:
        # The running sum over the period, computed by the database before the
        # page is cut, so every page continues where the last one ended.
        rows = (
            LedgerEntry.objects.filter(in_rights, in_period)
            .select_related("component")
            .annotate(
                running=Window(
                    Sum("amount"),
                    order_by=[F("booking_date").asc(), F("id").asc()],
                    frame=RowRange(start=None, end=0),
                )
            )
            .order_by("booking_date", "id")[offset : offset + per_page]
        )
        for entry in rows:
            entry.running_balance = opening + money(entry.running)
            entries.append(entry)

    statement = Statement(
        date_from=date_from,
        date_to=date_to,
        opening_balance=opening,
        closing_balance=opening + money(totals["period"]),
        entries=entries,
        page=page,
        per_page=per_page,
        count=count,
    )
    if _covers(windows, date_to):
        month = month_start(date_to)
        statement.pending_charges = [
            MonthCharge(
                schedule.component,
                money(schedule.monthly_amount),
                due_date_in_month(month, schedule.due_day),
                simulated=True,
            )
            for schedule in _pending_schedules(unit=unit, on=date_to)
            .select_related("component")
            .order_by("component__ordering", "component__code")
        ]
    return statement


def statement(
    *,
    party: Party,
    unit: Unit | int,
    date_from: dt.date,
    date_to: dt.date,
    page: int = 1,
    per_page: int = STATEMENT_PAGE_SIZE,
) -> Statement:
    """The unit's ledger from ``date_from`` to ``date_to`` (inclusive) as the
    party sees it, one page at a time, with opening, running and closing
    balances. Four queries whatever the length of the history; a page number
    past the end gives the last page."""
    windows = _right_windows(party=party, unit=unit)
    return _statement(
        unit=unit,
        windows=windows,
        date_from=date_from,
        date_to=date_to,
        page=page,
        per_page=per_page,
    )


def statement_for_staff(
    *,
    unit: Unit | int,
    date_from: dt.date,
    date_to: dt.date,
    page: int = 1,
    per_page: int = STATEMENT_PAGE_SIZE,
) -> Statement:
    """The whole ledger of a unit, for office staff (no right window)."""
    return _statement(
        unit=unit,
        windows=None,
        date_from=date_from,
        date_to=date_to,
        page=page,
        per_page=per_page,
    )


# --- Loans --------------------------------------------------------------------------


def loans_for_party(*, party: Party, unit: Unit | int) -> QuerySet[Loan]:
    """The unit's loans with their figures computed in the database:
    ``repaid``, ``interest``, ``corrections``, ``instalments_due``,
    ``instalments_due_count``, ``outstanding`` and ``arrears`` (docs/domain.md).
    The debt goes with the unit, so the figures are the whole loan's."""
    _right_windows(party=party, unit=unit)
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
    windows = _right_windows(party=party, unit=loan.unit_id)
    return LoanEntry.objects.filter(loan=loan).filter(_window_filter(windows, "date"))


# --- Meters -------------------------------------------------------------------------


def meters_for_party(*, party: Party, unit: Unit | int) -> QuerySet[Meter]:
    """The unit's meters (removed ones too), current ones first."""
    _right_windows(party=party, unit=unit)
    return Meter.objects.filter(unit=unit).order_by(
        F("removed_on").desc(nulls_first=True), "kind", "installed_on"
    )


def readings_for_party(*, party: Party, meter: Meter) -> QuerySet[MeterReading]:
    """Accepted readings of the meter dated within the party's rights, oldest
    first, each annotated with ``consumption`` since the previous accepted
    reading of the same meter (``None`` for the first)."""
    windows = _right_windows(party=party, unit=meter.unit_id)
    return (
        MeterReading.objects.filter(meter=meter, status=MeterReading.Status.ACCEPTED)
        .annotate(
            consumption=F("value")
            - Window(Lag("value"), order_by=[F("reading_date").asc(), F("id").asc()])
        )
        .filter(_window_filter(windows, "reading_date"))
        .order_by("reading_date", "id")
    )


def submitted_readings_for_party(*, party: Party, meter: Meter) -> QuerySet:
    """Readings of the meter submitted by residents and still pending or
    rejected, within the party's rights (newest first)."""
    windows = _right_windows(party=party, unit=meter.unit_id)
    return (
        MeterReading.objects.filter(meter=meter, source=MeterReading.Source.RESIDENT)
        .exclude(status=MeterReading.Status.ACCEPTED)
        .filter(_window_filter(windows, "reading_date"))
        .order_by("-reading_date", "-id")
    )


# --- Membership ---------------------------------------------------------------------


def memberships_for_party(*, party: Party) -> QuerySet[Membership]:
    """The party's membership records (normally one), newest first."""
    return Membership.objects.filter(party=party).order_by("-admission_date")
