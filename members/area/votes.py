"""Votes of housing-community owners on resolutions (issue 17): who votes,
casting and changing a vote, counting, the windows' announcements, and the
minutes. The one place of these rules: the member pages, the admin, the job
and the exports call these functions.

- **Voters** are the owners (``ledger.queries.OWNERSHIP_KINDS``: separate
  ownership) of the community's units today. An owner votes for each unit
  they own; a co-owned unit has one ballot, and whichever co-owner votes last
  decides it. Tenants and holders of the cooperative's rights do not vote.
- **By shares** (the law's default, art. 23 ust. 2 of the act on the
  ownership of units): each unit's ``common_share``; the resolution passes
  when the shares "for" exceed half of the shares of all the community's
  units (units nobody voted for count as not voting, not as "against").
- **By owners** ("jeden właściciel – jeden głos", where the resolution or the
  statute says so): one vote per owner, an owner being the person, or the
  co-owners together, who own a unit; an owner of several units has one
  vote, the one they cast last. It passes when the owners "for" exceed half
  of all the owners.
- The totals are counted live while the vote runs and kept at the close
  (``vote_windows_notice``), so later sales do not change a closed result.
"""

from __future__ import annotations

import datetime as dt
import io
import secrets
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from ledger import queries as ledger_queries
from ledger.csv_writer import write_rows
from ledger.formatting import format_date, format_share
from ledger.models import Party
from ledger.pdf import Column, Document, Letterhead, Table
from members.audit import Event, audit_record
from members.models import Ballot, Vote, VoteAttachment
from members.outbox import queue_email, render_email
from members.signals import vote_closed, vote_opened

ZERO = Decimal(0)
Choice = Ballot.Choice
RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


def _today() -> dt.date:
    return timezone.localdate()


# --- What a resident sees -------------------------------------------------------------


def votes_for_party(*, party: Party) -> list[Vote]:
    """The votes of the communities in which ``party`` owns a unit today,
    newest first, with their community."""
    communities = ledger_queries.owner_communities(party=party, on=_today())
    return list(
        Vote.objects.filter(community__in=communities)
        .select_related("community")
        .order_by("-opens_at", "-pk")
    )


