"""Balances as of a day (rules §III.4) for one unit or many at once.

``breakdowns`` is the one implementation: every unit's booked balance, the
current month's charges by component (booked, or simulated from the schedule
when not booked yet), what has fallen due and what falls due later this
month, in two queries however many units and however long their history.
``balance`` and ``balance_breakdown`` are the same for one unit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Max

from ledger.caching import namespace
from ledger.models import ChargeComponent, DataImport, LedgerEntry, Party, Unit

from .base import (
    CC,
    CHARGE,
    CS,
    LE,
    PAYMENT,
    ZERO,
    Scope,
    due_date_in_month,
    money,
    month_start,
    parse_date,
    party_scope,
    rows,
    staff_scope,
    visible_sql,
    window_filter,
)

#: ``last_import_at``; bumped when an import record is saved (``ledger.apps``).
LAST_IMPORT_CACHE = namespace("ledger-import", timeout=60)


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


@dataclass(frozen=True)
class MonthCharge:
    """One component's charge for the current month: booked, or ``simulated``
    from the schedule. ``amount`` is what is owed (positive)."""

    component: ChargeComponent | None
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
    """What the balance page shows. ``not_yet_due`` is owed but falls due on or after
    ``as_of`` (positive); ``balance_due`` is the balance without it (negative =
    overdue arrears). ``monthly_charge`` is the charge in force that month by
    the schedules (every component, booked or not)."""

    balance: Balance
    month_charges: list[MonthCharge]
    not_yet_due: Decimal
    last_payment: Payment | None
    last_import_at: dt.datetime | None
    monthly_charge: Decimal = ZERO

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

    @property
    def next_due_date(self) -> dt.date | None:
        """The earliest due date on or after ``as_of`` among this month's charges
        (what ``due_later`` is to be paid by), or None."""
        dates = [
            charge.due_date
            for charge in self.month_charges
            if charge.due_date is not None
            and charge.due_date >= self.balance.as_of
            and charge.amount > 0
        ]
        return min(dates, default=None)

    @property
    def state(self) -> str:
        """Which words fit the balance (``ledger.formatting.balance_words``):
        ``"overdue"`` when something is past its due date, ``"due"`` when
        only charges not yet due are owed, ``"credit"`` when paid in
        advance, ``"zero"`` otherwise."""
        if self.overdue > 0:
            return "overdue"
        if self.due_later > 0:
            return "due"
        if self.balance.total > 0:
            return "credit"
        return "zero"


@dataclass(frozen=True)
class Totals:
    """The booked balance as of a day, the booked part owed but not yet due
    (negative, as in the books) and the last payment booked by that day."""

    booked: Decimal | None
    not_yet_due: Decimal | None
    last_payment: Payment | None = None


def last_payment_sql(unit: str, alias: str = "lp") -> str:
    """Two scalar subqueries (amount, booking date) of the latest payment of
    the unit ``unit`` (an SQL expression) booked by a day, for the aggregate
    queries of ``unit_totals`` and ``statement_page``. Parameters, for each of
    the two: the payment kind, the day, then ``visible_sql`` for ``alias``."""
    latest = (
        f"FROM {LE} {alias} WHERE {alias}.unit_id = {unit} AND {alias}.kind = %s "
        f"AND {alias}.booking_date <= %s AND {{visible}} "
        f"ORDER BY {alias}.booking_date DESC, {alias}.id DESC LIMIT 1"
    )
    return f"(SELECT {alias}.amount {latest}), (SELECT {alias}.booking_date {latest})"


def last_payment_params(scopes: list[Scope], *, on: dt.date, alias: str = "lp"):
    """The SQL and parameters of ``last_payment_sql`` for ``scopes``."""
    visible, params = visible_sql(scopes, alias=alias)
    return visible, [PAYMENT, on, *params] * 2


def payment_found(amount, booked_on) -> Payment | None:
    if amount is None:
        return None
    return Payment(parse_date(booked_on), money(amount), "")


def component_order(charge: MonthCharge):
    component = charge.component
    return (component.ordering, component.code) if component else (-1, "")


def unit_totals(scopes: list[Scope], *, on: dt.date) -> dict[int, Totals]:
    """``Totals`` as of ``on`` per unit, with the last payment (one query)."""
    visible, params = visible_sql(scopes)
    lp_visible, lp_params = last_payment_params(scopes, on=on)
    latest = last_payment_sql("le.unit_id").replace("{visible}", lp_visible)
    found = rows(
        f"""SELECT le.unit_id, SUM(le.amount),
                   SUM(CASE WHEN le.amount < 0 AND le.due_date >= %s
                            THEN le.amount END),
                   {latest}
            FROM {LE} le
            WHERE le.booking_date <= %s AND {visible}
            GROUP BY le.unit_id""",  # noqa: S608 - only table names and placeholders
        [on, *lp_params, on, *params],
    )
    return {
        unit_id: Totals(booked, not_due, payment_found(paid, paid_on))
        for unit_id, booked, not_due, paid, paid_on in found
    }


def month_charges(
    scopes: list[Scope], *, on: dt.date
) -> dict[int, tuple[list[MonthCharge], Decimal]]:
    """Per unit: this month's charges by component as of ``on`` (booked ones,
    and the schedules in force whose charge is not booked yet, ``simulated``,
    when ``on`` lies in the scope's windows), and the monthly charge in force
    (every schedule). One query.

    A charge counts as booked unit-wide: one booked for a previous holder is
    not simulated again for the next one."""
    month = month_start(on)
    unit_ids = [scope.unit_id for scope in scopes]
    if not unit_ids:
        return {}
    visible, params = visible_sql(scopes)
    placeholders = ", ".join(["%s"] * len(unit_ids))
    found = rows(
        f"""SELECT 'B', le.unit_id, le.component_id, cc.code, cc.name, cc.ordering,
                   SUM(le.amount), MAX(le.due_date), NULL, NULL
            FROM {LE} le LEFT JOIN {CC} cc ON cc.id = le.component_id
            WHERE le.booking_date <= %s AND le.period = %s AND le.kind = %s
                  AND {visible}
            GROUP BY le.unit_id, le.component_id, cc.code, cc.name, cc.ordering
            UNION ALL
            SELECT 'S', cs.unit_id, cc.id, cc.code, cc.name, cc.ordering,
                   cs.monthly_amount, NULL, cs.due_day,
                   CASE WHEN EXISTS (
                       SELECT 1 FROM {LE} b
                       WHERE b.unit_id = cs.unit_id AND b.period = %s
                             AND b.kind = %s AND b.component_id = cs.component_id
                             AND b.booking_date <= %s) THEN 1 ELSE 0 END
            FROM {CS} cs JOIN {CC} cc ON cc.id = cs.component_id
            WHERE cs.unit_id IN ({placeholders}) AND cs.valid_from <= %s
                  AND (cs.valid_to IS NULL OR cs.valid_to >= %s)""",  # noqa: S608 - only table names and placeholders
        [on, month, CHARGE, *params, month, CHARGE, on, *unit_ids, on, on],
    )
    charges: dict[int, list[MonthCharge]] = {pk: [] for pk in unit_ids}
    monthly: dict[int, Decimal] = dict.fromkeys(unit_ids, ZERO)
    in_window = {scope.unit_id: scope.covers(on) for scope in scopes}
    for (
        source,
        unit_id,
        cid,
        code,
        name,
        ordering,
        amount,
        due,
        due_day,
        booked,
    ) in found:
        component = (
            ChargeComponent(pk=cid, code=code, name=name, ordering=ordering)
            if cid is not None
            else None
        )
        if source == "B":
            charges[unit_id].append(
                MonthCharge(component, -money(amount), parse_date(due), simulated=False)
            )
            continue
        amount = money(amount)
        monthly[unit_id] += amount
        if not booked and in_window[unit_id]:
            due = due_date_in_month(month, due_day)
            charges[unit_id].append(MonthCharge(component, amount, due, simulated=True))
    return {
        pk: (sorted(charges[pk], key=component_order), monthly[pk]) for pk in unit_ids
    }


def breakdowns(
    scopes: list[Scope],
    *,
    on: dt.date,
    totals: dict[int, Totals] | None = None,
    last_import: dt.datetime | None = None,
) -> dict[int, BalanceBreakdown]:
    """Every scope's balance as of ``on`` with its breakdown (rules §III.4):
    two queries for all the units together, one when the caller has the
    ``totals`` already (``last_payment`` comes with them)."""
    if totals is None:
        totals = unit_totals(scopes, on=on)
    result = {}
    for unit_id, (charges, monthly) in month_charges(scopes, on=on).items():
        found = totals.get(unit_id) or Totals(None, None)
        simulated = [charge for charge in charges if charge.simulated]
        result[unit_id] = BalanceBreakdown(
            balance=Balance(
                as_of=on,
                booked=money(found.booked),
                simulated=-sum((charge.amount for charge in simulated), ZERO),
            ),
            month_charges=charges,
            not_yet_due=-money(found.not_yet_due)
            + sum((c.amount for c in simulated if c.due_date >= on), ZERO),
            last_payment=found.last_payment,
            last_import_at=last_import,
            monthly_charge=monthly,
        )
    return result


def last_payment(scope: Scope, *, on: dt.date) -> Payment | None:
    """The latest payment the scope shows, booked by ``on`` (one query)."""
    last = (
        LedgerEntry.objects.filter(
            window_filter(scope.windows, "booking_date"),
            unit_id=scope.unit_id,
            booking_date__lte=on,
            kind=LedgerEntry.Kind.PAYMENT,
        )
        .order_by("-booking_date", "-id")
        .values("booking_date", "amount", "document_number")
        .first()
    )
    return Payment(**last) if last else None


def _breakdown(scope: Scope, *, on: dt.date) -> BalanceBreakdown:
    return breakdowns([scope], on=on, last_import=last_import_at())[scope.unit_id]


def balance(*, party: Party, unit: Unit | int, on: dt.date) -> Balance:
    """The unit's balance as the party sees it on day ``on`` (rules §III.4):
    every entry booked up to ``on`` within the party's rights, plus the
    current month's scheduled charges for each component whose charge for that
    month is not booked yet. Entries dated after ``on`` are left out.
    Three queries whatever the length of the history."""
    scope = party_scope(party=party, unit=unit)
    return breakdowns([scope], on=on)[scope.unit_id].balance


def balance_breakdown(
    *, party: Party, unit: Unit | int, on: dt.date
) -> BalanceBreakdown:
    """The balance with its parts: this month's charges by component, what has
    fallen due and what falls due later this month, the last payment and when
    the data were last imported. A fixed number of queries (at most four)."""
    return _breakdown(party_scope(party=party, unit=unit), on=on)


def balance_breakdown_for_staff(*, unit: Unit | int, on: dt.date) -> BalanceBreakdown:
    """The unit's balance breakdown for office staff: every entry, whoever
    held the unit."""
    return _breakdown(staff_scope(unit), on=on)


def last_import_at() -> dt.datetime | None:
    """When the last successful import from the accounting system finished,
    kept for a minute in the cache (every member page shows it); a saved
    import record starts a new cache version at once."""
    return LAST_IMPORT_CACHE.get_or_set(
        ("last-import",),
        lambda: DataImport.objects.filter(status=DataImport.Status.SUCCEEDED).aggregate(
            at=Max("finished_at")
        )["at"],
    )
