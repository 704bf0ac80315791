"""Ledger statements: a unit's entries for a period with opening, running and
closing balances, and which payment settled which charge.

``statement_page`` is the one implementation, for a resident's scope or
office staff's; ``statement`` and ``statement_for_staff`` are its
party-checked and staff entry points.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from ledger.models import LedgerEntry, Party, Unit

from .balances import (
    MonthCharge,
    Totals,
    last_payment_params,
    last_payment_sql,
    month_charges,
    payment_found,
)
from .base import (
    CC,
    ES,
    LE,
    PAYMENT,
    STATEMENT_PAGE_SIZE,
    ZERO,
    Scope,
    money,
    parse_date,
    party_scope,
    rows,
    staff_scope,
    visible_sql,
)


@dataclass(frozen=True)
class PairedEntry:
    """The other side of a payment–charge pair, as the statement shows it."""

    pk: int
    booking_date: dt.date
    kind: str
    component_name: str

    @property
    def label(self) -> str:
        return self.component_name or str(LedgerEntry.Kind(self.kind).label)


@dataclass(frozen=True)
class Settlement:
    """A payment–charge pair shown next to an entry."""

    other: PairedEntry
    amount: Decimal


@dataclass
class StatementRow:
    """One ledger entry as statements, their CSV and the print show it."""

    pk: int
    booking_date: dt.date
    period: dt.date
    due_date: dt.date | None
    kind: str
    component_id: int | None
    component_name: str
    amount: Decimal
    document_number: str
    description: str
    running_balance: Decimal | None = None
    pairs: list[Settlement] = field(default_factory=list)

    def get_kind_display(self) -> str:
        return str(LedgerEntry.Kind(self.kind).label)

    @property
    def debit(self) -> Decimal | None:
        """What the entry adds to the amount owed ("Winien"), or None."""
        return -self.amount if self.amount < 0 else None

    @property
    def credit(self) -> Decimal | None:
        """What the entry pays or credits ("Ma"), or None."""
        return self.amount if self.amount > 0 else None


@dataclass
class Statement:
    """A unit's statement for ``[date_from, date_to]`` (optionally one ``kind``
    of entry): ``entries`` of one page, each with ``running_balance`` (the
    balance after it) when all kinds are listed, the ``opening_balance``
    before ``date_from`` and the ``closing_balance`` at ``date_to``.
    ``pending_charges`` are the simulated charges of ``date_to``'s month, so
    ``closing_balance + pending_total`` equals ``balance(on=date_to).total``."""

    date_from: dt.date
    date_to: dt.date
    opening_balance: Decimal
    closing_balance: Decimal
    entries: list[StatementRow]
    page: int
    per_page: int
    count: int
    kind: str | None = None
    period_total: Decimal = ZERO
    settlements: dict[int, list[Settlement]] = field(default_factory=dict)
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
    def shows_running_balance(self) -> bool:
        """A running balance over a filtered list would not be the unit's."""
        return self.kind is None

    @property
    def page_opening_balance(self) -> Decimal:
        """The balance before the first entry of this page."""
        if not self.entries or not self.shows_running_balance:
            return self.closing_balance if self.page > 1 else self.opening_balance
        first = self.entries[0]
        return first.running_balance - first.amount

    @property
    def pending_total(self) -> Decimal:
        return -sum((charge.amount for charge in self.pending_charges), ZERO)

    @property
    def closing_with_pending(self) -> Decimal:
        return self.closing_balance + self.pending_total