def vote_for_party(*, party: Party, vote_id: int) -> Vote:
    """One vote of a community in which ``party`` owns a unit today; 404 for
    any other (another community's, or a tenant's)."""
    communities = ledger_queries.owner_communities(party=party, on=_today())
    try:
        return Vote.objects.select_related("community").get(
            pk=vote_id, community__in=communities
        )
    except (Vote.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


@dataclass
class UnitBallot:
    """A unit the resident owns in the vote's community, and its ballot (cast
    by them or by a co-owner)."""

    unit: object
    ballot: Ballot | None
    co_owned: bool = False
    mine: bool = False


def unit_ballots(
    *, party: Party, vote: Vote, ballots: list[Ballot] | None = None
) -> list[UnitBallot]:
    """Each unit ``party`` owns in the vote's community today, with the
    ballot cast for it, if any (two queries; one when the caller has the
    vote's ``ballots`` with their parties)."""
    units = list(
        ledger_queries.owned_community_units(
            party=party, community=vote.community_id, on=_today()
        )
    )
    if ballots is None:
        ballots = Ballot.objects.filter(vote=vote, unit__in=units).select_related(
            "party"
        )
    by_unit = {ballot.unit_id: ballot for ballot in ballots}
    return [
        UnitBallot(
            unit,
            by_unit.get(unit.pk),
            (unit.owner_count or 0) > 1,
            unit.pk in by_unit and by_unit[unit.pk].party_id == party.pk,
        )
        for unit in units
    ]


def owned_from_summaries(summaries, *, on: dt.date) -> dict[int, int]:
    """``{unit id: community id}`` of the community units owned on ``on``,
    from the dashboard's unit summaries (their rights already loaded)."""
    return {
        summary.unit.pk: summary.community.pk
        for summary in summaries
        if summary.community is not None
        and any(
            right.kind in ledger_queries.OWNERSHIP_KINDS
            and right.valid_from <= on
            and (right.valid_to is None or on <= right.valid_to)
            for right in summary.rights
        )
    }


def votes_awaiting(
    *,
    party: Party,
    now: dt.datetime | None = None,
    owned: dict[int, int] | None = None,
) -> list[Vote]:
    """Open votes in which a unit ``party`` owns has no vote yet (the
    dashboard card). ``owned``: ``{unit id: community id}`` when the caller
    has it (``owned_from_summaries``); else read (three queries at most)."""
    now = now or timezone.now()
    today = _today()
    units = owned
    if units is None:
        units = {
            unit.pk: unit.building.community_id
            for unit in ledger_queries.owned_units(party=party, on=today)
        }
    if not units:
        return []
    votes = list(
        Vote.objects.filter(
            community__in=set(units.values()), opens_at__lte=now, closes_at__gt=now
        ).order_by("closes_at", "pk")
    )
    voted = set(
        Ballot.objects.filter(vote__in=votes, unit__in=units).values_list(
            "vote_id", "unit_id"
        )
    )
    return [
        vote
        for vote in votes
        if any(
            community == vote.community_id and (vote.pk, unit) not in voted
            for unit, community in units.items()
        )
    ]


# --- Casting a vote -------------------------------------------------------------------


def new_receipt() -> str:
    """A receipt number: ``GL-`` and 10 characters, easy to read aloud."""
    while True:
        code = "GL-" + "".join(secrets.choice(RECEIPT_ALPHABET) for _i in range(10))
        if not Ballot.objects.filter(receipt=code).exists():
            return code


@transaction.atomic
def ballot_cast(
    *, vote: Vote, party: Party, user, unit_id: int, choice: str, request=None
) -> Ballot:
    """Record (or change) the vote for one unit ``party`` owns. Refused with a
    Polish ``ValidationError`` outside the window (nothing changes); 404 for a
    unit the party does not own in the community. Audited; the receipt goes
    by e-mail after the commit."""
    # The vote's row is locked: a ballot is either in before the close, or
    # refused; and two co-owners voting at once are recorded one after the other.
    vote = Vote.objects.select_for_update().select_related("community").get(pk=vote.pk)
    now = timezone.now()
    if now < vote.opens_at:
        raise ValidationError(
            _("Voting opens on %(when)s; your vote was not recorded.")
            % {
                "when": format_date(
                    timezone.localtime(vote.opens_at), "DATETIME_FORMAT"
                )
            }
        )
    if now >= vote.closes_at:
        raise ValidationError(
            _("Voting closed on %(when)s; your vote was not recorded.")
            % {
                "when": format_date(
                    timezone.localtime(vote.closes_at), "DATETIME_FORMAT"
                )
            }
        )
    if choice not in Choice.values:
        raise ValidationError(_("Choose: for, against or abstain."))
    unit = (
        ledger_queries.owned_community_units(
            party=party, community=vote.community_id, on=_today()
        )
        .filter(pk=unit_id)
        .first()
    )
    if unit is None:
        raise Http404
    if unit.common_share is None:
        raise ValidationError(
            _(
                "The share of this unit in the common property is not on record, "
                "so its vote cannot be counted. Please contact the estate office."
            )
        )
    owners = ",".join(
        str(pk) for pk in ledger_queries.unit_owner_ids(unit=unit, on=_today())
    )
    ballot = Ballot.objects.select_for_update().filter(vote=vote, unit=unit).first()
    previous = None
    if ballot is None:
        ballot = Ballot(vote=vote, unit=unit, cast_at=now)
        event = Event.VOTE_CAST
    else:
        previous = (ballot.choice, ballot.party_id)
        ballot.changes += 1
        event = Event.VOTE_CHANGED
    ballot.choice = choice
    ballot.party = party
    ballot.user = user if getattr(user, "is_authenticated", False) else None
    ballot.share = unit.common_share
    ballot.owner_ids = owners
    ballot.changed_at = now
    ballot.receipt = new_receipt()
    ballot.full_clean()
    ballot.save()
    audit_record(
        actor=user,
        event=event,
        target=party,
        request=request,
        vote=vote.pk,
        resolution=vote.number,
        unit=unit.code,
        choice=choice,
        previous_choice=previous[0] if previous else None,
        previous_party=previous[1] if previous else None,
        receipt=ballot.receipt,
    )
    _send_receipt(ballot=ballot, vote=vote, unit=unit, party=party, user=user)
    return ballot


def _send_receipt(*, ballot: Ballot, vote: Vote, unit, party: Party, user) -> None:
    """The receipt by e-mail (transactional: always sent when there is an
    address; the account's, else the party's)."""
    address = (getattr(user, "email", "") or party.email or "").strip()
    if not address:
        return
    subject, text, html = render_email(
        "members/area/email/vote_receipt",
        {
            "vote": vote,
            "unit": unit,
            "ballot": ballot,
            "choice": ballot.get_choice_display(),
            "changed_at": format_date(
                timezone.localtime(ballot.changed_at), "DATETIME_FORMAT"
            ),
            "closes_at": format_date(
                timezone.localtime(vote.closes_at), "DATETIME_FORMAT"
            ),
        },
    )
    queue_email(
        to=address,
        subject=subject,
        text=text,
        html=html,
        topic="vote-receipt",
        user=user if getattr(user, "is_authenticated", False) else None,
    )


# --- Counting -------------------------------------------------------------------------


@dataclass
class Tally:
    shares: Decimal = ZERO
    owners: int = 0
    units: int = 0


@dataclass
class VoteResult:
    """The count of a vote: shares and owners for each choice, the totals it
    is measured against, and whether the resolution passes by its rule."""

    rule: str
    tallies: dict[str, Tally] = field(default_factory=dict)
    total_shares: Decimal = ZERO
    total_owners: int = 0
    total_units: int = 0
    final: bool = False

    def tally(self, choice: str) -> Tally:
        return self.tallies.setdefault(choice, Tally())

    @property
    def voted_shares(self) -> Decimal:
        return sum((t.shares for t in self.tallies.values()), ZERO)

    @property
    def voted_owners(self) -> int:
        return sum(t.owners for t in self.tallies.values())

    @property
    def passes_by_shares(self) -> bool:
        return self.tally(Choice.FOR).shares * 2 > self.total_shares

    @property
    def passes_by_owners(self) -> bool:
        return self.tally(Choice.FOR).owners * 2 > self.total_owners

    @property
    def adopted(self) -> bool:
        if self.rule == Vote.Rule.HEADCOUNT:
            return self.passes_by_owners
        return self.passes_by_shares

    def rows(self) -> list[dict]:
        """One row per choice, for the pages and the minutes."""
        return [
            {
                "choice": choice,
                "label": label,
                "shares": self.tally(choice).shares,
                "owners": self.tally(choice).owners,
                "units": self.tally(choice).units,
            }
            for choice, label in Choice.choices
        ]


def community_totals(vote: Vote) -> tuple[Decimal, int, int]:
    """``(shares of all units, owners, units)`` of the vote's community: kept
    at the close, counted from today's owners until then."""
    if vote.total_shares is not None and vote.total_owners is not None:
        return vote.total_shares, vote.total_owners, 0
    units = ledger_queries.community_units_with_owners(
        community=vote.community_id, on=_today()
    )
    shares = sum((u.unit.common_share or ZERO for u in units), ZERO)
    owners = {u.owner_ids for u in units if u.owners}
    return shares, len(owners), len(units)


def vote_ballots(vote: Vote) -> list[Ballot]:
    """Every ballot of ``vote`` with who cast it, oldest change first."""
    return list(
        Ballot.objects.filter(vote=vote)
        .select_related("party")
        .order_by("changed_at", "pk")
    )


def vote_result(vote: Vote, *, ballots: list[Ballot] | None = None) -> VoteResult:
    """Count ``vote`` (one query after the close, three before; ``ballots``:
    ``vote_ballots(vote)`` when the caller has them). By owners, the ballots
    of one owner (the same owners of the unit when it was cast) count once,
    with the choice cast last."""
    total_shares, total_owners, total_units = community_totals(vote)
    result = VoteResult(
        rule=vote.rule,
        total_shares=total_shares,
        total_owners=total_owners,
        total_units=total_units,
        final=vote.closed_noticed_at is not None,
    )
    latest: dict[str, Ballot] = {}
    for ballot in vote_ballots(vote) if ballots is None else ballots:
        tally = result.tally(ballot.choice)
        tally.shares += ballot.share
        tally.units += 1
        latest[ballot.owner_ids] = ballot
    for ballot in latest.values():
        result.tally(ballot.choice).owners += 1
    return result


# --- The windows: announced once by the worker ----------------------------------------


def vote_windows_notice(*, now: dt.datetime | None = None) -> tuple[int, int]:
    """Announce every window that has opened or closed and was not announced
    yet: record it on the vote (at the close with the totals the result is
    counted against) and send ``vote_opened`` / ``vote_closed`` after the
    commit. Run every minute by the worker (``members.jobs``); running it
    again announces nothing twice. Returns ``(opened, closed)``."""
    now = now or timezone.now()
    opened = closed = 0
    with transaction.atomic():
        for vote in Vote.objects.select_for_update().filter(
            opens_at__lte=now, opened_noticed_at__isnull=True
        ):
            vote.opened_noticed_at = now
            vote.save(update_fields=["opened_noticed_at"])
            transaction.on_commit(
                lambda vote=vote: vote_opened.send(sender=Vote, vote=vote)
            )
            opened += 1
    with transaction.atomic():
        for vote in Vote.objects.select_for_update().filter(
            closes_at__lte=now, closed_noticed_at__isnull=True
        ):
            vote.total_shares, vote.total_owners, _units = community_totals(vote)
            vote.closed_noticed_at = now
            vote.save(
                update_fields=["closed_noticed_at", "total_shares", "total_owners"]
            )
            transaction.on_commit(
                lambda vote=vote: vote_closed.send(sender=Vote, vote=vote)
            )
            closed += 1
    return opened, closed


# --- Minutes: the list of votes as PDF and CSV ----------------------------------------


@dataclass
class MinutesRow:
    unit: str
    unit_code: str
    owners: str
    share: Decimal | None
    choice: str
    cast_by: str
    changed_at: dt.datetime | None
    receipt: str


def minutes_rows(vote: Vote) -> list[MinutesRow]:
    """Every unit of the community with its owners (today's, or for a unit
    voted, who cast it), its share and its vote, by address."""
    ballots = {
        b.unit_id: b for b in Ballot.objects.filter(vote=vote).select_related("party")
    }
    rows = []
    for item in ledger_queries.community_units_with_owners(
        community=vote.community_id, on=_today()
    ):
        ballot = ballots.get(item.unit.pk)
        rows.append(
            MinutesRow(
                unit=str(item.unit),
                unit_code=item.unit.code,
                owners=", ".join(owner.name for owner in item.owners)
                or _("(the cooperative)"),
                share=ballot.share if ballot else item.unit.common_share,
                choice=ballot.get_choice_display() if ballot else _("did not vote"),
                cast_by=f"{ballot.party.name} ({ballot.party.number})"
                if ballot
                else "",
                changed_at=timezone.localtime(ballot.changed_at) if ballot else None,
                receipt=ballot.receipt if ballot else "",
            )
        )
    return rows


def rule_text(vote: Vote) -> str:
    if vote.rule == Vote.Rule.HEADCOUNT:
        return _(
            "Decided by owners: one vote per owner (the co-owners of a unit "
            "together have one vote; an owner of several units has one vote, the "
            "last one cast). The resolution is adopted when more than half of "
            "all the owners vote for it."
        )
    return _(
        "Decided by shares in the common property: the resolution is adopted "
        "when the shares of the units voting for it exceed half of the shares "
        "of all the community's units."
    )


def minutes_csv(vote: Vote) -> str:
    """The list of votes as CSV (``ledger.csv_writer``)."""
    out = io.StringIO()
    write_rows(
        out,
        [
            _("Unit"),
            _("Unit code"),
            _("Owners"),
            _("Share in the common property"),
            _("Vote"),
            _("Cast by"),
            _("Last changed"),
            _("Receipt number"),
        ],
        (
            [
                row.unit,
                row.unit_code,
                row.owners,
                row.share,
                row.choice,
                row.cast_by,
                row.changed_at,
                row.receipt,
            ]
            for row in minutes_rows(vote)
        ),
        bom=True,
    )
    return out.getvalue()


def minutes_pdf(vote: Vote) -> bytes:
    """The list of votes for the minutes, with the result (``ledger.pdf``)."""
    community = vote.community
    lines = [community.address] if community.address else []
    if community.nip:
        lines.append(_("NIP %(nip)s") % {"nip": community.nip})
    title = _("Resolution %(number)s: list of votes") % {"number": vote.number}
    document = Document(
        title=title,
        letterhead=Letterhead(community.name, lines),
        footer=_("IOK – printed on %(when)s")
        % {"when": format_date(timezone.localtime(), "SHORT_DATETIME_FORMAT")},
        page_label=_("Page %(page)s of %(pages)s"),
    )
    document.heading(title)
    document.paragraph(vote.title, bold=True)
    result = vote_result(vote)
    document.figures(
        [
            (
                _("Voting"),
                _("from %(opens)s to %(closes)s")
                % {
                    "opens": format_date(
                        timezone.localtime(vote.opens_at), "SHORT_DATETIME_FORMAT"
                    ),
                    "closes": format_date(
                        timezone.localtime(vote.closes_at), "SHORT_DATETIME_FORMAT"
                    ),
                },
            ),
            (_("Deciding rule"), rule_text(vote)),
            (_("Shares of all units"), format_share(result.total_shares)),
            (_("Owners entitled to vote"), str(result.total_owners)),
            *[
                (
                    row["label"].capitalize(),
                    _("%(shares)s of shares; %(owners)s owners")
                    % {
                        "shares": format_share(row["shares"]),
                        "owners": row["owners"],
                    },
                )
                for row in result.rows()
            ],
            (
                _("Result"),
                (_("adopted") if result.adopted else _("not adopted"))
                + ("" if result.final else " " + _("(voting not closed yet)")),
            ),
        ]
    )
    document.table(
        Table(
            columns=[
                Column(_("Unit"), 2.0),
                Column(_("Owners"), 2.2),
                Column(_("Share"), 1.4, "RIGHT"),
                Column(_("Vote"), 1.1),
                Column(_("Cast by, when"), 2.3),
                Column(_("Receipt number"), 2.0),
            ],
            rows=[
                [
                    row.unit,
                    row.owners,
                    format_share(row.share),
                    row.choice,
                    (
                        f"{row.cast_by}, "
                        f"{format_date(row.changed_at, 'SHORT_DATETIME_FORMAT')}"
                    )
                    if row.changed_at
                    else "",
                    row.receipt,
                ]
                for row in minutes_rows(vote)
            ],
        )
    )
    return document.to_bytes()


def attachment_for(*, vote: Vote, attachment_id: int) -> VoteAttachment:
    """One attachment of ``vote`` (already authorised); 404 for another id."""
    try:
        return vote.attachments.get(pk=attachment_id)
    except (VoteAttachment.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
