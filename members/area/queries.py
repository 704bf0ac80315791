"""Reads of the member area that ``ledger.queries`` does not offer.

``ledger.queries`` answers for one unit at a time (a balance is three to six
queries). The dashboard shows every unit of a resident, and the ledger page
shows a unit's statement together with its balance, so both would cost a
number of queries that grows with the number of units. The functions here
compute the same figures **for all of a party's units at once**, in a fixed
number of queries, with the same rules: the visibility windows, the §III.4
simulation and the due-date split come from ``ledger.queries`` (its helpers
and dataclasses), and tests/area/test_queries.py checks every figure against
``ledger.queries.balance_breakdown`` and ``ledger.queries.statement``.

Every function takes the ``party`` as a required keyword argument and returns
only that party's data; an id that is not the party's raises ``Http404``.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.db import connection
from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import Http404

from ledger import queries as ledger_queries
from ledger.models import (
    Building,
    ChargeComponent,
    ChargeSchedule,
    DataImport,
    EntrySettlement,
    Estate,
    HousingCommunity,
    LedgerEntry,
    Loan,
    Meter,
    MeterReading,
    Party,
    Unit,
    UnitRight,
)
from ledger.queries import (
    ZERO,
    Balance,
    BalanceBreakdown,
    MonthCharge,
    RightWindow,
    UnitNotVisible,
    due_date_in_month,
    money,
    month_start,
)
from members.area_models import ContactChangeRequest, DiscrepancyReport

LAST_IMPORT_CACHE_KEY = "iok:area:last-import"
LAST_IMPORT_CACHE_SECONDS = 60


# --- Units and rights -----------------------------------------------------------------


@dataclass
class UnitSummary:
    """One unit of the resident as the dashboard and the ledger page show it:
    the balance as of ``on`` with its breakdown (rules §III.4), and the
    monthly charge in force that day (every component, booked or not)."""

    unit: Unit
    rights: list[UnitRight]
    windows: list[RightWindow]
    breakdown: BalanceBreakdown | None = None
    monthly_charge: Decimal = ZERO
    first_day: dt.date | None = None

    @property
    def balance(self) -> Balance:
        return self.breakdown.balance

    @property
    def estate(self):
        return self.unit.building.estate

    @property
    def community(self):
        return self.unit.building.community

    @property
    def right_kinds(self) -> list[str]:
        return [right.get_kind_display() for right in self.rights]


# The party's rights with their unit, building, estate and community, as
# ``select_related`` would load them, in SQL written once: compiling the
# six-table queryset cost more than the database spends answering it, on every
# member page. The columns are every concrete field of each model, so the
# instances are complete.
_RIGHT_MODELS = (
    ("r", UnitRight, None),
    ("p", Party, ("r", "party")),
    ("u", Unit, ("r", "unit")),
    ("b", Building, ("u", "building")),
    ("e", Estate, ("b", "estate")),
    ("c", HousingCommunity, ("b", "community")),
)


@functools.cache
def _rights_sql() -> tuple[str, list[tuple]]:
    columns, layout = [], []
    for alias, model, _parent in _RIGHT_MODELS:
        fields = model._meta.concrete_fields
        columns += [f"{alias}.{connection.ops.quote_name(f.column)}" for f in fields]
        # What the ORM applies to each column (SQLite: dates, decimals …).
        converters = []
        for index, model_field in enumerate(fields):
            column = model_field.get_col(alias)
            found = connection.ops.get_db_converters(
                column
            ) + model_field.get_db_converters(connection)
            converters += [(index, converter, column) for converter in found]
        layout.append((model, [f.attname for f in fields], converters))
    table = {model: model._meta.db_table for _alias, model, _parent in _RIGHT_MODELS}
    sql = f"""SELECT {", ".join(columns)}
        FROM {table[UnitRight]} r
             JOIN {table[Party]} p ON p.id = r.party_id
             JOIN {table[Unit]} u ON u.id = r.unit_id
             JOIN {table[Building]} b ON b.id = u.building_id
             JOIN {table[Estate]} e ON e.id = b.estate_id
             LEFT JOIN {table[HousingCommunity]} c ON c.id = b.community_id
        WHERE r.party_id = %s"""  # noqa: S608 - only table and column names
    return sql, layout


def _right_rows(*, party: Party, unit_id: int | None) -> list[UnitRight]:
    """The party's rights (to ``unit_id`` only, if given) with their related
    objects loaded, oldest first (one query)."""
    sql, layout = _rights_sql()
    params = [party.pk]
    if unit_id is not None:
        sql += " AND r.unit_id = %s"
        params.append(unit_id)
    db = connection.alias
    rights = []
    for row in _rows(sql + " ORDER BY r.valid_from, r.id", params):
        instances, offset = {}, 0
        for (alias, _model, parent), (model, attnames, converters) in zip(
            _RIGHT_MODELS, layout, strict=True
        ):
            values = list(row[offset : offset + len(attnames)])
            offset += len(attnames)
            for index, converter, column in converters:
                values[index] = converter(values[index], column, connection)
            instance = (
                model.from_db(db, attnames, values) if values[0] is not None else None
            )
            instances[alias] = instance
            if parent is not None:
                owner, name = parent
                if instances[owner] is not None:
                    model_field = instances[owner]._meta.get_field(name)
                    model_field.set_cached_value(instances[owner], instance)
        rights.append(instances["r"])
    return rights


def _rights_by_unit(
    *, party: Party, on: dt.date, unit_id: int | None = None
) -> dict[int, UnitSummary]:
    """The party's rights grouped by unit, for units with a right valid on
    ``on`` (one query). Past rights still give visibility windows: a resident
    who bought the flat they used to rent sees both periods."""
    grouped: dict[int, UnitSummary] = {}
    for right in _right_rows(party=party, unit_id=unit_id):
        summary = grouped.setdefault(
            right.unit_id, UnitSummary(unit=right.unit, rights=[], windows=[])
        )
        window = RightWindow(right.valid_from, right.valid_to)
        summary.windows.append(window)
        if window.covers(on):
            summary.rights.append(right)
    current = {
        unit_id: summary for unit_id, summary in grouped.items() if summary.rights
    }
    for summary in current.values():
        summary.first_day = min(window.valid_from for window in summary.windows)
    return current


ZONE_ORDER = {zone: index for index, zone in enumerate(Unit.Zone.values)}


def _sort_key(summary: UnitSummary):
    """Cooperative stock first, then housing communities (rules §III.2)."""
    unit = summary.unit
    return (ZONE_ORDER.get(unit.zone, 99), unit.building.address, unit.number)


# The hot reads below are written in SQL rather than built with the ORM: the
# dashboard and the ledger page run them on every view, and compiling the
# equivalent querysets (Exists, filtered aggregates, a window) cost more CPU
# than the database spends answering them. The SQL is portable (PostgreSQL and
# SQLite) and uses the indexes of docs/domain.md; tests/area/test_queries.py
# checks every figure against ledger.queries.

LE = LedgerEntry._meta.db_table
CS = ChargeSchedule._meta.db_table
CC = ChargeComponent._meta.db_table
ES = EntrySettlement._meta.db_table
CHARGE = LedgerEntry.Kind.CHARGE.value
PAYMENT = LedgerEntry.Kind.PAYMENT.value


def _date(value) -> dt.date | None:
    """A date from a raw row (SQLite returns ISO strings)."""
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _visible_sql(summaries, alias: str = "le") -> tuple[str, list]:
    """Entries of the given units inside each unit's right windows, as an SQL
    condition on the ledger table ``alias`` (inclusive ranges)."""
    parts, params = [], []
    for summary in summaries:
        windows = []
        params.append(summary.unit.pk)
        for window in summary.windows:
            if window.valid_to is None:
                windows.append(f"{alias}.booking_date >= %s")
                params.append(window.valid_from)
            else:
                windows.append(f"{alias}.booking_date BETWEEN %s AND %s")
                params.extend([window.valid_from, window.valid_to])
        parts.append(f"({alias}.unit_id = %s AND ({' OR '.join(windows)}))")
    if not parts:
        return "1 = 0", []
    return "(" + " OR ".join(parts) + ")", params


def _rows(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _unit_totals(summaries, *, on: dt.date) -> dict[int, dict]:
    """Booked balance as of ``on`` and the booked part owed but not yet due,
    per unit (one query)."""
    visible, params = _visible_sql(summaries)
    rows = _rows(
        f"""SELECT le.unit_id, SUM(le.amount),
                   SUM(CASE WHEN le.amount < 0 AND le.due_date > %s
                            THEN le.amount END)
            FROM {LE} le
            WHERE le.booking_date <= %s AND {visible}
            GROUP BY le.unit_id""",  # noqa: S608 - only table names and placeholders
        [on, on, *params],
    )
    return {
        unit_id: {"booked": booked, "not_yet_due": not_due}
        for unit_id, booked, not_due in rows
    }


def _fill_balances(
    summaries: list[UnitSummary],
    *,
    on: dt.date,
    last_import: dt.datetime | None,
    totals: dict[int, dict] | None = None,
) -> None:
    """Compute each summary's ``breakdown`` and ``monthly_charge`` as of ``on``
    (rules §III.4, as ``ledger.queries.balance_breakdown``): two queries for
    all the units together, one when the caller gives the ``totals``."""
    if not summaries:
        return
    month = month_start(on)
    unit_ids = [summary.unit.pk for summary in summaries]
    if totals is None:
        totals = _unit_totals(summaries, on=on)

    # This month's booked charges by unit and component ("B" rows), and the
    # schedules in force ("S" rows): the monthly charge, and the simulation of
    # the components whose charge for this month is not booked yet (unit-wide,
    # as in ledger.queries: a charge booked for a previous holder counts). One
    # query for both.
    visible, params = _visible_sql(summaries)
    placeholders = ", ".join(["%s"] * len(unit_ids))
    rows = _rows(
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
    month_charges: dict[int, list[MonthCharge]] = {pk: [] for pk in unit_ids}
    schedules = []
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
    ) in rows:
        component = (
            ChargeComponent(pk=cid, code=code, name=name, ordering=ordering)
            if cid is not None
            else None
        )
        if source == "B":
            month_charges[unit_id].append(
                MonthCharge(component, -money(amount), _date(due), simulated=False)
            )
        else:
            schedules.append((unit_id, amount, due_day, component, booked))
    monthly: dict[int, Decimal] = dict.fromkeys(unit_ids, ZERO)
    simulated: dict[int, Decimal] = dict.fromkeys(unit_ids, ZERO)
    not_yet_due: dict[int, Decimal] = {
        pk: -money((totals.get(pk) or {}).get("not_yet_due")) for pk in unit_ids
    }
    by_unit = {summary.unit.pk: summary for summary in summaries}
    for unit_id, amount, due_day, component, booked in schedules:
        amount = money(amount)
        monthly[unit_id] += amount
        if booked or not ledger_queries._covers(by_unit[unit_id].windows, on):
            continue
        due = due_date_in_month(month, due_day)
        simulated[unit_id] -= amount
        if due > on:
            not_yet_due[unit_id] += amount
        month_charges[unit_id].append(
            MonthCharge(component, amount, due, simulated=True)
        )

    for summary in summaries:
        pk = summary.unit.pk
        charges = sorted(month_charges[pk], key=ledger_queries._component_order)
        summary.monthly_charge = monthly[pk]
        summary.breakdown = BalanceBreakdown(
            balance=Balance(
                as_of=on,
                booked=money((totals.get(pk) or {}).get("booked")),
                simulated=simulated[pk],
            ),
            month_charges=charges,
            not_yet_due=not_yet_due[pk],
            last_payment=None,
            last_import_at=last_import,
        )


def last_import_at() -> dt.datetime | None:
    """``ledger.queries.last_import_at`` kept for a minute in the cache (every
    member page shows it); a finished import clears it at once."""
    sentinel = "none"
    value = cache.get(LAST_IMPORT_CACHE_KEY)
    if value is None:
        value = ledger_queries.last_import_at() or sentinel
        cache.set(LAST_IMPORT_CACHE_KEY, value, LAST_IMPORT_CACHE_SECONDS)
    return None if value == sentinel else value


@receiver(post_save, sender=DataImport, dispatch_uid="members.area.import_saved")
def _forget_last_import(sender, **kwargs):
    cache.delete(LAST_IMPORT_CACHE_KEY)


def unit_summaries(*, party: Party, on: dt.date) -> list[UnitSummary]:
    """Every unit the party holds a right to on ``on``, with its balance as of
    that day, ordered by zone and address. Three queries (plus the cached
    import time) however many units and however long their history."""
    summaries = sorted(_rights_by_unit(party=party, on=on).values(), key=_sort_key)
    _fill_balances(summaries, on=on, last_import=last_import_at())
    return summaries


def current_units(*, party: Party, on: dt.date) -> list[UnitSummary]:
    """The party's units on ``on`` without balances (one query)."""
    return sorted(_rights_by_unit(party=party, on=on).values(), key=_sort_key)


