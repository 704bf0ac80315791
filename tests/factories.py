"""Shared factory_boy factories. Each app's work adds its own here."""

import datetime as dt
from decimal import Decimal

import factory

from ledger import models as ledger
from ledger.validators import make_nrb


class EstateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ledger.Estate
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"OS{n:02d}")
    name = factory.Sequence(lambda n: f"Osiedle {n}")
    office_name = factory.LazyAttribute(lambda o: f"Administracja {o.name}")
    office_address = "ul. Sosnkowskiego 40, 45-273 Opole"
    office_phone = "77 400 00 00"
    office_email = factory.LazyAttribute(lambda o: f"{o.code.lower()}@example.org")
    office_hours = "pon.–pt. 7:00–15:00"


class HousingCommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ledger.HousingCommunity

    code = factory.Sequence(lambda n: f"WM{n:02d}")
    name = factory.Sequence(lambda n: f"Wspólnota Mieszkaniowa nr {n}")
    address = factory.Sequence(lambda n: f"ul. Wspólna {n}")
    estate = factory.SubFactory(EstateFactory)


class BuildingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ledger.Building

    code = factory.Sequence(lambda n: f"B{n:03d}")
    address = factory.Sequence(lambda n: f"ul. Katowicka {n + 1}")
    postal_code = "45-273"
    city = "Opole"
    estate = factory.SubFactory(EstateFactory)
    community = None


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ledger.Unit

    code = factory.Sequence(lambda n: f"L{n:05d}")
    building = factory.SubFactory(BuildingFactory)
    number = factory.Sequence(lambda n: str(n + 1))
    kind = ledger.Unit.Kind.FLAT
    floor_area = Decimal("48.50")
    zone = ledger.Unit.Zone.COOPERATIVE
    bank_account = factory.Sequence(lambda n: make_nrb(f"10901014{n:016d}"))


class PartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ledger.Party
        django_get_or_create = ("number",)

    number = factory.Sequence(lambda n: f"{200000 + n}")
    name = factory.Sequence(lambda n: f"Kowalski Jan {n}")
    email = factory.LazyAttribute(lambda o: f"k{o.number}@example.org")
    phone = "600 100 200"
    address = "ul. Katowicka 1/1"
    postal_code = "45-273"
    city = "Opole"


class UnitRightFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ledger.UnitRight

    external_id = factory.Sequence(lambda n: f"R{n}")
    party = factory.SubFactory(PartyFactory)
    unit = factory.SubFactory(UnitFactory)
    kind = ledger.UnitRight.Kind.COOP_OWNERSHIP
    valid_from = dt.date(2000, 1, 1)
    valid_to = None
    share = Decimal("1")


class ChargeComponentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ledger.ChargeComponent
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"C{n:02d}")
    name = factory.Sequence(lambda n: f"Składnik {n}")
    ordering = factory.Sequence(lambda n: n)


class ChargeScheduleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ledger.ChargeSchedule

    external_id = factory.Sequence(lambda n: f"S{n}")
    unit = factory.SubFactory(UnitFactory)
    component = factory.SubFactory(ChargeComponentFactory)
    monthly_amount = Decimal("100.00")
    valid_from = dt.date(2000, 1, 1)
    valid_to = None
    due_day = ledger.DEFAULT_DUE_DAY


class LedgerEntryFactory(factory.django.DjangoModelFactory):
    """A booked entry. ``amount`` follows the sign convention: negative for
    charges and interest, positive for payments."""

    class Meta:
        model = ledger.LedgerEntry

    source = "test"
    external_id = factory.Sequence(lambda n: f"E{n}")
    unit = factory.SubFactory(UnitFactory)
    booking_date = dt.date(2024, 1, 1)
    period = factory.LazyAttribute(lambda o: o.booking_date.replace(day=1))
    due_date = None
    kind = ledger.LedgerEntry.Kind.CHARGE
    component = None
    amount = Decimal("-100.00")
    document_number = factory.Sequence(lambda n: f"DOK/{n}")
    description = ""


class LoanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ledger.Loan

    external_id = factory.Sequence(lambda n: f"K{n}")
    unit = factory.SubFactory(UnitFactory)
    number = factory.Sequence(lambda n: f"KR/{n}/2010")
    lender = "PKO BP"
    amount_granted = Decimal("30000.00")
    granted_on = dt.date(2010, 1, 1)
    instalment_amount = Decimal("250.00")
    instalments_count = 120


class LoanEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ledger.LoanEntry

    external_id = factory.Sequence(lambda n: f"KE{n}")
    loan = factory.SubFactory(LoanFactory)
    date = dt.date(2010, 2, 10)
    kind = ledger.LoanEntry.Kind.REPAYMENT
    amount = Decimal("250.00")


class MeterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ledger.Meter

    external_id = factory.Sequence(lambda n: f"M{n}")
    unit = factory.SubFactory(UnitFactory)
    kind = ledger.Meter.Kind.COLD_WATER
    serial_number = factory.Sequence(lambda n: f"ZW{n:08d}")
    location = "łazienka"
    unit_of_measure = "m³"
    installed_on = dt.date(2015, 1, 1)


class MeterReadingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ledger.MeterReading

    external_id = factory.Sequence(lambda n: f"O{n}")
    meter = factory.SubFactory(MeterFactory)
    reading_date = dt.date(2024, 1, 31)
    value = Decimal("10.000")
    source = ledger.MeterReading.Source.COLLECTOR
    status = ledger.MeterReading.Status.ACCEPTED


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ledger.Membership

    member_number = factory.Sequence(lambda n: f"CZ{n:05d}")
    party = factory.SubFactory(PartyFactory)
    admission_date = dt.date(2005, 3, 1)
    admission_resolution = "Uchwała Zarządu nr 12/2005"
    status = ledger.Membership.Status.ACTIVE
    shares_declared = 1
    shares_paid = Decimal("500.00")
    entry_fee_paid = Decimal("100.00")


class DataImportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ledger.DataImport

    kind = ledger.DataImport.Kind.LEDGER
    file_name = factory.Sequence(lambda n: f"kartoteka_{n}.csv")
    checksum = factory.Sequence(lambda n: f"{n:064x}")
    status = ledger.DataImport.Status.SUCCEEDED
