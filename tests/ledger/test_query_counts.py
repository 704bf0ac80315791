"""The balance, the breakdown and a statement page cost the same number of
queries whether a unit has one year of history or ten."""

import datetime as dt
from decimal import Decimal

from django.core.cache import cache

import pytest

from ledger import queries
from ledger.models import LedgerEntry
from tests.ledger.conftest import MONTHLY

pytestmark = pytest.mark.django_db

ON = dt.date(2024, 12, 5)


def _history(unit, components, years):
    """``years`` years of monthly charges and payments up to November 2024."""
    rows = []
    for year in range(2024 - years + 1, 2025):
        for month in range(1, 13):
            period = dt.date(year, month, 1)
            if period >= dt.date(2024, 12, 1):
                break
            for code, amount in MONTHLY.items():
                rows.append(
                    LedgerEntry(
                        source="test",
                        external_id=f"{unit.pk}-{period}-{code}",
                        unit=unit,
                        kind=LedgerEntry.Kind.CHARGE,
                        component=components[code],
                        amount=-amount,
                        booking_date=period,
                        period=period,
                        due_date=period.replace(day=10),
                    )
                )
            rows.append(
                LedgerEntry(
                    source="test",
                    external_id=f"{unit.pk}-{period}-pay",
                    unit=unit,
                    kind=LedgerEntry.Kind.PAYMENT,
                    amount=Decimal("530.00"),
                    booking_date=period.replace(day=8),
                    period=period,
                )
            )
    LedgerEntry.objects.bulk_create(rows)
    return len(rows)


@pytest.mark.parametrize("years", [1, 10])
def test_balance_costs_three_queries_whatever_the_history(
    years, flat, holder, components, django_assert_num_queries
):
    rows = _history(flat, components, years)
    assert rows == (12 * years - 1) * 4

    with django_assert_num_queries(3):
        result = queries.balance(party=holder, unit=flat, on=ON)

    assert result.total == Decimal("-530.00")


@pytest.mark.parametrize("years", [1, 10])
def test_breakdown_costs_four_queries_whatever_the_history(
    years, flat, holder, components, django_assert_num_queries
):
    _history(flat, components, years)
    cache.clear()

    # The last payment comes with the balance's own aggregate (issue 14).
    with django_assert_num_queries(4):
        breakdown = queries.balance_breakdown(party=holder, unit=flat, on=ON)
    # The time of the last import is kept for a minute.
    with django_assert_num_queries(3):
        again = queries.balance_breakdown(party=holder, unit=flat, on=ON)

    assert breakdown.due_later == again.due_later == Decimal("530.00")


@pytest.mark.parametrize("years", [1, 10])
def test_statement_page_costs_four_queries_whatever_the_history(
    years, flat, holder, components, django_assert_num_queries
):
    _history(flat, components, years)

    with django_assert_num_queries(4):
        page = queries.statement(
            party=holder,
            unit=flat,
            date_from=dt.date(2024, 1, 1),
            date_to=ON,
            page=2,
            per_page=20,
        )
        running = [entry.running_balance for entry in page.entries]
        components_shown = [entry.component_name for entry in page.entries]

    assert len(running) == 20
    assert "" in components_shown  # payments have no component
    assert page.closing_with_pending == Decimal("-530.00")
