"""The dashboard of demo resident 100001 (``seed_demo``: a cooperative flat
and a community flat bought three years ago, in arrears)
against figures computed by hand from the seeded rows.

"By hand" here means a plain Python walk over the unit's rows, following the
rules as the board wrote them (§III.4) and docs/domain.md, without any of the
application's queries: every entry booked up to today inside the resident's
rights, plus this month's scheduled charges not booked yet; what is due now is
what has passed its due date. "Today" is frozen before seeding (the demo
history runs up to the day it is generated) and while viewing.
"""

import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.management import call_command
from django.urls import reverse

import pytest
import time_machine

from ledger.formatting import format_money
from ledger.models import ChargeSchedule, LedgerEntry, Party, Unit, UnitRight

pytestmark = pytest.mark.django_db

#: Before the 10th: this month's charges are owed but not yet due.
DAY = dt.datetime(2025, 3, 5, 12, 0, tzinfo=ZoneInfo("Europe/Warsaw"))
TODAY = DAY.date()


@pytest.fixture
def seeded(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with time_machine.travel(DAY, tick=False):
        call_command("seed_demo", "--units", "30", "--years", "4", stdout=io.StringIO())
    return Party.objects.get(number="100001")


def by_hand(party, unit) -> dict:
    windows = [
        (right.valid_from, right.valid_to)
        for right in UnitRight.objects.filter(party=party, unit=unit)
    ]

    def inside(day):
        return any(
            start <= day and (end is None or day <= end) for start, end in windows
        )

    booked = not_yet_due = Decimal("0.00")
    month = TODAY.replace(day=1)
    booked_components = set()
    for entry in LedgerEntry.objects.filter(unit=unit):
        if (
            entry.kind == "charge"
            and entry.period == month
            and entry.booking_date <= TODAY
        ):
            booked_components.add(entry.component_id)
        if entry.booking_date > TODAY or not inside(entry.booking_date):
            continue
        booked += entry.amount
        if entry.amount < 0 and entry.due_date and entry.due_date >= TODAY:
            not_yet_due -= entry.amount
    simulated = monthly = Decimal("0.00")
    for schedule in ChargeSchedule.objects.filter(unit=unit):
        if schedule.valid_from > TODAY or (
            schedule.valid_to and schedule.valid_to < TODAY
        ):
            continue
        monthly += schedule.monthly_amount
        if schedule.component_id not in booked_components and inside(TODAY):
            simulated -= schedule.monthly_amount
            if min(schedule.due_day, 28) >= TODAY.day:  # due on the day: not late
                not_yet_due += schedule.monthly_amount
    total = booked + simulated
    overdue = max(-(total + not_yet_due), Decimal("0.00"))
    arrears = max(-total, Decimal("0.00"))
    return {
        "balance": total,
        "overdue": overdue,
        "later": max(arrears - overdue, Decimal("0.00")),
        "monthly": monthly,
    }


def test_100001_sees_both_zones_with_hand_computed_balances(client, seeded):
    party = seeded
    user = party.user
    user.must_change_password = False
    user.save()
    client.force_login(user)
    with time_machine.travel(DAY, tick=False):
        response = client.get(reverse("members:dashboard"))
    html = response.content.decode()

    units = {unit.zone: unit for unit in Unit.objects.filter(rights__party=party)}
    assert set(units) == {"cooperative", "community"}
    assert [zone["zone"] for zone in response.context["zones"]] == [
        "cooperative",
        "community",
    ]
    shown = {s.unit.zone: s for s in response.context["summaries"]}
    for zone, unit in units.items():
        expected = by_hand(party, unit)
        summary = shown[zone]
        got = {
            "balance": summary.breakdown.balance.total,
            "overdue": summary.breakdown.overdue,
            "later": summary.breakdown.due_later,
            "monthly": summary.monthly_charge,
        }
        assert got == expected, zone
        # The money words (issue 14): arrears are only what is past its due
        # date; what falls due later is "to pay by".
        if expected["overdue"] > 0:
            words = f"Zaległość: {format_money(expected['overdue'])}"
        elif expected["later"] > 0:
            words = f": {format_money(expected['later'])}"  # "Do zapłaty do <date>"
        else:
            words = f"Nadpłata: {format_money(expected['balance'])}"
        assert words in html, (zone, words)
        assert format_money(expected["monthly"]) in html

    # What the demo promises: the community flat is in arrears, and on the
    # 5th this month's charges are owed but not due yet.
    community = by_hand(party, units["community"])
    assert community["balance"] < 0 and community["overdue"] > 0
    assert community["later"] > 0
    # The community flat's previous owner's history is not part of it.
    right = UnitRight.objects.get(party=party, unit=units["community"])
    assert right.valid_from > dt.date(2021, 1, 1)
    assert "symulacja" in html and "Dane z systemu finansowo-księgowego" in html


def test_a_payment_in_advance_is_paired_with_the_charges_it_later_covers(seeded):
    """Issue 14, item 7: 100001's cooperative flat is in credit; what a
    payment leaves over settles the next charges as they are booked."""
    from ledger.models import EntrySettlement

    unit = Unit.objects.get(rights__party=seeded, zone="cooperative")
    pairs = EntrySettlement.objects.filter(payment__unit=unit).select_related(
        "payment", "charge"
    )
    assert pairs.exists()
    in_advance = [
        pair for pair in pairs if pair.payment.booking_date < pair.charge.booking_date
    ]
    assert in_advance, "a payment made before its charge must be paired with it"
    for pair in in_advance:
        assert 0 < pair.amount <= -pair.charge.amount


def test_the_demo_has_an_open_vote_in_a_community_of_100001(seeded):
    """Issue 17: an open vote, with an attachment, in the community where
    100001 owns a unit; the community's shares come from the floor areas."""
    from ledger import queries as ledger_queries
    from members.area import votes
    from members.models import Vote

    with time_machine.travel(DAY, tick=False):
        (vote,) = Vote.objects.all()
        assert vote.is_open()
        assert vote.attachments.get().file.read().startswith(b"%PDF-")
        assert votes.vote_for_party(party=seeded, vote_id=vote.pk) == vote
        (unit,) = votes.unit_ballots(party=seeded, vote=vote)
        assert unit.unit.common_share is not None and unit.ballot is None
        shares = sum(
            item.unit.common_share
            for item in ledger_queries.community_units_with_owners(
                community=vote.community, on=TODAY
            )
        )
    assert abs(shares - 1) < Decimal("0.0001")


def test_the_demo_has_a_repair_request_with_the_offices_reply(seeded, client):
    """Issue 17: resident 100002's repair request, with a photo and the
    estate office's reply, which 100002 reads on the request's page; the
    office's account works in that unit's estate office."""
    from members.models import EstateOfficeStaff, RepairMessage, RepairRequest

    (request,) = RepairRequest.objects.filter(party__number="100002")
    assert request.photos.count() == 1
    reply = request.messages.get(kind=RepairMessage.Kind.OFFICE)
    assert EstateOfficeStaff.objects.filter(
        user__username="administracja", estate=request.unit.building.estate
    ).exists()
    client.force_login(request.reporter)
    page = client.get(reverse("members:repair-detail", args=[request.pk]))
    assert page.status_code == 200
    assert reply.text in page.content.decode()
