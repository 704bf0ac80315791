"""Contact data and change requests, membership ("not a member" explained),
loans, the own-data (RODO) download, notices, and the one-time notice of new
rules after the board publishes them."""

import datetime as dt
import io
import json
import zipfile
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

import pytest
import time_machine

from cms.models import RulesPage, SiteSettings
from ledger.models import Membership
from members.models import AuditEvent, ContactChangeRequest, RulesAcknowledgement
from tests.area.conftest import NOON

pytestmark = pytest.mark.django_db


def get(client, name, *args):
    with time_machine.travel(NOON, tick=False):
        return client.get(reverse(f"members:{name}", args=args))


# --- Contact data ---------------------------------------------------------------


def test_contact_page_shows_the_data_on_file_and_the_estate_office(
    resident_client, resident
):
    html = get(resident_client, "contact").content.decode()
    party = resident.party
    assert party.name in html and party.phone in html and party.email in html
    estate = resident.party.rights.get().unit.building.estate
    assert estate.office_name in html
    assert estate.office_phone in html
    assert estate.office_hours in html


def test_a_change_request_waits_for_the_office_and_is_confirmed_in_the_admin(
    resident_client, resident, staff_client
):
    with time_machine.travel(NOON, tick=False):
        response = resident_client.post(
            reverse("members:contact"),
            {"phone": "600 700 800", "email": "", "comment": "Nowy numer."},
        )
    assert response.status_code == 302
    change = ContactChangeRequest.objects.get()
    assert (change.phone, change.email, change.status) == (
        "600 700 800",
        "",
        ContactChangeRequest.Status.PENDING,
    )
    resident.party.refresh_from_db()
    assert resident.party.phone != "600 700 800"  # not until the office confirms
    assert "czeka na administrację" in get(resident_client, "contact").content.decode()

    edit = reverse("members_contactchangerequest_modeladmin_edit", args=[change.pk])
    assert staff_client.get(edit).status_code == 200
    assert (
        staff_client.post(
            edit, {"decision": "confirm", "staff_note": "Potwierdzone telefonicznie."}
        ).status_code
        == 302
    )
    change.refresh_from_db()
    resident.party.refresh_from_db()
    assert change.status == ContactChangeRequest.Status.CONFIRMED
    assert change.confirmed_by == staff_client.user
    assert resident.party.phone == "600 700 800"
    assert (
        "Potwierdzone telefonicznie."
        in get(resident_client, "contact").content.decode()
    )


def test_an_empty_or_unchanged_request_is_refused(resident_client, resident):
    with time_machine.travel(NOON, tick=False):
        empty = resident_client.post(reverse("members:contact"), {"comment": "x"})
        same = resident_client.post(
            reverse("members:contact"), {"phone": resident.party.phone}
        )
        bad = resident_client.post(
            reverse("members:contact"), {"postal_code": "45273", "city": "Opole"}
        )
    assert "Prosimy wypełnić co najmniej jedno pole" in empty.content.decode()
    assert "inną niż dane, które mamy" in same.content.decode()
    assert "00-000" in bad.content.decode()
    assert not ContactChangeRequest.objects.exists()


# --- Membership -----------------------------------------------------------------


def test_membership_data_are_shown(resident_client):
    html = get(resident_client, "membership").content.decode()
    assert "Członek nr CZ-A-1" in html
    assert "500,00\xa0zł" in html and "100,00\xa0zł" in html
    assert "Uchwała Zarządu nr 12/2005" in html
    assert "Nie są Państwo członkiem" not in html


def test_not_a_member_is_explained(client, other_resident):
    user, *_ = other_resident
    client.force_login(user)
    html = get(client, "membership").content.decode()
    assert "Nie są Państwo członkiem Spółdzielni" in html
    assert "nie ma wpisu" in html
    assert "Członkostwo nie jest potrzebne, aby korzystać z IOK" in html


def test_an_ended_membership_is_shown_as_such(resident_client, resident):
    membership = resident.party.memberships.get()
    membership.status = Membership.Status.TERMINATED
    membership.termination_date = dt.date(2024, 12, 31)
    membership.save()
    html = get(resident_client, "membership").content.decode()
    assert "To członkostwo ustało" in html
    assert "obecnie nie są Państwo członkiem" in html


# --- Loans ------------------------------------------------------------------------


def test_loans_show_granted_repaid_remaining_and_instalments(resident_client, resident):
    loan = resident.party.rights.get().unit.loans.get()
    html = get(resident_client, "loans").content.decode()
    assert "12\xa0000,00\xa0zł" in html  # granted
    assert "11\xa0750,00\xa0zł" in html  # remaining after one repayment of 250
    detail = get(resident_client, "loan-detail", loan.pk)
    assert [e.amount for e in detail.context["entries"]] == [
        Decimal("250.00"),
        Decimal("250.00"),
    ]


