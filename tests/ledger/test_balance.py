"""The balance "as of a day" (rules §III.4) with hand-computed figures.

The flat of ``conftest.flat`` owes 300 + 150 + 80 = 530.00 zł a month, due on
the 10th. The sign convention: charges lower the balance, payments raise it.
"""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError

import pytest

from ledger import queries
from ledger.models import LedgerEntry
from ledger.services import ledger_entry_create
from tests.factories import (
    ChargeScheduleFactory,
    DataImportFactory,
    LedgerEntryFactory,
    PartyFactory,
    UnitFactory,
    UnitRightFactory,
)
from tests.ledger.conftest import MONTHLY
from tests.ledger.helpers import book_charges, pay

pytestmark = pytest.mark.django_db

APRIL = dt.date(2024, 4, 1)
MAY = dt.date(2024, 5, 1)


def test_current_month_charges_count_before_their_due_date(flat, holder, components):
    book_charges(flat, components, MONTHLY, APRIL)
    pay(flat, "530.00", dt.date(2024, 4, 8))

    # 3 May: nothing of May is booked yet, and nothing is due before the 10th,
    # yet the balance already shows May's 530.00 zł (the "simulation").
    result = queries.balance(party=holder, unit=flat, on=dt.date(2024, 5, 3))

    assert result.booked == Decimal("0.00")
    assert result.simulated == Decimal("-530.00")
    assert result.total == Decimal("-530.00")
    assert result.arrears == Decimal("530.00")


def test_a_booked_charge_is_not_counted_twice(flat, holder, components):
    # The accounting system has booked May's operating costs only.
    book_charges(flat, components, MONTHLY, MAY, only={"EKS"})

    result = queries.balance(party=holder, unit=flat, on=dt.date(2024, 5, 3))
    assert result.booked == Decimal("-300.00")
    assert result.simulated == Decimal("-230.00")
    assert result.total == Decimal("-530.00")

    # Once every component is booked, nothing is simulated any more.
    book_charges(flat, components, MONTHLY, MAY, only={"FR", "ZW"})
    result = queries.balance(party=holder, unit=flat, on=dt.date(2024, 5, 3))
    assert result.simulated == Decimal("0.00")
    assert result.total == Decimal("-530.00")


def test_a_charge_booked_after_the_day_is_still_simulated_on_that_day(
    flat, holder, components
):
    book_charges(flat, components, MONTHLY, MAY, booked_on=dt.date(2024, 5, 6))

    before = queries.balance(party=holder, unit=flat, on=dt.date(2024, 5, 5))
    after = queries.balance(party=holder, unit=flat, on=dt.date(2024, 5, 6))

    assert (before.booked, before.simulated) == (Decimal("0.00"), Decimal("-530.00"))
    assert (after.booked, after.simulated) == (Decimal("-530.00"), Decimal("0.00"))


def test_a_payment_dated_tomorrow_is_not_included(flat, holder, components):
    book_charges(flat, components, MONTHLY, MAY)
    pay(flat, "530.00", dt.date(2024, 5, 9))

    assert queries.balance(
        party=holder, unit=flat, on=dt.date(2024, 5, 8)
    ).total == Decimal("-530.00")
    assert queries.balance(
        party=holder, unit=flat, on=dt.date(2024, 5, 9)
    ).total == Decimal("0.00")


def test_a_correction_in_the_residents_favour_lowers_the_arrears(
    flat, holder, components
):
    book_charges(flat, components, MONTHLY, APRIL)
    # Water norm corrected after a change in the number of occupants.
    LedgerEntryFactory(
        unit=flat,
        kind=LedgerEntry.Kind.CORRECTION,
        component=components["ZW"],
        amount=Decimal("25.50"),
        booking_date=dt.date(2024, 4, 20),
    )

    result = queries.balance(party=holder, unit=flat, on=dt.date(2024, 4, 30))
    assert result.total == Decimal("-504.50")


def test_interest_and_a_media_surcharge_raise_the_arrears(flat, holder, components):
    book_charges(flat, components, MONTHLY, APRIL)
    pay(flat, "530.00", dt.date(2024, 4, 15))
    LedgerEntryFactory(
        unit=flat,
        kind=LedgerEntry.Kind.INTEREST,
        amount=Decimal("-1.27"),
        booking_date=dt.date(2024, 4, 15),
    )
    LedgerEntryFactory(
        unit=flat,
        kind=LedgerEntry.Kind.SETTLEMENT,
        amount=Decimal("-112.40"),
        booking_date=dt.date(2024, 4, 28),
    )

    result = queries.balance(party=holder, unit=flat, on=dt.date(2024, 4, 30))
    assert result.total == Decimal("-113.67")


