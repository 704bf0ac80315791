"""Reads for the member area other than the balance: units, loans, meters,
membership, and the resident's meter reading service."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError

import pytest

from ledger import queries
from ledger.models import LoanEntry, MeterReading
from ledger.services import meter_reading_review, meter_reading_submit
from tests.factories import (
    BuildingFactory,
    HousingCommunityFactory,
    LoanEntryFactory,
    LoanFactory,
    MembershipFactory,
    MeterFactory,
    MeterReadingFactory,
    PartyFactory,
    UnitFactory,
    UnitRightFactory,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2024, 5, 20)


def test_units_for_party_lists_only_units_held_that_day():
    party = PartyFactory()
    current = UnitFactory()
    sold = UnitFactory()
    future = UnitFactory()
    UnitRightFactory(party=party, unit=current, valid_from=dt.date(2010, 1, 1))
    UnitRightFactory(
        party=party,
        unit=sold,
        valid_from=dt.date(2010, 1, 1),
        valid_to=dt.date(2020, 6, 30),
    )
    UnitRightFactory(party=party, unit=future, valid_from=dt.date(2025, 1, 1))
    UnitFactory()  # someone else's

    assert list(queries.units_for_party(party=party, on=TODAY)) == [current]
    assert queries.unit_for_party(party=party, unit_id=current.pk, on=TODAY) == current
    with pytest.raises(queries.UnitNotVisible):
        queries.unit_for_party(party=party, unit_id=sold.pk, on=TODAY)
    with pytest.raises(queries.UnitNotVisible):
        queries.unit_for_party(party=party, unit_id="not-a-number", on=TODAY)


def test_communities_for_party_are_those_of_its_community_units():
    community = HousingCommunityFactory()
    HousingCommunityFactory()  # another community
    party = PartyFactory()
    flat = UnitFactory(building=BuildingFactory(community=community), zone="community")
    UnitRightFactory(party=party, unit=flat)
    UnitRightFactory(party=party, unit=UnitFactory())  # cooperative stock

    assert list(queries.communities_for_party(party=party, on=TODAY)) == [community]


def test_loan_figures_granted_repaid_interest_outstanding_and_arrears():
    party = PartyFactory()
    unit = UnitFactory()
    UnitRightFactory(party=party, unit=unit)
    loan = LoanFactory(unit=unit, amount_granted=Decimal("10000.00"))
    kind = LoanEntry.Kind
    for n, (entry_kind, amount) in enumerate(
        [
            (kind.INSTALMENT_DUE, "250.00"),
            (kind.REPAYMENT, "250.00"),
            (kind.INSTALMENT_DUE, "250.00"),
            (kind.INSTALMENT_DUE, "250.00"),
            (kind.REPAYMENT, "200.00"),
            (kind.INTEREST, "41.67"),
            (kind.CORRECTION, "-10.00"),
        ]
    ):
        LoanEntryFactory(
            loan=loan,
            kind=entry_kind,
            amount=Decimal(amount),
            date=dt.date(2024, 1 + n, 10),
        )

    (figures,) = queries.loans_for_party(party=party, unit=unit)

    assert figures.repaid == Decimal("450.00")
    assert figures.interest == Decimal("41.67")
    # 10 000 + 41.67 − 450 − (−10)
    assert figures.outstanding == Decimal("9601.67")
    assert figures.instalments_due_count == 3
    # 750 due − 450 repaid − (−10) correction
    assert queries.loan_arrears(figures) == Decimal("310.00")


def test_loans_and_meters_of_another_partys_unit_are_not_visible():
    stranger = PartyFactory()
    unit = UnitFactory()
    LoanFactory(unit=unit)
    meter = MeterFactory(unit=unit)

    with pytest.raises(queries.UnitNotVisible):
        queries.loans_for_party(party=stranger, unit=unit)
    with pytest.raises(queries.UnitNotVisible):
        queries.meters_for_party(party=stranger, unit=unit)
    with pytest.raises(queries.UnitNotVisible):
        queries.readings_for_party(party=stranger, meter=meter)


def test_readings_show_consumption_since_the_previous_accepted_reading():
    party = PartyFactory()
    meter = MeterFactory()
    UnitRightFactory(party=party, unit=meter.unit, valid_from=dt.date(2023, 1, 1))
    for day, value, status in [
        (dt.date(2022, 12, 31), "90.000", "accepted"),  # before the right
        (dt.date(2023, 6, 30), "100.500", "accepted"),
        (dt.date(2023, 9, 30), "999.000", "rejected"),
        (dt.date(2023, 12, 31), "112.250", "accepted"),
    ]:
        MeterReadingFactory(
            meter=meter, reading_date=day, value=Decimal(value), status=status
        )

    readings = list(queries.readings_for_party(party=party, meter=meter))

    assert [(r.reading_date.month, r.value) for r in readings] == [
        (6, Decimal("100.500")),
        (12, Decimal("112.250")),
    ]
    assert readings[0].consumption is None
    assert readings[1].consumption == Decimal("11.750")


def test_a_resident_submits_a_reading_that_waits_for_review(django_user_model):
    party = PartyFactory()
    meter = MeterFactory()
    UnitRightFactory(party=party, unit=meter.unit)
    MeterReadingFactory(
        meter=meter, reading_date=dt.date(2024, 4, 30), value=Decimal("50.000")
    )
    user = django_user_model.objects.create_user(username=party.number, party=party)

    reading = meter_reading_submit(
        party=party,
        meter=meter,
        reading_date=TODAY,
        value=Decimal("53.125"),
        user=user,
    )

    assert reading.status == MeterReading.Status.PENDING
    assert reading.source == MeterReading.Source.RESIDENT
    assert list(queries.submitted_readings_for_party(party=party, meter=meter)) == [
        reading
    ]
    meter_reading_review(reading=reading, accept=True, note="Zgodny ze zdjęciem.")
    reading.refresh_from_db()
    assert reading.status == MeterReading.Status.ACCEPTED
    assert reading.reviewed_at is not None


def test_a_reading_lower_than_the_last_or_for_anothers_meter_is_refused(
    django_user_model,
):
    party = PartyFactory()
    meter = MeterFactory()
    UnitRightFactory(party=party, unit=meter.unit)
    MeterReadingFactory(
        meter=meter, reading_date=dt.date(2024, 4, 30), value=Decimal("50.000")
    )
    someone_elses = MeterFactory()

    with pytest.raises(ValidationError):
        meter_reading_submit(
            party=party,
            meter=meter,
            reading_date=TODAY,
            value=Decimal("49.000"),
            user=None,
        )
    with pytest.raises(ValidationError):
        meter_reading_submit(
            party=party,
            meter=someone_elses,
            reading_date=TODAY,
            value=Decimal("1.000"),
            user=None,
        )
    assert not MeterReading.objects.filter(status="pending").exists()


def test_memberships_for_party_returns_only_its_own():
    party = PartyFactory()
    mine = MembershipFactory(party=party)
    MembershipFactory()

    assert list(queries.memberships_for_party(party=party)) == [mine]


def test_staff_cannot_accept_a_reading_lower_than_one_accepted_since(
    django_user_model,
):
    # The office's acceptance runs the same check as the resident's form: a
    # reading accepted meanwhile for a later day makes this one implausible.
    party = PartyFactory()
    meter = MeterFactory()
    UnitRightFactory(party=party, unit=meter.unit)
    MeterReadingFactory(
        meter=meter, reading_date=dt.date(2024, 4, 30), value=Decimal("50.000")
    )
    user = django_user_model.objects.create_user(username=party.number, party=party)
    reading = meter_reading_submit(
        party=party,
        meter=meter,
        reading_date=TODAY - dt.timedelta(days=10),
        value=Decimal("58.000"),
        user=user,
    )
    MeterReadingFactory(meter=meter, reading_date=TODAY, value=Decimal("55.000"))

    with pytest.raises(ValidationError):
        meter_reading_review(reading=reading, accept=True)
    reading.refresh_from_db()
    assert reading.status == MeterReading.Status.PENDING
    meter_reading_review(reading=reading, accept=False, note="Za wysoki.")
    reading.refresh_from_db()
    assert reading.status == MeterReading.Status.REJECTED