def statement_page(
    scope: Scope,
    *,
    date_from: dt.date,
    date_to: dt.date,
    kind: str | None = None,
    page: int = 1,
    per_page: int = STATEMENT_PAGE_SIZE,
    paginate: bool = True,
    balance_on: dt.date | None = None,
    pending: bool = False,
) -> tuple[Statement, Totals | None]:
    """The scope's statement, one page at a time (a page number past the end
    gives the last page; ``paginate=False`` gives every entry), and the pairs
    of the entries shown. Two queries whatever the length of the history, a
    third for the pairs when there are any, a fourth for ``pending`` charges.

    With ``balance_on`` (on or after ``date_to``) the same aggregate also
    gives the ``Totals`` as of that day, for ``breakdowns``: the member
    area's ledger page shows both."""
    until = balance_on or date_to
    visible, visible_params = visible_sql([scope])
    in_period = "le.booking_date BETWEEN %s AND %s"
    period_params = [date_from, date_to]
    if kind:
        listed, listed_params = (
            f"({in_period} AND le.kind = %s)",
            [
                *period_params,
                kind,
            ],
        )
    else:
        listed, listed_params = in_period, period_params

    lp_visible, lp_params = last_payment_params([scope], on=until)
    latest = last_payment_sql("%s").replace("{visible}", lp_visible)
    lp_params = [scope.unit_id, *lp_params[: len(lp_params) // 2]] * 2

    ((booked, not_due, opening, period, all_period, count, paid, paid_on),) = rows(
        f"""SELECT SUM(le.amount),
                   SUM(CASE WHEN le.amount < 0 AND le.due_date >= %s
                            THEN le.amount END),
                   SUM(CASE WHEN le.booking_date < %s THEN le.amount END),
                   SUM(CASE WHEN {listed} THEN le.amount END),
                   SUM(CASE WHEN {in_period} THEN le.amount END),
                   COUNT(CASE WHEN {listed} THEN 1 END),
                   {latest}
            FROM {LE} le
            WHERE le.booking_date <= %s AND {visible}""",  # noqa: S608 - only table names and placeholders
        [
            until,
            date_from,
            *listed_params,
            *period_params,
            *listed_params,
            *lp_params,
            until,
        ]
        + visible_params,
    )
    count = count or 0
    if not paginate:
        per_page = max(count, 1)
    num_pages = max(1, -(-count // per_page))
    page = min(max(1, page), num_pages)
    opening = money(opening)

    entries: list[StatementRow] = []
    paired = False
    if count:
        # The running sum is computed by the database over the whole period
        # before the page is cut, so every page continues where the last ended.
        for row in rows(
            f"""SELECT le.id, le.booking_date, le.period, le.due_date, le.kind,
                       le.component_id, cc.name, le.amount, le.document_number,
                       le.description,
                       (EXISTS (SELECT 1 FROM {ES} es WHERE es.payment_id = le.id)
                        OR EXISTS (SELECT 1 FROM {ES} es WHERE es.charge_id = le.id)),
                       SUM(le.amount) OVER (
                           ORDER BY le.booking_date, le.id
                           ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
                FROM {LE} le LEFT JOIN {CC} cc ON cc.id = le.component_id
                WHERE {listed} AND {visible}
                ORDER BY le.booking_date, le.id
                LIMIT %s OFFSET %s""",  # noqa: S608 - only table names and placeholders
            [*listed_params, *visible_params, per_page, (page - 1) * per_page],
        ):
            entries.append(
                StatementRow(
                    pk=row[0],
                    booking_date=parse_date(row[1]),
                    period=parse_date(row[2]),
                    due_date=parse_date(row[3]),
                    kind=row[4],
                    component_id=row[5],
                    component_name=row[6] or "",
                    amount=money(row[7]),
                    document_number=row[8],
                    description=row[9],
                    running_balance=None if kind else opening + money(row[11]),
                )
            )
            paired = paired or bool(row[10])

    # Only units whose accounting system exports the pairing have any.
    settlements = _settlements(entries, scope) if paired else {}
    for entry in entries:
        entry.pairs = settlements.get(entry.pk, [])
    result = Statement(
        date_from=date_from,
        date_to=date_to,
        opening_balance=opening,
        closing_balance=opening + money(all_period),
        entries=entries,
        page=page,
        per_page=per_page,
        count=count,
        kind=kind,
        period_total=money(period),
        settlements=settlements,
    )
    if pending:
        charges, _monthly = month_charges([scope], on=date_to)[scope.unit_id]
        result.pending_charges = [charge for charge in charges if charge.simulated]
    totals = (
        Totals(booked, not_due, payment_found(paid, paid_on)) if balance_on else None
    )
    return result, totals


def _settlements(entries, scope: Scope) -> dict[int, list[Settlement]]:
    """Which payment settled which charge, for the entries shown (one query).
    Only pairs whose both entries the scope shows: a payment never reveals a
    previous holder's charge."""
    ids = [
        entry.pk
        for entry in entries
        if entry.kind in (LedgerEntry.Kind.PAYMENT, LedgerEntry.Kind.CHARGE)
    ]
    if not ids:
        return {}
    placeholders = ", ".join(["%s"] * len(ids))
    payment_visible, payment_params = visible_sql([scope], alias="p")
    charge_visible, charge_params = visible_sql([scope], alias="c")
    pairs = rows(
        f"""SELECT es.payment_id, p.booking_date, es.charge_id, c.booking_date,
                   c.kind, cc.name, es.amount
            FROM {ES} es
                 JOIN {LE} p ON p.id = es.payment_id
                 JOIN {LE} c ON c.id = es.charge_id
                 LEFT JOIN {CC} cc ON cc.id = c.component_id
            WHERE (es.payment_id IN ({placeholders})
                   OR es.charge_id IN ({placeholders}))
                  AND {payment_visible} AND {charge_visible}
            ORDER BY c.booking_date, p.booking_date, es.id""",  # noqa: S608 - only table names and placeholders
        [*ids, *ids, *payment_params, *charge_params],
    )
    shown = set(ids)
    result: dict[int, list[Settlement]] = {}
    for payment_id, paid_on, charge_id, charged_on, kind, component, amount in pairs:
        amount = money(amount)
        if payment_id in shown:
            other = PairedEntry(
                charge_id, parse_date(charged_on), kind, component or ""
            )
            result.setdefault(payment_id, []).append(Settlement(other, amount))
        if charge_id in shown:
            other = PairedEntry(payment_id, parse_date(paid_on), PAYMENT, "")
            result.setdefault(charge_id, []).append(Settlement(other, amount))
    return result


def _with_pending(scope: Scope, **period) -> Statement:
    result, _totals = statement_page(scope, pending=True, **period)
    return result


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
    balances and the charges of ``date_to``'s month still to be booked. At
    most five queries whatever the length of the history; a page number past
    the end gives the last page."""
    return _with_pending(
        party_scope(party=party, unit=unit),
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
    return _with_pending(
        staff_scope(unit),
        date_from=date_from,
        date_to=date_to,
        page=page,
        per_page=per_page,
    )
