"""Zones as settings (rules §III.3, issue 15): a zone suspended by the board or
IT shows its message instead of data on every one of its URLs and on the
dashboard, comes back by itself at its end time; a zone switched off leaves
the menu and its URLs say so; ``iok_zone`` and the admin screen change it,
and every change is audited."""

import datetime as dt

from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.urls import resolve, reverse

import pytest
import time_machine

from members.area.zones import (
    ZONES,
    State,
    menu_items,
    unit_url_names,
    zone_set,
    zone_status,
)
from members.models import AuditEvent, ResidentMeterReading, ZoneState
from tests.area.conftest import NOON
from tests.conftest import log_in_verified_staff

pytestmark = pytest.mark.django_db

MESSAGE = "Przerwa techniczna: przenosimy dane do nowego systemu."


def _urls(resident, other_resident, notices):
    """Every URL of every zone, with a text of the resident's data that the
    page shows while the zone is on and must not show while it is not."""
    party = resident.party
    unit = party.rights.get().unit
    loan = unit.loans.get()
    meter = unit.meters.get()
    _b_user, b_unit, _b_loan, _b_meter = other_resident
    public = notices["public"]
    document = _document(party, unit)
    return {
        "cooperative": [
            (reverse("members:ledger", args=[unit.pk]), "Eksploatacja"),
            (reverse("members:ledger-csv", args=[unit.pk]), "Eksploatacja"),
            (reverse("members:ledger-print", args=[unit.pk]), "Eksploatacja"),
            (reverse("members:ledger-pdf", args=[unit.pk]), None),
            (reverse("members:report-create", args=[unit.pk]), unit.building.address),
        ],
        "community": [
            (reverse("members:ledger", args=[b_unit.pk]), "876,54"),
            (reverse("members:ledger-csv", args=[b_unit.pk]), "876,54"),
            (reverse("members:ledger-print", args=[b_unit.pk]), "876,54"),
            (reverse("members:ledger-pdf", args=[b_unit.pk]), None),
            (
                reverse("members:report-create", args=[b_unit.pk]),
                b_unit.building.address,
            ),
        ],
        "loans": [
            (reverse("members:loans"), "KR/A/1"),
            (reverse("members:loan-detail", args=[loan.pk]), "KR/A/1"),
        ],
        "notices": [
            (reverse("members:notices"), public.title),
            (reverse("members:notice", args=[public.pk]), None),
        ],
        "community-notices": [(reverse("community-notices"), None)],
        "meters": [
            (reverse("members:meters"), meter.serial_number),
            (reverse("members:meter-detail", args=[meter.pk]), meter.serial_number),
        ],
        "membership": [(reverse("members:membership"), "CZ-A-1")],
        "contact": [(reverse("members:contact"), party.phone)],
        "votes": _vote_urls(b_unit),
        "repairs": _repair_urls(party, unit),
        "documents": [
            (reverse("members:documents"), document.title),
            (reverse("members:document-download", args=[document.pk]), None),
            (reverse("members:document-read", args=[document.pk]), None),
        ],
    }


# Pages that take a POST only: a GET while the zone is on is 405.
POST_ONLY = {"members:document-read"}


def _document(party, unit):
    from ledger.documents import add_document
    from ledger.pdf import Document, Letterhead

    pdf = Document(title="Pismo", letterhead=Letterhead("SM"))
    pdf.paragraph("Rozliczenie")
    return add_document(
        party=party,
        unit=unit,
        kind="utilities_settlement",
        date=dt.date(2025, 3, 1),
        title="Rozliczenie wody Anny Alfy",
        content=pdf.to_bytes(),
    )


