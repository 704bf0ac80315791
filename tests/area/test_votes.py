"""Votes of housing-community owners on resolutions (issue 17, point 1).

The community of these tests (shares of the common property, total 1):

    unit  share  owners                     (right)
    U1    0.40   Anna                       separate ownership
    U2    0.25   Anna                       separate ownership
    U3    0.20   Bogdan and Celina          separate ownership, co-owned
    U4    0.10   Dariusz                    separate ownership
    U5    0.05   (the cooperative)          Tadeusz holds a cooperative tenant right

Owners entitled to vote: Anna, Bogdan with Celina (one owner together) and
Dariusz: 3.
"""

import datetime as dt
import io
from decimal import Decimal

from django.core import mail
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse

import pytest
import time_machine
from pypdf import PdfReader

from ledger.models import Unit, UnitRight
from members.area import votes as vote_rules
from members.models import AuditEvent, Ballot, Vote
from members.signals import vote_closed, vote_opened
from tests.area.conftest import NOON, make_resident
from tests.factories import (
    BuildingFactory,
    EstateFactory,
    HousingCommunityFactory,
    PartyFactory,
    UnitFactory,
    UnitRightFactory,
)

pytestmark = pytest.mark.django_db

OPENS = NOON - dt.timedelta(days=1)
CLOSES = NOON + dt.timedelta(days=7)
AFTER = CLOSES + dt.timedelta(hours=1)
OWN = UnitRight.Kind.SEPARATE_OWNERSHIP
#: Queries of a vote page, with the session, user, second-factor and zone
#: lookups (the member pages' budget: tests/area/test_query_counts.py).
BUDGET = 10


def _user(django_user_model, party):
    return django_user_model.objects.create_user(
        username=party.number, password="Haslo123", party=party
    )


@pytest.fixture
def community(db, django_user_model):
    estate = EstateFactory(code="OSW", name="Osiedle Wspólne")
    community = HousingCommunityFactory(
        estate=estate, name="Wspólnota Mieszkaniowa „Lipowa 3”", address="ul. Lipowa 3"
    )
    building = BuildingFactory(
        estate=estate, community=community, address="ul. Lipowa 3"
    )
    units = {}
    for number, share in (
        ("1", "0.40"),
        ("2", "0.25"),
        ("3", "0.20"),
        ("4", "0.10"),
        ("5", "0.05"),
    ):
        units[f"U{number}"] = UnitFactory(
            building=building,
            number=number,
            zone=Unit.Zone.COMMUNITY,
            common_share=Decimal(share),
        )
    people = {
        key: PartyFactory(number=number, name=name)
        for key, number, name in (
            ("anna", "610001", "Anna Właścicielka"),
            ("bogdan", "610002", "Bogdan Współwłaściciel"),
            ("celina", "610003", "Celina Współwłaścicielka"),
            ("dariusz", "610004", "=Dariusz Formuła"),
            ("tadeusz", "610005", "Tadeusz Najemca"),
        )
    }
    since = dt.date(2020, 1, 1)
    for unit, holder in (
        ("U1", "anna"),
        ("U2", "anna"),
        ("U3", "bogdan"),
        ("U3", "celina"),
        ("U4", "dariusz"),
    ):
        UnitRightFactory(
            party=people[holder], unit=units[unit], kind=OWN, valid_from=since
        )
    UnitRightFactory(
        party=people["tadeusz"],
        unit=units["U5"],
        kind=UnitRight.Kind.COOP_TENANT,
        valid_from=since,
    )
    users = {key: _user(django_user_model, party) for key, party in people.items()}
    vote = Vote.objects.create(
        community=community,
        number="4/2025",
        title="w sprawie remontu dachu",
        text="Właściciele wyrażają zgodę na remont dachu.",
        opens_at=OPENS,
        closes_at=CLOSES,
    )
    attachment = vote.attachments.model(vote=vote, name="kosztorys.pdf")
    attachment.file.save("kosztorys.pdf", ContentFile(b"%PDF-1.4 kosztorys"), save=True)
    return {
        "community": community,
        "units": units,
        "people": people,
        "users": users,
        "vote": vote,
        "attachment": attachment,
    }


def _cast(client, user, vote, unit, choice):
    client.force_login(user)
    return client.post(
        reverse("members:vote", args=[vote.pk]), {"unit": unit.pk, "choice": choice}
    )


def _count(result):
    return {
        row["choice"]: (row["shares"], row["owners"], row["units"])
        for row in result.rows()
    }


