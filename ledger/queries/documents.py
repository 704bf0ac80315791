"""Personal documents as a resident sees them (issue 18).

The rule: a party sees the documents addressed to it about a unit only while
it holds a right to that unit today. A former holder loses access from the
first day after the right's ``valid_to`` (the right is valid through that day
inclusive), also to the documents of the time they held it: those letters
were delivered while they could read them, and what stays with the unit is
the accounting system's copy. Other holders of the same unit (spouses,
co-owners) do not see each other's documents: each is addressed to one party.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from ledger.models import Party, PersonalDocument

from .base import held_on


def documents_for_party(*, party: Party, on: dt.date) -> QuerySet[PersonalDocument]:
    """The party's documents of the units it holds on ``on``, newest first
    (one query)."""
    return (
        PersonalDocument.objects.filter(held_on(party=party, on=on), party=party)
        .select_related("unit")
        .order_by("-date", "-id")
    )


def document_for_party(
    *, party: Party, document_id: int, on: dt.date
) -> PersonalDocument:
    """One document the party may read on ``on``; ``Http404`` for any other id
    (another resident's, a unit no longer held, no such document)."""
    from django.http import Http404

    try:
        return documents_for_party(party=party, on=on).get(pk=int(document_id))
    except (PersonalDocument.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def unread_documents_count(*, party: Party, on: dt.date) -> int:
    """How many of the party's readable documents it has not opened yet."""
    return documents_for_party(party=party, on=on).filter(read_at__isnull=True).count()


def held_documents(*, party: Party) -> QuerySet[PersonalDocument]:
    """Every document addressed to the party, whichever units it still holds:
    for its own data export (GDPR), which lists what the portal keeps about it."""
    return (
        PersonalDocument.objects.filter(party=party)
        .select_related("unit")
        .order_by("-date", "-id")
    )
