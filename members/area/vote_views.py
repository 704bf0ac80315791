"""The member pages of the ``votes`` zone: the votes of the resident's
housing communities, one vote (text, attachments, a ballot per unit owned,
the result after the close), the receipt, and the attachments.

A vote is found only among the communities in which the resident owns a unit
today (``members.area.votes.vote_for_party``): another community's vote, or
a tenant's request, is a 404. The URL arguments are ``vote_id`` and
``attachment_id``, never ``unit_id``: a vote is not a page of one unit's zone
(``members.area.zones.UNIT_URL_KWARG``).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ledger.formatting import format_date
from members.decorators import member_required

from . import services, votes
from .forms import BallotForm
from .views import _party, _render


@member_required
def votes_view(request: HttpRequest) -> HttpResponse:
    party = _party(request)
    now = timezone.now()
    all_votes = votes.votes_for_party(party=party)
    return _render(
        request,
        "votes.html",
        {
            "open_votes": [v for v in all_votes if v.is_open(now)],
            "coming_votes": [v for v in all_votes if now < v.opens_at],
            "closed_votes": [v for v in all_votes if v.is_closed(now)],
            "awaiting": {v.pk for v in votes.votes_awaiting(party=party, now=now)},
        },
    )


@member_required
@require_http_methods(["GET", "POST"])
def vote_view(request: HttpRequest, vote_id: int) -> HttpResponse:
    party = _party(request)
    vote = votes.vote_for_party(party=party, vote_id=vote_id)
    now = timezone.now()
    form = BallotForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                ballot = votes.ballot_cast(
                    vote=vote,
                    party=party,
                    user=request.user,
                    unit_id=form.cleaned_data["unit"],
                    choice=form.cleaned_data["choice"],
                    request=request,
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(
                    request,
                    _("Your vote was recorded: %(choice)s. Receipt number %(receipt)s.")
                    % {
                        "choice": ballot.get_choice_display(),
                        "receipt": ballot.receipt,
                    },
                )
                return redirect("members:vote-receipt", vote_id=vote.pk)
        else:
            messages.error(request, _("Choose the unit and your vote."))
        return redirect("members:vote", vote_id=vote.pk)
    closed = vote.is_closed(now)
    # After the close the page shows the result: one read of the ballots.
    ballots = votes.vote_ballots(vote) if closed else None
    units = votes.unit_ballots(party=party, vote=vote, ballots=ballots)
    return _render(
        request,
        "vote_detail.html",
        {
            "vote": vote,
            "is_open": vote.is_open(now),
            "closed": closed,
            "not_yet": now < vote.opens_at,
            "units": units,
            "has_ballot": any(item.ballot for item in units),
            "attachments": list(vote.attachments.all()),
            "choices": votes.Choice.choices,
            "rule_text": votes.rule_text(vote),
            "result": votes.vote_result(vote, ballots=ballots) if closed else None,
        },
    )


@member_required
def vote_receipt_view(request: HttpRequest, vote_id: int) -> HttpResponse:
    party = _party(request)
    vote = votes.vote_for_party(party=party, vote_id=vote_id)
    units = [item for item in votes.unit_ballots(party=party, vote=vote) if item.ballot]
    if not units:
        raise Http404
    return _render(
        request,
        "vote_receipt.html",
        {
            "vote": vote,
            "units": units,
            "closes_at": format_date(
                timezone.localtime(vote.closes_at), "DATETIME_FORMAT"
            ),
            "is_open": vote.is_open(),
        },
    )


@member_required
def vote_attachment_view(
    request: HttpRequest, vote_id: int, attachment_id: int
) -> FileResponse:
    party = _party(request)
    vote = votes.vote_for_party(party=party, vote_id=vote_id)
    return attachment_response(
        votes.attachment_for(vote=vote, attachment_id=attachment_id)
    )


def attachment_response(attachment) -> FileResponse:
    """A vote's attachment as a download, by its stored (checked) type: the
    resident's view above and the staff view use it."""
    filename, content_type = services.stored_file_download(
        attachment.file.name, attachment.name
    )
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        handle, as_attachment=True, filename=filename, content_type=content_type
    )
