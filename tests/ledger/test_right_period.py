"""The rule "a party sees a unit's data only while holding its right" has
one home, ``ledger.queries.base``, in three forms: ``window_filter`` for the
ORM reads, ``visible_sql`` for the SQL-written hot reads, ``RightWindow.covers``
for one day. Property-based: for any windows and any entries, the three pick
the same entries. The rights read in SQL (``summaries._right_rows``) give the
same rows and related objects as the plain ORM query they replace, and a
former or current holder's loan figures (``held_loans``) match a plain sum
over the entries of their period."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.models import LedgerEntry, LoanEntry, Meter, UnitRight
from ledger.queries import (
    RightWindow,
    Scope,
    covers,
    held_filter,
    held_loan_entries,
    held_loans,
    held_until,
    window_filter,
)
from ledger.queries.base import rows, visible_sql
from ledger.queries.summaries import _right_rows
from tests.factories import (
    BuildingFactory,
    HousingCommunityFactory,
    LedgerEntryFactory,
    LoanEntryFactory,
    LoanFactory,
    MeterFactory,
    PartyFactory,
    UnitFactory,
    UnitRightFactory,
)

pytestmark = pytest.mark.django_db

START = dt.date(2024, 1, 1)
DAYS = 120


@pytest.fixture
def booked():
    """Two units, each with an entry on every day of 120 days."""
    units = [UnitFactory(), UnitFactory()]
    for unit in units:
        for offset in range(DAYS):
            LedgerEntryFactory(
                unit=unit,
                kind=LedgerEntry.Kind.PAYMENT,
                amount=Decimal("1.00"),
                booking_date=START + dt.timedelta(days=offset),
            )
    return units


day = st.integers(min_value=-5, max_value=DAYS + 5).map(
    lambda offset: START + dt.timedelta(days=offset)
)


@st.composite
def window(draw):
    valid_from = draw(day)
    length = draw(st.one_of(st.none(), st.integers(min_value=0, max_value=60)))
    valid_to = None if length is None else valid_from + dt.timedelta(days=length)
    return RightWindow(valid_from, valid_to)


windows = st.lists(window(), min_size=0, max_size=3).map(tuple)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(first=windows, second=windows)
def test_the_three_forms_of_the_rule_pick_the_same_entries(booked, first, second):
    by_unit = {booked[0].pk: first, booked[1].pk: second}
    entries = list(LedgerEntry.objects.values_list("pk", "unit_id", "booking_date"))
    by_python = {
        pk for pk, unit_id, booked_on in entries if covers(by_unit[unit_id], booked_on)
    }

    by_orm = set(
        LedgerEntry.objects.filter(
            held_filter(by_unit, unit_field="unit_id", field_name="booking_date")
        ).values_list("pk", flat=True)
    )
    condition, params = visible_sql(
        [Scope(unit_id, unit_windows) for unit_id, unit_windows in by_unit.items()]
    )
    table = LedgerEntry._meta.db_table
    by_sql = {
        pk
        for (pk,) in rows(
            f"SELECT le.id FROM {table} le WHERE {condition}",  # noqa: S608
            params,
        )
    }

    assert by_orm == by_python
    assert by_sql == by_python
    one_unit = set(
        LedgerEntry.objects.filter(unit=booked[0])
        .filter(window_filter(first, "booking_date"))
        .values_list("pk", flat=True)
    )
    assert (
        one_unit
        == {pk for pk, unit_id, booked_on in entries if unit_id == booked[0].pk}
        & by_python
    )


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(installed=window(), held=windows)
def test_a_span_counts_when_it_overlaps_a_window(booked, installed, held):
    # A meter in place from ``installed.valid_from`` to ``installed.valid_to``
    # (open while not removed) belongs to the holder's period when the two
    # overlap on at least one day.
    meter = MeterFactory(
        unit=booked[0],
        installed_on=installed.valid_from,
        removed_on=installed.valid_to,
    )
    found = Meter.objects.filter(pk=meter.pk).filter(
        window_filter(held, "installed_on", end_field="removed_on")
    )
    last = START + dt.timedelta(days=DAYS + 80)
    overlap = any(
        installed.covers(START + dt.timedelta(days=offset))
        and right.covers(START + dt.timedelta(days=offset))
        for right in held
        for offset in range(-10, (last - START).days)
    )
    assert found.exists() == overlap
    meter.delete()


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    spans=st.lists(
        st.tuples(st.booleans(), st.one_of(st.none(), st.integers(0, 400))),
        min_size=1,
        max_size=4,
    )
)
def test_the_rights_read_in_sql_match_the_orm(spans):
    party = PartyFactory()
    community = HousingCommunityFactory()
    made = []
    for index, (in_community, length) in enumerate(spans):
        building = BuildingFactory(community=community if in_community else None)
        valid_from = START + dt.timedelta(days=index * 500)
        made.append(
            UnitRightFactory(
                party=party,
                unit=UnitFactory(building=building),
                valid_from=valid_from,
                valid_to=None
                if length is None
                else valid_from + dt.timedelta(days=length),
            )
        )
    UnitRightFactory()  # someone else's

    expected = list(
        UnitRight.objects.filter(party=party)
        .select_related("party", "unit__building__estate", "unit__building__community")
        .order_by("valid_from", "id")
    )
    got = _right_rows(party=party, unit_id=None)

    def described(right):
        building = right.unit.building
        return (
            right.pk,
            right.valid_from,
            right.valid_to,
            right.share,
            right.party.number,
            right.unit.code,
            right.unit.zone,
            building.address,
            building.estate.name,
            building.community.name if building.community else None,
        )

    assert [described(right) for right in got] == [
        described(right) for right in expected
    ]
    only = _right_rows(party=party, unit_id=made[-1].unit_id)
    assert [right.pk for right in only] == [made[-1].pk]


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    held=st.lists(window(), min_size=1, max_size=2).filter(
        lambda found: all(
            a.valid_to is not None and a.valid_to < b.valid_from
            for a, b in zip(found, found[1:], strict=False)
        )
    ),
    entries=st.lists(
        st.tuples(
            day,
            st.sampled_from(list(LoanEntry.Kind)),
            st.integers(min_value=1, max_value=500),
        ),
        max_size=8,
    ),
)
def test_a_holders_loan_figures_count_only_their_period(held, entries):
    # held_loans against a plain reference: repaid = repayments dated in the
    # holder's rights; outstanding = granted + interest − repayments −
    # corrections dated up to the end of their last right.
    party = PartyFactory()
    unit = UnitFactory()
    for right in held:
        UnitRightFactory(
            party=party,
            unit=unit,
            valid_from=right.valid_from,
            valid_to=right.valid_to,
        )
    loan = LoanFactory(unit=unit, amount_granted=Decimal("1000.00"), granted_on=START)
    for booked_on, kind, amount in entries:
        LoanEntryFactory(loan=loan, date=booked_on, kind=kind, amount=Decimal(amount))

    end = held_until(held)
    counted = [
        (kind, Decimal(amount))
        for booked_on, kind, amount in entries
        if end is None or booked_on <= end
    ]
    repaid_while_held = sum(
        (
            Decimal(amount)
            for booked_on, kind, amount in entries
            if kind == LoanEntry.Kind.REPAYMENT and covers(held, booked_on)
        ),
        Decimal(0),
    )

    def total(kind):
        return sum((amount for found, amount in counted if found == kind), Decimal(0))

    outstanding = (
        Decimal("1000.00")
        + total(LoanEntry.Kind.INTEREST)
        - total(LoanEntry.Kind.REPAYMENT)
        - total(LoanEntry.Kind.CORRECTION)
    )

    found = list(held_loans(party=party))
    if end is not None and end < START:
        assert found == []  # granted after the holder left
    else:
        (figures,) = found
        assert figures.repaid_while_held == repaid_while_held
        assert figures.outstanding == outstanding
        assert {entry.pk for entry in held_loan_entries(party=party)} == {
            entry.pk
            for entry in LoanEntry.objects.filter(loan=loan)
            if covers(held, entry.date)
        }
