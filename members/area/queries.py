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
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.db.models import (
    Count,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    RowRange,
    Subquery,
    Sum,
    Window,
)
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.http import Http404

from ledger import queries as ledger_queries
from ledger.models import (
    ChargeSchedule,
    DataImport,
    EntrySettlement,
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


def _rights_by_unit(
    *, party: Party, on: dt.date, unit_id: int | None = None
) -> dict[int, UnitSummary]:
    """The party's rights grouped by unit, for units with a right valid on
    ``on`` (one query). Past rights still give visibility windows: a resident
    who bought the flat they used to rent sees both periods."""
    rights = UnitRight.objects.filter(party=party).select_related(
        "unit__building__estate", "unit__building__community"
    )
    if unit_id is not None:
        rights = rights.filter(unit_id=unit_id)
    grouped: dict[int, UnitSummary] = {}
    for right in rights.order_by("valid_from", "pk"):
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


def _visible(summaries) -> Q:
    """Entries of the given units inside each unit's right windows."""
    condition = Q(pk__in=[])
    for summary in summaries:
        condition |= Q(unit_id=summary.unit.pk) & ledger_queries._window_filter(
            summary.windows, "booking_date"
        )
    return condition


# --- Balances -------------------------------------------------------------------------


def _fill_balances(
    summaries: list[UnitSummary],
    *,
    on: dt.date,
    last_import: dt.datetime | None,
    totals: dict[int, dict] | None = None,
) -> None:
    """Compute each summary's ``breakdown`` and ``monthly_charge`` as of ``on``:
    two or three queries for all the units together (``totals`` may be given
    by a caller that aggregated them already)."""
    if not summaries:
        return
    month = month_start(on)
    visible = _visible(summaries) & Q(booking_date__lte=on)
    unit_ids = [summary.unit.pk for summary in summaries]

    # 1. Booked balance and the booked part owed but not yet due, per unit.
    if totals is None:
        totals = {
            row["unit_id"]: row
            for row in LedgerEntry.objects.filter(visible)
            .values("unit_id")
            .annotate(
                booked=Sum("amount"),
                not_yet_due=Sum("amount", filter=Q(amount__lt=0, due_date__gt=on)),
            )
            .order_by()
        }

    # 2. This month's booked charges by unit and component.
    month_charges: dict[int, list[MonthCharge]] = {pk: [] for pk in unit_ids}
    for row in (
        LedgerEntry.objects.filter(visible, period=month, kind=LedgerEntry.Kind.CHARGE)
        .values(
            "unit_id",
            "component_id",
            "component__code",
            "component__name",
            "component__ordering",
        )
        .annotate(total=Sum("amount"), due=Max("due_date"))
        .order_by()
    ):
        month_charges[row["unit_id"]].append(
            MonthCharge(
                component=ledger_queries._component_from_row(row),
                amount=-money(row["total"]),
                due_date=row["due"],
                simulated=False,
            )
        )

    # 3. The schedules in force: the monthly charge, and the simulation of the
    # components whose charge for this month is not booked yet (unit-wide, as
    # in ledger.queries: a charge booked for a previous holder counts).
    booked_charge = LedgerEntry.objects.filter(
        unit=OuterRef("unit"),
        period=month,
        kind=LedgerEntry.Kind.CHARGE,
        component=OuterRef("component"),
        booking_date__lte=on,
    )
    schedules = (
        ChargeSchedule.objects.valid_on(on)
        .filter(unit_id__in=unit_ids)
        .select_related("component")
        .annotate(is_booked=Exists(booked_charge))
    )
    monthly: dict[int, Decimal] = dict.fromkeys(unit_ids, ZERO)
    simulated: dict[int, Decimal] = dict.fromkeys(unit_ids, ZERO)
    not_yet_due: dict[int, Decimal] = {
        pk: -money((totals.get(pk) or {}).get("not_yet_due")) for pk in unit_ids
    }
    by_unit = {summary.unit.pk: summary for summary in summaries}
    for schedule in schedules:
        pk = schedule.unit_id
        amount = money(schedule.monthly_amount)
        monthly[pk] += amount
        if schedule.is_booked or not ledger_queries._covers(by_unit[pk].windows, on):
            continue
        due = due_date_in_month(month, schedule.due_day)
        simulated[pk] -= amount
        if due > on:
            not_yet_due[pk] += amount
        month_charges[pk].append(
            MonthCharge(schedule.component, amount, due, simulated=True)
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
    that day, ordered by zone and address. Four queries (plus the cached
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


@dataclass
class Settlement:
    """A payment–charge pair shown next to an entry."""

    other: LedgerEntry
    amount: Decimal


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
    entries: list[LedgerEntry]
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
    entries shown. ``date_to`` is capped at ``on``. Seven queries whatever the
    length of the history; ``paginate=False`` returns every entry (print).
    ``summary`` is the unit as ``unit_summary`` returned it, if the caller has
    it already (it must be this party's and this unit's)."""
    if summary is None or summary.unit.pk != int(unit_id):
        summary = unit_summary(party=party, unit_id=unit_id, on=on)
    date_to = min(date_to, on)
    date_from = min(date_from, date_to)
    in_rights = _visible([summary])
    in_period = Q(booking_date__gte=date_from, booking_date__lte=date_to)
    listed = in_period & Q(kind=kind) if kind else in_period

    # One aggregate for both the balance as of today and the statement.
    totals = LedgerEntry.objects.filter(in_rights, booking_date__lte=on).aggregate(
        booked=Sum("amount"),
        not_yet_due=Sum("amount", filter=Q(amount__lt=0, due_date__gt=on)),
        opening=Sum("amount", filter=Q(booking_date__lt=date_from)),
        period=Sum("amount", filter=listed),
        all_period=Sum("amount", filter=in_period),
        count=Count("id", filter=listed),
    )
    _fill_balances(
        [summary],
        on=on,
        last_import=last_import_at(),
        totals={summary.unit.pk: totals},
    )
    count = totals["count"]
    if not paginate:
        per_page = max(count, 1)
    num_pages = max(1, -(-count // per_page))
    page = min(max(1, page), num_pages)
    offset = (page - 1) * per_page
    opening = money(totals["opening"])

    entries: list[LedgerEntry] = []
    if count:
        rows = LedgerEntry.objects.filter(in_rights, listed).select_related("component")
        if not kind:
            # The running sum is computed by the database over the whole
            # period before the page is cut, as in ledger.queries.statement.
            rows = rows.annotate(
                running=Window(
                    Sum("amount"),
                    order_by=[F("booking_date").asc(), F("id").asc()],
                    frame=RowRange(start=None, end=0),
                )
            )
        for entry in rows.order_by("booking_date", "id")[offset : offset + per_page]:
            entry.running_balance = opening + money(entry.running) if not kind else None
            entries.append(entry)

    settlements = _settlements(entries, summary)
    for entry in entries:
        entry.pairs = settlements.get(entry.pk, [])
    return LedgerPage(
        summary=summary,
        date_from=date_from,
        date_to=date_to,
        kind=kind,
        opening_balance=opening,
        closing_balance=opening + money(totals["all_period"]),
        period_total=money(totals["period"]),
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
    windows = summary.windows
    pairs = (
        EntrySettlement.objects.filter(Q(payment_id__in=ids) | Q(charge_id__in=ids))
        .filter(payment__unit=summary.unit, charge__unit=summary.unit)
        .filter(ledger_queries._window_filter(windows, "payment__booking_date"))
        .filter(ledger_queries._window_filter(windows, "charge__booking_date"))
        .select_related("payment", "charge__component")
        .order_by("charge__booking_date", "payment__booking_date", "pk")
    )
    shown = set(ids)
    result: dict[int, list[Settlement]] = {}
    for pair in pairs:
        if pair.payment_id in shown:
            result.setdefault(pair.payment_id, []).append(
                Settlement(other=pair.charge, amount=pair.amount)
            )
        if pair.charge_id in shown:
            result.setdefault(pair.charge_id, []).append(
                Settlement(other=pair.payment, amount=pair.amount)
            )
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


def cooperative_notices(*, user, limit: int | None = None):
    """The cooperative's current notices the user may read (public and
    residents-only, live), pinned first, newest first (``cms.queries``)."""
    from cms.queries import notices_for_listing

    notices = notices_for_listing(user=user)
    return list(notices[:limit]) if limit else notices


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


def community_notices(*, party: Party, user, on: dt.date, limit: int | None = None):
    """COMMUNITY-NOTICES HOOK (issue 6, item 7, built by the cms work): the
    notices of the housing communities in which the party holds a unit on
    ``on`` (``ledger.queries.communities_for_party``), newest first. Until the
    cms app has community notice pages there are none; the dashboard and the
    notices page already show this list, so only this function changes."""
    return []
