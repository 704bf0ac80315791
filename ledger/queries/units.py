"""Units, rights and housing communities as a party sees them."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, QuerySet

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


def estate_offices() -> list[Estate]:
    """Every estate office (public contact data, no member data): the one list
    the public contact page and the member area's office cards show."""
    return list(Estate.objects.order_by("name"))