def test_every_holder_of_a_unit_sees_the_same_balance(flat, holder, components):
    spouse = PartyFactory(number="300002", name="Nowak Piotr")
    UnitRightFactory(
        party=spouse, unit=flat, valid_from=dt.date(2020, 1, 1), share=Decimal("0.5")
    )
    book_charges(flat, components, MONTHLY, APRIL)
    pay(flat, "400.00", dt.date(2024, 4, 10))

    on = dt.date(2024, 4, 30)
    mine = queries.balance(party=holder, unit=flat, on=on)
    theirs = queries.balance(party=spouse, unit=flat, on=on)

    assert mine == theirs
    assert mine.total == Decimal("-130.00")


def test_a_new_owner_sees_the_ledger_from_the_start_of_their_right(flat, components):
    seller = PartyFactory(number="300010", name="Wiśniewski Adam")
    buyer = PartyFactory(number="300011", name="Zielińska Ewa")
    UnitRightFactory(
        party=seller,
        unit=flat,
        valid_from=dt.date(2015, 1, 1),
        valid_to=dt.date(2024, 3, 14),
    )
    UnitRightFactory(party=buyer, unit=flat, valid_from=dt.date(2024, 3, 15))
    # The seller leaves February and March unpaid: 1060.00 zł of arrears.
    book_charges(flat, components, MONTHLY, dt.date(2024, 2, 1))
    book_charges(flat, components, MONTHLY, dt.date(2024, 3, 1))
    # The buyer pays April on time.
    book_charges(flat, components, MONTHLY, APRIL)
    pay(flat, "530.00", dt.date(2024, 4, 9))

    on = dt.date(2024, 4, 20)
    buyer_balance = queries.balance(party=buyer, unit=flat, on=on)
    seller_balance = queries.balance(party=seller, unit=flat, on=on)
    buyer_statement = queries.statement(
        party=buyer, unit=flat, date_from=dt.date(2024, 1, 1), date_to=on
    )

    assert buyer_balance.total == Decimal("0.00")
    # The seller's view stops at the sale, and nothing is simulated for them.
    assert seller_balance.total == Decimal("-1060.00")
    assert seller_balance.simulated == Decimal("0.00")
    # The buyer's statement starts at their right: no opening debt, and only
    # April's four entries.
    assert buyer_statement.opening_balance == Decimal("0.00")
    assert [e.booking_date for e in buyer_statement.entries] == [APRIL] * 3 + [
        dt.date(2024, 4, 9)
    ]
    assert min(e.booking_date for e in buyer_statement.entries) >= dt.date(2024, 3, 15)


def test_a_unit_without_a_schedule_shows_only_booked_entries(components):
    garage = UnitFactory(number="G7", kind="garage")
    owner = PartyFactory(number="300020")
    UnitRightFactory(party=owner, unit=garage, valid_from=dt.date(2020, 1, 1))
    LedgerEntryFactory(
        unit=garage, amount=Decimal("-45.00"), booking_date=dt.date(2024, 4, 1)
    )

    result = queries.balance(party=owner, unit=garage, on=dt.date(2024, 5, 3))
    breakdown = queries.balance_breakdown(
        party=owner, unit=garage, on=dt.date(2024, 5, 3)
    )

    assert result.simulated == Decimal("0.00")
    assert result.total == Decimal("-45.00")
    assert breakdown.month_charges == []
    assert breakdown.overdue == Decimal("45.00")


def test_amounts_are_rounded_half_up_to_the_grosz_and_summed_exactly(flat, holder):
    first = ledger_entry_create(
        unit=flat,
        kind=LedgerEntry.Kind.CHARGE,
        amount="-33.335",
        booking_date=dt.date(2024, 4, 1),
        external_id="R1",
    )
    # Ten payments of 0.10 zł sum to exactly 1.00 zł, as Decimal, not float.
    for n in range(10):
        ledger_entry_create(
            unit=flat,
            kind=LedgerEntry.Kind.PAYMENT,
            amount=Decimal("0.10"),
            booking_date=dt.date(2024, 4, 2),
            external_id=f"P{n}",
        )
    first.refresh_from_db()

    assert first.amount == Decimal("-33.34")
    result = queries.balance(party=holder, unit=flat, on=dt.date(2024, 4, 30))
    assert result.booked == Decimal("-32.34")
    assert str(result.booked) == "-32.34"
    assert queries.money(Decimal("2.675")) == Decimal("2.68")