def unit_summary(*, party: Party, unit_id: int, on: dt.date) -> UnitSummary:
    """One unit of the party without its balance (one query); ``Http404`` for
    any unit the party holds no right to on ``on``."""
    try:
        unit_id = int(unit_id)
    except (TypeError, ValueError):
        raise UnitNotVisible from None
    summary = _rights_by_unit(party=party, on=on, unit_id=unit_id).get(unit_id)
    if summary is None:
        raise UnitNotVisible
    return summary


# --- The ledger page ------------------------------------------------------------------


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
    """One ledger entry as the statement, its CSV and the print show it."""

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
    pairs: list = field(default_factory=list)

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
class LedgerPage:
    """A unit's statement for ``[date_from, date_to]`` (optionally one kind of
    entry) with the balance as of today. ``running_balance`` is set on each
    entry only when all kinds are listed: a running balance over a filtered
    list would not be the unit's balance."""

    summary: UnitSummary
    date_from: dt.date
    date_to: dt.date
    kind: str | None
    opening_balance: Decimal
    closing_balance: Decimal
    period_total: Decimal
    entries: list[StatementRow]
    page: int
    per_page: int
    count: int
    settlements: dict[int, list[Settlement]] = field(default_factory=dict)

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
    def shows_running_balance(self) -> bool:
        return self.kind is None