# --- Counting -------------------------------------------------------------------------


def test_shares_and_headcount_match_the_hand_computed_case(client, community):
    """Anna (0.40 + 0.25) for; Bogdan (U3, 0.20) and Dariusz (U4, 0.10)
    against. By shares: 0.65 of 1.00 for, adopted. By owners: 1 of 3 for
    (Anna once, though she voted for two units), 2 against: not adopted."""
    vote, units, users = community["vote"], community["units"], community["users"]
    with time_machine.travel(NOON, tick=False):
        for user, unit, choice in (
            ("anna", "U1", "for"),
            ("anna", "U2", "for"),
            ("bogdan", "U3", "against"),
            ("dariusz", "U4", "against"),
        ):
            assert (
                _cast(client, users[user], vote, units[unit], choice).status_code == 302
            )

    result = vote_rules.vote_result(vote)
    assert result.total_shares == Decimal("1.00")
    assert result.total_owners == 3
    assert _count(result) == {
        "for": (Decimal("0.65"), 1, 2),
        "against": (Decimal("0.30"), 2, 2),
        "abstain": (Decimal("0"), 0, 0),
    }
    assert result.passes_by_shares and not result.passes_by_owners
    assert result.adopted  # shares decide by default

    vote.rule = Vote.Rule.HEADCOUNT
    vote.save()
    assert not vote_rules.vote_result(vote).adopted

    # After the close every owner sees both counts and which rule decided.
    with time_machine.travel(AFTER, tick=False):
        call_command("announce_vote_windows", stdout=io.StringIO())
        client.force_login(users["celina"])
        html = client.get(reverse("members:vote", args=[vote.pk])).content.decode()
    assert "Uchwała nie została podjęta." in html
    assert "jeden głos na właściciela" in html
    assert "0,65 (65%)" in html and "0,3 (30%)" in html
    assert '<td class="num">1</td>' in html and '<td class="num">2</td>' in html


def test_the_result_is_hidden_from_owners_until_the_close(client, community):
    vote, units, users = community["vote"], community["units"], community["users"]
    with time_machine.travel(NOON, tick=False):
        _cast(client, users["anna"], vote, units["U1"], "for")
        html = client.get(reverse("members:vote", args=[vote.pk])).content.decode()
    assert "Wynik" not in html and "result-title" not in html


def test_a_changed_vote_counts_once_and_every_change_is_audited(client, community):
    vote, units, users = community["vote"], community["units"], community["users"]
    with time_machine.travel(NOON, tick=False):
        _cast(client, users["anna"], vote, units["U1"], "for")
        first = Ballot.objects.get(vote=vote, unit=units["U1"]).receipt
        _cast(client, users["anna"], vote, units["U1"], "against")
    ballot = Ballot.objects.get(vote=vote, unit=units["U1"])
    assert Ballot.objects.filter(vote=vote).count() == 1
    assert ballot.choice == "against" and ballot.changes == 1
    assert ballot.receipt != first
    assert _count(vote_rules.vote_result(vote))["for"] == (Decimal(0), 0, 0)
    assert _count(vote_rules.vote_result(vote))["against"] == (Decimal("0.40"), 1, 1)
    events = list(
        AuditEvent.objects.filter(
            event__in=[AuditEvent.Event.VOTE_CAST, AuditEvent.Event.VOTE_CHANGED]
        ).order_by("created_at", "pk")
    )
    assert [e.event for e in events] == ["vote_cast", "vote_changed"]
    assert events[0].actor == users["anna"]
    assert events[0].target_party == community["people"]["anna"]
    assert events[1].details["choice"] == "against"
    assert events[1].details["previous_choice"] == "for"
    assert events[1].details["unit"] == units["U1"].code
    assert events[1].details["receipt"] == ballot.receipt


def test_a_vote_after_the_window_is_refused_and_nothing_changes(client, community):
    vote, units, users = community["vote"], community["units"], community["users"]
    with time_machine.travel(NOON, tick=False):
        _cast(client, users["anna"], vote, units["U1"], "for")
    with time_machine.travel(AFTER, tick=False):
        response = _cast(client, users["anna"], vote, units["U1"], "against")
        assert response.status_code == 302
        html = client.get(response["Location"]).content.decode()
        refused = _cast(client, users["dariusz"], vote, units["U4"], "for")
    assert "Głosowanie zakończyło się" in html
    assert "Twój głos nie został zapisany" in html
    assert "Zmień mój głos" not in html  # no form after the close
    assert refused.status_code == 302
    assert Ballot.objects.get(vote=vote).choice == "for"
    assert not Ballot.objects.filter(unit=units["U4"]).exists()
    assert AuditEvent.objects.filter(event="vote_changed").count() == 0


