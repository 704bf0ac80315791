"""Query budgets: the dashboard, ledger, meters, payments and loans pages cost
the same small number of queries for 1 unit or 10, and for one year of
history or ten (ledger entries, loan entries, meter readings)."""

import datetime as dt
from decimal import Decimal

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import pytest
import time_machine

from ledger.models import (
    ChargeComponent,
    LedgerEntry,
    Loan,
    LoanEntry,
    Meter,
    MeterReading,
)
from tests.area.conftest import NOON, make_resident

pytestmark = pytest.mark.django_db

#: Every member page stays under this (session, user, party, site links and
#: the member-area reads included).
BUDGET = 10

#: The member pages measured, by URL name (the ledger page takes a unit id).
PAGES = ["dashboard", "ledger", "meters", "payments", "loans"]


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
                        external_id=f"B{unit.pk}-{serial}",
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
                    external_id=f"B{unit.pk}-{serial}",
                    unit=unit,
                    booking_date=month.replace(day=8),
                    period=month,
                    kind=LedgerEntry.Kind.PAYMENT,
                    amount=Decimal("300.00"),
                )
            )
        month = (month + dt.timedelta(days=32)).replace(day=1)
    LedgerEntry.objects.bulk_create(rows, batch_size=2000)
    book_loans_and_meters(units, years=years)


def book_loans_and_meters(units, *, years: int) -> None:
    """Per unit: a loan with monthly instalments and repayments, and two meters
    with monthly readings (one resident's reading waiting for review), for
    ``years`` years."""
    entries, readings = [], []
    first = dt.date(2025 - years, 3, 1)
    for unit in units:
        loan = Loan.objects.create(
            external_id=f"QL{unit.pk}",
            unit=unit,
            number=f"KR/{unit.pk}",
            lender="PKO BP",
            amount_granted=Decimal("30000.00"),
            granted_on=first,
            instalment_amount=Decimal("250.00"),
            instalments_count=120,
        )
        meters = [
            Meter.objects.create(
                external_id=f"QM{unit.pk}-{kind}",
                unit=unit,
                kind=kind,
                serial_number=f"S{unit.pk}{kind[:3]}",
                unit_of_measure="m³",
                installed_on=first,
            )
            for kind in (Meter.Kind.COLD_WATER, Meter.Kind.HOT_WATER)
        ]
        month, value = first, Decimal("0")
        while month <= dt.date(2025, 2, 1):
            for kind in (LoanEntry.Kind.INSTALMENT_DUE, LoanEntry.Kind.REPAYMENT):
                entries.append(
                    LoanEntry(
                        external_id=f"QE{loan.pk}-{month}-{kind}",
                        loan=loan,
                        date=month.replace(day=10),
                        kind=kind,
                        amount=Decimal("250.00"),
                    )
                )
            value += 3
            for meter in meters:
                readings.append(
                    MeterReading(
                        external_id=f"QR{meter.pk}-{month}",
                        meter=meter,
                        reading_date=month,
                        value=value,
                    )
                )
            month = (month + dt.timedelta(days=32)).replace(day=1)
        readings.append(
            MeterReading(
                meter=meters[0],
                reading_date=dt.date(2025, 3, 10),
                value=value + 1,
                source=MeterReading.Source.RESIDENT,
                status=MeterReading.Status.PENDING,
            )
        )
    LoanEntry.objects.bulk_create(entries, batch_size=2000)
    MeterReading.objects.bulk_create(readings, batch_size=2000)


def page_url(name: str, units) -> str:
    if name == "ledger":
        return reverse("members:ledger", args=[units[-1].pk])
    return reverse(f"members:{name}")


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


@pytest.mark.parametrize("page", ["meters", "payments", "loans"])
def test_meters_payments_and_loans_stay_within_the_query_budget(
    logged_in, django_assert_max_num_queries, page
):
    client, units = logged_in
    with (
        time_machine.travel(NOON, tick=False),
        django_assert_max_num_queries(BUDGET),
    ):
        response = client.get(page_url(page, units))
    assert response.status_code == 200
    # Every unit's group is on the page.
    html = response.content.decode()
    for unit in units:
        assert unit.number in html


@pytest.mark.parametrize("units", [1, 10])
def test_query_counts_do_not_grow_with_history(django_user_model, units):
    """Two residents with the same units, one with one year of history and one
    with ten: every page costs exactly the same number of queries."""
    counts = {}
    for years, number in ((1, "800011"), (10, "800012")):
        user, _party, made = make_resident(
            django_user_model, number=number, name=f"Historia {years}", units=units
        )
        book_history(made, years=years)
        client = Client()
        client.force_login(user)
        with time_machine.travel(NOON, tick=False):
            client.get(reverse("members:dashboard"))  # the session's first page
            for page in PAGES:
                with CaptureQueriesContext(connection) as queries:
                    response = client.get(page_url(page, made))
                assert response.status_code == 200
                counts[years, page] = len(queries)
    for page in PAGES:
        assert counts[1, page] == counts[10, page] <= BUDGET, page


@pytest.mark.parametrize("page", ["dashboard", "ledger", "meters", "payments", "loans"])
def test_the_party_comes_with_the_units_not_from_a_query_of_its_own(
    django_user_model, page
):
    """Every member page takes the resident's party row (the layout's "logged
    in as") from its units query: none reads the party table by itself."""
    user, _party, made = make_resident(
        django_user_model, number="800021", name="Jedno Zapytanie", units=2
    )
    book_history(made, years=1)
    client = Client()
    client.force_login(user)
    with time_machine.travel(NOON, tick=False):
        client.get(reverse("members:dashboard"))  # the session's first page
        with CaptureQueriesContext(connection) as queries:
            response = client.get(page_url(page, made))
    assert response.status_code == 200
    assert "Jedno Zapytanie" in response.content.decode()
    party_reads = [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].startswith('SELECT "ledger_party"')
    ]
    assert party_reads == []
