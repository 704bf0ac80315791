""" "Do załatwienia" on the admin's home page: counts of the waiting work each
member of staff may act on, linked to the filtered screens."""

import datetime as dt
import re

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import pytest

from ledger.models import DataImport, MeterReading
from members.models import ContactChangeRequest, DiscrepancyReport
from members.todo import TODO_ITEMS, todo_for
from tests.conftest import log_in_verified_staff
from tests.factories import (
    DataImportFactory,
    MeterFactory,
    MeterReadingFactory,
    PartyFactory,
    UnitFactory,
)

User = get_user_model()


def staff(username, *groups):
    user = User.objects.create_user(username=username, password="Biuro2026!x")
    for name in groups:
        user.groups.add(Group.objects.get(name=name))
    return log_in_verified_staff(Client(), user)


@pytest.fixture
def waiting(db):
    """Two new reports, one in progress, one answered; three pending resident
    readings and one accepted; one pending and one confirmed contact change;
    imports: a failed one repeated successfully later, a failed one not, a
    dry run confirmed, a dry run waiting."""
    party = PartyFactory()
    unit = UnitFactory()
    for status in ("new", "new", "in_progress"):
        DiscrepancyReport.objects.create(
            unit=unit, party=party, message="Saldo się nie zgadza", status=status
        )
    DiscrepancyReport.objects.create(
        unit=unit, party=party, message="x", status="answered", answer="Sprawdzone"
    )
    meter = MeterFactory(unit=unit)
    for day in (1, 2, 3):
        MeterReadingFactory(
            meter=meter,
            reading_date=dt.date(2026, 11, day),
            source=MeterReading.Source.RESIDENT,
            status=MeterReading.Status.PENDING,
        )
    MeterReadingFactory(meter=meter)  # accepted, from the collector
    ContactChangeRequest.objects.create(party=party, phone="600100200")
    ContactChangeRequest.objects.create(
        party=party, phone="600100201", status="confirmed"
    )
    now = timezone.now()
    failed = DataImportFactory(status=DataImport.Status.FAILED, kind="parties")
    DataImportFactory(status=DataImport.Status.SUCCEEDED, kind="parties")
    DataImportFactory(status=DataImport.Status.FAILED, kind="ledger")
    confirmed = DataImportFactory(status=DataImport.Status.DRY_RUN, kind="meters")
    DataImportFactory(
        status=DataImport.Status.SUCCEEDED, kind="meters", checksum=confirmed.checksum
    )
    DataImportFactory(status=DataImport.Status.DRY_RUN, kind="readings")
    # created_at orders "later": make the order explicit.
    for offset, record in enumerate(DataImport.objects.order_by("pk")):
        DataImport.objects.filter(pk=record.pk).update(
            created_at=now - dt.timedelta(minutes=60 - offset)
        )
    return failed


def panel(response) -> dict[str, tuple[int, str]]:
    """The to-do panel's entries: key -> (count, link)."""
    html = response.content.decode()
    return {
        key: (int(count), url.replace("&amp;", "&"))
        for key, url, count in re.findall(
            r'data-todo="([^"]+)">\s*<a href="([^"]+)">[^<]*</a>:\s*'
            r'<strong class="iok-todo__count">(\d+)</strong>',
            html,
        )
    }


def test_the_counts_match_the_pending_records(waiting):
    superuser = User.objects.create_superuser(username="szef", password="x")
    counts = {entry.key: entry.count for entry in todo_for(superuser)}
    assert counts == {
        "reports-new": 2,
        "reports-in-progress": 1,
        "repairs-new": 0,
        "readings": 3,
        "contact-changes": 1,
        "emails-undelivered": 0,
        "imports-dry-run": 1,
        "imports-failed": 1,
        "imports-interrupted": 0,
    }


def test_a_registrar_sees_their_work_linked_to_the_filtered_screens(waiting):
    from members.models import OutgoingEmail

    OutgoingEmail.objects.create(
        to="mieszkaniec@example.pl",
        subject="Odpowiedź na zgłoszenie",
        status=OutgoingEmail.Status.FAILED,
        last_error="550 mailbox unavailable",
    )
    client = staff("rejestratorka", "Rejestratorzy")
    response = client.get("/admin/")
    assert response.status_code == 200
    entries = panel(response)
    # A registrar answers residents (and sees the e-mails that did not reach
    # them); imports are the accountants' work.
    assert set(entries) == {
        "reports-new",
        "reports-in-progress",
        "readings",
        "contact-changes",
        "emails-undelivered",
    }
    assert entries["emails-undelivered"][0] == 1
    assert entries["reports-new"][0] == 2
    assert entries["readings"][0] == 3
    # Each link opens the list showing exactly the counted records.
    for key, (count, url) in entries.items():
        listing = client.get(url)
        assert listing.status_code == 200, key
        rows = listing.content.decode().count('data-object-pk="')
        assert rows == count, key
    assert "Do załatwienia" in response.content.decode()


def test_an_accountant_sees_only_the_imports(waiting):
    client = staff("ksiegowa", "Księgowość")
    entries = panel(client.get("/admin/"))
    assert set(entries) == {"imports-dry-run", "imports-failed"}
    assert entries["imports-failed"][0] == 1


def test_a_user_without_the_permission_does_not_see_the_item(waiting):
    group = Group.objects.create(name="Tylko zgłoszenia")
    group.permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="change_discrepancyreport"),
        Permission.objects.get(codename="view_discrepancyreport"),
        # Of every estate office (the reports of one office: test_repairs).
        Permission.objects.get(codename="all_estate_offices"),
    )
    client = staff("odpowiadajacy", "Tylko zgłoszenia")
    entries = panel(client.get("/admin/"))
    assert set(entries) == {"reports-new", "reports-in-progress"}
    # An editor acts on none of it: no panel at all.
    editor = staff("redaktor", "Editors")
    assert "Do załatwienia" not in editor.get("/admin/").content.decode()


def test_a_decision_takes_the_record_off_the_list(waiting):
    client = staff("rejestratorka", "Rejestratorzy")
    DiscrepancyReport.objects.filter(status="new").update(
        status="answered", answer="Wyjaśnione"
    )
    ContactChangeRequest.objects.filter(status="pending").update(status="rejected")
    entries = panel(client.get("/admin/"))
    assert "reports-new" not in entries
    assert "contact-changes" not in entries
    assert entries["reports-in-progress"][0] == 1


def test_nothing_waiting_is_said_in_polish(db):
    client = staff("rejestratorka", "Rejestratorzy")
    html = client.get("/admin/").content.decode()
    assert "Nic nie czeka na Ciebie." in html


def test_all_counts_come_from_one_query(waiting):
    superuser = User.objects.create_superuser(username="szef", password="x")
    todo_for(superuser)  # permissions loaded
    with CaptureQueriesContext(connection) as queries:
        entries = todo_for(superuser)
    assert len(entries) == len(TODO_ITEMS)
    assert len(queries) == 1
