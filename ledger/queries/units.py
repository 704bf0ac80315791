"""Units, rights and housing communities as a party sees them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, QuerySet, Subquery

from ledger.models import Estate, HousingCommunity, Party, Unit, UnitRight

from .base import UnitNotVisible, held_on


def units_for_party(*, party: Party, on: dt.date) -> QuerySet[Unit]:
    """Units the party holds a right to on day ``on``, with building, estate
    (and its office) and community loaded, ordered by address."""
    return (
        Unit.objects.filter(held_on(party=party, on=on, unit_ref="pk"))
        .select_related("building__estate", "building__community")
        .order_by("zone", "building__address", "number")
    )


def unit_for_party(*, party: Party, unit_id: int, on: dt.date) -> Unit:
    """One unit the party holds a right to on ``on``; ``UnitNotVisible`` for
    any other id (including another member's unit)."""
    try:
        return units_for_party(party=party, on=on).get(pk=unit_id)
    except (Unit.DoesNotExist, ValueError, TypeError):
        raise UnitNotVisible from None


def rights_for_party(*, party: Party, on: dt.date) -> QuerySet[UnitRight]:
    """The party's rights valid on ``on``, with their units."""
    return (
        UnitRight.objects.valid_on(on)
        .filter(party=party)
        .select_related("unit__building__estate")
        .order_by("unit__building__address", "unit__number")
    )


def communities_for_party(*, party: Party, on: dt.date) -> QuerySet[HousingCommunity]:
    """Housing communities in which the party holds a unit on ``on`` (whose
    notices it may read: zone 5 of rules §III.2)."""
    valid_rights = UnitRight.objects.valid_on(on).filter(
        party=party, unit__building__community=OuterRef("pk")
    )
    return HousingCommunity.objects.filter(Exists(valid_rights)).order_by("name")


# --- Owners of a housing community's units ------------------------------------------

#: The right that makes a party an owner of a unit in a housing community, with
#: a vote on its resolutions: separate ownership ("odrębna własność lokalu").
#: Tenants and holders of the cooperative's rights do not vote; the units the
#: cooperative still owns are voted by the cooperative itself, outside IOK.
OWNERSHIP_KINDS = (UnitRight.Kind.SEPARATE_OWNERSHIP,)


def owned_community_units(
    *, party: Party, community: HousingCommunity | int, on: dt.date
) -> QuerySet[Unit]:
    """Units of ``community`` that ``party`` owns on ``on`` (an ownership
    right valid that day), with their buildings and ``owner_count`` (how many
    parties own each that day), by address."""
    owned = UnitRight.objects.valid_on(on).filter(
        party=party, unit=OuterRef("pk"), kind__in=OWNERSHIP_KINDS
    )
    owners = (
        UnitRight.objects.valid_on(on)
        .filter(unit=OuterRef("pk"), kind__in=OWNERSHIP_KINDS)
        .values("unit")
        .annotate(count=Count("party", distinct=True))
        .values("count")
    )
    return (
        Unit.objects.filter(Exists(owned), building__community=community)
        .annotate(owner_count=Subquery(owners))
        .select_related("building")
        .order_by("building__address", "number")
    )


def owned_units(*, party: Party, on: dt.date) -> QuerySet[Unit]:
    """Every unit in a housing community that ``party`` owns on ``on``."""
    owned = UnitRight.objects.valid_on(on).filter(
        party=party, unit=OuterRef("pk"), kind__in=OWNERSHIP_KINDS
    )
    return Unit.objects.filter(
        Exists(owned), building__community__isnull=False
    ).select_related("building")


def owner_communities(*, party: Party, on: dt.date) -> QuerySet[HousingCommunity]:
    """Housing communities in which ``party`` owns a unit on ``on``."""
    owned = UnitRight.objects.valid_on(on).filter(
        party=party, unit__building__community=OuterRef("pk"), kind__in=OWNERSHIP_KINDS
    )
    return HousingCommunity.objects.filter(Exists(owned)).order_by("name")


def unit_owner_ids(*, unit: Unit | int, on: dt.date) -> tuple[int, ...]:
    """The ids of the parties owning ``unit`` on ``on``, in order."""
    return tuple(
        UnitRight.objects.valid_on(on)
        .filter(unit=unit, kind__in=OWNERSHIP_KINDS)
        .order_by("party_id")
        .values_list("party_id", flat=True)
        .distinct()
    )


@dataclass(frozen=True)
class CommunityUnit:
    """A unit of a housing community with its owners on a day."""

    unit: Unit
    owners: tuple[Party, ...]

    @property
    def owner_ids(self) -> tuple[int, ...]:
        return tuple(sorted(owner.pk for owner in self.owners))


def community_units_with_owners(
    *, community: HousingCommunity | int, on: dt.date
) -> list[CommunityUnit]:
    """Every unit of ``community`` (its buildings) with its owners on ``on``
    (none for a unit the cooperative still owns), by address: the voters and
    shares of a vote (two queries)."""
    units = list(
        Unit.objects.filter(building__community=community)
        .select_related("building")
        .order_by("building__address", "number")
    )
    owners: dict[int, list[Party]] = {}
    rights = (
        UnitRight.objects.valid_on(on)
        .filter(unit__building__community=community, kind__in=OWNERSHIP_KINDS)
        .select_related("party")
        .order_by("party__name", "pk")
    )
    for right in rights:
        owners.setdefault(right.unit_id, []).append(right.party)
    return [CommunityUnit(unit, tuple(owners.get(unit.pk, ()))) for unit in units]


def estate_offices() -> list[Estate]:
    """Every estate office (public contact data, no member data): the one list
    the public contact page and the member area's office cards show."""
    return list(Estate.objects.order_by("name"))