def unit_ledger(
    *,
    party: Party,
    unit_id: int,
    on: dt.date,
    date_from: dt.date,
    date_to: dt.date,
    kind: str | None = None,
    page: int = 1,
    per_page: int = ledger_queries.STATEMENT_PAGE_SIZE,
    paginate: bool = True,
    summary: UnitSummary | None = None,
) -> LedgerPage:
    """The ledger page of one of the party's units: the statement (opening
    balance, entries with running balance, closing balance) and the balance as
    of ``on`` with this month's breakdown, and the payment–charge pairs of the
    entries shown. ``date_to`` is capped at ``on``. Four or five queries
    whatever the length of the history (the pairs only when there are any);
    ``paginate=False`` returns every entry (print).
    ``summary`` is the unit as ``unit_summary`` returned it, if the caller has
    it already (it must be this party's and this unit's)."""
    if summary is None or summary.unit.pk != int(unit_id):
        summary = unit_summary(party=party, unit_id=unit_id, on=on)
    date_to = min(date_to, on)
    date_from = min(date_from, date_to)
    visible, visible_params = _visible_sql([summary])
    in_period = "le.booking_date BETWEEN %s AND %s"
    period_params = [date_from, date_to]
    if kind:
        listed, listed_params = (
            f"({in_period} AND le.kind = %s)",
            [*period_params, kind],
        )
    else:
        listed, listed_params = in_period, period_params

    # One aggregate for both the balance as of today and the statement.
    ((booked, not_due, opening, period, all_period, count),) = _rows(
        f"""SELECT SUM(le.amount),
                   SUM(CASE WHEN le.amount < 0 AND le.due_date > %s
                            THEN le.amount END),
                   SUM(CASE WHEN le.booking_date < %s THEN le.amount END),
                   SUM(CASE WHEN {listed} THEN le.amount END),
                   SUM(CASE WHEN {in_period} THEN le.amount END),
                   COUNT(CASE WHEN {listed} THEN 1 END)
            FROM {LE} le
            WHERE le.booking_date <= %s AND {visible}""",  # noqa: S608 - only table names and placeholders
        [on, date_from, *listed_params, *period_params, *listed_params, on]
        + visible_params,
    )
    _fill_balances(
        [summary],
        on=on,
        last_import=last_import_at(),
        totals={summary.unit.pk: {"booked": booked, "not_yet_due": not_due}},
    )
    count = count or 0
    if not paginate:
        per_page = max(count, 1)
    num_pages = max(1, -(-count // per_page))
    page = min(max(1, page), num_pages)
    offset = (page - 1) * per_page
    opening = money(opening)

    entries: list[StatementRow] = []
    paired = False
    if count:
        # The running sum is computed by the database over the whole period
        # before the page is cut, as in ledger.queries.statement.
        for row in _rows(
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
            [*listed_params, *visible_params, per_page, offset],
        ):
            entry = StatementRow(
                pk=row[0],
                booking_date=_date(row[1]),
                period=_date(row[2]),
                due_date=_date(row[3]),
                kind=row[4],
                component_id=row[5],
                component_name=row[6] or "",
                amount=money(row[7]),
                document_number=row[8],
                description=row[9],
            )
            entry.running_balance = opening + money(row[11]) if not kind else None
            entries.append(entry)
            paired = paired or bool(row[10])

    # Only units whose accounting system exports the pairing have any.
    settlements = _settlements(entries, summary) if paired else {}
    for entry in entries:
        entry.pairs = settlements.get(entry.pk, [])
    return LedgerPage(
        summary=summary,
        date_from=date_from,
        date_to=date_to,
        kind=kind,
        opening_balance=opening,
        closing_balance=opening + money(all_period),
        period_total=money(period),
        entries=entries,
        page=page,
        per_page=per_page,
        count=count,
        settlements=settlements,
    )


def _settlements(entries, summary: UnitSummary) -> dict[int, list[Settlement]]:
    """Which payment settled which charge, for the entries shown (one query).
    Only pairs whose both entries the party may see: a payment never reveals a
    previous holder's charge."""
    ids = [
        entry.pk
        for entry in entries
        if entry.kind in (LedgerEntry.Kind.PAYMENT, LedgerEntry.Kind.CHARGE)
    ]
    if not ids:
        return {}
    placeholders = ", ".join(["%s"] * len(ids))
    payment_visible, payment_params = _visible_sql([summary], alias="p")
    charge_visible, charge_params = _visible_sql([summary], alias="c")
    pairs = _rows(
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
            other = PairedEntry(charge_id, _date(charged_on), kind, component or "")
            result.setdefault(payment_id, []).append(Settlement(other, amount))
        if charge_id in shown:
            other = PairedEntry(payment_id, _date(paid_on), PAYMENT, "")
            result.setdefault(charge_id, []).append(Settlement(other, amount))
    return result


def ledger_years(summary: UnitSummary, *, on: dt.date) -> list[int]:
    """Years the party can choose on the ledger page, newest first."""
    first = summary.first_day or on
    return list(range(on.year, first.year - 1, -1))


# --- Loans ----------------------------------------------------------------------------


def _held_on(*, party: Party, on: dt.date, unit_field: str = "unit") -> Exists:
    return Exists(
        UnitRight.objects.valid_on(on).filter(party=party, unit=OuterRef(unit_field))
    )


def loans_for_units(*, party: Party, on: dt.date) -> QuerySet[Loan]:
    """The loans of every unit the party holds on ``on``, with the figures of
    ``ledger.queries.loans_with_figures`` (one query)."""
    return (
        ledger_queries.loans_with_figures()
        .filter(_held_on(party=party, on=on))
        .select_related("unit__building__estate")
        .order_by("unit__zone", "unit__building__address", "unit__number", "granted_on")
    )


def loan_for_party(*, party: Party, loan_id: int, on: dt.date) -> Loan:
    """One loan of a unit the party holds; ``Http404`` for any other id."""
    loan = loans_for_units(party=party, on=on).filter(pk=loan_id).first()
    if loan is None:
        raise Http404
    return loan


# --- Meters ---------------------------------------------------------------------------


def meters_for_units(*, party: Party, on: dt.date) -> QuerySet[Meter]:
    """Meters of every unit the party holds on ``on`` (current ones first),
    each with its last accepted reading (``last_value``, ``last_date``) and the
    number of the resident's readings waiting for review (one query)."""
    last = MeterReading.objects.filter(
        meter=OuterRef("pk"), status=MeterReading.Status.ACCEPTED
    ).order_by("-reading_date", "-id")
    return (
        Meter.objects.filter(_held_on(party=party, on=on))
        .select_related("unit__building")
        .annotate(
            last_value=Subquery(last.values("value")[:1]),
            last_date=Subquery(last.values("reading_date")[:1]),
            pending_count=Count(
                "readings",
                filter=Q(readings__status=MeterReading.Status.PENDING),
            ),
        )
        .order_by(
            "unit__zone",
            "unit__building__address",
            "unit__number",
            F("removed_on").desc(nulls_first=True),
            "kind",
            "installed_on",
        )
    )


def meter_for_party(*, party: Party, meter_id: int, on: dt.date) -> Meter:
    """One meter of a unit the party holds; ``Http404`` for any other id."""
    meter = (
        Meter.objects.filter(_held_on(party=party, on=on), pk=meter_id)
        .select_related("unit__building", "replaces")
        .first()
    )
    if meter is None:
        raise Http404
    return meter


def last_accepted_reading(*, meter: Meter, before: dt.date | None = None):
    """The meter's latest accepted reading (on or before ``before``), or None."""
    readings = MeterReading.objects.filter(
        meter=meter, status=MeterReading.Status.ACCEPTED
    )
    if before is not None:
        readings = readings.filter(reading_date__lte=before)
    return readings.order_by("-reading_date", "-id").first()


def next_accepted_reading(*, meter: Meter, after: dt.date):
    """The meter's earliest accepted reading after ``after``, or None."""
    return (
        MeterReading.objects.filter(
            meter=meter, status=MeterReading.Status.ACCEPTED, reading_date__gt=after
        )
        .order_by("reading_date", "id")
        .first()
    )


# --- Reports, contact changes, notices ------------------------------------------------


def reports_for_party(*, party: Party) -> QuerySet[DiscrepancyReport]:
    return DiscrepancyReport.objects.filter(party=party).select_related(
        "unit__building"
    )


def report_for_party(*, party: Party, report_id: int) -> DiscrepancyReport:
    """One of the party's reports; ``Http404`` for any other id."""
    report = reports_for_party(party=party).filter(pk=report_id).first()
    if report is None:
        raise Http404
    return report


def contact_requests_for_party(*, party: Party) -> QuerySet[ContactChangeRequest]:
    return ContactChangeRequest.objects.filter(party=party)


@dataclass(frozen=True)
class NoticeLink:
    """What the dashboard shows of a notice (kept in the cache)."""

    pk: int
    title: str
    url: str
    date: dt.date
    is_residents_only: bool
    pinned: bool


NOTICES_CACHE_SECONDS = 60
NOTICES_VERSION_KEY = "iok:area:notices-version"


def cooperative_notices(*, user, limit: int | None = None):
    """The cooperative's current notices the user may read (public and
    residents-only, live), pinned first, newest first (``cms.queries``).

    With a ``limit`` (the dashboard) the short list is kept in the cache for a
    minute: the query checks page privacy and costs more than the rest of the
    dashboard. What a user may read depends only on being logged in, being a
    superuser and their groups, so users alike share one entry. Publishing,
    unpublishing or moving a page, or a change of page privacy, starts a new
    cache version at once."""
    from cms.queries import notices_for_listing

    if not limit:
        return notices_for_listing(user=user)
    version = cache.get_or_set(NOTICES_VERSION_KEY, 0, None)
    key = f"iok:area:notices:{version}:{_audience_key(user)}:{limit}"
    links = cache.get(key)
    if links is None:
        links = [
            NoticeLink(
                pk=notice.pk,
                title=notice.title,
                url=notice.url,
                date=notice.date,
                is_residents_only=notice.is_residents_only,
                pinned=notice.pinned,
            )
            for notice in notices_for_listing(user=user)[:limit]
        ]
        cache.set(key, links, NOTICES_CACHE_SECONDS)
    return links


def _audience_key(user) -> str:
    """Who ``user`` is for page privacy: anonymous, superuser, or a logged-in
    user with these groups (one small query)."""
    return _audience(user)[0]


def _audience(user) -> tuple[str, bool]:
    """``user``'s key for page privacy (anonymous, superuser, or logged in with
    these groups), and whether the user reads every housing community's notices
    (``cms.queries.can_read_every_community``). One small query: a resident
    with no group and no permission of their own is no staff member, so the
    permission check (two more queries) runs only for users who have some.
    Kept on the user object for the rest of the request."""
    audience = getattr(user, "_iok_audience", None)
    if audience is None:
        audience = user._iok_audience = _read_audience(user)
    return audience


def _read_audience(user) -> tuple[str, bool]:
    if not user.is_authenticated:
        return "anonymous", False
    if user.is_superuser:
        return "superuser", True
    user_model = user._meta
    groups_table = user_model.get_field("groups").remote_field.through._meta.db_table
    perms_table = user_model.get_field(
        "user_permissions"
    ).remote_field.through._meta.db_table
    rows = _rows(
        f"""SELECT 'g', group_id FROM {groups_table} WHERE user_id = %s
            UNION ALL
            SELECT 'p', permission_id FROM {perms_table} WHERE user_id = %s""",  # noqa: S608 - only table names and placeholders
        [user.pk, user.pk],
    )
    groups = sorted(value for source, value in rows if source == "g")
    key = "user-" + "-".join(str(group) for group in groups)
    if user.is_staff:
        return key, True
    if not rows:
        return key, False
    from cms.queries import can_read_every_community

    every = can_read_every_community(user)
    return (key + "-staff" if every else key), every


def _new_notices_version(**kwargs) -> None:
    try:
        cache.incr(NOTICES_VERSION_KEY)
    except ValueError:
        cache.set(NOTICES_VERSION_KEY, 1, None)


def _notices_changed(sender, instance=None, **kwargs) -> None:
    from wagtail.models import Page, PageViewRestriction

    if isinstance(instance, (Page, PageViewRestriction)):
        _new_notices_version()


def connect_notice_signals() -> None:
    from wagtail.signals import page_published, page_unpublished, post_page_move

    page_published.connect(_new_notices_version, dispatch_uid="area-notices-pub")
    page_unpublished.connect(_new_notices_version, dispatch_uid="area-notices-unpub")
    post_page_move.connect(_new_notices_version, dispatch_uid="area-notices-move")
    post_save.connect(_notices_changed, dispatch_uid="area-notices-save")
    post_delete.connect(_notices_changed, dispatch_uid="area-notices-delete")


def notice_for_user(*, user, notice_id: int):
    """A live notice, current or archived, that the user may read; ``Http404``
    for any other id (a draft, another audience, a page that is no notice)."""
    from cms.queries import notices_for_listing

    for expired in (False, True):
        notice = (
            notices_for_listing(user=user, expired=expired).filter(pk=notice_id).first()
        )
        if notice is not None:
            return notice
    raise Http404


@dataclass(frozen=True)
class CommunityNoticeLink:
    """What the dashboard shows of a housing-community notice (kept in the
    cache)."""

    pk: int
    title: str
    url: str
    date: dt.date
    community_name: str
    pinned: bool


def community_notices(
    *,
    party: Party | None,
    user,
    on: dt.date,
    limit: int | None = None,
    communities: list[int] | None = None,
):
    """The live notices of the housing communities in which the user's party
    holds a unit today (zone 5 of rules §III.2), pinned first, newest first.

    The scoping lives in ``cms.queries.community_notices_for_user`` (the same
    rule the community pages enforce when served). With a ``limit`` (the
    dashboard) the short list is kept in the cache for a minute, like
    ``cooperative_notices``: its key holds the user's audience (groups, staff)
    and ``communities``, the ids of the communities of the party's units on
    ``on``, which the dashboard knows already; readers alike share an entry,
    and the same signals start a new version at once."""
    from cms.queries import community_notices_for_user

    if not limit or communities is None:
        return list(community_notices_for_user(user=user, limit=limit))
    audience, every = _audience(user)
    if not every and not communities:
        return []
    version = cache.get_or_set(NOTICES_VERSION_KEY, 0, None)
    scope = "all" if every else ".".join(str(pk) for pk in sorted(set(communities)))
    key = f"iok:area:community-notices:{version}:{audience}:{scope}:{limit}"
    links = cache.get(key)
    if links is None:
        links = [
            CommunityNoticeLink(
                pk=notice.pk,
                title=notice.title,
                url=notice.url,
                date=notice.date,
                community_name=notice.community_name or "",
                pinned=notice.pinned,
            )
            for notice in community_notices_for_user(user=user, limit=limit)
        ]
        cache.set(key, links, NOTICES_CACHE_SECONDS)
    return links