# --- My data (RODO) -------------------------------------------------------------


def test_my_data_download_is_a_complete_archive_and_is_audited(
    resident_client, resident
):
    assert get(resident_client, "my-data").status_code == 200
    with time_machine.travel(NOON, tick=False):
        response = resident_client.post(reverse("members:my-data"))
    assert response["Content-Type"] == "application/zip"
    assert "attachment;" in response["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        names = set(archive.namelist())
        data = json.loads(archive.read("dane.json"))
        ledger_csv = archive.read("csv/ledger.csv").decode("utf-8")
    for key in (
        "account",
        "party",
        "rights",
        "ledger",
        "loans",
        "loan_entries",
        "meters",
        "meter_readings",
        "membership",
        "discrepancy_reports",
        "contact_change_requests",
        "audit_events",
    ):
        assert key in data, key
        assert f"csv/{key}.csv" in names, key
    assert data["party"][0]["number"] == "500001"
    assert len(data["ledger"]) == 4  # February: three charges and a payment
    assert data["membership"][0]["member_number"] == "CZ-A-1"
    assert ledger_csv.startswith("\ufeff")
    # The download itself is in the audit trail, and in the archive.
    event = AuditEvent.objects.get(event=AuditEvent.Event.DATA_EXPORT)
    assert event.actor == resident and event.target_user == resident
    assert any(e["event"] == "data_export" for e in data["audit_events"])


def test_my_data_is_downloaded_by_post_only(resident_client):
    # A link cannot trigger (and audit) a download: GET shows the page.
    response = get(resident_client, "my-data")
    assert response["Content-Type"].startswith("text/html")
    assert not AuditEvent.objects.filter(event=AuditEvent.Event.DATA_EXPORT).exists()


# --- Notices ----------------------------------------------------------------------


def test_notices_zone_lists_what_the_resident_may_read(resident_client, notices):
    html = get(resident_client, "notices").content.decode()
    assert notices["public"].title in html
    assert notices["residents"].title in html
    assert notices["draft"].title not in html
    assert notices["board_only"].title not in html
    assert "Ogłoszenia Państwa wspólnoty mieszkaniowej" in html


# --- Rules (§IV.4) ----------------------------------------------------------------


@pytest.fixture
def rules(notices):
    home = notices["public"].get_parent().get_parent()
    page = RulesPage(
        title="Zasady korzystania z IOK",
        slug="zasady-iok",
        resolution_number="733/2012",
        adopted_on=dt.date(2012, 11, 21),
        effective_from=dt.date(2012, 12, 1),
        body="[]",
    )
    home.add_child(instance=page)
    page.save_revision().publish()
    settings_row = SiteSettings.load()
    settings_row.rules_page = page
    settings_row.save()
    return page


def login(client, username, password="Haslo123"):  # noqa: S107 - test fixture
    return client.post(
        reverse("members:login"), {"username": username, "password": password}
    )


def test_new_rules_are_announced_once_at_the_next_login(
    client, resident, rules, settings
):
    settings.AXES_ENABLED = False
    resident.date_joined = timezone.now()  # registered after the rules were published
    resident.save()
    # First login after registration: the rules in force were handed over
    # with the access letter, nothing to announce; the version is recorded.
    login(client, "500001")
    html = get(client, "dashboard").content.decode()
    assert "Zasady korzystania z IOK zostały zmienione" not in html
    assert "733/2012" in html  # the footer: the rules in force and resolution
    assert RulesAcknowledgement.objects.get(user=resident).version.startswith(
        "733/2012@"
    )

    # The board publishes a new version.
    rules = RulesPage.objects.get(pk=rules.pk)
    rules.resolution_number = "58/2025"
    rules.adopted_on = dt.date(2025, 6, 17)
    rules.effective_from = dt.date(2025, 7, 1)
    rules.save_revision().publish()

    client.post(reverse("members:logout"))
    login(client, "500001")
    first = get(client, "dashboard").content.decode()
    assert "Zasady korzystania z IOK zostały zmienione" in first
    assert "58/2025" in first
    assert f'href="{rules.url}"' in first
    # Once only: the next page and the next login say nothing more.
    assert "zostały zmienione" not in get(client, "dashboard").content.decode()
    client.post(reverse("members:logout"))
    login(client, "500001")
    assert "zostały zmienione" not in get(client, "dashboard").content.decode()


def test_rules_published_after_the_account_was_made_are_announced(
    client, resident, rules, settings
):
    settings.AXES_ENABLED = False
    resident.date_joined = timezone.now() - dt.timedelta(days=400)
    resident.save()
    RulesPage.objects.filter(pk=rules.pk).update(last_published_at=timezone.now())
    login(client, "500001")
    assert "zostały zmienione" in get(client, "dashboard").content.decode()
