"""The member area's batched reads (``ledger.queries.summaries``) give the
same figures as the single-unit reads of ``ledger.queries``.

The dashboard computes every unit of a party at once (``ledger.queries.breakdowns``
over the scopes built from the rights the area reads in SQL) and the ledger page
takes its balance from the statement's own aggregate; these tests hold them to
the single-unit entry points ``balance_breakdown`` and ``statement`` (whose
figures tests/ledger checks by hand), on days around the due date, with a
previous owner, a future-dated payment and partly booked months.
Property-based: hypothesis picks the days and the histories.
"""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger import queries as ledger_queries
from ledger.models import ChargeComponent, EntrySettlement, LedgerEntry
from tests.area.conftest import book_month
from tests.factories import (
    ChargeScheduleFactory,
    LedgerEntryFactory,
    PartyFactory,
    UnitFactory,
    UnitRightFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(components):
    """Two flats of one party. Flat 1: since 2023, months booked up to
    February 2025, March booked only for operating costs, payments, one
    dated in the future. Flat 2: bought on 2024-07-01 from a previous owner
    whose arrears must not show."""
    party = PartyFactory(number="600001", name="Cezary Gamma")
    previous = PartyFactory(number="600002", name="Poprzedni Właściciel")
    flat1, flat2 = UnitFactory(), UnitFactory()
    UnitRightFactory(party=party, unit=flat1, valid_from=dt.date(2023, 1, 1))
    UnitRightFactory(
        party=previous,
        unit=flat2,
        valid_from=dt.date(2015, 1, 1),
        valid_to=dt.date(2024, 6, 30),
    )
    UnitRightFactory(party=party, unit=flat2, valid_from=dt.date(2024, 7, 1))
    for unit in (flat1, flat2):
        for code, amount in (("EKS", "300.00"), ("FR", "150.00"), ("ZW", "80.00")):
            ChargeScheduleFactory(
                unit=unit,
                component=components[code],
                monthly_amount=Decimal(amount),
                valid_from=dt.date(2015, 1, 1),
            )
    month = dt.date(2024, 1, 1)
    while month <= dt.date(2025, 2, 1):
        book_month(flat1, month, paid=Decimal("500.00"))
        book_month(flat2, month, paid=Decimal("530.00") if month.month % 2 else None)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    LedgerEntryFactory(
        unit=flat1,
        kind=LedgerEntry.Kind.CHARGE,
        component=ChargeComponent.objects.get(code="EKS"),
        amount=Decimal("-300.00"),
        booking_date=dt.date(2025, 3, 1),
        period=dt.date(2025, 3, 1),
        due_date=dt.date(2025, 3, 10),
    )
    LedgerEntryFactory(
        unit=flat1,
        kind=LedgerEntry.Kind.PAYMENT,
        amount=Decimal("1000.00"),
        booking_date=dt.date(2025, 3, 20),
    )
    return party, flat1, flat2


DAYS = st.dates(min_value=dt.date(2024, 6, 25), max_value=dt.date(2025, 3, 25))


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(day=DAYS)
def test_dashboard_balances_match_ledger_queries(history, day):
    party, *_units = history
    summaries = ledger_queries.unit_summaries(party=party, on=day)
    for summary in summaries:
        expected = ledger_queries.balance_breakdown(
            party=party, unit=summary.unit, on=day
        )
        got = summary.breakdown
        assert got.balance.booked == expected.balance.booked
        assert got.balance.simulated == expected.balance.simulated
        assert got.not_yet_due == expected.not_yet_due
        assert got.overdue == expected.overdue
        assert got.due_later == expected.due_later
        assert [
            (c.component.code, c.amount, c.due_date, c.simulated)
            for c in got.month_charges
        ] == [
            (c.component.code, c.amount, c.due_date, c.simulated)
            for c in expected.month_charges
        ]


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    day=DAYS,
    start=st.dates(min_value=dt.date(2023, 6, 1), max_value=dt.date(2025, 3, 1)),
    page=st.integers(min_value=1, max_value=3),
)
def test_ledger_page_matches_ledger_statement(history, day, start, page):
    party, flat1, flat2 = history
    held = [s.unit for s in ledger_queries.current_units(party=party, on=day)]
    assert flat1 in held and (flat2 in held) == (day >= dt.date(2024, 7, 1))
    for unit in held:
        got = ledger_queries.unit_ledger(
            party=party,
            unit_id=unit.pk,
            on=day,
            date_from=start,
            date_to=day,
            page=page,
            per_page=10,
        )
        expected = ledger_queries.statement(
            party=party,
            unit=unit,
            date_from=min(start, day),
            date_to=day,
            page=page,
            per_page=10,
        )
        assert got.opening_balance == expected.opening_balance
        assert got.closing_balance == expected.closing_balance
        assert got.count == expected.count
        assert [(e.pk, e.running_balance) for e in got.entries] == [
            (e.pk, e.running_balance) for e in expected.entries
        ]
        balance = ledger_queries.balance(party=party, unit=unit, on=day)
        assert got.summary.balance.total == balance.total