def _vote_urls(unit):
    """Resident B owns the community flat (separate ownership) and has voted
    in a vote of its community that has an attachment."""
    from django.core.files.base import ContentFile

    from ledger.models import UnitRight
    from members.models import Ballot, Vote

    UnitRight.objects.filter(unit=unit).update(kind=UnitRight.Kind.SEPARATE_OWNERSHIP)
    unit.common_share = "0.0500000"
    unit.save()
    vote = Vote.objects.create(
        community=unit.building.community,
        number="7/2025",
        title="w sprawie wymiany dźwigu",
        text="Treść uchwały.",
        opens_at=NOON - dt.timedelta(days=1),
        closes_at=NOON + dt.timedelta(days=7),
    )
    attachment = vote.attachments.model(vote=vote, name="projekt.pdf")
    attachment.file.save("projekt.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    party = unit.rights.get().party
    Ballot.objects.create(
        vote=vote,
        unit=unit,
        choice="for",
        party=party,
        share=unit.common_share,
        owner_ids=str(party.pk),
        receipt="GL-TESTZONE01",
    )
    return [
        (reverse("members:votes"), "wymiany dźwigu"),
        (reverse("members:vote", args=[vote.pk]), "wymiany dźwigu"),
        (reverse("members:vote-receipt", args=[vote.pk]), "GL-TESTZONE01"),
        (reverse("members:vote-attachment", args=[vote.pk, attachment.pk]), None),
    ]


def _repair_urls(party, unit):
    from django.core.files.base import ContentFile

    from members.models import RepairPhoto, RepairRequest

    repair = RepairRequest.objects.create(
        unit=unit, party=party, category="lift", description="Winda stoi na 3 piętrze."
    )
    photo = RepairPhoto(request=repair)
    photo.image.save("photo.jpg", ContentFile(b"\xff\xd8\xff"), save=True)
    return [
        (reverse("members:repairs"), unit.building.address),
        (reverse("members:repair-create"), unit.building.address),
        (reverse("members:repair-detail", args=[repair.pk]), "Winda stoi"),
        (reverse("members:repair-photo", args=[repair.pk, photo.pk]), None),
    ]


def _client_for(zone, client, resident, other_resident):
    owner = zone in ("community", "votes")
    client.force_login(other_resident[0] if owner else resident)
    return client


def test_every_url_of_every_zone_is_covered():
    """A URL added to a zone is added to the test above (or this fails)."""
    expected = {"community", "cooperative"} | set(ZONES)
    assert expected == set(ZONES)
    for zone in ZONES.values():
        names = set(zone.url_names) | (unit_url_names() if zone.unit_zone else set())
        assert names, zone.key
    tested = {
        "cooperative": 5,
        "community": 5,
        "loans": 2,
        "notices": 2,
        "community-notices": 1,
        "meters": 2,
        "membership": 1,
        "contact": 1,
        "votes": 4,
        "repairs": 4,
        "documents": 3,
    }
    for key, zone in ZONES.items():
        count = len(zone.url_names) + (len(unit_url_names()) if zone.unit_zone else 0)
        assert tested[key] == count, key


@pytest.mark.parametrize("zone", list(ZONES))
def test_a_suspended_zone_shows_its_message_and_no_data_on_every_url(
    zone, client, resident, other_resident, notices
):
    urls = _urls(resident, other_resident, notices)[zone]
    client = _client_for(zone, client, resident, other_resident)
    with time_machine.travel(NOON, tick=False):
        for url, data in urls:
            response = client.get(url)
            post_only = resolve(url).view_name in POST_ONLY
            assert response.status_code in ((405,) if post_only else (200, 302)), url
            if data and response.status_code == 200:
                assert data in response.content.decode(), url
        zone_set(zone, State.SUSPENDED, message=MESSAGE)
        for url, data in urls:
            response = client.get(url)
            html = response.content.decode()
            assert response.status_code == 503, url
            assert MESSAGE in html, url
            assert "chwilowo niedostępna" in html, url
            if data:
                assert data not in html, url
            assert "no-store" in response["Cache-Control"]


def test_a_suspended_zone_refuses_a_submission_and_saves_nothing(
    resident_client, resident
):
    meter = resident.party.rights.get().unit.meters.get()
    before = ResidentMeterReading.objects.count()
    zone_set("meters", State.SUSPENDED, message=MESSAGE)
    with time_machine.travel(NOON, tick=False):
        response = resident_client.post(
            reverse("members:meter-detail", args=[meter.pk]),
            {"reading_date": "2025-03-14", "value": "30"},
        )
    assert response.status_code == 503
    assert ResidentMeterReading.objects.count() == before


def test_the_dashboard_shows_the_message_instead_of_the_units_and_notices(
    resident_client, resident, notices
):
    unit = resident.party.rights.get().unit
    dashboard = reverse("members:dashboard")
    with time_machine.travel(NOON, tick=False):
        html = resident_client.get(dashboard).content.decode()
        assert reverse("members:ledger", args=[unit.pk]) in html
        assert notices["public"].title in html

        zone_set("cooperative", State.SUSPENDED, message=MESSAGE)
        zone_set("notices", State.SUSPENDED, message="Ogłoszenia wrócą jutro.")
        response = resident_client.get(dashboard)
    html = response.content.decode()
    assert response.status_code == 200
    assert MESSAGE in html and "Ogłoszenia wrócą jutro." in html
    assert reverse("members:ledger", args=[unit.pk]) not in html
    assert "530,00" not in html
    assert notices["public"].title not in html
    # Not "no unit is assigned to you": the units are there, only withheld.
    assert "Nie masz dziś przypisanego" not in html


def test_payments_leave_out_the_units_of_a_suspended_zone(resident_client, resident):
    unit = resident.party.rights.get().unit
    with time_machine.travel(NOON, tick=False):
        assert (
            f"payment-{unit.pk}"
            in resident_client.get(reverse("members:payments")).content.decode()
        )
        zone_set("cooperative", State.SUSPENDED, message=MESSAGE)
        html = resident_client.get(reverse("members:payments")).content.decode()
    assert MESSAGE in html
    assert f"payment-{unit.pk}" not in html
    assert unit.bank_account not in html or not unit.bank_account


def test_a_community_suspension_leaves_the_cooperative_units_alone(
    resident_client, resident
):
    unit = resident.party.rights.get().unit
    zone_set("community", State.SUSPENDED, message=MESSAGE)
    with time_machine.travel(NOON, tick=False):
        assert (
            resident_client.get(reverse("members:ledger", args=[unit.pk])).status_code
            == 200
        )
        html = resident_client.get(reverse("members:dashboard")).content.decode()
    # The resident holds no community unit: the message is not for them.
    assert MESSAGE not in html
    assert reverse("members:ledger", args=[unit.pk]) in html


def test_a_suspended_zone_comes_back_by_itself_at_its_end_time(resident_client):
    loans = reverse("members:loans")
    with time_machine.travel(NOON, tick=False):
        zone_set(
            "loans",
            State.SUSPENDED,
            message=MESSAGE,
            until=NOON + dt.timedelta(hours=2),
        )
        response = resident_client.get(loans)
        assert response.status_code == 503
        assert int(response["Retry-After"]) == 2 * 3600
        assert "15.03.2025 14:00" in response.content.decode()
    with time_machine.travel(NOON + dt.timedelta(hours=1, minutes=59), tick=False):
        assert resident_client.get(loans).status_code == 503
    with time_machine.travel(NOON + dt.timedelta(hours=2), tick=False):
        response = resident_client.get(loans)
        assert response.status_code == 200
        assert "KR/A/1" in response.content.decode()
        assert (
            MESSAGE
            not in resident_client.get(reverse("members:dashboard")).content.decode()
        )


def test_a_zone_switched_off_leaves_the_menu_and_its_urls_say_so(resident_client):
    def labels():
        return [str(item["label"]) for item in menu_items("dashboard")]

    assert "Loans" in labels() or "Kredyty" in labels()
    before = len(labels())
    zone_set("loans", State.OFF)
    assert len(labels()) == before - 1
    assert all(label not in ("Loans", "Kredyty") for label in labels())
    with time_machine.travel(NOON, tick=False):
        response = resident_client.get(reverse("members:loans"))
    html = response.content.decode()
    assert response.status_code == 410
    assert "nie jest obecnie oferowana" in html
    assert "KR/A/1" not in html


def test_an_anonymous_visitor_is_still_sent_to_the_login(client):
    zone_set("loans", State.SUSPENDED, message=MESSAGE)
    response = client.get(reverse("members:loans"))
    assert response.status_code == 302
    assert reverse("members:login") in response["Location"]


# --- iok_zone --------------------------------------------------------------------


def test_iok_zone_round_trips_and_is_audited(capsys):
    call_command(
        "iok_zone",
        "meters",
        "suspend",
        "--message",
        MESSAGE,
        "--until",
        "2099-01-01 10:00",
    )
    status = zone_status("meters")
    assert status.suspended and status.message == MESSAGE
    assert status.until.year == 2099
    assert "meters: suspended until 2099-01-01 10:00" in capsys.readouterr().out

    call_command("iok_zone", "meters", "off")
    assert zone_status("meters").off
    call_command("iok_zone", "meters", "on")
    status = zone_status("meters")
    assert status.on and status.message == "" and status.until is None
    assert ZoneState.objects.get(zone="meters").state == State.ON

    events = AuditEvent.objects.filter(event=AuditEvent.Event.ZONE_CHANGED).order_by(
        "pk"
    )
    assert [(e.details["zone"], e.details["state"]) for e in events] == [
        ("meters", "suspended"),
        ("meters", "off"),
        ("meters", "on"),
    ]
    assert events[0].details["message"] == MESSAGE


def test_iok_zone_refuses_bad_input_and_changes_nothing():
    with pytest.raises(CommandError):
        call_command("iok_zone", "meters", "suspend", "--until", "2001-01-01 10:00")
    with pytest.raises(CommandError):
        call_command("iok_zone", "meters", "suspend", "--until", "jutro")
    with pytest.raises(CommandError):
        call_command("iok_zone", "parking", "off")
    assert not ZoneState.objects.exists()
    assert not AuditEvent.objects.filter(event=AuditEvent.Event.ZONE_CHANGED).exists()


# --- The admin screen: the board and IT ------------------------------------------


def test_the_board_suspends_a_zone_in_the_admin(django_user_model, client):
    board = django_user_model.objects.create_user(username="zarzad1", password="x")
    board.groups.add(Group.objects.get(name="Zarząd"))
    log_in_verified_staff(client, board)
    index = client.get(reverse("members_zones:index"))
    assert index.status_code == 200
    assert "Strefy IOK" in index.content.decode()
    edit = reverse("members_zones:edit", args=["contact"])
    response = client.post(edit, {"state": "suspended", "message": ""})
    assert response.status_code == 200  # a message is required
    assert zone_status("contact").on
    response = client.post(edit, {"state": "suspended", "message": MESSAGE})
    assert response.status_code == 302
    assert zone_status("contact").suspended
    event = AuditEvent.objects.get(event=AuditEvent.Event.ZONE_CHANGED)
    assert event.actor == board
    assert ZoneState.objects.get(zone="contact").changed_by == board
    listing = client.get(reverse("members_zones:index")).content.decode()
    assert "zawieszona" in listing and "włączona" in listing and MESSAGE in listing
    assert ">suspended<" not in listing and "Last change" not in listing


def test_an_editor_cannot_switch_zones(django_user_model, client):
    editor = django_user_model.objects.create_user(username="redaktor", password="x")
    editor.groups.add(Group.objects.get(name="Editors"))
    log_in_verified_staff(client, editor)
    response = client.post(
        reverse("members_zones:edit", args=["contact"]), {"state": "off"}
    )
    assert response.status_code in (302, 403)
    assert zone_status("contact").on


def test_the_rendered_menu_and_cards_follow_a_switch_and_the_end_time(
    resident_client,
):
    """The menu and the dashboard's zone cards are cached fragments: a zone
    switched off leaves both on the next page, although the page was rendered
    (and its fragments stored) before, and is back once its end time passes."""
    dashboard = reverse("members:dashboard")
    loans_link = f'href="{reverse("members:loans")}"'
    with time_machine.travel(NOON, tick=False):
        assert loans_link in resident_client.get(dashboard).content.decode()
        zone_set("loans", State.OFF, until=NOON + dt.timedelta(hours=1))
        html = resident_client.get(dashboard).content.decode()
        assert loans_link not in html
        assert loans_link not in (
            resident_client.get(reverse("members:contact")).content.decode()
        )
    with time_machine.travel(NOON + dt.timedelta(hours=1), tick=False):
        html = resident_client.get(dashboard).content.decode()
        # The menu entry and the dashboard's card are both back.
        assert html.count(loans_link) == 2