def test_a_vote_before_the_window_is_refused(client, community):
    vote, units, users = community["vote"], community["units"], community["users"]
    with time_machine.travel(OPENS - dt.timedelta(hours=1), tick=False):
        _cast(client, users["anna"], vote, units["U1"], "for")
    assert not Ballot.objects.exists()


# --- Who may see and vote -------------------------------------------------------------


def test_an_owner_of_another_community_gets_404_on_the_vote_and_its_attachments(
    client, community, django_user_model
):
    user, party, (unit,) = make_resident(
        django_user_model, number="620001", name="Obca Wspólnota", zone="community"
    )
    UnitRight.objects.filter(party=party).update(kind=OWN)
    vote, attachment = community["vote"], community["attachment"]
    client.force_login(user)
    with time_machine.travel(NOON, tick=False):
        urls = [
            reverse("members:vote", args=[vote.pk]),
            reverse("members:vote-receipt", args=[vote.pk]),
            reverse("members:vote-attachment", args=[vote.pk, attachment.pk]),
        ]
        for url in urls:
            assert client.get(url).status_code == 404, url
        response = client.post(urls[0], {"unit": unit.pk, "choice": "for"})
        assert response.status_code == 404
        # Their own unit in the form of another community's vote: still 404.
        response = client.post(
            urls[0], {"unit": community["units"]["U1"].pk, "choice": "for"}
        )
        assert response.status_code == 404
        listing = client.get(reverse("members:votes")).content.decode()
    assert vote.title not in listing
    assert not Ballot.objects.exists()


