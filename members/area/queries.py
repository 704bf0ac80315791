"""Reads of the member area, on top of ``ledger.queries``.

The figures (balances as of today with the §III.4 simulation, statements,
payment–charge pairs) come from ``ledger.queries``, the one implementation,
which answers for all of a party's units at once. Here: the party's units with
everything a page shows of them (``UnitSummary``: the rights, the building,
the estate office, the community) in one query, the ledger page, and the
member area's loans, meters, reports and notices.

Every function takes the ``party`` as a required keyword argument and returns
only that party's data; an id that is not the party's raises ``Http404``.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, fields
from decimal import Decimal

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
from django.http import Http404

from ledger import queries as ledger_queries
from ledger.models import (
    Building,
    Estate,
    HousingCommunity,
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
    RightWindow,
    Scope,
    Statement,
    UnitNotVisible,
)
from ledger.queries.base import rows as fetch_rows
from members.area_models import ContactChangeRequest, DiscrepancyReport

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
    def scope(self) -> Scope:
        """What the party sees of the unit (``ledger.queries``)."""
        return Scope(self.unit.pk, tuple(self.windows))

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
    for row in fetch_rows(sql + " ORDER BY r.valid_from, r.id", params):
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


def _fill_balances(
    summaries: list[UnitSummary],
    *,
    on: dt.date,
    totals: dict[int, ledger_queries.Totals] | None = None,
) -> None:
    """Set each summary's ``breakdown`` and ``monthly_charge`` as of ``on``
    (``ledger.queries.breakdowns``: two queries for all the units, one when
    the caller has the ``totals``)."""
    if not summaries:
        return
    found = ledger_queries.breakdowns(
        [summary.scope for summary in summaries],
        on=on,
        totals=totals,
        last_import=ledger_queries.last_import_at(),
    )
    for summary in summaries:
        summary.breakdown = found[summary.unit.pk]
        summary.monthly_charge = summary.breakdown.monthly_charge


def unit_summaries(*, party: Party, on: dt.date) -> list[UnitSummary]:
    """Every unit the party holds a right to on ``on``, with its balance as of
    that day, ordered by zone and address. Three queries (plus the cached
    import time) however many units and however long their history."""
    summaries = sorted(_rights_by_unit(party=party, on=on).values(), key=_sort_key)
    _fill_balances(summaries, on=on)
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


@dataclass
class LedgerPage(Statement):
    """A unit's statement (``ledger.queries.Statement``) with the unit and its
    balance as of today, as the ledger page, its CSV and its print show them."""

    summary: UnitSummary | None = None


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
    balance, entries with running balance, closing balance, payment–charge
    pairs) and the balance as of ``on`` with this month's breakdown.
    ``date_to`` is capped at ``on``. Three queries whatever the length of the
    history (and one for the pairs when there are any) after the unit's;
    ``paginate=False`` returns every entry (print). ``summary`` is the unit
    as ``unit_summary`` returned it, if the caller has it already (it must be
    this party's and this unit's)."""
    if summary is None or summary.unit.pk != int(unit_id):
        summary = unit_summary(party=party, unit_id=unit_id, on=on)
    date_to = min(date_to, on)
    date_from = min(date_from, date_to)
    statement, totals = ledger_queries.statement_page(
        summary.scope,
        date_from=date_from,
        date_to=date_to,
        kind=kind,
        page=page,
        per_page=per_page,
        paginate=paginate,
        balance_on=on,
    )
    _fill_balances([summary], on=on, totals={summary.unit.pk: totals})
    return LedgerPage(
        summary=summary,
        **{item.name: getattr(statement, item.name) for item in fields(Statement)},
    )


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


# --- Reports and contact changes --------------------------------------------------


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
