"""RODO retention: ``manage.py purge_old_data`` deletes what is older than the
retention settings, changes nothing with --dry-run, and never changes a
balance a resident sees."""

import datetime as dt
import io
import os
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

import pytest
import time_machine
from axes.models import AccessAttempt, AccessLog

from ledger import queries
from ledger.models import (
    EntrySettlement,
    LedgerEntry,
    Loan,
    LoanEntry,
    Membership,
    MeterReading,
    Party,
)
from members.models import AuditEvent, ContactChangeRequest, DiscrepancyReport
from tests.factories import (
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


# --- Loans, readings, memberships, former residents, requests, files ----------------

# IOK_FORMER_RESIDENT_RETENTION_YEARS = 3 on 2026-03-15: ended before 2023-03-15.
FORMER_CUTOFF = dt.date(2023, 3, 15)
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def media(settings, tmp_path):
    settings.IOK_FORMER_RESIDENT_RETENTION_YEARS = 3
    settings.IOK_REQUEST_RETENTION_DAYS = 1095
    settings.IOK_IMPORT_FILE_RETENTION_DAYS = 90
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.IOK_PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return tmp_path


def loan_with(unit, entries, number):
    loan = LoanFactory(unit=unit, number=number, amount_granted=Decimal("1000.00"))
    for day, kind, amount in entries:
        LoanEntryFactory(loan=loan, date=day, kind=kind, amount=Decimal(amount))
    return loan


def test_closed_old_loans_go_open_and_recently_closed_ones_stay(db):
    unit = UnitFactory()
    repaid_long_ago = loan_with(
        unit,
        [
            (dt.date(2015, 1, 10), "repayment", "600.00"),
            (dt.date(2019, 5, 10), "interest", "50.00"),
            (dt.date(2020, 5, 10), "repayment", "450.00"),
        ],
        "KR/1",
    )
    still_owing = loan_with(
        unit, [(dt.date(2015, 1, 10), "repayment", "600.00")], "KR/2"
    )
    # The granted amount repaid, but not the interest booked on it: still owing.
    owing_interest = loan_with(
        unit,
        [
            (dt.date(2015, 1, 10), "interest", "50.00"),
            (dt.date(2016, 1, 10), "repayment", "1000.00"),
        ],
        "KR/4",
    )
    repaid_recently = loan_with(
        unit,
        [
            (dt.date(2015, 1, 10), "repayment", "500.00"),
            (dt.date(2022, 1, 10), "correction", "500.00"),
        ],
        "KR/3",
    )

    output = purge()

    assert "deleted 1 (and 3 loan entries)" in output
    assert not Loan.objects.filter(pk=repaid_long_ago.pk).exists()
    assert LoanEntry.objects.filter(loan=still_owing).count() == 1
    assert LoanEntry.objects.filter(loan=repaid_recently).count() == 2
    assert LoanEntry.objects.filter(loan=owing_interest).count() == 2


def test_old_meter_readings_go_but_each_meters_starting_point_stays(db):
    meter = MeterFactory()
    kept_meter = MeterFactory()
    dates = {
        "2019-12-31 accepted": (dt.date(2019, 12, 31), "accepted"),
        "2020-06-30 accepted": (dt.date(2020, 6, 30), "accepted"),
        "2020-12-31 pending": (dt.date(2020, 12, 31), "pending"),
        "2021-06-30 accepted": (dt.date(2021, 6, 30), "accepted"),
    }
    for day, status in dates.values():
        MeterReadingFactory(meter=meter, reading_date=day, status=status)
    MeterReadingFactory(meter=kept_meter, reading_date=dt.date(2018, 1, 31))

    output = purge()

    assert "meter readings before 2021-01-01: deleted 2" in output
    left = sorted(
        (r.reading_date, r.status) for r in MeterReading.objects.filter(meter=meter)
    )
    assert left == [
        (dt.date(2020, 6, 30), "accepted"),  # the start of 2021's consumption
        (dt.date(2021, 6, 30), "accepted"),
    ]
    assert MeterReading.objects.filter(meter=kept_meter).count() == 1


def resident_with_history(
    django_user_model, number, right_ended, *, report_file=None, member=False
):
    party = PartyFactory(number=number, name=f"Mieszkaniec {number}")
    unit = UnitFactory()
    UnitRightFactory(
        party=party, unit=unit, valid_from=dt.date(2010, 1, 1), valid_to=right_ended
    )
    user = django_user_model.objects.create_user(
        username=number, password="Haslo123", party=party
    )
    if member:
        MembershipFactory(
            party=party,
            status="terminated",
            termination_date=right_ended or dt.date(2020, 1, 31),
        )
    report = DiscrepancyReport.objects.create(
        unit=unit,
        party=party,
        reporter=user,
        message="Brakuje wpłaty.",
        attachment=SimpleUploadedFile("dowod.pdf", PDF) if report_file else "",
        attachment_name="dowod.pdf" if report_file else "",
        created_at=timezone.now() - dt.timedelta(days=30),
    )
    ContactChangeRequest.objects.create(
        party=party, requested_by=user, phone="600 000 000"
    )
    return party, user, report


def test_former_residents_lose_their_account_and_personal_data(
    django_user_model, media, django_capture_on_commit_callbacks
):
    gone, gone_user, gone_report = resident_with_history(
        django_user_model, "300001", dt.date(2022, 1, 31), report_file=True, member=True
    )
    recent, recent_user, _r = resident_with_history(
        django_user_model, "300002", dt.date(2024, 5, 31)
    )
    current, current_user, current_report = resident_with_history(
        django_user_model, "300003", None, report_file=True
    )
    only_member = PartyFactory(number="300004", name="Członek Bez Lokalu")
    MembershipFactory(party=only_member)  # active: a member today
    attachment = media / "private" / gone_report.attachment.name
    assert attachment.exists()

    with django_capture_on_commit_callbacks(execute=True):
        output = purge()

    assert "personal data erased for 1; accounts: deleted 1" in output
    gone.refresh_from_db()
    assert (gone.name, gone.email, gone.phone, gone.address, gone.city) == (
        "(dane usunięte)",
        "",
        "",
        "",
        "",
    )
    assert gone.number == "300001"  # the accounting system's key stays
    assert not django_user_model.objects.filter(pk=gone_user.pk).exists()
    assert not DiscrepancyReport.objects.filter(party=gone).exists()
    assert not ContactChangeRequest.objects.filter(party=gone).exists()
    assert not Membership.objects.filter(party=gone).exists()
    assert not attachment.exists()
    # Someone who left 2 years ago, a current resident, a member: untouched.
    for party, user in ((recent, recent_user), (current, current_user)):
        party.refresh_from_db()
        assert party.name.startswith("Mieszkaniec")
        assert django_user_model.objects.filter(pk=user.pk).exists()
        assert DiscrepancyReport.objects.filter(party=party).exists()
        assert ContactChangeRequest.objects.filter(party=party).exists()
    assert (media / "private" / current_report.attachment.name).exists()
    only_member.refresh_from_db()
    assert only_member.name == "Członek Bez Lokalu"
    # A second run finds nothing more to do.
    assert "personal data erased for 0; accounts: deleted 0" in purge()


def test_memberships_that_ended_long_ago_go(django_user_model, media):
    party = PartyFactory(number="300010")
    UnitRightFactory(party=party)  # still holds a flat: only the membership goes
    MembershipFactory(
        party=party, status="terminated", termination_date=dt.date(2021, 6, 30)
    )
    recent = MembershipFactory(
        party=party, status="excluded", termination_date=dt.date(2024, 6, 30)
    )
    active = MembershipFactory(party=PartyFactory(number="300011"))

    output = purge()

    assert "memberships ended before 2023-03-15: deleted 1" in output
    assert set(Membership.objects.values_list("pk", flat=True)) == {
        recent.pk,
        active.pk,
    }
    party.refresh_from_db()
    assert party.name != "(dane usunięte)"


def test_answered_requests_go_after_the_period_waiting_ones_stay(
    django_user_model, media, django_capture_on_commit_callbacks
):
    party, user, _report = resident_with_history(django_user_model, "300020", None)
    DiscrepancyReport.objects.all().delete()
    ContactChangeRequest.objects.all().delete()
    unit = party.rights.get().unit
    long_ago = timezone.now() - dt.timedelta(days=1100)
    lately = timezone.now() - dt.timedelta(days=100)

    def report(status, answered_at, with_file=False):
        return DiscrepancyReport.objects.create(
            unit=unit,
            party=party,
            message="Saldo się nie zgadza.",
            status=status,
            answer="Sprawdzone." if status == "answered" else "",
            answered_at=answered_at,
            created_at=long_ago,
            attachment=SimpleUploadedFile("a.pdf", PDF) if with_file else "",
        )

    old_answered = report("answered", long_ago, with_file=True)
    new_answered = report("answered", lately)
    old_waiting = report("new", None)
    old_file = media / "private" / old_answered.attachment.name

    def contact(status, handled):
        return ContactChangeRequest.objects.create(
            party=party,
            phone="600 000 001",
            status=status,
            confirmed_at=handled,
            created_at=long_ago,
        )

    contact("confirmed", long_ago)
    kept_contacts = {contact("rejected", lately).pk, contact("pending", None).pk}

    with django_capture_on_commit_callbacks(execute=True):
        output = purge()

    assert "deleted 1 reports, 1 contact requests" in output
    assert set(DiscrepancyReport.objects.values_list("pk", flat=True)) == {
        new_answered.pk,
        old_waiting.pk,
    }
    assert set(ContactChangeRequest.objects.values_list("pk", flat=True)) == (
        kept_contacts
    )
    assert not old_file.exists()


def test_old_uploaded_import_files_go(media, db, django_capture_on_commit_callbacks):
    folder = media / "media" / "imports"
    folder.mkdir(parents=True)
    old, new = folder / "a.csv", folder / "b.csv"
    old.write_text("stare")
    new.write_text("nowe")
    then = (timezone.now() - dt.timedelta(days=91)).timestamp()
    os.utime(old, (then, then))
    os.utime(new, (timezone.now().timestamp(),) * 2)

    with django_capture_on_commit_callbacks(execute=True):
        output = purge()

    assert "uploaded import files before 2025-12-15 12:00: deleted 1" in output
    assert not old.exists() and new.exists()


def test_files_go_only_after_the_commit_and_a_failed_run_changes_nothing(
    django_user_model, media, django_capture_on_commit_callbacks
):
    _party, user, report = resident_with_history(
        django_user_model, "300030", dt.date(2020, 1, 31), report_file=True
    )
    attachment = media / "private" / report.attachment.name
    # A real fault late in the run: the import uploads' folder is a file, so
    # the storage cannot list it (the reports were already deleted by then).
    imports = media / "media" / "imports"
    imports.parent.mkdir(parents=True, exist_ok=True)
    imports.write_text("not a folder")

    with pytest.raises(NotADirectoryError):
        purge()
    assert attachment.exists()
    assert DiscrepancyReport.objects.filter(pk=report.pk).exists()
    assert django_user_model.objects.filter(pk=user.pk).exists()

    imports.unlink()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        purge()
    assert attachment.exists()  # the rows are gone, the commit has not happened
    assert len(callbacks) == 1
    callbacks[0]()
    assert not attachment.exists()


def test_dry_run_of_every_category_changes_nothing(
    django_user_model, media, django_capture_on_commit_callbacks
):
    _party, _user, report = resident_with_history(
        django_user_model, "300040", dt.date(2020, 1, 31), report_file=True, member=True
    )
    unit = UnitFactory()
    loan_with(unit, [(dt.date(2015, 1, 10), "repayment", "1000.00")], "KR/9")
    meter = MeterFactory(unit=unit)
    for day in (dt.date(2019, 1, 31), dt.date(2019, 6, 30)):
        MeterReadingFactory(meter=meter, reading_date=day)
    attachment = media / "private" / report.attachment.name
    tables = (Party, Membership, Loan, LoanEntry, MeterReading, DiscrepancyReport)

    def snapshot():
        return {
            model.__name__: sorted(map(str, model.objects.values_list()))
            for model in (*tables, ContactChangeRequest, django_user_model)
        }

    before = snapshot()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        output = purge("--dry-run")

    assert "would be erased for 1; accounts: would delete 1" in output
    assert "would delete 1 (and 1 loan entries)" in output
    assert "meter readings before 2021-01-01: would delete 1" in output
    assert "files (attachments, import files): would delete 1" in output
    assert "dry run: nothing was changed" in output
    assert callbacks == []
    assert snapshot() == before
    assert attachment.exists()
