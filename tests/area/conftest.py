"""Fixtures of the member-area tests: residents with units, logged-in clients."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth.models import Group
from django.core.cache import cache

from wagtail.models import Page, PageViewRestriction, Site

import pytest

from cms.models import HomePage, NoticeIndexPage, NoticePage
from ledger.models import LedgerEntry, Meter, Unit
from tests.factories import (
    BuildingFactory,
    ChargeComponentFactory,
    ChargeScheduleFactory,
    DataImportFactory,
    EstateFactory,
    HousingCommunityFactory,
    LedgerEntryFactory,
    LoanEntryFactory,
    LoanFactory,
    MembershipFactory,
    MeterFactory,
    MeterReadingFactory,
    PartyFactory,
    UnitFactory,
    UnitRightFactory,
)

#: "Today" in the member-area tests (frozen with time-machine where it matters).
TODAY = dt.date(2025, 3, 15)
NOON = dt.datetime(2025, 3, 15, 12, 0, tzinfo=ZoneInfo("Europe/Warsaw"))


@pytest.fixture(autouse=True)
def _area_isolation(settings, tmp_path):
    """Uploads go to a temporary private folder; the cached import time and
    site links of one test never leak into the next."""
    settings.IOK_PRIVATE_MEDIA_ROOT = tmp_path / "private"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def components(db):
    return {
        "EKS": ChargeComponentFactory(code="EKS", name="Eksploatacja", ordering=1),
        "FR": ChargeComponentFactory(code="FR", name="Fundusz remontowy", ordering=2),
        "ZW": ChargeComponentFactory(code="ZW", name="Zimna woda", ordering=3),
    }


def make_resident(
    django_user_model, *, number, name, units=1, zone=Unit.Zone.COOPERATIVE, **extra
):
    """A party with ``units`` units (each with a 530,00 zł schedule) and a
    login that has already changed its first password."""
    components = {
        "EKS": ChargeComponentFactory(code="EKS", name="Eksploatacja", ordering=1),
        "FR": ChargeComponentFactory(code="FR", name="Fundusz remontowy", ordering=2),
        "ZW": ChargeComponentFactory(code="ZW", name="Zimna woda", ordering=3),
    }
    party = PartyFactory(number=number, name=name)
    estate = EstateFactory(code=f"OS{number[-2:]}", name=f"Osiedle {name}")
    community = (
        HousingCommunityFactory(estate=estate) if zone == Unit.Zone.COMMUNITY else None
    )
    building = BuildingFactory(estate=estate, community=community)
    made = []
    for _index in range(units):
        unit = UnitFactory(building=building, zone=zone)
        UnitRightFactory(party=party, unit=unit, valid_from=dt.date(2020, 1, 1))
        for code, amount in (("EKS", "300.00"), ("FR", "150.00"), ("ZW", "80.00")):
            ChargeScheduleFactory(
                unit=unit,
                component=components[code],
                monthly_amount=Decimal(amount),
                valid_from=dt.date(2020, 1, 1),
            )
        made.append(unit)
    user = django_user_model.objects.create_user(
        username=number, password="Haslo123", party=party, **extra
    )
    return user, party, made


@pytest.fixture
def resident(db, django_user_model):
    """Resident A: one cooperative flat with a booked history, a loan, a meter
    with readings, a membership."""
    user, party, units = make_resident(
        django_user_model, number="500001", name="Anna Alfa"
    )
    unit = units[0]
    book_month(unit, dt.date(2025, 2, 1), paid=Decimal("530.00"))
    loan = LoanFactory(unit=unit, number="KR/A/1", amount_granted=Decimal("12000.00"))
    LoanEntryFactory(
        loan=loan,
        kind="instalment_due",
        amount=Decimal("250.00"),
        date=dt.date(2025, 1, 10),
    )
    LoanEntryFactory(
        loan=loan, kind="repayment", amount=Decimal("250.00"), date=dt.date(2025, 1, 9)
    )
    meter = MeterFactory(unit=unit, kind=Meter.Kind.COLD_WATER)
    MeterReadingFactory(meter=meter, reading_date=dt.date(2024, 9, 30), value=10)
    MeterReadingFactory(meter=meter, reading_date=dt.date(2024, 12, 31), value=25)
    MembershipFactory(party=party, member_number="CZ-A-1")
    DataImportFactory(finished_at=dt.datetime(2025, 3, 14, 6, 0, tzinfo=dt.UTC))
    return user


@pytest.fixture
def other_resident(db, django_user_model):
    """Resident B with a distinctive name and amounts A must never see."""
    user, party, units = make_resident(
        django_user_model,
        number="500002",
        name="Bożena Beta",
        zone=Unit.Zone.COMMUNITY,
    )
    unit = units[0]
    LedgerEntryFactory(
        unit=unit,
        kind=LedgerEntry.Kind.PAYMENT,
        amount=Decimal("9876.54"),
        booking_date=dt.date(2025, 1, 20),
    )
    loan = LoanFactory(unit=unit, number="KR/B/1", amount_granted=Decimal("77777.00"))
    meter = MeterFactory(unit=unit, serial_number="BETA0001")
    MeterReadingFactory(meter=meter, reading_date=dt.date(2024, 12, 31), value=40)
    return user, unit, loan, meter


def book_month(unit, month: dt.date, *, paid: Decimal | None = None, pay_day=8):
    """Book the month's three charges of a unit (530,00 zł, due on the 10th)
    and, optionally, a payment."""
    from ledger.models import ChargeComponent

    for code, amount in (("EKS", "300.00"), ("FR", "150.00"), ("ZW", "80.00")):
        LedgerEntryFactory(
            unit=unit,
            kind=LedgerEntry.Kind.CHARGE,
            component=ChargeComponent.objects.get(code=code),
            amount=-Decimal(amount),
            booking_date=month,
            period=month,
            due_date=month.replace(day=10),
        )
    if paid is not None:
        LedgerEntryFactory(
            unit=unit,
            kind=LedgerEntry.Kind.PAYMENT,
            amount=paid,
            booking_date=month.replace(day=pay_day),
            period=month,
        )


@pytest.fixture
def resident_client(client, resident):
    client.force_login(resident)
    return client


def add_notice(index, slug: str, *, live: bool = True, **fields) -> NoticePage:
    fields.setdefault("title", slug.replace("-", " ").capitalize())
    fields.setdefault("lead", f"Lead of {slug}")
    fields.setdefault("date", TODAY)
    notice = NoticePage(slug=slug, live=live, **fields)
    index.add_child(instance=notice)
    if live:
        notice.save_revision().publish()
    return notice


@pytest.fixture
def notices(db):
    """A small page tree: a public notice, a residents-only notice, a draft,
    and a notice restricted to the board's group."""
    # A transactional test elsewhere may have flushed Wagtail's root page.
    root = Page.get_first_root_node() or Page.add_root(
        instance=Page(title="Root", slug="root")
    )
    home = HomePage(title="Start", slug="start-area")
    root.add_child(instance=home)
    site = Site.objects.filter(is_default_site=True).first() or Site(
        hostname="localhost", is_default_site=True
    )
    site.root_page = home
    site.save()
    index = NoticeIndexPage(title="Ogłoszenia", slug="ogloszenia")
    home.add_child(instance=index)
    index.save_revision().publish()
    board = add_notice(index, "dla-zarzadu", title="Tylko dla Zarządu")
    restriction = PageViewRestriction.objects.create(
        page=board, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(Group.objects.get_or_create(name="Zarząd testowy")[0])
    return {
        "public": add_notice(index, "publiczne", title="Wywóz gabarytów"),
        "residents": add_notice(
            index,
            "dla-mieszkancow",
            title="Przegląd gazowy – tylko dla mieszkańców",
            audience=NoticePage.Audience.RESIDENTS,
        ),
        "draft": add_notice(index, "szkic", title="Szkic ogłoszenia", live=False),
        "board_only": board,
    }