def test_a_previous_owners_arrears_are_not_in_the_new_owners_balance(history):
    party, _flat1, flat2 = history
    day = dt.date(2024, 7, 5)
    (summary,) = [
        s for s in ledger_queries.unit_summaries(party=party, on=day) if s.unit == flat2
    ]
    # Only July's charges (simulated, not booked before the 1st... booked on
    # the 1st within the new right): nothing from the previous owner.
    assert summary.balance.total == Decimal("-530.00")
    assert summary.first_day == dt.date(2024, 7, 1)


def test_the_kind_filter_lists_one_kind_without_a_running_balance(history):
    party, flat1, _flat2 = history
    page = ledger_queries.unit_ledger(
        party=party,
        unit_id=flat1.pk,
        on=dt.date(2025, 3, 15),
        date_from=dt.date(2024, 1, 1),
        date_to=dt.date(2024, 12, 31),
        kind=LedgerEntry.Kind.PAYMENT,
    )
    assert page.count == 12
    assert {entry.kind for entry in page.entries} == {"payment"}
    assert page.period_total == Decimal("6000.00")
    assert not page.shows_running_balance
    assert all(entry.running_balance is None for entry in page.entries)


def test_payment_charge_pairs_are_shown_only_within_the_partys_rights(history):
    party, _flat1, flat2 = history
    old_charge = LedgerEntry.objects.filter(
        unit=flat2, kind="charge", booking_date=dt.date(2024, 6, 1)
    ).first()
    new_charge = LedgerEntry.objects.filter(
        unit=flat2, kind="charge", booking_date=dt.date(2024, 7, 1)
    ).first()
    payment = LedgerEntry.objects.get(
        unit=flat2, kind="payment", booking_date=dt.date(2024, 7, 8)
    )
    EntrySettlement.objects.create(
        payment=payment, charge=old_charge, amount=Decimal("10")
    )
    EntrySettlement.objects.create(
        payment=payment, charge=new_charge, amount=Decimal("20")
    )

    page = ledger_queries.unit_ledger(
        party=party,
        unit_id=flat2.pk,
        on=dt.date(2024, 7, 31),
        date_from=dt.date(2024, 7, 1),
        date_to=dt.date(2024, 7, 31),
    )
    shown = {entry.pk: entry for entry in page.entries}
    assert [pair.other.pk for pair in shown[payment.pk].pairs] == [new_charge.pk]
    assert [pair.other.pk for pair in shown[new_charge.pk].pairs] == [payment.pk]


def test_another_partys_unit_is_not_found(history):
    party, *_ = history
    stranger = UnitFactory()
    with pytest.raises(ledger_queries.UnitNotVisible):
        ledger_queries.unit_summary(
            party=party, unit_id=stranger.pk, on=dt.date(2025, 1, 1)
        )
    with pytest.raises(ledger_queries.UnitNotVisible):
        ledger_queries.unit_ledger(
            party=party,
            unit_id=stranger.pk,
            on=dt.date(2025, 1, 1),
            date_from=dt.date(2024, 1, 1),
            date_to=dt.date(2025, 1, 1),
        )