def test_a_schedule_in_grosz_is_simulated_to_the_grosz(components):
    unit = UnitFactory()
    owner = PartyFactory(number="300030")
    UnitRightFactory(party=owner, unit=unit)
    for code in ("EKS", "FR", "ZW"):
        ChargeScheduleFactory(
            unit=unit, component=components[code], monthly_amount=Decimal("33.33")
        )

    result = queries.balance(party=owner, unit=unit, on=dt.date(2024, 5, 3))
    assert result.simulated == Decimal("-99.99")


def test_a_charge_with_the_wrong_sign_is_refused(flat):
    with pytest.raises(ValidationError):
        ledger_entry_create(
            unit=flat,
            kind=LedgerEntry.Kind.CHARGE,
            amount="530.00",
            booking_date=dt.date(2024, 4, 1),
            external_id="X1",
        )


def test_another_partys_unit_is_not_visible(flat, holder):
    stranger = PartyFactory(number="300099")

    with pytest.raises(queries.UnitNotVisible):
        queries.balance(party=stranger, unit=flat, on=dt.date(2024, 5, 3))
    with pytest.raises(queries.UnitNotVisible):
        queries.statement(
            party=stranger,
            unit=flat,
            date_from=dt.date(2024, 1, 1),
            date_to=dt.date(2024, 5, 3),
        )
    with pytest.raises(queries.UnitNotVisible):
        queries.unit_for_party(party=stranger, unit_id=flat.pk, on=dt.date(2024, 5, 3))


# --- The breakdown ------------------------------------------------------------------


def test_breakdown_before_the_due_day_splits_overdue_from_due_later(
    flat, holder, components
):
    # April left 200.00 zł unpaid; May is not booked yet.
    book_charges(flat, components, MONTHLY, APRIL)
    pay(flat, "330.00", dt.date(2024, 4, 9))
    DataImportFactory(finished_at=dt.datetime(2024, 5, 2, 6, 0, tzinfo=dt.UTC))

    breakdown = queries.balance_breakdown(
        party=holder, unit=flat, on=dt.date(2024, 5, 3)
    )

    assert breakdown.balance.total == Decimal("-730.00")
    assert breakdown.overdue == Decimal("200.00")
    assert breakdown.due_later == Decimal("530.00")
    assert [
        (c.component.code, c.amount, c.simulated) for c in breakdown.month_charges
    ] == [
        ("EKS", Decimal("300.00"), True),
        ("FR", Decimal("150.00"), True),
        ("ZW", Decimal("80.00"), True),
    ]
    assert breakdown.month_charges[0].due_date == dt.date(2024, 5, 10)
    assert breakdown.month_charges_total == Decimal("530.00")
    assert breakdown.last_payment.amount == Decimal("330.00")
    assert breakdown.last_payment.booking_date == dt.date(2024, 4, 9)
    assert breakdown.last_import_at == dt.datetime(2024, 5, 2, 6, 0, tzinfo=dt.UTC)


def test_breakdown_after_the_due_day_shows_it_all_overdue(flat, holder, components):
    book_charges(flat, components, MONTHLY, MAY, only={"EKS"})

    breakdown = queries.balance_breakdown(
        party=holder, unit=flat, on=dt.date(2024, 5, 12)
    )

    assert breakdown.balance.total == Decimal("-530.00")
    assert breakdown.overdue == Decimal("530.00")
    assert breakdown.due_later == Decimal("0.00")
    assert [(c.component.code, c.simulated) for c in breakdown.month_charges] == [
        ("EKS", False),
        ("FR", True),
        ("ZW", True),
    ]


def test_breakdown_of_an_overpayment_owes_nothing_now_or_later(
    flat, holder, components
):
    book_charges(flat, components, MONTHLY, APRIL)
    pay(flat, "1200.00", dt.date(2024, 4, 9))

    breakdown = queries.balance_breakdown(
        party=holder, unit=flat, on=dt.date(2024, 5, 3)
    )

    assert breakdown.balance.total == Decimal("140.00")
    assert breakdown.balance.overpayment == Decimal("140.00")
    assert breakdown.overdue == Decimal("0.00")
    assert breakdown.due_later == Decimal("0.00")


def test_breakdown_agrees_with_balance(flat, holder, components):
    book_charges(flat, components, MONTHLY, APRIL)
    book_charges(flat, components, MONTHLY, MAY, only={"FR"})
    pay(flat, "100.00", dt.date(2024, 5, 2))
    on = dt.date(2024, 5, 3)

    assert queries.balance_breakdown(
        party=holder, unit=flat, on=on
    ).balance == queries.balance(party=holder, unit=flat, on=on)
