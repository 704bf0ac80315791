"""RODO retention: ``manage.py purge_old_data`` deletes what is older than the
retention settings, changes nothing with --dry-run, and never changes a
balance a resident sees."""

import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.management import call_command
from django.utils import timezone

import pytest
import time_machine
from axes.models import AccessAttempt, AccessLog

from ledger import queries
from ledger.models import EntrySettlement, LedgerEntry
from members.models import AuditEvent
from tests.factories import (
    LedgerEntryFactory,
    PartyFactory,
    UnitFactory,
    UnitRightFactory,
)

NOW = dt.datetime(2026, 3, 15, 12, 0, tzinfo=ZoneInfo("Europe/Warsaw"))
TODAY = NOW.date()
# IOK_LEDGER_RETENTION_YEARS = 6 in 2026 keeps 2021-01-01 onwards.
CUTOFF = dt.date(2021, 1, 1)


@pytest.fixture(autouse=True)
def _retention(settings):
    settings.IOK_AUDIT_RETENTION_DAYS = 1825
    settings.IOK_LOGIN_LOG_RETENTION_DAYS = 365
    settings.IOK_LEDGER_RETENTION_YEARS = 6
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def history(db):
    """A flat sold in mid-2019: Ala held it from 2012, Bartek from 2019-07-01.
    A charge and a payment every quarter from 2012 to 2026, one settlement."""
    unit = UnitFactory()
    ala, bartek = PartyFactory(name="Ala Stara"), PartyFactory(name="Bartek Nowy")
    UnitRightFactory(
        party=ala,
        unit=unit,
        valid_from=dt.date(2012, 1, 1),
        valid_to=dt.date(2019, 6, 30),
    )
    UnitRightFactory(party=bartek, unit=unit, valid_from=dt.date(2019, 7, 1))
    day = dt.date(2011, 11, 5)  # before anyone's right: nobody sees these
    charges = []
    while day < TODAY:
        charges.append(
            LedgerEntryFactory(unit=unit, booking_date=day, amount=Decimal("-310.45"))
        )
        LedgerEntryFactory(
            unit=unit,
            booking_date=day + dt.timedelta(days=9),
            kind=LedgerEntry.Kind.PAYMENT,
            amount=Decimal("290.00"),
        )
        day = (day.replace(day=1) + dt.timedelta(days=95)).replace(day=5)
    EntrySettlement.objects.create(
        payment=LedgerEntry.objects.filter(kind="payment").first(),
        charge=charges[0],
        amount=Decimal("290.00"),
    )
    other = UnitFactory()  # a unit with no holder at all
    LedgerEntryFactory(unit=other, booking_date=dt.date(2015, 5, 5))
    return unit, ala, bartek


def views(unit, ala, bartek) -> dict:
    """What each holder (and the office) sees of the unit."""
    seen = {
        "ala balance": queries.balance(party=ala, unit=unit, on=TODAY).total,
        "bartek balance": queries.balance(party=bartek, unit=unit, on=TODAY).total,
        "office total": sum(
            LedgerEntry.objects.filter(unit=unit).values_list("amount", flat=True)
        ),
    }
    statement = queries.statement(
        party=bartek, unit=unit, date_from=CUTOFF, date_to=TODAY, per_page=500
    )
    seen["bartek opening 2021"] = statement.opening_balance
    seen["bartek entries since 2021"] = [
        (e.booking_date, e.amount) for e in statement.entries
    ]
    seen["bartek closing"] = statement.closing_balance
    return seen


def purge(*args) -> str:
    out = io.StringIO()
    call_command("purge_old_data", *args, stdout=out)
    return out.getvalue()


def test_old_ledger_entries_go_and_every_holder_sees_the_same_balances(history):
    unit, ala, bartek = history
    before = views(unit, ala, bartek)
    old = LedgerEntry.objects.filter(booking_date__lt=CUTOFF).count()

    output = purge()

    assert f"deleted {old} " in output  # the holder-less unit's entry too
    assert not LedgerEntry.objects.filter(
        booking_date__lt=CUTOFF, source="test"
    ).exists()
    assert EntrySettlement.objects.count() == 0
    assert views(unit, ala, bartek) == before
    # One carried-forward balance per period between changes of holders.
    carried = LedgerEntry.objects.filter(unit=unit, source="retention")
    assert sorted(carried.values_list("booking_date", flat=True)) == [
        dt.date(2011, 12, 31),
        dt.date(2019, 6, 30),
        dt.date(2020, 12, 31),
    ]
    assert all(e.kind == "correction" for e in carried)


def test_purging_twice_changes_nothing_the_second_time(history):
    unit, ala, bartek = history
    purge()
    rows = list(LedgerEntry.objects.order_by("pk").values_list("pk", "amount"))
    output = purge()
    assert "deleted 0 (and 0 settlements)" in output
    assert list(LedgerEntry.objects.order_by("pk").values_list("pk", "amount")) == rows


def test_dry_run_counts_and_changes_nothing(history):
    unit, ala, bartek = history
    AuditEvent.objects.create(
        event="login", created_at=timezone.now() - dt.timedelta(days=2000)
    )
    entries = LedgerEntry.objects.count()
    output = purge("--dry-run")
    assert "audit events before 2021-03-16" in output
    assert "would delete 1" in output
    assert "dry run: nothing was changed" in output
    assert LedgerEntry.objects.count() == entries
    assert EntrySettlement.objects.count() == 1
    assert AuditEvent.objects.count() == 1


@pytest.mark.django_db
def test_audit_events_and_login_records_older_than_the_settings_go():
    now = timezone.now()
    for age in (1826, 1824, 10):
        AuditEvent.objects.create(event="login", created_at=now - dt.timedelta(age))
    for age in (400, 30):
        log = AccessLog.objects.create(username="100002", ip_address="10.0.0.1")
        AccessLog.objects.filter(pk=log.pk).update(attempt_time=now - dt.timedelta(age))
        attempt = AccessAttempt.objects.create(
            username=f"1000{age}", ip_address="10.0.0.1", failures_since_start=1
        )
        AccessAttempt.objects.filter(pk=attempt.pk).update(
            attempt_time=now - dt.timedelta(age)
        )

    output = purge()

    assert "audit events before 2021-03-16 12:00: deleted 1" in output
    assert "login records before 2025-03-15 12:00: deleted 2" in output
    ages = sorted((now - e.created_at).days for e in AuditEvent.objects.all())
    assert ages == [10, 1824]
    assert AccessLog.objects.count() == AccessAttempt.objects.count() == 1
