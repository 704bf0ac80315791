"""Account reads for the office screens."""

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from axes.helpers import get_cool_off
from axes.models import AccessAttempt

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


def lockout_failures(*, usernames: list[str]) -> dict[str, int]:
    """Recent failed logins per identifier (from every address), in one query."""
    attempts = AccessAttempt.objects.filter(username__in=usernames)
    cool_off = get_cool_off()
    if cool_off:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
    totals = attempts.values("username").annotate(total=Sum("failures_since_start"))
    return {row["username"]: row["total"] for row in totals}
