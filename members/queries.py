"""Account reads for the office screens."""

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from ledger.models import Party


def parties_search(*, query: str, limit: int = 50) -> QuerySet[Party]:
    """Parties whose number, name or account identifier matches ``query``,
    with their account (if any) loaded in the same query."""
    query = query.strip()
    parties = Party.objects.select_related("user").order_by("name", "number")
    if not query:
        return parties.none()
    return parties.filter(
        Q(number__icontains=query)
        | Q(name__icontains=query)
        | Q(user__username__iexact=query)
    )[:limit]


def resident_accounts() -> QuerySet:
    return get_user_model()._default_manager.filter(party__isnull=False)
