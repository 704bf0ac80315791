"""Ledger statements: opening balance, running balance across pages, and the
agreement with the balance function (a hypothesis property)."""

import datetime as dt
from decimal import Decimal

from django.db import transaction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger import queries
from ledger.models import LedgerEntry
from tests.factories import (
    ChargeComponentFactory,
    ChargeScheduleFactory,
    LedgerEntryFactory,
    PartyFactory,
    UnitFactory,
    UnitRightFactory,
)
from tests.ledger.conftest import MONTHLY
from tests.ledger.helpers import book_charges, pay

pytestmark = pytest.mark.django_db


def _year_of_ledger(flat, components, year=2023, unpaid_months=()):
    for month in range(1, 13):
        first = dt.date(year, month, 1)
        book_charges(flat, components, MONTHLY, first)
        if month not in unpaid_months:
            pay(flat, "530.00", dt.date(year, month, 9))


def test_statement_pages_continue_the_running_balance(flat, holder, components):
    _year_of_ledger(flat, components, unpaid_months={11, 12})
    pages = [
        queries.statement(
            party=holder,
            unit=flat,
            date_from=dt.date(2023, 1, 1),
            date_to=dt.date(2023, 12, 31),
            page=number,
            per_page=10,
        )
        for number in (1, 2, 3, 4, 5)
    ]

    first = pages[0]
    assert first.count == 46  # 12 months × 3 charges + 10 payments
    assert first.num_pages == 5
    assert first.opening_balance == Decimal("0.00")
    # Page 1: January's charges, then January's payment.
    assert [e.running_balance for e in first.entries[:4]] == [
        Decimal("-300.00"),
        Decimal("-450.00"),
        Decimal("-530.00"),
        Decimal("0.00"),
    ]
    # Each page starts where the previous one ended.
    for previous, page in zip(pages, pages[1:], strict=False):
        assert page.page_opening_balance == previous.entries[-1].running_balance
    last = pages[-1]
    assert last.is_last_page and not last.has_next
    assert len(last.entries) == 6
    assert last.entries[-1].running_balance == Decimal("-1060.00")
    assert last.closing_balance == Decimal("-1060.00")


def test_statement_opening_balance_sums_everything_before_the_period(
    flat, holder, components
):
    _year_of_ledger(flat, components, year=2022, unpaid_months={6})
    _year_of_ledger(flat, components, year=2023)

    result = queries.statement(
        party=holder,
        unit=flat,
        date_from=dt.date(2023, 1, 1),
        date_to=dt.date(2023, 3, 31),
    )

    assert result.opening_balance == Decimal("-530.00")
    assert result.count == 12
    assert result.closing_balance == Decimal("-530.00")


def test_a_page_past_the_end_gives_the_last_page(flat, holder, components):
    _year_of_ledger(flat, components)

    result = queries.statement(
        party=holder,
        unit=flat,
        date_from=dt.date(2023, 1, 1),
        date_to=dt.date(2023, 12, 31),
        page=99,
        per_page=20,
    )

    assert result.page == 3
    assert result.entries[-1].running_balance == Decimal("0.00")


def test_statement_lists_pending_charges_of_the_last_month(flat, holder, components):
    book_charges(flat, components, MONTHLY, dt.date(2024, 5, 1), only={"EKS"})
    on = dt.date(2024, 5, 3)

    result = queries.statement(
        party=holder, unit=flat, date_from=dt.date(2024, 5, 1), date_to=on
    )

    assert [c.component.code for c in result.pending_charges] == ["FR", "ZW"]
    assert result.closing_balance == Decimal("-300.00")
    assert result.closing_with_pending == Decimal("-530.00")
    assert (
        result.closing_with_pending
        == queries.balance(party=holder, unit=flat, on=on).total
    )


def test_staff_statement_shows_every_holders_entries(flat, components):
    book_charges(flat, components, MONTHLY, dt.date(2024, 2, 1))

    result = queries.statement_for_staff(
        unit=flat, date_from=dt.date(2024, 1, 1), date_to=dt.date(2024, 2, 29)
    )

    assert result.count == 3
    assert result.closing_balance == Decimal("-530.00")


# --- Property: the statement's last running balance is the balance -------------------

START = dt.date(2023, 1, 1)
DAYS = 500

entry_strategy = st.tuples(
    st.sampled_from(list(LedgerEntry.Kind)),
    st.decimals(
        min_value=Decimal("0.00"),
        max_value=Decimal("5000.00"),
        places=2,
        allow_nan=False,
        allow_infinity=False,
    ),
    st.integers(min_value=0, max_value=DAYS),
    st.booleans(),
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    entries=st.lists(entry_strategy, max_size=40),
    schedule=st.lists(
        st.decimals(min_value=Decimal("0"), max_value=Decimal("900"), places=2),
        max_size=3,
    ),
    right_start=st.integers(min_value=0, max_value=DAYS),
    statement_start=st.integers(min_value=0, max_value=DAYS),
    day=st.integers(min_value=0, max_value=DAYS),
    per_page=st.integers(min_value=1, max_value=15),
)
def test_statement_end_equals_balance_on_the_same_day(
    entries, schedule, right_start, statement_start, day, per_page
):
    with transaction.atomic():
        unit = UnitFactory()
        party = PartyFactory()
        UnitRightFactory(
            party=party, unit=unit, valid_from=START + dt.timedelta(right_start)
        )
        components = [ChargeComponentFactory(code=f"P{n}") for n in range(3)]
        for component, amount in zip(components, schedule, strict=False):
            ChargeScheduleFactory(
                unit=unit, component=component, monthly_amount=amount, valid_from=START
            )
        for n, (kind, amount, offset, with_component) in enumerate(entries):
            booked = START + dt.timedelta(offset)
            owed = kind in (LedgerEntry.Kind.CHARGE, LedgerEntry.Kind.INTEREST)
            negative = owed or (kind != LedgerEntry.Kind.PAYMENT and with_component)
            LedgerEntryFactory(
                unit=unit,
                kind=kind,
                amount=-amount if negative else amount,
                booking_date=booked,
                component=components[n % 3] if with_component else None,
            )

        on = START + dt.timedelta(day)
        date_from = min(START + dt.timedelta(statement_start), on)
        first = queries.statement(
            party=party, unit=unit, date_from=date_from, date_to=on, per_page=per_page
        )
        last = queries.statement(
            party=party,
            unit=unit,
            date_from=date_from,
            date_to=on,
            page=first.num_pages,
            per_page=per_page,
        )
        result = queries.balance(party=party, unit=unit, on=on)

        end = last.entries[-1].running_balance if last.entries else last.opening_balance
        assert end == last.closing_balance == result.booked
        assert last.closing_with_pending == result.total
        transaction.set_rollback(True)