def test_an_attachment_is_served_privately_to_the_communitys_owners(client, community):
    vote, attachment = community["vote"], community["attachment"]
    client.force_login(community["users"]["celina"])
    response = client.get(
        reverse("members:vote-attachment", args=[vote.pk, attachment.pk])
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 kosztorys"
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    assert "kosztorys.pdf" in response["Content-Disposition"]
    # An attachment id of another vote under this vote's URL: 404.
    other = Vote.objects.create(
        community=HousingCommunityFactory(),
        number="1/2025",
        title="inna",
        text="inna",
        opens_at=OPENS,
        closes_at=CLOSES,
    )
    foreign = other.attachments.create(name="x.pdf", file="votes/x.pdf")
    url = reverse("members:vote-attachment", args=[vote.pk, foreign.pk])
    assert client.get(url).status_code == 404


def test_a_tenant_or_a_cooperative_resident_cannot_vote(client, community, resident):
    """Tadeusz holds a cooperative tenant right to U5 in the community; the
    ``resident`` holds a unit in the cooperative's own stock only."""
    vote, units = community["vote"], community["units"]
    with time_machine.travel(NOON, tick=False):
        for user in (community["users"]["tadeusz"], resident):
            client.force_login(user)
            url = reverse("members:vote", args=[vote.pk])
            assert client.get(url).status_code == 404
            for unit in ("U5", "U1"):
                response = client.post(url, {"unit": units[unit].pk, "choice": "for"})
                assert response.status_code == 404
            html = client.get(reverse("members:votes")).content.decode()
            assert vote.title not in html
            assert "tylko właściciele lokali" in html
    assert not Ballot.objects.exists()


def test_an_owner_votes_only_for_units_they_own(client, community):
    """Anna cannot vote for Dariusz's unit by editing the form: 404."""
    vote, units, users = community["vote"], community["units"], community["users"]
    with time_machine.travel(NOON, tick=False):
        response = _cast(client, users["anna"], vote, units["U4"], "for")
    assert response.status_code == 404
    assert not Ballot.objects.exists()


def test_a_co_owned_unit_votes_once_and_the_last_co_owner_wins(client, community):
    vote, units, users = community["vote"], community["units"], community["users"]
    with time_machine.travel(NOON, tick=False):
        _cast(client, users["bogdan"], vote, units["U3"], "for")
    with time_machine.travel(NOON + dt.timedelta(hours=1), tick=False):
        _cast(client, users["celina"], vote, units["U3"], "against")
        client.force_login(users["bogdan"])
        html = client.get(reverse("members:vote", args=[vote.pk])).content.decode()
    ballot = Ballot.objects.get()
    assert ballot.choice == "against"
    assert ballot.party == community["people"]["celina"]
    assert _count(vote_rules.vote_result(vote))["against"] == (Decimal("0.20"), 1, 1)
    assert "głosuje raz" in html and "głos współwłaściciela" in html
    assert "Celina Współwłaścicielka (współwłaściciel) głos: <strong>przeciw" in html


# --- Receipt --------------------------------------------------------------------------


def test_the_receipt_is_shown_and_sent_by_e_mail(
    client, community, django_capture_on_commit_callbacks
):
    vote, units, users = community["vote"], community["units"], community["users"]
    receipt_url = reverse("members:vote-receipt", args=[vote.pk])
    client.force_login(users["anna"])
    with time_machine.travel(NOON, tick=False):
        # Before a vote: no receipt, and no link to one.
        assert client.get(receipt_url).status_code == 404
        page = client.get(reverse("members:vote", args=[vote.pk])).content.decode()
        assert receipt_url not in page
    with (
        time_machine.travel(NOON, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = _cast(client, users["anna"], vote, units["U2"], "abstain")
        assert response["Location"] == receipt_url
        html = client.get(response["Location"]).content.decode()
    ballot = Ballot.objects.get()
    assert ballot.receipt.startswith("GL-") and ballot.receipt in html
    assert "Wstrzymuję się" in html or "wstrzymuję się" in html.lower()
    assert "0,25 (25%)" in html
    (message,) = mail.outbox
    assert message.to == [community["people"]["anna"].email]
    assert "4/2025" in message.subject
    assert ballot.receipt in message.body
    assert str(units["U2"]) in message.body


# --- The windows ----------------------------------------------------------------------


def test_the_windows_are_announced_once_each(
    community, django_capture_on_commit_callbacks
):
    vote = community["vote"]
    seen = []

    def opened(sender, vote, **kwargs):
        seen.append(("opened", vote.pk))

    def closed(sender, vote, **kwargs):
        seen.append(("closed", vote.pk))

    vote_opened.connect(opened, dispatch_uid="test-opened")
    vote_closed.connect(closed, dispatch_uid="test-closed")
    try:
        with (
            django_capture_on_commit_callbacks(execute=True),
            time_machine.travel(OPENS - dt.timedelta(minutes=1), tick=False),
        ):
            assert vote_rules.vote_windows_notice() == (0, 0)
        with (
            django_capture_on_commit_callbacks(execute=True),
            time_machine.travel(NOON, tick=False),
        ):
            assert vote_rules.vote_windows_notice() == (1, 0)
            assert vote_rules.vote_windows_notice() == (0, 0)
        with (
            django_capture_on_commit_callbacks(execute=True),
            time_machine.travel(AFTER, tick=False),
        ):
            call_command("announce_vote_windows", stdout=io.StringIO())
            call_command("announce_vote_windows", stdout=io.StringIO())
    finally:
        vote_opened.disconnect(dispatch_uid="test-opened")
        vote_closed.disconnect(dispatch_uid="test-closed")
    assert seen == [("opened", vote.pk), ("closed", vote.pk)]
    vote.refresh_from_db()
    assert vote.total_shares == Decimal("1.00") and vote.total_owners == 3


def test_a_closed_result_keeps_its_totals_after_a_sale(community):
    vote = community["vote"]
    with time_machine.travel(AFTER, tick=False):
        vote_rules.vote_windows_notice()
    # Dariusz sells U4 to Anna after the close: the closed count does not move.
    UnitRight.objects.filter(unit=community["units"]["U4"]).update(
        valid_to=dt.date(2025, 3, 1)
    )
    UnitRightFactory(
        party=community["people"]["anna"],
        unit=community["units"]["U4"],
        kind=OWN,
        valid_from=dt.date(2025, 3, 2),
    )
    vote.refresh_from_db()
    assert vote_rules.vote_result(vote).total_owners == 3


# --- Dashboard, export ----------------------------------------------------------------


def test_the_dashboard_lists_open_votes_waiting_for_the_owner(client, community):
    vote, units, users = community["vote"], community["units"], community["users"]
    client.force_login(users["anna"])
    with time_machine.travel(NOON, tick=False):
        html = client.get(reverse("members:dashboard")).content.decode()
        assert "Głosowania czekające na Ciebie" in html and vote.title in html
        _cast(client, users["anna"], vote, units["U1"], "for")
        html = client.get(reverse("members:dashboard")).content.decode()
        assert vote.title in html  # U2 still waits
        _cast(client, users["anna"], vote, units["U2"], "for")
        html = client.get(reverse("members:dashboard")).content.decode()
        assert "Głosowania czekające na Ciebie" not in html
        client.force_login(users["tadeusz"])
        html = client.get(reverse("members:dashboard")).content.decode()
        assert "Głosowania czekające na Ciebie" not in html


def test_the_rodo_export_has_the_residents_votes(client, community):
    import json
    import zipfile

    vote, units, users = community["vote"], community["units"], community["users"]
    with time_machine.travel(NOON, tick=False):
        _cast(client, users["anna"], vote, units["U1"], "for")
        response = client.post(reverse("members:my-data"))
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        data = json.loads(archive.read("dane.json"))
        header = archive.read("csv/votes.csv").decode("utf-8").splitlines()[0]
    (row,) = data["votes"]
    assert row["resolution"] == "4/2025" and row["choice"] == "za"
    assert row["receipt"] == Ballot.objects.get().receipt
    assert "uchwała" in header and "numer potwierdzenia" in header


# --- Query count ----------------------------------------------------------------------


def test_the_vote_page_asks_a_fixed_number_of_queries(
    client, community, django_assert_max_num_queries
):
    vote, units, users = community["vote"], community["units"], community["users"]
    client.force_login(users["anna"])
    with time_machine.travel(NOON, tick=False):
        _cast(client, users["anna"], vote, units["U1"], "for")
        # The first page of a session builds the cached site links; measure
        # the steady state (as tests/area/test_query_counts.py does).
        client.get(reverse("members:dashboard"))
        with django_assert_max_num_queries(BUDGET):
            assert (
                client.get(reverse("members:vote", args=[vote.pk])).status_code == 200
            )
        with django_assert_max_num_queries(BUDGET):
            response = client.get(reverse("members:votes"))
        assert response.status_code == 200
    with time_machine.travel(AFTER, tick=False):
        vote_rules.vote_windows_notice()
        client.force_login(users["anna"])  # a week later: a new session
        client.get(reverse("members:dashboard"))
        with django_assert_max_num_queries(BUDGET):
            assert (
                client.get(reverse("members:vote", args=[vote.pk])).status_code == 200
            )


# --- Staff: result and minutes --------------------------------------------------------


def _vote_all(client, community):
    vote, units, users = community["vote"], community["units"], community["users"]
    with time_machine.travel(NOON, tick=False):
        _cast(client, users["anna"], vote, units["U1"], "for")
        _cast(client, users["anna"], vote, units["U2"], "for")
        _cast(client, users["celina"], vote, units["U3"], "against")
        _cast(client, users["dariusz"], vote, units["U4"], "abstain")


def test_staff_export_the_list_of_votes_as_csv(client, staff_client, community):
    _vote_all(client, community)
    vote = community["vote"]
    response = staff_client.get(
        reverse("members_votes_admin:minutes-csv", args=[vote.pk])
    )
    assert response.status_code == 200
    lines = response.content.decode("utf-8").lstrip("\ufeff").splitlines()
    assert lines[0].split(";")[:5] == [
        "Lokal",
        "Kod lokalu",
        "Właściciele",
        "Udział w nieruchomości wspólnej",
        "Głos",
    ]
    assert len(lines) == 1 + 5  # every unit of the community
    rows = {line.split(";")[1]: line.split(";") for line in lines[1:]}
    u1, u4, u5 = (community["units"][key].code for key in ("U1", "U4", "U5"))
    assert rows[u1][3] == "0,4000000" and rows[u1][4] == "za"
    # A name starting with "=" is written so a spreadsheet does not run it.
    assert rows[u4][2] == "'=Dariusz Formuła" and rows[u4][4] == "wstrzymuję się"
    assert rows[u5][2] == "(spółdzielnia)" and rows[u5][4] == "nie głosował"
    receipt = Ballot.objects.get(unit=community["units"]["U1"]).receipt
    assert rows[u1][7] == receipt
    assert AuditEvent.objects.filter(
        event="data_export", details__export="vote_minutes"
    ).exists()


def test_staff_export_the_list_of_votes_as_pdf(client, staff_client, community):
    _vote_all(client, community)
    vote = community["vote"]
    with time_machine.travel(AFTER, tick=False):
        vote_rules.vote_windows_notice()
        response = staff_client.get(
            reverse("members_votes_admin:minutes-pdf", args=[vote.pk])
        )
        result = staff_client.get(reverse("members_votes_admin:result", args=[vote.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert "Uchwała 4/2025: lista głosów" in text
    assert "Wspólnota Mieszkaniowa „Lipowa 3”" in text
    assert "podjęta" in text and "udziałów" in text
    assert "Anna Właścicielka" in text and "Celina Współwłaścicielka" in text
    assert "nie głosował" in text
    for ballot in Ballot.objects.all():
        assert ballot.receipt in text.replace(" ", "")
    assert result.status_code == 200
    assert "Uchwała została podjęta." in result.content.decode()


def test_the_minutes_and_result_are_for_staff_only(client, community):
    vote = community["vote"]
    client.force_login(community["users"]["anna"])
    for name in ("minutes-csv", "minutes-pdf", "result"):
        response = client.get(reverse(f"members_votes_admin:{name}", args=[vote.pk]))
        assert response.status_code in (302, 403), name


def test_staff_create_a_vote_and_upload_an_attachment_checked_by_content(
    staff_client, community
):
    from wagtail_modeladmin.helpers import AdminURLHelper

    urls = AdminURLHelper(Vote)
    response = staff_client.post(
        urls.get_action_url("create"),
        {
            "community": community["community"].pk,
            "number": "5/2025",
            "rule": "headcount",
            "title": "w sprawie regulaminu porządku",
            "text": "Treść.",
            "opens_at": "2025-04-01 08:00",
            "closes_at": "2025-04-15 20:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    vote = Vote.objects.get(number="5/2025")
    assert vote.rule == "headcount" and vote.created_by == staff_client.user

    from django.core.files.uploadedfile import SimpleUploadedFile

    from members.models import VoteAttachment

    attachments = AdminURLHelper(VoteAttachment)
    fake = SimpleUploadedFile("uchwala.pdf", b"MZ not a pdf", "application/pdf")
    response = staff_client.post(
        attachments.get_action_url("create"), {"vote": vote.pk, "file": fake}
    )
    assert response.status_code == 200
    assert "nie odpowiada jego rodzajowi" in response.content.decode()
    real = SimpleUploadedFile("Uchwała 5.pdf", b"%PDF-1.4 ok", "application/pdf")
    response = staff_client.post(
        attachments.get_action_url("create"), {"vote": vote.pk, "file": real}
    )
    assert response.status_code == 302
    stored = vote.attachments.get()
    assert stored.name == "Uchwała 5.pdf"
    assert "Uchwała" not in stored.file.name  # stored under a random name


def test_a_window_that_closes_before_it_opens_is_refused(staff_client, community):
    from wagtail_modeladmin.helpers import AdminURLHelper

    response = staff_client.post(
        AdminURLHelper(Vote).get_action_url("create"),
        {
            "community": community["community"].pk,
            "number": "6/2025",
            "rule": "shares",
            "title": "t",
            "text": "t",
            "opens_at": "2025-04-15 08:00",
            "closes_at": "2025-04-01 20:00",
        },
    )
    assert response.status_code == 200
    assert "Głosowanie musi się zakończyć po rozpoczęciu." in response.content.decode()
    assert not Vote.objects.filter(number="6/2025").exists()


# --- Notifications (issue 18) ---------------------------------------------------------


def test_owners_who_chose_votes_are_e_mailed_when_a_vote_opens_and_closes(
    community, django_capture_on_commit_callbacks
):
    """The window job's signals reach the notifications: only the community's
    owners who chose the topic get the e-mail, with the vote's own page and
    a one-click unsubscribe link; a tenant of the community never does."""
    from members.notifications import VOTES, preferences_set

    for key in ("anna", "dariusz", "tadeusz"):
        party = community["people"][key]
        party.email = f"{key}@example.pl"
        party.save()
        preferences_set(user=community["users"][key], choices={VOTES: key != "dariusz"})
    vote = community["vote"]
    mail.outbox.clear()
    with (
        django_capture_on_commit_callbacks(execute=True),
        time_machine.travel(NOON, tick=False),
    ):
        vote_rules.vote_windows_notice()
    assert [message.to for message in mail.outbox] == [["anna@example.pl"]]
    opened = mail.outbox[0]
    assert reverse("members:vote", args=[vote.pk]) in opened.body
    assert "List-Unsubscribe" in opened.extra_headers
    mail.outbox.clear()
    with (
        django_capture_on_commit_callbacks(execute=True),
        time_machine.travel(AFTER, tick=False),
    ):
        vote_rules.vote_windows_notice()
    assert [message.to for message in mail.outbox] == [["anna@example.pl"]]
    assert vote.title in mail.outbox[0].subject
