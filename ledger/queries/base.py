"""What every read of the books shares: money and dates, who sees which
entries (right windows), and the helpers of the SQL-written hot reads."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from ledger.models import (
    ChargeComponent,
    ChargeSchedule,
    EntrySettlement,
    LedgerEntry,
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


@dataclass(frozen=True)
class Scope:
    """A unit and the windows in which the reader sees its entries: a party's
    rights to it, or ``None`` for office staff (every entry, whoever held the
    unit). Every balance and statement read takes scopes."""

    unit_id: int
    windows: tuple[RightWindow, ...] | None

    def covers(self, day: dt.date) -> bool:
        return covers(self.windows, day)


def right_windows(*, party: Party, unit: Unit | int) -> tuple[RightWindow, ...]:
    """The party's rights to the unit (one query). Raises ``UnitNotVisible``."""
    rows = UnitRight.objects.filter(party=party, unit=unit).values_list(
        "valid_from", "valid_to"
    )
    windows = tuple(RightWindow(valid_from, valid_to) for valid_from, valid_to in rows)
    if not windows:
        raise UnitNotVisible
    return windows


def held_on(*, party: Party, on: dt.date, unit_ref: str = "unit") -> Exists:
    """Whether the party holds a right, valid on ``on``, to the unit of the
    outer row (``unit_ref``: its unit field, ``"pk"`` for units): which units
    the member area lists today."""
    return Exists(
        UnitRight.objects.valid_on(on).filter(party=party, unit=OuterRef(unit_ref))
    )


def party_scope(*, party: Party, unit: Unit | int) -> Scope:
    """What ``party`` sees of ``unit`` (one query); ``UnitNotVisible`` if nothing."""
    windows = right_windows(party=party, unit=unit)
    return Scope(unit.pk if isinstance(unit, Unit) else int(unit), windows)


def staff_scope(unit: Unit | int) -> Scope:
    """Every entry of ``unit`` (office staff)."""
    return Scope(unit.pk if isinstance(unit, Unit) else int(unit), None)


def party_windows(*, party: Party) -> dict[int, tuple[RightWindow, ...]]:
    """Every right the party holds or held, as windows by unit id, oldest
    first (one query). Past rights count: a former holder still sees their
    own period."""
    windows: dict[int, list[RightWindow]] = {}
    rights = (
        UnitRight.objects.filter(party=party)
        .order_by("valid_from", "pk")
        .values_list("unit_id", "valid_from", "valid_to")
    )
    for unit_id, valid_from, valid_to in rights:
        windows.setdefault(unit_id, []).append(RightWindow(valid_from, valid_to))
    return {unit_id: tuple(found) for unit_id, found in windows.items()}


def window_filter(windows, field_name: str, *, end_field: str | None = None) -> Q:
    """The right-period rule as an ORM condition: ``field_name`` (a day)
    within any of the windows, inclusive; everything when ``windows`` is
    ``None`` (staff views). With ``end_field`` the row spans the days from
    ``field_name`` to ``end_field`` (open when null: a meter's installation
    and removal) and counts when that span overlaps a window.

    ``RightWindow.covers`` is the same rule for one day in Python and
    ``visible_sql`` for the ledger's SQL reads."""
    if windows is None:
        return Q()
    condition = Q(pk__in=[])
    for window in windows:
        if end_field is None:
            part = Q(**{f"{field_name}__gte": window.valid_from})
        else:
            part = Q(**{f"{end_field}__isnull": True}) | Q(
                **{f"{end_field}__gte": window.valid_from}
            )
        if window.valid_to is not None:
            part &= Q(**{f"{field_name}__lte": window.valid_to})
        condition |= part
    return condition


def held_filter(
    windows_by_unit: dict[int, tuple[RightWindow, ...]],
    *,
    unit_field: str,
    field_name: str,
    end_field: str | None = None,
) -> Q:
    """``window_filter`` for rows of several units, each with its own windows
    (``party_windows``): a row counts when its unit is one of them and its day
    (or span) lies in that unit's windows. Nothing for no units."""
    condition = Q(pk__in=[])
    for unit_id, windows in windows_by_unit.items():
        condition |= Q(**{unit_field: unit_id}) & window_filter(
            windows, field_name, end_field=end_field
        )
    return condition


def held_until(windows) -> dt.date | None:
    """The last day of the windows (``None`` while one is open)."""
    if any(window.valid_to is None for window in windows):
        return None
    return max(window.valid_to for window in windows)


def covers(windows, day: dt.date) -> bool:
    """Whether ``day`` lies in any of the windows (always, for ``None``)."""
    return windows is None or any(window.covers(day) for window in windows)


# --- SQL ------------------------------------------------------------------------------
# The balance and statement reads run on every member page and are written in
# SQL rather than built with the ORM: compiling the equivalent querysets
# (Exists, filtered aggregates, a window) cost more CPU than the database spends
# answering them. The SQL is portable (PostgreSQL and SQLite) and uses the
# indexes of docs/domain.md; only table names and placeholders are formatted in.

LE = LedgerEntry._meta.db_table
CS = ChargeSchedule._meta.db_table
CC = ChargeComponent._meta.db_table
ES = EntrySettlement._meta.db_table
CHARGE = LedgerEntry.Kind.CHARGE.value
PAYMENT = LedgerEntry.Kind.PAYMENT.value


def rows(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def parse_date(value) -> dt.date | None:
    """A date from a raw row (SQLite returns ISO strings)."""
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def visible_sql(scopes, alias: str = "le") -> tuple[str, list]:
    """Entries of the scopes' units inside each scope's windows, as an SQL
    condition on the ledger table ``alias`` (inclusive ranges)."""
    parts, params = [], []
    for scope in scopes:
        params.append(scope.unit_id)
        if scope.windows is None:
            parts.append(f"({alias}.unit_id = %s)")
            continue
        windows = []
        for window in scope.windows:
            if window.valid_to is None:
                windows.append(f"{alias}.booking_date >= %s")
                params.append(window.valid_from)
            else:
                windows.append(f"{alias}.booking_date BETWEEN %s AND %s")
                params.extend([window.valid_from, window.valid_to])
        parts.append(f"({alias}.unit_id = %s AND ({' OR '.join(windows) or '1 = 0'}))")
    if not parts:
        return "1 = 0", []
    return "(" + " OR ".join(parts) + ")", params
