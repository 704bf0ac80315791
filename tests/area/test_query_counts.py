"""Query budgets: the dashboard and a ledger page cost the same small number
of queries for 1 unit or 10, and for one month of history or ten years."""

import datetime as dt
from decimal import Decimal

from django.urls import reverse

import pytest
import time_machine

from ledger.models import ChargeComponent, LedgerEntry
from tests.area.conftest import NOON, make_resident

pytestmark = pytest.mark.django_db

#: Every member page stays under this (session, user, party, site links and
#: the member-area reads included).
BUDGET = 14


def book_history(units, *, years: int) -> None:
    """``years`` of monthly charges (three components) and payments, in bulk."""
    components = list(ChargeComponent.objects.order_by("ordering"))
    rows = []
    month = dt.date(2025 - years, 3, 1)
    serial = 0
    while month <= dt.date(2025, 2, 1):
        for unit in units:
            for component in components:
                serial += 1
                rows.append(
                    LedgerEntry(
                        source="bulk",
                        external_id=f"B{serial}",
                        unit=unit,
                        booking_date=month,
                        period=month,
                        due_date=month.replace(day=10),
                        kind=LedgerEntry.Kind.CHARGE,
                        component=component,
                        amount=Decimal("-100.00"),
                    )
                )
            serial += 1
            rows.append(
                LedgerEntry(
                    source="bulk",
                    external_id=f"B{serial}",
                    unit=unit,
                    booking_date=month.replace(day=8),
                    period=month,
                    kind=LedgerEntry.Kind.PAYMENT,
                    amount=Decimal("300.00"),
                )
            )
        month = (month + dt.timedelta(days=32)).replace(day=1)
    LedgerEntry.objects.bulk_create(rows, batch_size=2000)


@pytest.fixture(
    params=[(1, 1), (1, 10), (10, 1), (10, 10)],
    ids=lambda p: f"{p[0]}units-{p[1]}years",
)
def logged_in(request, client, django_user_model):
    units, years = request.param
    user, _party, made = make_resident(
        django_user_model, number="800001", name="Liczący Zapytania", units=units
    )
    book_history(made, years=years)
    client.force_login(user)
    # The first page of a session builds the cached site links; measure the
    # steady state a resident sees on every following page.
    with time_machine.travel(NOON, tick=False):
        client.get(reverse("members:dashboard"))
    return client, made


def test_dashboard_stays_within_the_query_budget(
    logged_in, django_assert_max_num_queries
):
    client, units = logged_in
    with (
        time_machine.travel(NOON, tick=False),
        django_assert_max_num_queries(BUDGET),
    ):
        response = client.get(reverse("members:dashboard"))
    assert response.status_code == 200
    assert len(response.context["summaries"]) == len(units)


def test_ledger_page_stays_within_the_query_budget(
    logged_in, django_assert_max_num_queries
):
    client, units = logged_in
    url = reverse("members:ledger", args=[units[-1].pk])
    with time_machine.travel(NOON, tick=False):
        with django_assert_max_num_queries(BUDGET):
            response = client.get(url)
        assert response.status_code == 200
        # A past year with a kind filter costs the same.
        with django_assert_max_num_queries(BUDGET):
            response = client.get(url, {"rok": "2024", "rodzaj": "payment"})
    assert response.status_code == 200
