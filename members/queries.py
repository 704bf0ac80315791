"""Account reads for the office screens."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from ledger.models import Party, UnitRight


def holds_a_right(*, on: dt.date) -> Exists:
    """Whether the party of the outer row holds a right to some unit on ``on``:
    only such a party may get an account (registration at the office)."""
    return Exists(UnitRight.objects.valid_on(on).filter(party=OuterRef("pk")))


def parties_search(*, query: str, limit: int = 50) -> QuerySet[Party]:
    """Parties whose number, name or account identifier matches ``query``,
    with their account (if any) loaded in the same query."""
    query = query.strip()
    parties = (
        Party.objects.select_related("user")
        .annotate(holds_a_right=holds_a_right(on=timezone.localdate()))
        .order_by("name", "number")
    )
    if not query:
        return parties.none()
    return parties.filter(
        Q(number__icontains=query)
        | Q(name__icontains=query)
        | Q(user__username__iexact=query)
    )[:limit]


def resident_accounts() -> QuerySet:
    return get_user_model()._default_manager.filter(party__isnull=False)
