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


# --- Estate offices: which residents' matters a member of staff handles --------------

ALL_ESTATE_OFFICES = "members.all_estate_offices"


def sees_every_estate_office(user) -> bool:
    """Superusers and staff with ``members.all_estate_offices``."""
    return user.is_superuser or user.has_perm(ALL_ESTATE_OFFICES)


def staff_estate_ids(user) -> set[int] | None:
    """The estates whose offices ``user`` works in, or ``None`` for "every
    office" (superusers and staff with ``members.all_estate_offices``: the
    central office's registrars, the board). Staff of no office and without
    that permission handle nothing. Cached on the user object per request."""
    cached = getattr(user, "_iok_estate_ids", False)
    if cached is not False:
        return cached
    if sees_every_estate_office(user):
        result = None
    else:
        from members.models import EstateOfficeStaff

        result = set(
            EstateOfficeStaff.objects.filter(user=user).values_list(
                "estate_id", flat=True
            )
        )
    user._iok_estate_ids = result
    return result


def for_staff_estates(queryset: QuerySet, user, *, unit_path: str = "unit") -> QuerySet:
    """``queryset`` (of rows with a unit) narrowed to the units in buildings of
    the estates ``user``'s office serves (the rule of rules §III.5: the estate
    office that serves the unit). Repair requests and discrepancy reports use
    it in the admin, the staff downloads and the to-do list."""
    if sees_every_estate_office(user):
        return queryset
    from members.models import EstateOfficeStaff

    # A subquery, not a list: the to-do panel keeps its one query.
    estates = EstateOfficeStaff.objects.filter(user=user).values("estate_id")
    return queryset.filter(**{f"{unit_path}__building__estate_id__in": estates})


def estate_office_staff(*, estate_id: int) -> QuerySet:
    """Accounts that may be assigned a request of ``estate_id``: that office's
    staff, and staff who handle every office."""
    users = get_user_model()._default_manager.filter(is_active=True, party__isnull=True)
    return (
        users.filter(
            Q(estate_offices__estate_id=estate_id)
            | Q(is_superuser=True)
            | Q(user_permissions__codename="all_estate_offices")
            | Q(groups__permissions__codename="all_estate_offices")
        )
        .distinct()
        .order_by("username")
    )
